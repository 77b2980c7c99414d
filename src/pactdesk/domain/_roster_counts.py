"""Stage 1 of the roster solve: how many shifts start at each hour (agents pooled).

A small CP-SAT model of integers ``n[t, offset]`` — shifts starting at hour ``t`` with
their break at ``offset`` — that minimises uncovered agent-hours, then the number of
shifts. It pools the agents, so it is a relaxation of the full model: at most as many
shifts start at ``t`` as agents may work then, at most that many in any window of
``shift_hours + min_rest_hours`` hours of starts or in one day, and at most the sum of
everyone's weekly limits in the week. Its optimum bounds the full model's cover from
below, and stage 2 (:mod:`pactdesk.domain._roster_model`) tries to give exactly these
shifts to named agents. It solves in about a second for 40 agents.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from pactdesk.domain._roster_inputs import HOURS_IN_WEEK

if TYPE_CHECKING:
    from pactdesk.domain._roster_model import Problem

Counts = dict[tuple[int, int | None], int]


def shift_counts(
    problem: Problem, *, available: dict[int, int], time_limit: float, workers: int, seed: int
) -> tuple[Counts, bool] | None:
    """``({(start, offset): count}, proven optimal)``, or ``None`` if none found in time.

    ``available[t]`` is the number of agents who may work the shift starting at ``t``.
    """
    if not available:
        return {}, True
    rules = problem.rules
    offsets: tuple[int | None, ...] = rules.break_offsets or (None,)
    model = cp_model.CpModel()
    counts = {
        (start, offset): model.new_int_var(0, most, f"n[{start},{offset}]")
        for start, most in available.items()
        for offset in offsets
    }
    starting = {start: sum(counts[start, offset] for offset in offsets) for start in available}
    for start, most in available.items():
        model.add(starting[start] <= most)
    window = rules.shift_hours + rules.min_rest_hours
    pool = len(problem.agents)
    for first in available:
        hours = {(first + k) % HOURS_IN_WEEK for k in range(window)}
        model.add(sum(starting[t] for t in hours if t in starting) <= pool)
    for day in range(7):
        today = [starting[t] for t in range(24 * day, 24 * day + 24) if t in starting]
        if today:
            model.add(sum(today) <= pool)
    limits = sum(rules.max_shifts if a.max_shifts is None else a.max_shifts for a in problem.agents)
    model.add(sum(starting.values()) <= limits)

    working: list[list[cp_model.IntVar]] = [[] for _ in range(HOURS_IN_WEEK)]
    for (start, offset), count in counts.items():
        for k in range(rules.shift_hours):
            if k != offset:
                working[(start + k) % HOURS_IN_WEEK].append(count)
    shortfall = []
    for hour, needed in enumerate(problem.requirement):
        short = model.new_int_var(0, needed, f"short[{hour}]")
        model.add(sum(working[hour]) + short >= needed)
        shortfall.append(short)
    # One uncovered agent-hour outweighs every shift the week can hold.
    model.minimize((limits + 1) * sum(shortfall) + sum(starting.values()))

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    # Every constraint in the LP: at the default level the bound stays near zero and
    # even one agent's week is not proven optimal in seconds.
    solver.parameters.linearization_level = 2
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    found = {key: value for key, var in counts.items() if (value := solver.value(var))}
    return found, status == cp_model.OPTIMAL
