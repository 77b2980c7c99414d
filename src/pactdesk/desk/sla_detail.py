"""`Ticket.sla_detail`: the JSON the desk stores after every SLA evaluation and the web
pages and the API read back. Its one writer and one reader are here.

The shape, keyed by metric (only the metrics the ticket's policy has a target for)::

    {"first_response": {
        "state": "running",                  # an SlaState
        "due_at": "2026-03-02T10:30:00+00:00" | null,
        "met_at": ... | null, "breached_at": ... | null,   # ISO 8601
        "used_seconds": 600.0, "remaining_seconds": 1200.0, # open time, as of evaluation
        "target": {"duration_seconds": 1800.0, "goal": "90", "priority": "urgent" | null}
                  | null                     # the target applied (none for the priority)
    }, ...}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TypedDict

from pactdesk.domain.sla import TargetResult, TicketSla
from pactdesk.domain.vocabulary import Metric, SlaState


class SlaTargetJson(TypedDict):
    duration_seconds: float
    goal: str
    priority: str | None


class SlaMetricJson(TypedDict):
    state: str
    due_at: str | None
    met_at: str | None
    breached_at: str | None
    used_seconds: float
    remaining_seconds: float
    target: SlaTargetJson | None


SlaDetailJson = dict[str, SlaMetricJson]


@dataclass(frozen=True)
class SlaTargetDetail:
    duration: timedelta
    goal: Decimal
    priority: str | None


@dataclass(frozen=True)
class SlaMetricDetail:
    """One metric's stored result, read back with its types."""

    state: SlaState
    due_at: datetime | None
    met_at: datetime | None
    breached_at: datetime | None
    used: timedelta
    remaining: timedelta
    target: SlaTargetDetail | None


def sla_detail_dump(sla: TicketSla) -> SlaDetailJson:
    """The JSON of every metric's result in `sla`."""
    return {result.metric: _metric_json(result) for result in sla}


def sla_detail_load(data: Mapping[str, SlaMetricJson] | None) -> dict[Metric, SlaMetricDetail]:
    """What `sla_detail_dump` wrote (a ticket not yet evaluated has `{}`)."""
    return {Metric(metric): _metric_detail(entry) for metric, entry in (data or {}).items()}


def _metric_json(result: TargetResult) -> SlaMetricJson:
    applied = result.applied
    target: SlaTargetJson | None = None
    if applied is not None:
        target = {
            "duration_seconds": applied.duration.total_seconds(),
            "goal": str(applied.goal),
            "priority": applied.priority,
        }
    return {
        "state": result.state,
        "due_at": _iso(result.due_at),
        "met_at": _iso(result.met_at),
        "breached_at": _iso(result.breached_at),
        "used_seconds": result.used.total_seconds(),
        "remaining_seconds": result.remaining.total_seconds(),
        "target": target,
    }


def _metric_detail(entry: SlaMetricJson) -> SlaMetricDetail:
    target = entry["target"]
    return SlaMetricDetail(
        state=SlaState(entry["state"]),
        due_at=_moment(entry["due_at"]),
        met_at=_moment(entry["met_at"]),
        breached_at=_moment(entry["breached_at"]),
        used=timedelta(seconds=entry["used_seconds"]),
        remaining=timedelta(seconds=entry["remaining_seconds"]),
        target=None
        if target is None
        else SlaTargetDetail(
            duration=timedelta(seconds=target["duration_seconds"]),
            goal=Decimal(target["goal"]),
            priority=target["priority"],
        ),
    )


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
