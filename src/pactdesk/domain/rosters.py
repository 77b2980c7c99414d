"""Week-cyclic rosters: which shifts to work and who works them (pure; OR-Tools CP-SAT).

The week has 168 hours, Monday 00:00 first, in the roster's own time zone (wall-clock
hours: a DST night is still 24 hours of the grid). The roster repeats every week, so
the week is a cycle: a shift that starts Sunday 22:00 works Sunday 22:00-24:00 and
Monday 00:00-06:00 of the same cyclic week (in a concrete week, the next Monday).

Model (documented decisions):

* **Shifts** last ``ShiftRules.shift_hours`` (8) hours, including a break of one whole
  hour that the solver places at one of ``break_offsets`` (the 4th or 5th hour by
  default). The break hour does not count as cover: an 8-hour shift covers 7 hours.
  Half-hour breaks would need a half-hour grid; an hour grid keeps the model a fifth
  of the size and is what the hourly requirement can see anyway. Shifts may start at
  any of ``start_hours`` (every hour by default) on every day and may cross midnight.
* **Rest**: between the end of one shift and the start of the next of the same agent
  at least ``min_rest_hours`` (11), measured round the cycle (the last shift of the
  week and the first of the next repetition included). At most one shift starts on
  each day, at most ``max_shifts`` (5) a week, fewer where an agent says so.
* **Leave**: no shift of an agent touches an hour of their leave (break included).
  Leave on a Monday also forbids a Sunday-night shift that runs into Monday.
* **Weekends**: a weekend shift is one with any hour on Saturday or Sunday. Among
  agents without leave on a weekend hour, the numbers of weekend shifts differ by at
  most one (a hard constraint: it never makes the model infeasible, as nobody working
  weekends meets it, but it may cost cover; the roster then reports those hours). Who
  gets the extra weekend shift is a tie-break that rotates with ``week_index``, so
  consecutive weeks share it round the team.
* **Objective**, lexicographic through weights: first the fewest uncovered
  agent-hours (``sum(max(0, required - rostered))`` over the 168 hours), then the least
  cost (every hour of a shift, break included, paid at the agent's ``cost_per_hour``),
  then the rotation tie-break. Over-cover is allowed and costs only its shifts.
* **Never fails on cover**: hours it cannot cover are reported per hour. It stops at
  ``time_limit`` seconds with the best roster found (status ``feasible``) or earlier
  with a proven optimum (``optimal``: least uncovered agent-hours, then least cost).
  The solve runs in stages (:mod:`pactdesk.domain._roster_solve`) from a greedy roster
  that obeys every rule, so a roster always comes back. With ``workers=1`` and a solve
  that ends before its limits, the same inputs give the same roster every run; with
  two workers rosters of equal cover and cost may differ between runs.

Errors: :class:`~pactdesk.domain.errors.RosterError` with a
:class:`~pactdesk.domain.errors.RosterCode` and the offending ``field``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from pactdesk.domain import _roster_inputs as check
from pactdesk.domain import _roster_model, _roster_output, _roster_solve
from pactdesk.domain._roster_inputs import HOURS_IN_WEEK, WEEKEND

__all__ = [
    "HOURS_IN_WEEK",
    "HourCoverage",
    "Roster",
    "RosterAgent",
    "RosterShift",
    "RosterStatus",
    "ShiftRules",
    "build_roster",
]


@dataclass(frozen=True)
class RosterAgent:
    """A named agent who may be rostered.

    Attributes:
        name: Unique within a roster (an id or a display name).
        cost_per_hour: Paid for every hour of a shift, break included (``Decimal``, at
            most four decimals; the same for everyone rosters by hours alone).
        leave_days: Weekdays off, ``0`` Monday … ``6`` Sunday (whole days).
        leave_hours: Hours of the week off, ``0`` … ``167`` (Monday 00:00 first).
        max_shifts: Fewer shifts a week than the rules allow (part time), or ``None``.
    """

    name: str
    cost_per_hour: Decimal = Decimal(1)
    leave_days: frozenset[int] = frozenset()
    leave_hours: frozenset[int] = frozenset()
    max_shifts: int | None = None

    def leave(self) -> frozenset[int]:
        """Every hour of the week the agent is on leave (days and hours together)."""
        days = {24 * day + hour for day in self.leave_days for hour in range(24)}
        return frozenset(days) | self.leave_hours


@dataclass(frozen=True)
class ShiftRules:
    """The shapes of shifts and the working-time rules (defaults: the issue's)."""

    shift_hours: int = 8
    break_offsets: tuple[int, ...] = (3, 4)
    start_hours: tuple[int, ...] = tuple(range(24))
    min_rest_hours: int = 11
    max_shifts: int = 5


class RosterStatus(StrEnum):
    """How good the roster is known to be."""

    OPTIMAL = "optimal"  # proven least uncovered, then least cost, then the tie-break
    FEASIBLE = "feasible"  # the best found when the time limit struck


@dataclass(frozen=True)
class RosterShift:
    """One shift of one agent.

    Attributes:
        agent: The agent's name.
        start: Hour of the week it starts, 0 (Monday 00:00) … 167 (Sunday 23:00).
        hours: Its length in hours, break included.
        break_start: Hour of the week of its one-hour break, or ``None`` without one
            (taken modulo 168, so a Sunday-night shift's break may be on Monday).
    """

    agent: str
    start: int
    hours: int
    break_start: int | None

    @property
    def weekday(self) -> int:
        """The day it starts, 0 Monday … 6 Sunday."""
        return self.start // 24

    @property
    def end(self) -> int:
        """Hour of the week it ends, modulo 168 (``start + hours``, wrapped)."""
        return (self.start + self.hours) % HOURS_IN_WEEK

    def hours_of_week(self) -> tuple[int, ...]:
        """Every hour of the week the shift occupies, break included, in order."""
        return tuple((self.start + k) % HOURS_IN_WEEK for k in range(self.hours))

    def working_hours(self) -> tuple[int, ...]:
        """The hours it covers: :meth:`hours_of_week` less the break."""
        return tuple(hour for hour in self.hours_of_week() if hour != self.break_start)


@dataclass(frozen=True)
class HourCoverage:
    """One hour of the week: agents required, agents working, and the shortfall."""

    hour: int
    required: int
    rostered: int

    @property
    def uncovered(self) -> int:
        """``max(0, required - rostered)``: over-cover does not offset another hour."""
        return max(0, self.required - self.rostered)


@dataclass(frozen=True)
class Roster:
    """A week's roster and what it covers.

    Attributes:
        agents: Every agent's name, in the order given (also those without shifts).
        shifts: Sorted by agent (in that order), then start.
        coverage: 168 hours, Monday 00:00 first.
        cost: Sum over shifts of ``hours * cost_per_hour``.
        status: ``optimal`` or ``feasible`` (the time limit struck first).
        solve_seconds: Wall time of the solver (not compared between rosters).
    """

    agents: tuple[str, ...]
    shifts: tuple[RosterShift, ...]
    coverage: tuple[HourCoverage, ...]
    cost: Decimal
    status: RosterStatus
    solve_seconds: float = field(compare=False)

    @property
    def uncovered_hours(self) -> int:
        """Agent-hours short over the week: the sum of every hour's ``uncovered``."""
        return sum(hour.uncovered for hour in self.coverage)

    def gaps(self) -> tuple[HourCoverage, ...]:
        """The hours with an uncovered agent-hour, in order."""
        return tuple(hour for hour in self.coverage if hour.uncovered)

    def shifts_of(self, agent: str) -> tuple[RosterShift, ...]:
        """The agent's shifts by start; ``unknown_agent`` for a name not in the roster."""
        if agent not in self.agents:
            raise _roster_output.unknown_agent(agent)
        return tuple(shift for shift in self.shifts if shift.agent == agent)

    def weekend_shifts(self) -> dict[str, int]:
        """Each agent's number of shifts with an hour on Saturday or Sunday."""
        counts = dict.fromkeys(self.agents, 0)
        for shift in self.shifts:
            counts[shift.agent] += bool(WEEKEND.intersection(shift.hours_of_week()))
        return counts

    def to_csv(self) -> str:
        """One row per shift: ``agent,day,start,end,break`` (``Mon,22:00,06:00,02:00``).

        ``end`` may be on the next day (it is earlier than ``start`` then); ``break`` is
        the start of the one-hour break, empty for a shift without one.
        """
        return _roster_output.shifts_csv(self.shifts)

    def to_ical(self, *, agent: str, week_start: date, tz: str, stamp: datetime) -> bytes:
        """The agent's shifts in the ISO week starting on Monday ``week_start``, as iCalendar.

        One ``VEVENT`` per shift with ``DTSTART``/``DTEND`` in ``TZID=tz`` (wall-clock
        times: start plus ``hours`` on the clock, so a shift across a DST change keeps
        its clock times), the break in its description, a ``UID`` stable for agent,
        week and start, and ``DTSTAMP`` ``stamp`` (when the file is made; passed in, as
        the domain reads no clock). The calendar carries the zone's ``VTIMEZONE``.

        Raises:
            RosterError: ``unknown_agent``; ``invalid_week_start`` unless a Monday
                ``date``; ``invalid_timezone`` for a zone unknown to the tz database;
                ``naive_datetime`` for a ``stamp`` without a zone.
        """
        return _roster_output.agent_ical(
            self.shifts_of(agent), agent=agent, week_start=week_start, tz=tz, stamp=stamp
        )


def build_roster(
    *,
    requirement: Sequence[int],
    agents: Sequence[RosterAgent],
    rules: ShiftRules = ShiftRules(),
    week_index: int = 0,
    time_limit: float = 10.0,
    workers: int = 2,
) -> Roster:
    """The roster covering ``requirement`` (agents per hour of week) at least cost.

    See the module docstring for the model. No agents, or no requirement, is a roster
    too: everything it cannot cover is reported in :attr:`Roster.coverage`.

    Raises:
        RosterError: ``invalid_requirement`` (not 168 whole numbers from 0 to 10,000;
            the field names the hour), ``invalid_agent`` (no name), ``duplicate_agent``,
            ``invalid_cost``, ``invalid_leave``, ``invalid_max_shifts``,
            ``invalid_rules``, ``invalid_week_index``, ``invalid_time_limit`` (not > 0),
            ``invalid_workers``.
    """
    checked_rules = check.rules(rules)
    problem = _roster_model.Problem(
        requirement=check.requirement(requirement),
        agents=check.agents(agents, rules=checked_rules),
        rules=checked_rules,
        week_index=check.week_index(week_index),
    )
    solution = _roster_solve.solve(
        problem, time_limit=check.time_limit(time_limit), workers=check.workers(workers)
    )
    shifts = tuple(
        RosterShift(agent=name, start=start, hours=checked_rules.shift_hours, break_start=brk)
        for name, start, brk in solution.picks
    )
    rostered = [0] * HOURS_IN_WEEK
    for shift in shifts:
        for hour in shift.working_hours():
            rostered[hour] += 1
    by_name = {agent.name: agent for agent in problem.agents}
    return Roster(
        agents=tuple(by_name),
        shifts=shifts,
        coverage=tuple(
            HourCoverage(hour=hour, required=problem.requirement[hour], rostered=rostered[hour])
            for hour in range(HOURS_IN_WEEK)
        ),
        cost=sum(
            (shift.hours * by_name[shift.agent].cost_per_hour for shift in shifts),
            Decimal(0),
        ),
        status=RosterStatus.OPTIMAL if solution.optimal else RosterStatus.FEASIBLE,
        solve_seconds=solution.seconds,
    )
