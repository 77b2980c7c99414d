"""When a clock warns staff before it breaks, and when a breach is escalated.

Pure rules, read by the background sweep of :mod:`pactdesk.alerts`:

* :func:`warning_lead` — how long before its due instant a target's clock warns: 10
  minutes before a 30-minute target, 30 minutes before a 4-hour one, otherwise 25% of
  the target; a target may set its own lead instead.
* :func:`alert_kind` — what one clock calls for at ``now``: a warning, an escalation
  or nothing. A running clock warns once the *open time* left before its due instant
  is within the lead — but not while the calendar is closed, unless the due instant
  itself (wall time) is within the lead: a business-hours client's ticket lodged on
  Friday night, due Monday 09:30, warns no one over the weekend but at 09:20 on
  Monday (or earlier on Monday morning, the wall-time lead reached before opening).
  A clock past its due instant and not met is breached and escalates, if it fell due
  less than ``escalate_within`` ago (a sweep that starts on an old history does not
  page managers about last year's breaches).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pactdesk.domain._time import require_aware
from pactdesk.domain.calendars import BusinessCalendar
from pactdesk.domain.vocabulary import EventKind, SlaState

# Targets with a lead of their own in the rule ("10 minutes before a 30-minute target").
KNOWN_LEADS: dict[timedelta, timedelta] = {
    timedelta(minutes=30): timedelta(minutes=10),
    timedelta(hours=4): timedelta(minutes=30),
}
LEAD_SHARE = 4  # otherwise a quarter of the target
ESCALATE_WITHIN = timedelta(days=1)


def warning_lead(duration: timedelta, override: timedelta | None = None) -> timedelta:
    """The lead of a target of ``duration`` (``override`` when the target sets one)."""
    if override is not None:
        return override
    return KNOWN_LEADS.get(duration, duration / LEAD_SHARE)


def alert_kind(
    *,
    state: str,
    due_at: datetime | None,
    met_at: datetime | None,
    lead: timedelta,
    calendar: BusinessCalendar,
    now: datetime,
    escalate_within: timedelta = ESCALATE_WITHIN,
) -> EventKind | None:
    """``SLA_WARNING``, ``SLA_ESCALATED`` or None for one clock at ``now``.

    ``state``, ``due_at`` and ``met_at`` are the clock's stored result (an
    :class:`SlaState`, possibly evaluated before ``now``: a ``running`` clock whose due
    instant has passed is breached now). Paused, met and not-applicable clocks call for
    nothing; so does a breach met late (answered after all).
    """
    require_aware(now, "now")
    if due_at is None or met_at is not None:
        return None
    if state == SlaState.BREACHED or (state == SlaState.RUNNING and due_at <= now):
        return EventKind.SLA_ESCALATED if now - due_at < escalate_within else None
    if state != SlaState.RUNNING:
        return None
    if due_at - now <= lead:
        return EventKind.SLA_WARNING
    if calendar.is_open(now) and calendar.elapsed(now, due_at) <= lead:
        return EventKind.SLA_WARNING
    return None
