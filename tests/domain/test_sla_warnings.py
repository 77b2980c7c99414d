"""`pactdesk.domain.sla.warnings`: the lead of a target, and what one clock calls for."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pactdesk.domain.calendars import BusinessCalendar
from pactdesk.domain.sla.warnings import alert_kind, warning_lead
from pactdesk.domain.vocabulary import EventKind, SlaState

MIN = timedelta(minutes=1)
# Monday to Friday, 09:00 to 17:00 UTC.
OFFICE = BusinessCalendar.from_spec(
    {
        "timezone": "UTC",
        "hours": {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
    }
)
FRIDAY_4PM = datetime(2026, 3, 6, 16, 0, tzinfo=UTC)
MONDAY_9AM = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
WARN, ESCALATE = EventKind.SLA_WARNING, EventKind.SLA_ESCALATED


@pytest.mark.parametrize(
    ("target", "override", "lead"),
    [
        (30 * MIN, None, 10 * MIN),
        (timedelta(hours=4), None, 30 * MIN),
        (timedelta(hours=1), None, 15 * MIN),
        (timedelta(hours=8), None, 2 * 60 * MIN),
        (timedelta(days=2), None, timedelta(hours=12)),
        (30 * MIN, 5 * MIN, 5 * MIN),
    ],
)
def test_the_lead_of_a_target(target, override, lead) -> None:
    assert warning_lead(target, override) == lead


def kind(state=SlaState.RUNNING, *, due_at, now, met_at=None, lead=10 * MIN):
    return alert_kind(
        state=state, due_at=due_at, met_at=met_at, lead=lead, calendar=OFFICE, now=now
    )


@pytest.mark.parametrize(
    ("now", "due_at", "expected"),
    [
        # Open: open time left against the lead.
        (FRIDAY_4PM, FRIDAY_4PM + 11 * MIN, None),
        (FRIDAY_4PM, FRIDAY_4PM + 10 * MIN, WARN),
        # Friday 16:55, due Monday 09:05: 10 open minutes, the calendar still open.
        (FRIDAY_4PM + 55 * MIN, MONDAY_9AM + 5 * MIN, WARN),
        (FRIDAY_4PM + 54 * MIN, MONDAY_9AM + 5 * MIN, None),
        # Closed (Saturday, Monday before nine): only the due instant's nearness counts.
        (datetime(2026, 3, 7, 12, tzinfo=UTC), MONDAY_9AM + 5 * MIN, None),
        (MONDAY_9AM - 6 * MIN, MONDAY_9AM + 5 * MIN, None),
        (MONDAY_9AM - 5 * MIN, MONDAY_9AM + 5 * MIN, WARN),
        # Due: breached now, escalated within a day of falling due.
        (FRIDAY_4PM, FRIDAY_4PM, ESCALATE),
        (FRIDAY_4PM + timedelta(hours=23, minutes=59), FRIDAY_4PM, ESCALATE),
        (FRIDAY_4PM + timedelta(days=1), FRIDAY_4PM, None),
    ],
)
def test_a_running_clock(now, due_at, expected) -> None:
    assert kind(due_at=due_at, now=now) == expected


def test_a_stored_breach_escalates_and_a_late_answer_does_not() -> None:
    now = FRIDAY_4PM + MIN
    assert kind(SlaState.BREACHED, due_at=FRIDAY_4PM, now=now) == ESCALATE
    assert kind(SlaState.BREACHED, due_at=FRIDAY_4PM, met_at=now, now=now) is None


@pytest.mark.parametrize("state", [SlaState.PAUSED, SlaState.MET, SlaState.NOT_APPLICABLE])
def test_other_states_call_for_nothing(state) -> None:
    assert kind(state, due_at=FRIDAY_4PM + 5 * MIN, now=FRIDAY_4PM) is None


def test_a_clock_without_a_due_instant_calls_for_nothing() -> None:
    assert kind(due_at=None, now=FRIDAY_4PM) is None
