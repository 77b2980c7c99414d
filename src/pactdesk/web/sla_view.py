"""The SLA panel's values, read from the columns the desk stores on the ticket."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from pactdesk.desk.models import SlaState, Ticket
from pactdesk.desk.sla_detail import sla_detail_load
from pactdesk.domain.vocabulary import Metric


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
    details = sla_detail_load(ticket.sla_detail)
    for metric in Metric:
        state = getattr(ticket, f"sla_{metric}_state")
        if not state:
            continue
        detail = details.get(metric)
        target = None if detail is None else detail.target
        clocks.append(
            Clock(
                metric=metric,
                label=metric.label,
                state=state,
                state_label=SlaState(state).label,
                due_at=getattr(ticket, f"sla_{metric}_due_at"),
                met_at=None if detail is None else detail.met_at,
                breached_at=None if detail is None else detail.breached_at,
                remaining=None if detail is None else detail.remaining,
                target=None if target is None else target.duration,
            )
        )
    return clocks
