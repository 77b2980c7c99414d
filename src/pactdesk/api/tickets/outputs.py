"""What ticket operations answer: the schemas (for validation and the OpenAPI document)
and the functions that build them from rows already loaded (no queries here)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from pactdesk.accounts.models import Client, Customer, User
from pactdesk.api.error_codes import documented_codes
from pactdesk.desk.models import Message, Ticket
from pactdesk.domain.vocabulary import Metric, Priority, SlaState, Status


class ErrorOut(BaseModel):
    code: str = Field(
        description="Stable and machine-readable; branch on it, not on the message. "
        "Pactdesk's codes (from its ErrorCode enums): "
        + ", ".join(f"`{code}`" for code in documented_codes())
        + "."
    )
    message: str
    field: str | None = None


class ClientRef(BaseModel):
    id: int
    slug: str
    name: str


class CustomerRef(BaseModel):
    id: int
    email: str
    name: str


class UserRef(BaseModel):
    id: int
    name: str


class SlaTargetOut(BaseModel):
    """The SLA target applied to the ticket (`pactdesk.desk.sla_detail.SlaTargetJson`)."""

    duration_seconds: float = Field(description="Open time allowed, in seconds.")
    goal: str = Field(description="Period attainment goal in percent, a decimal string.")
    priority: Priority | None = Field(
        None, description="The priority the target is for; null for the default target."
    )


class SlaMetricOut(BaseModel):
    """One metric's clock (`pactdesk.desk.sla_detail.SlaMetricJson`); seconds count
    business open time, as of the evaluation."""

    state: SlaState
    due_at: datetime | None = Field(
        None, description="When the clock falls due; null while paused before falling due."
    )
    met_at: datetime | None = Field(None, description="When the metric was met.")
    breached_at: datetime | None = Field(
        None, description="When the clock breached (its due instant)."
    )
    used_seconds: float = Field(description="Open time used.")
    remaining_seconds: float = Field(description="Open time left: duration - used, at least 0.")
    target: SlaTargetOut | None = Field(
        None, description="The target applied; null when none applies at this priority."
    )


class SlaOut(BaseModel):
    """The stored SLA state, as evaluated at `evaluated_at` (seconds are as of then)."""

    next_due_at: datetime | None
    evaluated_at: datetime | None
    metrics: dict[Metric, SlaMetricOut] = Field(
        description="One entry per metric the ticket's policy has a target for."
    )


class TicketOut(BaseModel):
    id: int
    reference: str
    subject: str
    status: Status
    priority: Priority
    channel: str
    client: ClientRef
    customer: CustomerRef
    assignee: UserRef | None
    valid: bool
    invalid_reason: str
    merged_into: int | None
    lodged_at: datetime
    updated_at: datetime
    solved_at: datetime | None
    closed_at: datetime | None
    sla: SlaOut


class AttachmentOut(BaseModel):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str


class RecipientOut(BaseModel):
    customer: CustomerRef
    copied: bool


class MessageOut(BaseModel):
    id: int
    ticket_id: int
    kind: str
    body: str
    channel: str
    created_at: datetime
    author: UserRef | None
    customer: CustomerRef | None
    recipients: list[RecipientOut]
    attachments: list[AttachmentOut]


class TicketDetailOut(TicketOut):
    messages: list[MessageOut]


class TicketPageOut(BaseModel):
    items: list[TicketOut]
    next_cursor: str | None


def client_ref(client: Client) -> dict[str, Any]:
    return {"id": client.pk, "slug": client.slug, "name": client.name}


def customer_ref(customer: Customer | None) -> dict[str, Any] | None:
    if customer is None:
        return None
    return {"id": customer.pk, "email": customer.email, "name": customer.name}


def user_ref(user: User | None) -> dict[str, Any] | None:
    return None if user is None else {"id": user.pk, "name": user.name}


def ticket_out(ticket: Ticket) -> dict[str, Any]:
    """Needs client, customer and assignee loaded (the desk selectors do that)."""
    return {
        "id": ticket.pk,
        "reference": ticket.reference,
        "subject": ticket.subject,
        "status": ticket.status,
        "priority": ticket.priority,
        "channel": ticket.channel,
        "client": client_ref(ticket.client),
        "customer": customer_ref(ticket.customer),
        "assignee": user_ref(ticket.assignee),
        "valid": ticket.is_valid,
        "invalid_reason": ticket.invalid_reason,
        "merged_into": ticket.merged_into_id,
        "lodged_at": ticket.lodged_at,
        "updated_at": ticket.updated_at,
        "solved_at": ticket.solved_at,
        "closed_at": ticket.closed_at,
        "sla": {
            "next_due_at": ticket.sla_next_due_at,
            "evaluated_at": ticket.sla_evaluated_at,
            "metrics": ticket.sla_detail or {},
        },
    }


def message_out(message: Message) -> dict[str, Any]:
    """Reads `message.attachments` and `message.recipients` (prefetched by the desk
    selector for lists): the customers a staff reply was sent to."""
    return {
        "id": message.pk,
        "ticket_id": message.ticket_id,
        "kind": message.kind,
        "body": message.body,
        "channel": message.channel,
        "created_at": message.created_at,
        "author": user_ref(message.author),
        "customer": customer_ref(message.customer),
        "recipients": [
            {"customer": customer_ref(r.customer), "copied": r.copied}
            for r in message.recipients.all()
        ],
        "attachments": [
            {
                "id": a.pk,
                "filename": a.filename,
                "content_type": a.content_type,
                "size": a.size,
                "sha256": a.sha256,
            }
            for a in message.attachments.all()
        ],
    }


def ticket_detail_out(ticket: Ticket, messages: Iterable[Message]) -> dict[str, Any]:
    return {**ticket_out(ticket), "messages": [message_out(m) for m in messages]}
