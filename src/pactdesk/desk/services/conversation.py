"""Public replies, internal notes and customer replies."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction

from pactdesk.accounts.models import Customer, User
from pactdesk.desk.models import (
    Channel,
    EventKind,
    Message,
    MessageKind,
    RawMail,
    Status,
    Ticket,
)
from pactdesk.desk.participants import reply_recipients, ticket_merge_chain
from pactdesk.desk.services.access import check_open, check_staff
from pactdesk.desk.services.changes import EventIn, ticket_change
from pactdesk.desk.services.lifecycle import check_transition, status_events, status_fields
from pactdesk.desk.services.lodging import check_attachments, check_body, ticket_lodge_once
from pactdesk.desk.services.lodging_request import LodgingRequest
from pactdesk.desk.services.mail import ticket_mail_reply
from pactdesk.desk.services.records import (
    AttachmentIn,
    message_create,
    recipients_record,
)


def ticket_reply(
    *,
    actor: User,
    ticket: Ticket,
    body: str,
    now: datetime,
    status: str | None = None,
    attachments: Sequence[AttachmentIn] = (),
    channel: str = Channel.WEB,
    to_customer_id: int | None = None,
) -> Message:
    """A public staff reply, mailed to the customer it answers: `to_customer_id` (one
    of the ticket's writers or copied customers), by default the writer of the latest
    customer message; copied to the others only when staff chose to copy them at a
    merge (see `participants.reply_recipients`). The recipients are recorded, and the
    portal shows the reply to them only. A new ticket becomes open; `status` (waiting
    or solved, usually) is applied with the reply. `channel` is where staff wrote it
    (the workspace, or the API).

    Errors: PermissionDenied (not staff), Conflict `ticket_closed`, ValidationFailed
    (body, attachments, `not_a_participant` for `to`), Conflict `invalid_transition`.
    """
    check_staff(actor)
    check_open(ticket)
    check_body(body)
    check_attachments(attachments, channel=channel)
    if status is not None:
        check_transition(ticket=ticket, status=status)
    recipients = reply_recipients(ticket=ticket, to_customer_id=to_customer_id)
    with transaction.atomic():
        message = message_create(
            ticket=ticket,
            kind=MessageKind.STAFF,
            body=body,
            channel=channel,
            now=now,
            author=actor,
            attachments=attachments,
        )
        recipients_record(message=message, recipients=recipients)
        events = [EventIn(EventKind.STAFF_REPLY)]
        fields: dict[str, Any] = {}
        target = status or (Status.OPEN if ticket.status == Status.NEW else None)
        if target is not None and target != ticket.status:
            events += status_events(ticket=ticket, status=target)
            fields = status_fields(status=target, now=now)
        ticket_change(ticket=ticket, now=now, actor=actor, events=events, fields=fields)
        ticket_mail_reply(ticket=ticket, message=message, now=now, recipients=recipients)
    return message


def ticket_note(
    *, actor: User, ticket: Ticket, body: str, now: datetime, channel: str = Channel.WEB
) -> Message:
    """An internal note: never mailed, never a response."""
    check_staff(actor)
    check_body(body)
    with transaction.atomic():
        message = message_create(
            ticket=ticket, kind=MessageKind.NOTE, body=body, channel=channel, now=now, author=actor
        )
        ticket_change(ticket=ticket, now=now, actor=actor, events=[EventIn(EventKind.NOTE)])
    return message


def ticket_customer_reply(
    *,
    ticket: Ticket,
    customer: Customer,
    body: str,
    now: datetime,
    channel: str,
    attachments: Sequence[AttachmentIn] = (),
    mail_message_id: str = "",
    raw_mail: RawMail | None = None,
) -> Ticket:
    """The customer writes again; returns the ticket the reply landed on. A reply to a
    merged ticket goes to the ticket it was merged into (whoever's it is: the message
    stays the writer's, see `participants`). A solved ticket is reopened, a waiting one
    is open again; on a closed ticket the reply lodges a follow-up ticket of the
    writer, which is returned."""
    chain = ticket_merge_chain(ticket)
    ticket = chain[-1]
    if ticket.status == Status.CLOSED:
        own = next((t for t in chain if t.customer_id == customer.pk), None)
        subject = own.subject if own is not None else f"Follow-up to {ticket.reference}"
        follow_up = LodgingRequest(
            client=ticket.client,
            customer_email=customer.email,
            customer_name=customer.name,
            subject=subject,
            body=f"(follow-up to {ticket.reference})\n\n{body}",
            channel=channel,
            now=now,
            priority=ticket.priority,
            attachments=attachments,
            mail_message_id=mail_message_id,
            raw_mail=raw_mail,
        )
        return ticket_lodge_once(follow_up).ticket
    check_body(body)
    check_attachments(attachments, channel=channel)
    with transaction.atomic():
        message_create(
            ticket=ticket,
            kind=MessageKind.CUSTOMER,
            body=body,
            channel=channel,
            now=now,
            customer=customer,
            attachments=attachments,
            mail_message_id=mail_message_id,
            raw_mail=raw_mail,
        )
        reopened = ticket.status == Status.SOLVED
        events = [
            *([EventIn(EventKind.REOPENED)] if reopened else []),
            EventIn(EventKind.CUSTOMER_REPLY),
        ]
        opens_again = ticket.status in (Status.SOLVED, Status.WAITING)
        fields = status_fields(status=Status.OPEN, now=now) if opens_again else {}
        ticket_change(ticket=ticket, now=now, events=events, fields=fields)
    return ticket
