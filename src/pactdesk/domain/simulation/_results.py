"""What the simulation reports: per-ticket records per replication, and estimates over them.

A statistic (attainment, a response-time percentile, a count) is computed once per
replication over a window of tickets (all of them, one ticket class, one hour of the
week or one day of the week, by arrival); its distribution over the replications is an
:class:`Estimate`: the values, their mean and a Student-t confidence interval.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.special import stdtrit

from pactdesk.domain.errors import SimulationCode
from pactdesk.domain.simulation import _checks as check
from pactdesk.domain.simulation._engine import Plan, Run
from pactdesk.domain.simulation._inputs import Answer, Seconds
from pactdesk.domain.simulation._staffing import WeekHours

Mask = NDArray[np.bool_]


@dataclass(frozen=True)
class Estimate:
    """A statistic over replications: ``mean`` with a ``confidence`` interval ``[low, high]``.

    ``samples`` holds one value per replication that had tickets in the window (the
    distribution itself). The interval is ``mean ± t s / sqrt(n)`` with ``t`` the
    Student-t quantile of ``n - 1`` degrees of freedom, clipped to the statistic's
    range (``[0, 1]`` for shares, ``[0, inf)`` for times and counts). With one sample
    the interval is that whole range. If any sample is infinite (a percentile that fell
    on a never-answered ticket) ``mean``, ``low`` and ``high`` are ``inf``.
    """

    mean: float
    low: float
    high: float
    samples: tuple[float, ...]
    confidence: float

    def __contains__(self, value: object) -> bool:
        """Whether ``value`` (a number) lies in ``[low, high]``."""
        return isinstance(value, int | float) and self.low <= value <= self.high


@dataclass(frozen=True)
class Window:
    """Summary of one window (an hour or a day of the week) over the replications.

    ``count``: tickets arrived per replication. ``attainment``: share answered within
    their class's target. ``p50``/``p90``/``p95``: response-time percentiles in open
    seconds. The last four are ``None`` when no replication had a ticket there.
    """

    count: Estimate
    attainment: Estimate | None
    p50: Estimate | None
    p90: Estimate | None
    p95: Estimate | None


@dataclass(frozen=True, eq=False)
class Replication:
    """The measured tickets of one replication (arrived in ``[0, horizon)``), in arrival order.

    Arrays of shape ``(tickets,)``: ``kind`` (class index), ``arrival``, ``pick_up``
    (seconds from the first Monday 00:00; ``inf`` if never picked up), ``handle``
    (first-touch seconds), ``response`` (open seconds from arrival to the class's
    answer; ``inf`` if never answered), ``attained`` (response <= the class's target),
    ``abandoned`` (withdrawn unanswered), ``agent`` (index, -1 if none), ``hour`` (of
    week, 0-167) and ``day`` (of week, 0 = Monday). ``on_duty``, ``ticket_busy`` and
    ``task_busy``: agent-seconds within the horizon.
    """

    kind: NDArray[np.int64]
    arrival: Seconds
    pick_up: Seconds
    handle: Seconds
    response: Seconds
    attained: Mask
    abandoned: Mask
    agent: NDArray[np.int64]
    hour: NDArray[np.int64]
    day: NDArray[np.int64]
    on_duty: float
    ticket_busy: float
    task_busy: float


def replication_of(run: Run, plan: Plan, hours: WeekHours) -> Replication:
    """Measure one run: responses in open time, attainment, busy time within the horizon."""
    first, last = np.searchsorted(run.arrival, [0.0, plan.horizon], side="left")
    keep = slice(int(first), int(last))
    kind, arrival, pick_up = run.kind[keep], run.arrival[keep], run.pick_up[keep]
    handle = run.handle[keep]
    answers = np.array([c.target.answer is Answer.FIRST_REPLY for c in plan.classes])
    targets = np.array([c.target.within.total_seconds() for c in plan.classes])
    answered_at = pick_up + np.where(answers[kind], handle, 0.0)
    response = hours.open_seconds(answered_at) - hours.open_seconds(arrival)
    picked = np.isfinite(pick_up)
    hour = (np.mod(arrival, check.WEEK_S) // check.HOUR_S).astype(np.int64)
    return Replication(
        kind=kind,
        arrival=arrival,
        pick_up=pick_up,
        handle=handle,
        response=response,
        attained=response <= targets[kind],
        abandoned=~picked & (run.deadline[keep] < run.stopped_at),
        agent=run.agent[keep],
        hour=hour,
        day=hour // 24,
        on_duty=sum(
            max(0.0, min(b, plan.horizon) - max(a, 0.0)) for duty in plan.agents for a, b in duty
        ),
        ticket_busy=run_busy(run, plan.horizon),
        task_busy=sum(max(0.0, min(b, plan.horizon) - max(a, 0.0)) for a, b in run.task_busy),
    )


def run_busy(run: Run, horizon: float) -> float:
    """Agent-seconds spent on tickets (measured or not) within ``[0, horizon)``."""
    picked = np.isfinite(run.pick_up)
    start, end = run.pick_up[picked], run.pick_up[picked] + run.handle[picked]
    return float(np.clip(np.minimum(end, horizon) - np.maximum(start, 0.0), 0.0, None).sum())


@dataclass(frozen=True, eq=False)
class SimulationResult:
    """Every replication's measured tickets, and estimates over the replications.

    Windows: ``ticket_class`` (a class name; ``None`` for all), and at most one of
    ``hour`` (of week, 0-167, Monday 00:00-01:00 is 0) or ``day`` (0 = Monday), by
    arrival; for a horizon of several weeks the weeks are pooled. Times are open
    seconds of the plan's calendar. Errors: ``unknown_class``, ``invalid_window``,
    ``invalid_quantile`` (not in (0, 1]), ``invalid_confidence`` (not in (0, 1)).
    """

    classes: tuple[str, ...]
    goals: tuple[float, ...]
    replications: tuple[Replication, ...]

    def count(
        self,
        *,
        ticket_class: str | None = None,
        hour: int | None = None,
        day: int | None = None,
        confidence: float = 0.95,
    ) -> Estimate:
        """Tickets arrived in the window, per replication (never ``None``)."""
        masks = self._masks(ticket_class, hour, day)
        values = [float(mask.sum()) for mask in masks]
        return _estimate(values, _confidence(confidence), 0.0, math.inf)

    def attainment(
        self,
        *,
        ticket_class: str | None = None,
        hour: int | None = None,
        day: int | None = None,
        confidence: float = 0.95,
    ) -> Estimate | None:
        """Share of the window's tickets answered within their class's target."""
        masks = self._masks(ticket_class, hour, day)
        return self._statistic(masks, confidence, lambda r, m: float(r.attained[m].mean()), 1.0)

    def response_percentile(
        self,
        q: float,
        *,
        ticket_class: str | None = None,
        hour: int | None = None,
        day: int | None = None,
        confidence: float = 0.95,
    ) -> Estimate | None:
        """The ``q`` quantile (0 < q <= 1) of response times in open seconds.

        Per replication the empirical quantile without interpolation (the least response
        time at or below which at least ``q`` of the window's tickets lie), so an
        unanswered ticket (``inf``) counts as the slowest.
        """
        level = check.number(q, field="q", code=SimulationCode.INVALID_QUANTILE)
        if not 0.0 < level <= 1.0:
            raise check.fail(
                SimulationCode.INVALID_QUANTILE, f"q must lie in (0, 1], not {q!r}", "q"
            )
        masks = self._masks(ticket_class, hour, day)
        return self._statistic(
            masks,
            confidence,
            lambda r, m: _quantile(r.response[m], level),
            math.inf,
        )

    def mean_response(
        self,
        *,
        ticket_class: str | None = None,
        hour: int | None = None,
        day: int | None = None,
        confidence: float = 0.95,
    ) -> Estimate | None:
        """Mean response time in open seconds (``inf`` if a ticket went unanswered)."""
        masks = self._masks(ticket_class, hour, day)
        return self._statistic(
            masks, confidence, lambda r, m: float(r.response[m].mean()), math.inf
        )

    def abandonment(
        self,
        *,
        ticket_class: str | None = None,
        hour: int | None = None,
        day: int | None = None,
        confidence: float = 0.95,
    ) -> Estimate | None:
        """Share of the window's tickets withdrawn unanswered (their patience ran out)."""
        masks = self._masks(ticket_class, hour, day)
        return self._statistic(masks, confidence, lambda r, m: float(r.abandoned[m].mean()), 1.0)

    def utilisation(self, *, confidence: float = 0.95) -> Estimate:
        """Busy share of on-duty agent time within the horizon: tickets plus tasks.

        Can slightly exceed 1 when agents finish tickets past the end of their duty.
        """
        values = [
            (r.ticket_busy + r.task_busy) / r.on_duty if r.on_duty else 0.0
            for r in self.replications
        ]
        return _estimate(values, _confidence(confidence), 0.0, math.inf)

    def task_share(self, *, confidence: float = 0.95) -> Estimate:
        """Share of on-duty agent time spent on tasks within the horizon."""
        values = [r.task_busy / r.on_duty if r.on_duty else 0.0 for r in self.replications]
        return _estimate(values, _confidence(confidence), 0.0, 1.0)

    def hourly(self, *, ticket_class: str | None = None) -> tuple[Window, ...]:
        """168 :class:`Window` summaries, Monday 00:00-01:00 first."""
        return self._windows(ticket_class, by_day=False)

    def daily(self, *, ticket_class: str | None = None) -> tuple[Window, ...]:
        """7 :class:`Window` summaries, Monday first."""
        return self._windows(ticket_class, by_day=True)

    def shortfalls(self, *, ticket_class: str | None = None) -> tuple[int, ...]:
        """Hours of week where some class's mean attainment is below its goal (sign-off).

        Empty when the plan keeps every promise at every hour that has tickets.
        """
        names = self.classes if ticket_class is None else (ticket_class,)
        short = set()
        for name in names:
            goal = self.goals[self._class_index(name)]
            for hour, window in enumerate(self.hourly(ticket_class=name)):
                if window.attainment is not None and window.attainment.mean < goal:
                    short.add(hour)
        return tuple(sorted(short))

    def _windows(self, ticket_class: str | None, *, by_day: bool) -> tuple[Window, ...]:
        """Every window's summary from one sort of each replication's tickets by window."""
        size = 7 if by_day else 168
        masks = self._masks(ticket_class, None, None)
        rows: list[list[tuple[float, float, tuple[float, ...]] | None]] = [[] for _ in range(size)]
        for r, mask in zip(self.replications, masks, strict=True):
            keys, response = (r.day if by_day else r.hour)[mask], r.response[mask]
            order = np.lexsort((response, keys))  # by window, then by response time
            keys, response = keys[order], response[order]
            counts = np.bincount(keys, minlength=size)
            met = np.bincount(keys, weights=r.attained[mask][order], minlength=size)
            starts = np.cumsum(counts) - counts
            last = max(response.size - 1, 0)  # empty windows read a placeholder, ignored below
            padded = response if response.size else np.zeros(1)
            levels = [
                padded[np.minimum(starts + _rank(level, counts), last)].tolist()
                for level in _LEVELS
            ]
            for w in range(size):
                if counts[w] == 0:
                    rows[w].append(None)
                else:
                    share = float(met[w] / counts[w])
                    rows[w].append((float(counts[w]), share, tuple(x[w] for x in levels)))
        return tuple(_summary(row) for row in rows)

    def _statistic(
        self,
        masks: list[Mask],
        confidence: float,
        of: Callable[[Replication, Mask], float],
        upper: float,
    ) -> Estimate | None:
        level = _confidence(confidence)
        values = [of(r, m) for r, m in zip(self.replications, masks, strict=True) if m.any()]
        return _estimate(values, level, 0.0, upper) if values else None

    def _masks(self, ticket_class: str | None, hour: int | None, day: int | None) -> list[Mask]:
        if hour is not None and day is not None:
            raise check.fail(
                SimulationCode.INVALID_WINDOW, "give an hour or a day, not both", "hour"
            )
        kind = None if ticket_class is None else self._class_index(ticket_class)
        if hour is not None:
            check.whole(hour, field="hour", code=SimulationCode.INVALID_WINDOW, low=0, high=167)
        if day is not None:
            check.whole(day, field="day", code=SimulationCode.INVALID_WINDOW, low=0, high=6)
        masks = []
        for r in self.replications:
            mask = np.ones(r.kind.size, dtype=np.bool_)
            if kind is not None:
                mask &= r.kind == kind
            if hour is not None:
                mask &= r.hour == hour
            if day is not None:
                mask &= r.day == day
            masks.append(mask)
        return masks

    def _class_index(self, name: object) -> int:
        if not isinstance(name, str) or name not in self.classes:
            raise check.fail(
                SimulationCode.UNKNOWN_CLASS, f"no ticket class {name!r}", "ticket_class"
            )
        return self.classes.index(name)


_LEVELS = (0.5, 0.9, 0.95)


def _rank(level: float, counts: NDArray[np.int64]) -> NDArray[np.int64]:
    """Index of the ``level`` quantile in each sorted group of ``counts`` (0 for empty ones).

    The least ``k`` with ``k / n >= level``, less one; ``level * n`` is rounded to 9
    decimals first so that 0.9 of 10 is the 9th value, not the 10th.
    """
    k = np.ceil(np.round(level * counts, 9)).astype(np.int64)
    return np.maximum(k, 1) - 1


def _quantile(values: Seconds, level: float) -> float:
    """The least value with at least ``level`` of ``values`` at or below it (no interpolation)."""
    ordered = np.sort(values)
    return float(ordered[_rank(level, np.array([ordered.size]))[0]])


def _summary(row: list[tuple[float, float, tuple[float, ...]] | None]) -> Window:
    """A window's estimates from each replication's (count, attainment, percentiles)."""
    seen = [cell for cell in row if cell is not None]
    counts = [0.0 if cell is None else cell[0] for cell in row]

    def of(values: list[float], upper: float) -> Estimate | None:
        return _estimate(values, 0.95, 0.0, upper) if values else None

    return Window(
        count=_estimate(counts, 0.95, 0.0, math.inf),
        attainment=of([cell[1] for cell in seen], 1.0),
        p50=of([cell[2][0] for cell in seen], math.inf),
        p90=of([cell[2][1] for cell in seen], math.inf),
        p95=of([cell[2][2] for cell in seen], math.inf),
    )


def _confidence(value: object) -> float:
    return check.open_fraction(value, field="confidence", code=SimulationCode.INVALID_CONFIDENCE)


def _estimate(values: list[float], confidence: float, lower: float, upper: float) -> Estimate:
    samples = tuple(values)
    array = np.array(values, dtype=np.float64)
    if not np.all(np.isfinite(array)):
        return Estimate(math.inf, math.inf, math.inf, samples, confidence)
    mean = float(array.mean())
    if array.size < 2:
        return Estimate(mean, lower, upper, samples, confidence)
    half = (
        float(stdtrit(array.size - 1, (1 + confidence) / 2))
        * float(array.std(ddof=1))
        / math.sqrt(array.size)
    )
    return Estimate(mean, max(lower, mean - half), min(upper, mean + half), samples, confidence)
