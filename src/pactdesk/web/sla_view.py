"""The SLA panel's values, read from the columns the desk stores on the ticket."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pactdesk.desk.models import SlaState, Ticket
from pactdesk.domain.vocabulary import LABELS, Metric

METRICS = tuple((metric.value, metric.label) for metric in Metric)


@dataclass(frozen=True)
class Clock:
    metric: str
    label: str
    state: str
    state_label: str
    due_at: datetime | None
    met_at: datetime | None
    breached_at: datetime | None
    remaining: timedelta | None
    target: timedelta | None

    @property
    def running(self) -> bool:
        return self.state == SlaState.RUNNING and self.due_at is not None


def ticket_clocks(ticket: Ticket) -> list[Clock]:
    """One clock per metric the ticket's policy applies, in a fixed order."""
    clocks = []
    labels = LABELS[SlaState]
    for metric, label in METRICS:
        state = getattr(ticket, f"sla_{metric}_state")
        if not state:
            continue
        detail: dict[str, Any] = (ticket.sla_detail or {}).get(metric, {})
        target = detail.get("target") or {}
        clocks.append(
            Clock(
                metric=metric,
                label=label,
                state=state,
                state_label=labels.get(state, state),
                due_at=getattr(ticket, f"sla_{metric}_due_at"),
                met_at=_moment(detail.get("met_at")),
                breached_at=_moment(detail.get("breached_at")),
                remaining=_seconds(detail.get("remaining_seconds")),
                target=_seconds(target.get("duration_seconds")),
            )
        )
    return clocks


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _seconds(value: float | None) -> timedelta | None:
    return None if value is None else timedelta(seconds=value)
