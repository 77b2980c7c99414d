"""Who is there to answer: the plan's open hours, shifts, rosters, headcounts and seats.

Times of week are ``timedelta`` offsets from Monday 00:00; a shift or an open interval
that runs past Sunday 24:00 wraps into the next Monday (the week repeats). Errors are
:class:`~pactdesk.domain.errors.SimulationError` with a
:class:`~pactdesk.domain.errors.SimulationCode`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from pactdesk.domain.errors import SimulationCode
from pactdesk.domain.simulation import _checks as check
from pactdesk.domain.simulation._inputs import _HANDLES, HandleTime, Seconds

MAX_AGENTS = 10_000
Interval = tuple[float, float]


@dataclass(frozen=True)
class WeekHours:
    """The plan's calendar: when the first-response clock runs, in a repeating week.

    ``open``: ``(start, end)`` offsets from Monday 00:00 with
    ``0 <= start < end <= 7 days``, sorted and not overlapping (touching is fine); at
    least one. Response times are counted in open time only: a ticket lodged on
    Saturday for a Monday-to-Friday plan starts its clock on Monday at opening. Staff
    are not tied to it: they work their shifts, and what they answer while the plan is
    closed is answered in zero open time.
    """

    open: tuple[tuple[timedelta, timedelta], ...]

    def __post_init__(self) -> None:
        code = SimulationCode.INVALID_CALENDAR
        if not isinstance(self.open, tuple) or not self.open:
            raise check.fail(code, "open must be a non-empty tuple of (start, end)", "open")
        previous_end = 0.0
        for i, pair in enumerate(self.open):
            if not isinstance(pair, tuple) or len(pair) != 2:
                raise check.fail(code, f"open[{i}] must be a (start, end) pair", f"open[{i}]")
            start = check.seconds(pair[0], field=f"open[{i}]", code=code, positive=False)
            end = check.seconds(pair[1], field=f"open[{i}]", code=code, positive=True)
            if not previous_end <= start < end <= check.WEEK_S:
                raise check.fail(
                    code,
                    f"open[{i}] must start before it ends, after the interval before it, "
                    "within Monday 00:00 to Sunday 24:00",
                    f"open[{i}]",
                )
            previous_end = end

    @classmethod
    def always(cls) -> WeekHours:
        """Open around the clock (24/7): open time is wall time."""
        return cls(open=((timedelta(0), check.WEEK),))

    @classmethod
    def weekdays(cls, *, opens: timedelta, closes: timedelta, days: int = 5) -> WeekHours:
        """Open ``opens`` to ``closes`` (times of day) on the first ``days`` days from Monday."""
        count = check.whole(days, field="days", code=SimulationCode.INVALID_CALENDAR, low=1, high=7)
        day = timedelta(days=1)
        return cls(open=tuple((d * day + opens, d * day + closes) for d in range(count)))

    def open_seconds(self, instants: Seconds) -> Seconds:
        """Open seconds from the first Monday 00:00 up to each instant (a cyclic prefix sum).

        ``instants`` in seconds, any shape; ``inf`` maps to ``inf``. Open time between
        ``a`` and ``b`` is ``open_seconds(b) - open_seconds(a)``.
        """
        starts = [s.total_seconds() for s, _ in self.open]
        ends = [e.total_seconds() for _, e in self.open]
        points = np.array([0.0, *(x for pair in zip(starts, ends, strict=True) for x in pair)])
        points = np.append(points, check.WEEK_S)
        cumulative = np.zeros(points.size)
        for i in range(1, points.size):
            is_open = i % 2 == 0 and i < points.size - 1  # segments (start_k, end_k)
            cumulative[i] = cumulative[i - 1] + (points[i] - points[i - 1] if is_open else 0.0)
        per_week = cumulative[-1]
        finite = np.isfinite(instants)
        safe = np.where(finite, instants, 0.0)
        weeks = np.floor(safe / check.WEEK_S)
        within = np.interp(safe - weeks * check.WEEK_S, points, cumulative)
        return np.where(finite, weeks * per_week + within, np.inf)


ALWAYS = WeekHours.always()
"""Open around the clock: the default calendar."""


@dataclass(frozen=True)
class Shift:
    """One agent's weekly shift: ``start`` in ``[0, 7 days)``, ``end`` after it, within 7 days.

    An ``end`` past 7 days crosses into next Monday (Sunday 22:00 to Monday 06:00 is
    ``Shift("ana", timedelta(days=6, hours=22), timedelta(days=7, hours=6))``).
    """

    agent: str
    start: timedelta
    end: timedelta

    def __post_init__(self) -> None:
        code = SimulationCode.INVALID_SHIFT
        if not isinstance(self.agent, str) or not self.agent:
            raise check.fail(code, "agent must be a non-empty str", "agent")
        start = check.seconds(self.start, field="start", code=code, positive=False)
        end = check.seconds(self.end, field="end", code=code, positive=True)
        if not (start < check.WEEK_S and start < end <= start + check.WEEK_S):
            raise check.fail(
                code,
                f"shift of {self.agent!r} must start within the week and end after it starts, "
                "within 7 days",
                "end",
            )

    @property
    def interval(self) -> Interval:
        """``(start, end)`` in seconds from Monday 00:00."""
        return self.start.total_seconds(), self.end.total_seconds()


@dataclass(frozen=True)
class TaskLoad:
    """Work of the agents' own (a seat holder's client tasks, follow-ups) beside tickets.

    Each agent gets tasks as a Poisson stream in its on-shift time at rate
    ``share / mean(duration)``, so in the long run tasks take ``share`` of its shift
    time. A task due is done before the next ticket (the seat holder works for its
    client first), never interrupting the ticket in hand; tasks not reached by the end
    of a shift wait for the next one. ``share`` in ``[0, 1)``.
    """

    share: float
    duration: HandleTime

    def __post_init__(self) -> None:
        share = check.non_negative(
            self.share, field="share", code=SimulationCode.INVALID_TASK_SHARE
        )
        if share >= 1.0:
            raise check.fail(
                SimulationCode.INVALID_TASK_SHARE,
                f"share must be below 1, not {self.share!r}",
                "share",
            )
        if not isinstance(self.duration, _HANDLES):
            raise check.fail(
                SimulationCode.INVALID_HANDLE, "duration must be a handle time", "duration"
            )

    @property
    def per_second(self) -> float:
        """Tasks per second of one agent's shift time."""
        return float(self.share) / self.duration.mean_seconds


@dataclass(frozen=True)
class Roster:
    """Named agents on weekly shifts (a roster's week). At least one shift; an agent's
    shifts may touch (then they merge) but not overlap, also across the week's end.
    """

    shifts: tuple[Shift, ...]
    tasks: TaskLoad | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.shifts, tuple) or not self.shifts:
            raise check.fail(
                SimulationCode.EMPTY_ROSTER, "a roster needs at least one shift", "shifts"
            )
        for i, shift in enumerate(self.shifts):
            if not isinstance(shift, Shift):
                raise check.fail(SimulationCode.INVALID_SHIFT, "not a Shift", f"shifts[{i}]")
        _check_tasks(self.tasks)
        agents = self.agents()
        if len(agents) > MAX_AGENTS:
            raise check.fail(
                SimulationCode.INVALID_SHIFT, f"more than {MAX_AGENTS} agents", "shifts"
            )
        for name, week in agents:
            spans = sorted(_repeat(week, 0.0, 2 * check.WEEK_S))
            for (_, end), (start, _) in itertools.pairwise(spans):
                if start < end:
                    raise check.fail(
                        SimulationCode.OVERLAPPING_SHIFTS, f"shifts of {name!r} overlap", "shifts"
                    )

    def agents(self) -> tuple[tuple[str, tuple[Interval, ...]], ...]:
        """Each agent's name and weekly intervals (seconds), in order of first appearance."""
        by_agent: dict[str, list[Interval]] = {}
        for shift in self.shifts:
            by_agent.setdefault(shift.agent, []).append(shift.interval)
        return tuple((name, tuple(spans)) for name, spans in by_agent.items())


@dataclass(frozen=True)
class Headcount:
    """Agents on duty per hour of week (168 whole numbers, Monday 00:00-01:00 first).

    Built into anonymous agents ``"agent 1"``, ``"agent 2"``…: agent ``k`` works every
    hour whose headcount is at least ``k``, so when the headcount drops the agents with
    the highest numbers leave (each finishing the ticket in hand). All zeros is allowed:
    nobody answers, attainment is 0 wherever tickets arrive.
    """

    per_hour: tuple[int, ...]
    tasks: TaskLoad | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.per_hour, tuple) or len(self.per_hour) != check.HOURS_PER_WEEK:
            raise check.fail(
                SimulationCode.INVALID_HEADCOUNT,
                f"per_hour must be a tuple of {check.HOURS_PER_WEEK} agent counts",
                "per_hour",
            )
        for hour, count in enumerate(self.per_hour):
            check.whole(
                count,
                field=f"per_hour[{hour}]",
                code=SimulationCode.INVALID_HEADCOUNT,
                low=0,
                high=MAX_AGENTS,
            )
        _check_tasks(self.tasks)

    @classmethod
    def of(cls, per_hour: Sequence[int], tasks: TaskLoad | None = None) -> Headcount:
        """From any sequence of 168 counts (a list, a NumPy array of ints)."""
        counts = tuple(int(c) if isinstance(c, np.integer) else c for c in per_hour)
        return cls(per_hour=counts, tasks=tasks)

    def agents(self) -> tuple[tuple[str, tuple[Interval, ...]], ...]:
        """Each anonymous agent's weekly intervals (seconds); runs of hours joined."""
        result = []
        for k in range(1, max(self.per_hour, default=0) + 1):
            spans: list[Interval] = []
            for hour, count in enumerate(self.per_hour):
                if count < k:
                    continue
                start = hour * check.HOUR_S
                if spans and spans[-1][1] == start:
                    spans[-1] = (spans[-1][0], start + check.HOUR_S)
                else:
                    spans.append((start, start + check.HOUR_S))
            result.append((f"agent {k}", tuple(spans)))
        return tuple(result)


@dataclass(frozen=True)
class Seats:
    """``count`` dedicated seat holders, each on duty whenever ``hours`` is open.

    ``count`` of 0 raises ``no_seats`` (a client with no seats has no one to simulate).
    Their client's tasks are a :class:`TaskLoad` (``Seats(2, tasks=TaskLoad(0.5, …))``:
    half of each seat's time goes to tasks).
    """

    count: int
    hours: WeekHours = ALWAYS
    tasks: TaskLoad | None = None

    def __post_init__(self) -> None:
        check.whole(self.count, field="count", code=SimulationCode.NO_SEATS, low=1, high=MAX_AGENTS)
        if not isinstance(self.hours, WeekHours):
            raise check.fail(SimulationCode.INVALID_CALENDAR, "hours must be WeekHours", "hours")
        _check_tasks(self.tasks)

    def agents(self) -> tuple[tuple[str, tuple[Interval, ...]], ...]:
        """Each seat's weekly intervals (seconds): the open hours."""
        spans = tuple((s.total_seconds(), e.total_seconds()) for s, e in self.hours.open)
        return tuple((f"seat {k}", spans) for k in range(1, self.count + 1))


Staffing = Roster | Headcount | Seats


def on_duty(week: tuple[Interval, ...], start: float, end: float) -> list[Interval]:
    """One agent's intervals repeated over the weeks meeting ``[start, end)``, sorted, with
    touching intervals merged (a shift to Sunday 24:00 and one from Monday 00:00 join).
    """
    merged: list[Interval] = []
    for begin, finish in sorted(_repeat(week, start, end)):
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(finish, merged[-1][1]))
        else:
            merged.append((begin, finish))
    return merged


def _repeat(week: tuple[Interval, ...], start: float, end: float) -> list[Interval]:
    first = math.floor(start / check.WEEK_S) - 1
    last = math.ceil(end / check.WEEK_S)
    return [
        (a + k * check.WEEK_S, b + k * check.WEEK_S)
        for k in range(first, last + 1)
        for a, b in week
        if b + k * check.WEEK_S > start and a + k * check.WEEK_S < end
    ]


def _check_tasks(tasks: object) -> None:
    if tasks is not None and not isinstance(tasks, TaskLoad):
        raise check.fail(SimulationCode.INVALID_TASK_SHARE, "tasks must be a TaskLoad", "tasks")
