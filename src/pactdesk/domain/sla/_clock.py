"""A stopwatch over business open time, and how to read it against a target."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pactdesk.domain._time import ZERO
from pactdesk.domain.calendars import BusinessCalendar
from pactdesk.domain.sla._values import Target, TargetResult
from pactdesk.domain.vocabulary import SlaState


@dataclass
class Clock:
    """Running segments ``[start, end)`` of wall-clock time; open time is counted on them.

    ``met_at`` is set once the metric is met (the clock is then halted there).
    """

    segments: list[tuple[datetime, datetime | None]] = field(default_factory=list)
    met_at: datetime | None = None

    @property
    def running(self) -> bool:
        """Whether the last segment is still open."""
        return bool(self.segments) and self.segments[-1][1] is None

    def run(self, at: datetime) -> None:
        """Start (or resume) counting at ``at``; no-op when running."""
        if not self.running:
            self.segments.append((at, None))

    def halt(self, at: datetime) -> None:
        """Stop counting at ``at``; no-op when halted."""
        if self.running:
            self.segments[-1] = (self.segments[-1][0], at)

    def meet(self, at: datetime) -> None:
        """Record the metric as met at ``at`` and halt."""
        self.halt(at)
        self.met_at = at


@dataclass(frozen=True)
class Reading:
    """A clock read against a duration: open time used and the due instant (if known)."""

    used: timedelta
    due_at: datetime | None
    running: bool

    def state(self, *, met_at: datetime | None, now: datetime) -> SlaState:
        """``met``/``breached`` once met; else ``breached`` past due, else running/paused."""
        if met_at is not None:
            return (
                SlaState.BREACHED
                if self.due_at is not None and met_at > self.due_at
                else SlaState.MET
            )
        if self.due_at is not None and now > self.due_at:
            return SlaState.BREACHED
        return SlaState.RUNNING if self.running else SlaState.PAUSED


def read(
    clock: Clock, *, duration: timedelta, calendar: BusinessCalendar, now: datetime
) -> Reading:
    """Replay the segments: the due instant is where used open time reaches ``duration``.

    Within a segment the due instant is ``calendar.add(segment_start, remaining)``
    if that falls inside the segment (a running segment always contains it). A met
    clock that never fell due reports the due instant it would have had had it kept
    running from where it was met.
    """
    used, due_at = ZERO, None
    for start, end in clock.segments:
        if due_at is None:
            candidate = calendar.add(start, duration - used)
            if end is None or candidate <= end:
                due_at = candidate
        used += calendar.elapsed(start, now if end is None else end)
    if due_at is None and clock.met_at is not None:
        due_at = calendar.add(clock.met_at, duration - used)
    return Reading(used=used, due_at=due_at, running=clock.running)


def result(
    clock: Clock, *, target: Target, calendar: BusinessCalendar, now: datetime
) -> TargetResult:
    """The :class:`TargetResult` of ``clock`` measured against ``target`` at ``now``."""
    reading = read(clock, duration=target.duration, calendar=calendar, now=now)
    state = reading.state(met_at=clock.met_at, now=now)
    return TargetResult(
        metric=target.metric,
        state=state,
        due_at=reading.due_at,
        met_at=clock.met_at,
        breached_at=reading.due_at if state == SlaState.BREACHED else None,
        used=reading.used,
        remaining=max(target.duration - reading.used, ZERO),
        applied=target,
    )


def not_applicable(metric: str, target: Target | None) -> TargetResult:
    """A result for a metric that does not apply (invalid ticket, no target, no cycle)."""
    return TargetResult(
        metric=metric,
        state=SlaState.NOT_APPLICABLE,
        due_at=None,
        met_at=None,
        breached_at=None,
        used=ZERO,
        remaining=target.duration if target is not None else ZERO,
        applied=target,
    )
