"""`Ticket.sla_detail` has one shape: what the desk writes is what the pages read back
and what the API documents."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import get_type_hints

from pactdesk.api.tickets.outputs import SlaMetricOut, SlaTargetOut
from pactdesk.desk.sla_detail import (
    SlaMetricDetail,
    SlaMetricJson,
    SlaTargetDetail,
    SlaTargetJson,
    sla_detail_dump,
    sla_detail_load,
)
from pactdesk.domain.calendars import BusinessCalendar
from pactdesk.domain.sla import Event, Policy, Target, evaluate
from pactdesk.domain.vocabulary import Metric, SlaState

ALWAYS = BusinessCalendar.from_spec({"timezone": "UTC", "always_open": True})
LODGED = datetime(2026, 3, 2, 9, tzinfo=UTC)
POLICY = Policy(
    targets=(
        Target(Metric.FIRST_RESPONSE, timedelta(minutes=30), priority="urgent"),
        Target(Metric.EFFECTIVE_ANSWER, timedelta(hours=4)),
    )
)


def evaluated() -> dict[str, object]:
    """Lodged urgent at 09:00, answered at 09:40 (first response breached at 09:30)."""
    events = [
        Event(LODGED, "lodged", "urgent"),
        Event(LODGED + timedelta(minutes=40), "staff_reply"),
    ]
    sla = evaluate(events=events, policy=POLICY, calendar=ALWAYS, now=LODGED + timedelta(hours=1))
    return json.loads(json.dumps(sla_detail_dump(sla)))


def test_the_desk_writes_plain_json_in_the_documented_shape() -> None:
    assert evaluated() == {
        "first_response": {
            "state": "breached",
            "due_at": "2026-03-02T09:30:00+00:00",
            "met_at": "2026-03-02T09:40:00+00:00",
            "breached_at": "2026-03-02T09:30:00+00:00",
            "used_seconds": 2400.0,
            "remaining_seconds": 0.0,
            "target": {"duration_seconds": 1800.0, "goal": "90", "priority": "urgent"},
        },
        "effective_answer": {
            "state": "running",
            "due_at": "2026-03-02T13:00:00+00:00",
            "met_at": None,
            "breached_at": None,
            "used_seconds": 3600.0,
            "remaining_seconds": 10800.0,
            "target": {"duration_seconds": 14400.0, "goal": "90", "priority": None},
        },
    }


def test_what_is_written_reads_back_typed() -> None:
    detail = sla_detail_load(evaluated())

    assert detail == {
        Metric.FIRST_RESPONSE: SlaMetricDetail(
            state=SlaState.BREACHED,
            due_at=datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
            met_at=datetime(2026, 3, 2, 9, 40, tzinfo=UTC),
            breached_at=datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
            used=timedelta(minutes=40),
            remaining=timedelta(0),
            target=SlaTargetDetail(
                duration=timedelta(minutes=30), goal=Decimal(90), priority="urgent"
            ),
        ),
        Metric.EFFECTIVE_ANSWER: SlaMetricDetail(
            state=SlaState.RUNNING,
            due_at=datetime(2026, 3, 2, 13, tzinfo=UTC),
            met_at=None,
            breached_at=None,
            used=timedelta(hours=1),
            remaining=timedelta(hours=3),
            target=SlaTargetDetail(duration=timedelta(hours=4), goal=Decimal(90), priority=None),
        ),
    }


def test_a_ticket_never_evaluated_reads_as_no_metrics() -> None:
    assert (sla_detail_load({}), sla_detail_load(None)) == ({}, {})


def test_the_api_schema_documents_every_stored_field() -> None:
    assert list(SlaMetricOut.model_fields) == list(get_type_hints(SlaMetricJson))
    assert list(SlaTargetOut.model_fields) == list(get_type_hints(SlaTargetJson))
