"""The stored SLA state: replay the ticket's events with the domain, keep the result."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.db.models import QuerySet

from pactdesk.agreements.selectors import agreement_calendar, sla_policy_value
from pactdesk.desk.models import SlaState, Status, Ticket, TicketEvent
from pactdesk.desk.services.sla_report import sla_report_columns
from pactdesk.desk.sla_detail import sla_detail_dump
from pactdesk.domain.sla import EVENT_KINDS, Event, TicketSla, evaluate
from pactdesk.domain.vocabulary import Metric

STORED_METRICS = tuple(Metric)


def ticket_events_value(*, ticket: Ticket) -> list[Event]:
    """The events the SLA replay reads (audit-only kinds left out)."""
    rows = TicketEvent.objects.filter(ticket=ticket, kind__in=EVENT_KINDS).order_by("at", "id")
    return [Event(at=row.at, kind=row.kind, value=row.value or None) for row in rows]


def ticket_sla_fields(
    *, ticket: Ticket, now: datetime, events: list[Event] | None = None
) -> dict[str, Any]:
    """The SLA columns of the ticket at `now`. A caller that holds the whole history
    (lodging, before the ticket is even saved) passes it as `events`.

    Instants are taken in UTC before any arithmetic: Python adds a timedelta to an
    aware datetime in its own zone's wall-clock time, so a `now` given in New York
    plus a 3-day confirmation window across the DST change would land an hour off."""
    now = now.astimezone(UTC)
    agreement = ticket.agreement
    years = range(ticket.lodged_at.year - 1, max(now.year, ticket.lodged_at.year) + 2)
    policy = sla_policy_value(policy=agreement.sla_policy)
    history = ticket_events_value(ticket=ticket) if events is None else events
    calendar = agreement_calendar(agreement=agreement, years=years)

    def evaluate_at(instant: datetime) -> TicketSla:
        return evaluate(events=history, policy=policy, calendar=calendar, now=instant)

    sla = evaluate_at(max(now, ticket.lodged_at))
    fields = sla_columns(sla)
    fields.update(
        sla_report_columns(
            sla=sla,
            lodged_at=ticket.lodged_at,
            confirmation_window=policy.confirmation_window,
            evaluate_at=evaluate_at,
        )
    )
    confirm_at = None
    pending = fields["sla_effective_answer_state"] == SlaState.PAUSED
    if ticket.status == Status.SOLVED and ticket.solved_at is not None and pending:
        confirm_at = ticket.solved_at.astimezone(UTC) + policy.confirmation_window
    fields["sla_recheck_at"] = min(
        (t for t in (fields["sla_next_due_at"], confirm_at) if t is not None), default=None
    )
    return fields


def sla_columns(sla: TicketSla) -> dict[str, Any]:
    columns: dict[str, Any] = {}
    running_due = []
    for metric in STORED_METRICS:
        result = sla.get(metric)
        state = result.state if result is not None else ""
        due_at = result.due_at if result is not None else None
        columns[f"sla_{metric}_state"] = state
        columns[f"sla_{metric}_due_at"] = due_at
        if state == SlaState.RUNNING and due_at is not None:
            running_due.append(due_at)
    columns["sla_next_due_at"] = min(running_due, default=None)
    columns["sla_detail"] = sla_detail_dump(sla)
    columns["sla_evaluated_at"] = sla.evaluated_at
    return columns


def tickets_with_sla_inputs(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Tickets with what re-evaluating them reads loaded in bulk: agreement, calendar,
    plan, policy and its targets (one query for all targets, not one per ticket)."""
    return tickets.select_related(
        "agreement__calendar", "agreement__plan", "agreement__sla_policy"
    ).prefetch_related("agreement__sla_policy__targets")
