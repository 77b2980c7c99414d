"""The full CP-SAT roster model (stages 2 and 3 of :mod:`pactdesk.domain._roster_solve`).

Variables: ``x[a, t]`` — agent ``a`` works the shift starting at hour of week ``t`` (no
variable for a shift that touches the agent's leave); ``b[t, offset]`` — how many of
the shifts starting at ``t`` take their break at ``offset`` (where a break falls
matters to no agent's rule, only to the cover, so it is chosen per start rather than
per agent: half the variables); ``short[h]`` — agents missing at hour ``h``.
Constraints and objective: see :mod:`pactdesk.domain.rosters`.

The rest rule is a sliding window: two shifts of one agent whose starts are fewer than
``shift_hours + min_rest_hours`` hours apart round the cycle leave less than the rest
between them, so every such window of starts holds at most one shift.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from pactdesk.domain._roster_inputs import HOURS_IN_WEEK, MAX_COST_DECIMALS, WEEKEND
from pactdesk.domain.errors import RosterCode, RosterError

if TYPE_CHECKING:
    from pactdesk.domain.rosters import RosterAgent, ShiftRules

Pick = tuple[str, int, int | None]  # agent, start, break start (hours of week)
Counts = dict[tuple[int, int | None], int]  # (start, break offset) -> shifts
Choices = dict[tuple[str, int], cp_model.IntVar]
Breaks = dict[tuple[int, int | None], cp_model.IntVar]
# The objective stays below 2^53 so that CP-SAT's floating-point bounds are exact.
_LARGEST_OBJECTIVE = 2**53


@dataclass(frozen=True)
class Problem:
    """Checked inputs of one roster."""

    requirement: tuple[int, ...]
    agents: tuple[RosterAgent, ...]
    rules: ShiftRules
    week_index: int

    def limit(self, agent: RosterAgent) -> int:
        """The agent's most shifts a week."""
        return self.rules.max_shifts if agent.max_shifts is None else agent.max_shifts

    def starts(self) -> list[int]:
        """Every allowed start, as hours of the week, in order."""
        return sorted(24 * day + hour for day in range(7) for hour in self.rules.start_hours)

    def offsets(self) -> tuple[int | None, ...]:
        """The break offsets, ``(None,)`` for shifts without a break."""
        return self.rules.break_offsets or (None,)

    def hours(self, start: int) -> list[int]:
        """The hours of the week a shift starting at ``start`` occupies, break included."""
        return [(start + k) % HOURS_IN_WEEK for k in range(self.rules.shift_hours)]

    def weekend_starts(self) -> frozenset[int]:
        """The starts whose shift has an hour on Saturday or Sunday."""
        return frozenset(t for t in range(HOURS_IN_WEEK) if WEEKEND.intersection(self.hours(t)))

    def may_work(self, agent: RosterAgent, start: int) -> bool:
        """Whether the shift starting at ``start`` misses the agent's leave."""
        return self.limit(agent) > 0 and not agent.leave().intersection(self.hours(start))


@dataclass(frozen=True)
class FullModel:
    """The model and the variables the solve reads back."""

    model: cp_model.CpModel
    choices: Choices
    breaks: Breaks
    shortfall: list[cp_model.IntVar]


def build(problem: Problem, *, counts: Counts | None) -> FullModel:
    """The full model; with ``counts``, exactly those shifts (stage 2, no objective)."""
    model = cp_model.CpModel()
    choices = _shift_variables(model, problem, counts)
    shortfall, breaks = _cover(model, problem, choices)
    weekend = _working_time(model, problem, choices)
    if counts is None:
        _objective(model, problem, choices, shortfall, weekend)
    else:
        for key, var in breaks.items():
            model.add(var == counts.get(key, 0))
    return FullModel(model=model, choices=choices, breaks=breaks, shortfall=shortfall)


def read(problem: Problem, full: FullModel, solver: cp_model.CpSolver) -> list[Pick]:
    """The chosen shifts; breaks go to the agents of a start in the agents' order."""
    working = {key for key, var in full.choices.items() if solver.value(var)}
    picks: list[Pick] = []
    for start in sorted({start for _, start in working}):
        names = [agent.name for agent in problem.agents if (agent.name, start) in working]
        for offset in problem.offsets():
            taken = solver.value(full.breaks[start, offset])
            brk = None if offset is None else (start + offset) % HOURS_IN_WEEK
            picks += [(name, start, brk) for name in names[:taken]]
            names = names[taken:]
    return picks


def hint(full: FullModel, problem: Problem, picks: list[Pick]) -> None:
    """Hint every variable with ``picks``, so the search starts from that roster."""
    chosen = {(name, start) for name, start, _ in picks}
    for choice, var in full.choices.items():
        full.model.add_hint(var, choice in chosen)
    placed = placements(picks)
    for placement, count in full.breaks.items():
        full.model.add_hint(count, placed.get(placement, 0))
    rostered = [0] * HOURS_IN_WEEK
    for _, start, brk in picks:
        for hour in problem.hours(start):
            rostered[hour] += hour != brk
    for hour, var in enumerate(full.shortfall):
        full.model.add_hint(var, max(0, problem.requirement[hour] - rostered[hour]))


def placements(picks: Iterable[Pick]) -> Counts:
    """``{(start, break offset): shifts}`` of a list of shifts."""
    placed: Counts = {}
    for _, start, brk in picks:
        offset = None if brk is None else (brk - start) % HOURS_IN_WEEK
        placed[start, offset] = placed.get((start, offset), 0) + 1
    return placed


def _shift_variables(model: cp_model.CpModel, problem: Problem, counts: Counts | None) -> Choices:
    """``x[a, t]``, only for shifts clear of leave (and, with ``counts``, among them)."""
    starts = problem.starts()
    if counts is not None:
        starts = sorted({start for start, _ in counts})
    return {
        (agent.name, start): model.new_bool_var(f"x[{agent.name},{start}]")
        for agent in problem.agents
        for start in starts
        if problem.may_work(agent, start)
    }


def _cover(
    model: cp_model.CpModel, problem: Problem, choices: Choices
) -> tuple[list[cp_model.IntVar], Breaks]:
    """Breaks placed per start, and ``short[h] >= required[h] - working[h]``.

    Where a break falls does not matter to any agent's rules, only to the cover, so the
    model splits the number of shifts starting at ``t`` into integers ``b[t, offset]``
    rather than giving every agent a variable per break offset.
    """
    rules = problem.rules
    offsets = problem.offsets()
    by_start: dict[int, list[cp_model.IntVar]] = {}
    for (_, start), var in choices.items():
        by_start.setdefault(start, []).append(var)
    breaks: Breaks = {}
    working: list[list[cp_model.IntVar]] = [[] for _ in range(HOURS_IN_WEEK)]
    for start, group in by_start.items():
        split = [model.new_int_var(0, len(group), f"b[{start},{o}]") for o in offsets]
        model.add(sum(split) == sum(group))
        for offset, count in zip(offsets, split, strict=True):
            breaks[start, offset] = count
            for k in range(rules.shift_hours):
                if k != offset:
                    working[(start + k) % HOURS_IN_WEEK].append(count)
    shortfall = []
    for hour, needed in enumerate(problem.requirement):
        short = model.new_int_var(0, needed, f"short[{hour}]")
        if needed:
            model.add(sum(working[hour]) + short >= needed)
        shortfall.append(short)
    return shortfall, breaks


def _working_time(
    model: cp_model.CpModel, problem: Problem, choices: Choices
) -> dict[str, cp_model.LinearExprT]:
    """Rest, one start a day, shifts a week and the weekend balance; weekend counts."""
    rules = problem.rules
    window = rules.shift_hours + rules.min_rest_hours
    weekend_starts = problem.weekend_starts()
    by_agent: dict[str, dict[int, cp_model.IntVar]] = {}
    for (name, start), var in choices.items():
        by_agent.setdefault(name, {})[start] = var
    weekend: dict[str, cp_model.LinearExprT] = {}
    for agent in problem.agents:
        starts = by_agent.get(agent.name, {})
        model.add(sum(starts.values()) <= problem.limit(agent))
        for day in range(7):
            model.add_at_most_one(_starting(starts, range(24 * day, 24 * day + 24)))
        for first in starts:
            model.add_at_most_one(_starting(starts, range(first, first + window)))
        weekend[agent.name] = sum(var for start, var in starts.items() if start in weekend_starts)
    balanced = [weekend[a.name] for a in problem.agents if not a.leave() & WEEKEND]
    if len(balanced) > 1:
        most = model.new_int_var(0, 7, "weekend_most")
        least = model.new_int_var(0, 7, "weekend_least")
        model.add_max_equality(most, balanced)
        model.add_min_equality(least, balanced)
        model.add(most - least <= 1)
    return weekend


def _starting(starts: dict[int, cp_model.IntVar], hours: range) -> list[cp_model.IntVar]:
    return [starts[hour % HOURS_IN_WEEK] for hour in hours if hour % HOURS_IN_WEEK in starts]


def _objective(
    model: cp_model.CpModel,
    problem: Problem,
    choices: Choices,
    shortfall: list[cp_model.IntVar],
    weekend: dict[str, cp_model.LinearExprT],
) -> None:
    """Uncovered agent-hours, then cost, then the weekend rotation: weights keep the order.

    Each level's weight exceeds the largest total of every level below it, so no amount
    of a lower level can buy one unit of a higher one.
    """
    agents = problem.agents
    count = len(agents)
    rules = problem.rules
    # Rotation: the agent at position (i - week_index) mod n pays that much + 1 per
    # weekend shift, so the cheapest-to-load agents move on by one each week.
    rotation = {a.name: 1 + (i - problem.week_index) % count for i, a in enumerate(agents)}
    tie_most = sum(rotation.values()) * 7
    shift_cost = _shift_costs(agents, hours=rules.shift_hours)
    cost_most = sum(shift_cost[a.name] * rules.max_shifts for a in agents)
    cost_weight = tie_most + 1
    short_weight = cost_weight * cost_most + tie_most + 1
    if short_weight * sum(problem.requirement) > _LARGEST_OBJECTIVE:
        raise RosterError(
            RosterCode.INVALID_COST,
            "the costs per hour differ too finely to weigh exactly against the cover; "
            "round them to fewer decimals",
            field="agents",
        )
    short = cp_model.LinearExpr.sum(shortfall)
    cost = cp_model.LinearExpr.weighted_sum(
        list(choices.values()), [shift_cost[name] for name, _ in choices]
    )
    tie = cp_model.LinearExpr.weighted_sum(list(weekend.values()), [rotation[n] for n in weekend])
    model.minimize(short_weight * short + cost_weight * cost + tie)


def _shift_costs(agents: Iterable[RosterAgent], *, hours: int) -> dict[str, int]:
    """Each agent's shift cost in the smallest whole unit all costs share (their GCD)."""
    scale = Decimal(1).scaleb(MAX_COST_DECIMALS)
    units = {agent.name: int(agent.cost_per_hour * scale) for agent in agents}
    common = math.gcd(*units.values()) or 1
    return {name: unit // common * hours for name, unit in units.items()}
