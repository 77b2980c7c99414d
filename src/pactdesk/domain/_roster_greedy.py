"""A first roster by greedy cover: the solver's starting point and its fallback.

Repeatedly take the shift (start and break) that covers the most still-uncovered
agent-hours and give it to the cheapest agent who may work it under every rule of the
model (leave, shifts a week, one start a day, rest round the cycle, and the weekend
balance: a weekend shift goes only to an agent with the fewest weekend shifts so far,
so the counts never differ by more than one). Stops when no shift adds cover. It is
deterministic and takes well under a second for 40 agents; CP-SAT starts from it
(a solution hint) and improves it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pactdesk.domain._roster_inputs import HOURS_IN_WEEK, WEEKEND
from pactdesk.domain._roster_model import Pick

if TYPE_CHECKING:
    from pactdesk.domain._roster_model import Problem
    from pactdesk.domain.rosters import RosterAgent


@dataclass
class _Agent:
    agent: RosterAgent
    rank: int  # rotation position: lower takes weekend shifts first
    limit: int
    leave: frozenset[int]
    balanced: bool  # no leave on a weekend hour: counts in the weekend balance
    starts: list[int] = field(default_factory=list)
    weekends: int = 0


def greedy_roster(problem: Problem, *, weekend_starts: frozenset[int]) -> list[Pick]:
    """Shifts ``(agent, start, break_start)`` chosen greedily; see the module docstring."""
    count = len(problem.agents)
    staff = [
        _Agent(
            agent=agent,
            rank=(index - problem.week_index) % count,
            limit=problem.limit(agent),
            leave=agent.leave(),
            balanced=not agent.leave() & WEEKEND,
        )
        for index, agent in enumerate(problem.agents)
    ]
    staff.sort(key=lambda s: (s.agent.cost_per_hour, s.rank))
    starts = problem.starts()
    missing = list(problem.requirement)
    picks: list[Pick] = []
    # The weekend first: its balance rule makes it the scarce part of everyone's week.
    for phase in (sorted(weekend_starts & set(starts)), starts):
        picks += _fill(problem, staff, phase, missing=missing, weekend_starts=weekend_starts)
    return picks


def _fill(
    problem: Problem,
    staff: list[_Agent],
    starts: list[int],
    *,
    missing: list[int],
    weekend_starts: frozenset[int],
) -> list[Pick]:
    rules = problem.rules
    offsets = problem.offsets()
    picks: list[Pick] = []
    while True:
        options = sorted(
            (-_gain(missing, start, offset, rules.shift_hours), start, offset)
            for start in starts
            for offset in offsets
        )
        chosen = next(
            (
                (start, offset, member)
                for gain, start, offset in options
                if gain < 0
                for member in [_first_free(staff, start, problem, weekend_starts)]
                if member is not None
            ),
            None,
        )
        if chosen is None:
            return picks
        start, offset, member = chosen
        member.starts.append(start)
        member.weekends += start in weekend_starts
        brk = None if offset is None else (start + offset) % HOURS_IN_WEEK
        picks.append((member.agent.name, start, brk))
        for k in range(rules.shift_hours):
            if k != offset:
                hour = (start + k) % HOURS_IN_WEEK
                missing[hour] = max(0, missing[hour] - 1)


def _gain(missing: list[int], start: int, offset: int | None, hours: int) -> int:
    return sum(1 for k in range(hours) if k != offset and missing[(start + k) % HOURS_IN_WEEK] > 0)


def _first_free(
    staff: list[_Agent], start: int, problem: Problem, weekend_starts: frozenset[int]
) -> _Agent | None:
    rules = problem.rules
    window = rules.shift_hours + rules.min_rest_hours
    hours = [(start + k) % HOURS_IN_WEEK for k in range(rules.shift_hours)]
    weekend = start in weekend_starts
    fewest = min((s.weekends for s in staff if s.balanced), default=0)
    for member in staff:
        if (
            len(member.starts) >= member.limit
            or any(hour in member.leave for hour in hours)
            or any(
                other // 24 == start // 24
                or (start - other) % HOURS_IN_WEEK < window
                or (other - start) % HOURS_IN_WEEK < window
                for other in member.starts
            )
            or (weekend and member.balanced and member.weekends > fewest)
        ):
            continue
        return member
    return None
