"""SLA clocks: replay a ticket's events into per-target results.

:func:`evaluate` sorts the events by instant (stably: ties keep their given order),
checks them, replays them up to ``now`` (later events are ignored, so a past ``now``
gives the state as of then) and reads each metric's clock on the calendar against the
target that applies to the ticket's *current* priority, measured from lodging. The
replay rules are documented in :mod:`pactdesk.domain.sla._replay`; reading a clock in
:mod:`pactdesk.domain.sla._clock`:

* met at or before the due instant is ``met``; met after it is ``breached`` with both
  ``met_at`` and ``breached_at`` (= ``due_at``) kept;
* not met and ``now`` past the due instant is ``breached`` (``breached_at = due_at``);
* otherwise ``running``, or ``paused`` while halted (waiting, or a solve awaiting
  confirmation) — then ``due_at`` is None until the clock has fallen due;
* a ticket whose latest validity event is ``invalid`` or ``merged`` has every
  result ``not_applicable`` (a later ``valid`` restores it).

Period attainment lives in :func:`attainment` (re-exported here). The package also
holds the value types (``_values``, re-exported here) and
:mod:`~pactdesk.domain.sla.promises`, a target and the opening hours in words for the
acknowledgement mail. It builds on :mod:`pactdesk.domain.calendars`, never the reverse.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from pactdesk.domain._time import require_aware
from pactdesk.domain.calendars import BusinessCalendar
from pactdesk.domain.error_codes import DomainErrorCode
from pactdesk.domain.errors import DomainError, SlaError
from pactdesk.domain.sla._attainment import Attainment, attainment
from pactdesk.domain.sla._clock import not_applicable, result
from pactdesk.domain.sla._replay import Replay, replay
from pactdesk.domain.sla._values import (
    EVENT_KINDS,
    METRICS,
    PRIORITIES,
    STATUSES,
    Event,
    Policy,
    State,
    Target,
    TargetResult,
    TicketSla,
)
from pactdesk.domain.vocabulary import EventKind, Metric, SlaState

__all__ = [
    "EVENT_KINDS",
    "METRICS",
    "PRIORITIES",
    "STATUSES",
    "Attainment",
    "Event",
    "Metric",
    "Policy",
    "State",
    "Target",
    "TargetResult",
    "TicketSla",
    "attainment",
    "evaluate",
]


def evaluate(
    *, events: Iterable[Event], policy: Policy, calendar: BusinessCalendar, now: datetime
) -> TicketSla:
    """Replay ``events`` and report every policy metric's clock at ``now``.

    Raises:
        SlaError: ``bad_events`` for an empty history, one not starting with ``lodged``
            (after sorting), a second ``lodged``, an unknown kind or a bad status or
            priority value, or ``now`` before lodging; ``naive_datetime`` for a naive
            event time or ``now``.
    """
    require_aware(now, "now")
    ordered = _checked(list(events))
    if ordered[0].at > now:
        raise SlaError(
            DomainErrorCode.BAD_EVENTS, "now is before the ticket was lodged", field="now"
        )
    state = replay(ordered, policy=policy, now=now)
    results = {
        metric: _metric_result(metric, state, calendar=calendar, now=now)
        for metric in policy.metrics
    }
    return TicketSla(
        targets=results,
        priority=state.priority,
        status=state.status,
        valid=state.valid,
        evaluated_at=now,
    )


def _metric_result(
    metric: str, state: Replay, *, calendar: BusinessCalendar, now: datetime
) -> TargetResult:
    target = state.policy.target_for(metric, state.priority)
    if target is None or not state.valid:
        return not_applicable(metric, target)
    if metric == Metric.FIRST_RESPONSE:
        return result(state.first, target=target, calendar=calendar, now=now)
    if metric == Metric.EFFECTIVE_ANSWER:
        return result(state.effective, target=target, calendar=calendar, now=now)
    return _next_reply_result(state, target=target, calendar=calendar, now=now)


def _next_reply_result(
    state: Replay, *, target: Target, calendar: BusinessCalendar, now: datetime
) -> TargetResult:
    """The latest cycle's result, kept ``breached`` if any earlier cycle breached."""
    if not state.cycles:
        return not_applicable(Metric.NEXT_REPLY, target)
    cycles = [result(cycle, target=target, calendar=calendar, now=now) for cycle in state.cycles]
    latest = cycles[-1]
    first_breach = next((cycle for cycle in cycles if cycle.state == SlaState.BREACHED), None)
    if first_breach is None or first_breach is latest:
        return latest
    return TargetResult(
        metric=latest.metric,
        state=SlaState.BREACHED,
        due_at=latest.due_at,
        met_at=latest.met_at,
        breached_at=first_breach.breached_at,
        used=latest.used,
        remaining=latest.remaining,
        applied=target,
    )


def _checked(events: list[Event]) -> list[Event]:
    """Validate each event (reporting its given index) and return them sorted stably."""
    if not events:
        raise SlaError(DomainErrorCode.BAD_EVENTS, "the event history is empty", field="events")
    for index, event in enumerate(events):
        _check_event(event, f"events[{index}]")
    ordered = sorted(events, key=lambda event: event.at)
    if ordered[0].kind != EventKind.LODGED:
        raise SlaError(
            DomainErrorCode.BAD_EVENTS, "the event history must start with lodged", field="events"
        )
    if any(event.kind == EventKind.LODGED for event in ordered[1:]):
        raise SlaError(DomainErrorCode.BAD_EVENTS, "a ticket is lodged only once", field="events")
    return ordered


def _check_event(event: object, field: str) -> None:
    if not isinstance(event, Event):
        raise SlaError(DomainErrorCode.BAD_EVENTS, f"{field} is not an Event", field=field)
    try:
        require_aware(event.at, f"{field}.at")
    except DomainError as exc:
        raise SlaError(exc.code, exc.message, field=exc.field) from exc
    if event.kind not in EVENT_KINDS:
        raise SlaError(
            DomainErrorCode.BAD_EVENTS, f"unknown event kind {event.kind!r}", field=f"{field}.kind"
        )
    valued: dict[str, tuple[str, ...]] = {
        EventKind.STATUS: STATUSES,
        EventKind.PRIORITY: PRIORITIES,
    }
    allowed = valued.get(event.kind)
    if event.kind == EventKind.LODGED and event.value is not None:
        allowed = PRIORITIES
    if allowed is not None and event.value not in allowed:
        raise SlaError(
            DomainErrorCode.BAD_EVENTS,
            f"{event.kind} value must be one of {', '.join(allowed)}, got {event.value!r}",
            field=f"{field}.value",
        )
