"""Lodging: every ticket, from mail, web form, portal or API, is made here.

The path of one lodging, from the request to the commit to the mail (one web process;
every step but the last runs in the request's thread):

    intake.services · web.public_form · api.tickets.router · conversation (follow-up)
        |  LodgingRequest (lodging_request.py)
        v
    ticket_lodge_once      check and normalise the request, fingerprint it
        |
        v
    _plan                  reads only, no lock held (reference data memoised per
        |                  process, platform.refcache): the agreement in force, the
        |                  customer if known, the first events, the SLA columns
        |  _LodgingPlan
        v
    _lodging_writer        platform.batching.GroupWriter: the plans that concurrent
        .submit(plan)      threads of this process submit meanwhile are written
        |                  together; one thread leads, the others wait for its commit
        v
    _write_plans           inside one transaction, multi-row INSERTs: tickets, first
        |                  messages, idempotency keys, acknowledgements into the
        |                  outbox (notify.services.mail_queue_many), events
        v
    COMMIT ---------------> on_commit: notify.services._hand_over(outbox ids)
        |                       |  the outbox courier (platform.batching.Courier)
        v                       v  a thread of the process: one Huey task for all
    Lodged(ticket,          notify.tasks.outbox_deliver_task, in the worker
           made_now=True)       -> notify.services.mail_deliver -> SMTP

A retry (its idempotency key already taken: IntegrityError at the INSERT, or its
agreement ended since: ValidationFailed in `_plan`) answers from `_ticket_of_retry`
with the ticket the first request made: Lodged(ticket, made_now=False).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError

from pactdesk.accounts.models import Client, Customer
from pactdesk.accounts.selectors import customer_find
from pactdesk.accounts.services import customer_address, customer_get_or_create
from pactdesk.agreements.selectors import agreement_for_lodging
from pactdesk.desk.error_codes import DeskErrorCode
from pactdesk.desk.models import (
    Channel,
    IdempotencyKey,
    Message,
    MessageKind,
    Priority,
    RawMail,
    Ticket,
    TicketEvent,
)
from pactdesk.desk.services.lodging_request import Lodged, LodgingRequest
from pactdesk.desk.services.mail import Acknowledged, ticket_mail_acknowledgements
from pactdesk.desk.services.records import AttachmentIn, mail_key, message_create, no_nul
from pactdesk.desk.services.sla_state import ticket_sla_fields
from pactdesk.domain.sla import Event
from pactdesk.domain.vocabulary import EventKind, values
from pactdesk.platform.batching import GroupWriter
from pactdesk.platform.errors import Conflict, ServiceClosed, ValidationFailed
from pactdesk.platform.text import single_line

MAX_SUBJECT = 250
MAX_FILENAME = 255  # what browsers' uploads carry at most (Django keeps 255)


def ticket_lodge(
    *,
    client: Client,
    customer_email: str,
    subject: str,
    body: str,
    channel: str,
    now: datetime,
    customer_name: str = "",
    priority: str = Priority.NORMAL,
    attachments: Sequence[AttachmentIn] = (),
    mail_message_id: str = "",
    idempotency_key: str | None = None,
    raw_mail: RawMail | None = None,
    language: str | None = None,
) -> Ticket:
    """Lodge a query as a ticket on the client's current agreement: the fields of a
    `LodgingRequest` as keyword arguments (the contract callers outside the project
    use, spelled out so that it can be read and checked); returns the ticket, made now
    or by an earlier request this one retries."""
    request = LodgingRequest(
        client=client,
        customer_email=customer_email,
        subject=subject,
        body=body,
        channel=channel,
        now=now,
        customer_name=customer_name,
        priority=priority,
        attachments=attachments,
        mail_message_id=mail_message_id,
        idempotency_key=idempotency_key,
        raw_mail=raw_mail,
        language=language,
    )
    return ticket_lodge_once(request).ticket


def ticket_lodge_once(request: LodgingRequest) -> Lodged:
    """Lodge `request` once: a retry of it (same idempotency key, same fields) answers
    with the ticket the first one made (`made_now` False).

    The key is claimed by inserting it beside the ticket, not by reading first: a new
    request (the usual case) costs no lookup, and a retry finds the unique key taken,
    rolls back and answers with the ticket the key points to.

    Errors: ValidationFailed (channel, priority, subject, body, attachments, a customer
    address; `no_agreement`), ServiceClosed (an inactive client), Conflict
    `idempotency_key_reused`.
    """
    request = _normalised(request)
    fingerprint = _fingerprint(
        request.customer_email,
        request.subject,
        request.body,
        request.channel,
        request.priority,
        request.attachments,
    )
    try:
        plan = _plan(request, fingerprint=fingerprint)
    except ValidationFailed:
        # A retry of a request lodged before the agreement ended still gets its ticket.
        earlier = _ticket_of_retry(request, fingerprint=fingerprint)
        if earlier is None:
            raise
        return Lodged(earlier, made_now=False)
    try:
        return Lodged(_lodging_writer.submit(plan), made_now=True)
    except IntegrityError:
        # The key is taken: a retry, or two retries raced and the other one committed.
        earlier = _ticket_of_retry(request, fingerprint=fingerprint)
        if earlier is None:
            raise
        return Lodged(earlier, made_now=False)


def _normalised(request: LodgingRequest) -> LodgingRequest:
    """The request as stored (text without NULs, the name and subject on one line),
    or a ValidationFailed for what the channel may not send."""
    _check(
        channel=request.channel,
        priority=request.priority,
        body=no_nul(request.body),
        attachments=request.attachments,
    )
    return replace(
        request,
        subject=check_subject(no_nul(request.subject), channel=request.channel),
        body=no_nul(request.body),
        customer_name=single_line(no_nul(request.customer_name)),
    )


def _plan(request: LodgingRequest, *, fingerprint: str) -> _LodgingPlan:
    """Everything but the writing: reads only (memoised), so no lock is held."""
    client, now, priority = request.client, request.now, request.priority
    if not client.is_active:
        raise ServiceClosed.of(client.name)
    agreement = agreement_for_lodging(client=client, on=now.date())
    customer = customer_find(client=client, email=request.customer_email)
    if customer is None:
        customer_address(request.customer_email)  # refused now, not inside the shared write
    events = [Event(now, EventKind.LODGED)]
    if priority != Priority.NORMAL:
        events.append(Event(now, EventKind.PRIORITY, priority))
    if client.send_acknowledgements:
        events.append(Event(now, EventKind.AUTO_REPLY))
    ticket = Ticket(
        client=client,
        agreement=agreement,
        customer=customer,
        subject=request.subject,
        channel=request.channel,
        priority=priority,
        lodged_at=now,
        updated_at=now,
    )
    # The clocks are known before the first write: one INSERT, no UPDATE.
    for name, value in ticket_sla_fields(ticket=ticket, now=now, events=events).items():
        setattr(ticket, name, value)
    return _LodgingPlan(
        request=request,
        ticket=ticket,
        customer=customer,
        events=tuple(events),
        fingerprint=fingerprint,
    )


@dataclass(frozen=True)
class _LodgingPlan:
    """Everything a lodging writes, worked out before the write lock is taken."""

    request: LodgingRequest  # normalised
    ticket: Ticket  # unsaved, SLA columns set
    customer: Customer | None  # None: made (or found) inside the write
    events: tuple[Event, ...]
    fingerprint: str

    def first_message(self) -> Message:
        ticket, request = self.ticket, self.request
        return Message(
            client_id=ticket.client_id,
            ticket=ticket,
            kind=MessageKind.CUSTOMER,
            body=request.body,
            channel=ticket.channel,
            created_at=ticket.lodged_at,
            customer=ticket.customer,
            mail_message_id=request.mail_message_id,
            mail_message_key=mail_key(request.mail_message_id),
            raw_mail=request.raw_mail,
        )

    def key_claim(self) -> IdempotencyKey:
        ticket = self.ticket
        assert self.request.idempotency_key is not None  # claimed only for lodgings with a key
        return IdempotencyKey(
            client_id=ticket.client_id,
            key=self.request.idempotency_key,
            fingerprint=self.fingerprint,
            ticket=ticket,
            created_at=ticket.lodged_at,
        )

    def history(self, *, acknowledged: bool = True) -> list[TicketEvent]:
        """The lodging's events; an acknowledgement withheld by the per-recipient limit
        is recorded as such instead of `auto_reply` (which the SLA replay ignores)."""
        ticket = self.ticket
        events = [
            TicketEvent(
                client_id=ticket.client_id, ticket=ticket, kind=e.kind, value=e.value or "", at=e.at
            )
            for e in self.events
        ]
        if acknowledged:
            return events
        limit = settings.PACTDESK_ACK_LIMIT_PER_HOUR
        withheld = TicketEvent(
            client_id=ticket.client_id,
            ticket=ticket,
            kind=EventKind.ACKNOWLEDGEMENT_WITHHELD,
            value=f"{limit} already sent to this address in the last hour",
            at=ticket.lodged_at,
        )
        return [withheld if e.kind == EventKind.AUTO_REPLY else e for e in events]


def _write_plans(plans: Sequence[_LodgingPlan]) -> list[Ticket]:
    """The rows of several lodgings, a few multi-row INSERTs in all (called inside a
    transaction; a failed batch is written again one lodging at a time)."""
    tickets: list[Ticket] = []
    for plan in plans:
        ticket, request = plan.ticket, plan.request
        ticket.pk, ticket._state.adding = None, True  # a retry after a failed batch
        ticket.customer = plan.customer or customer_get_or_create(
            client=ticket.client,
            email=request.customer_email,
            name=request.customer_name,
            now=ticket.lodged_at,
        )
        tickets.append(ticket)
    Ticket.objects.bulk_create(tickets)
    for plan in plans:
        if plan.request.attachments:  # files are stored one message at a time
            _first_message_with_files(plan)
    Message.objects.bulk_create(
        plan.first_message() for plan in plans if not plan.request.attachments
    )
    IdempotencyKey.objects.bulk_create(
        plan.key_claim() for plan in plans if plan.request.idempotency_key is not None
    )
    acknowledged = [
        Acknowledged(
            plan.ticket, plan.ticket.customer, [plan.request.mail_message_id], plan.request.language
        )
        for plan in plans
        if plan.ticket.client.send_acknowledgements
    ]
    withheld = ticket_mail_acknowledgements(acknowledged=acknowledged) if acknowledged else []
    TicketEvent.objects.bulk_create(
        row for plan in plans for row in plan.history(acknowledged=plan.ticket not in withheld)
    )
    return tickets


def _first_message_with_files(plan: _LodgingPlan) -> None:
    ticket, request = plan.ticket, plan.request
    message_create(
        ticket=ticket,
        kind=MessageKind.CUSTOMER,
        body=request.body,
        channel=ticket.channel,
        now=ticket.lodged_at,
        customer=ticket.customer,
        attachments=request.attachments,
        mail_message_id=request.mail_message_id,
        raw_mail=request.raw_mail,
    )


# The group commit of this process's lodgings (see the module's docstring).
_lodging_writer: GroupWriter[_LodgingPlan, Ticket] = GroupWriter(_write_plans)


def check_attachments(attachments: Sequence[AttachmentIn], *, channel: str = Channel.WEB) -> None:
    """Refuse too many or too large files; on the interactive channels also a file
    name longer than MAX_FILENAME (mail keeps any name: it cannot be refused)."""
    limit = settings.PACTDESK_ATTACHMENT_MAX_BYTES
    if len(attachments) > settings.PACTDESK_ATTACHMENT_MAX_COUNT:
        raise ValidationFailed(
            f"attachments: at most {settings.PACTDESK_ATTACHMENT_MAX_COUNT} files",
            code=DeskErrorCode.TOO_MANY_ATTACHMENTS,
            field="attachments",
        )
    for index, item in enumerate(attachments):
        if channel != Channel.EMAIL and len(item.filename) > MAX_FILENAME:
            raise ValidationFailed(
                f"attachments[{index}]: the file name is {len(item.filename)} characters; "
                f"the limit is {MAX_FILENAME}",
                code=DeskErrorCode.TOO_LONG,
                field=f"attachments[{index}].filename",
            )
        if len(item.content) > limit:
            raise ValidationFailed(
                f"attachments[{index}]: {item.filename!r} is {len(item.content)} bytes; "
                f"the limit is {limit}",
                code=DeskErrorCode.ATTACHMENT_TOO_LARGE,
                field=f"attachments[{index}]",
            )


def check_body(body: str) -> None:
    if not body.strip():
        raise ValidationFailed("body: must not be empty", code=DeskErrorCode.REQUIRED, field="body")
    if len(body) > settings.PACTDESK_BODY_MAX_CHARS:
        raise ValidationFailed(
            f"body: {len(body)} characters; the limit is {settings.PACTDESK_BODY_MAX_CHARS}",
            code=DeskErrorCode.BODY_TOO_LARGE,
            field="body",
        )


def _check(*, channel: str, priority: str, body: str, attachments: Sequence[AttachmentIn]) -> None:
    if channel not in Channel.values:
        raise ValidationFailed(f"channel: {channel!r} is not known", field="channel")
    if priority not in values(Priority):
        raise ValidationFailed(
            f"priority: {priority!r} is not one of {', '.join(Priority)}",
            code=DeskErrorCode.INVALID_CHOICE,
            field="priority",
        )
    check_body(body)
    check_attachments(attachments, channel=channel)


def _ticket_of_retry(request: LodgingRequest, *, fingerprint: str) -> Ticket | None:
    """The ticket an earlier request with the same idempotency key made, if this one
    retries it (None without a key or when the key is unused); Conflict when the key
    was used for a different request."""
    if request.idempotency_key is None:
        return None
    row = (
        IdempotencyKey.objects.filter(client=request.client, key=request.idempotency_key)
        .values_list("fingerprint", "ticket_id")
        .first()
    )
    if row is None:
        return None
    if row[0] != fingerprint:
        raise Conflict(
            "Idempotency-Key was already used for a different request",
            code=DeskErrorCode.IDEMPOTENCY_KEY_REUSED,
            field="Idempotency-Key",
        )
    return Ticket.objects.get(pk=row[1])


def _fingerprint(*parts: object) -> str:
    def plain(part: object) -> object:
        if isinstance(part, (list, tuple)):
            return [hashlib.sha256(a.content).hexdigest() for a in part]
        return part

    payload = json.dumps([plain(p) for p in parts], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def check_subject(subject: str, *, channel: str) -> str:
    """The subject as stored: on one line, whitespace collapsed. The interactive
    channels (web form, portal, API) refuse an empty or over-long one; mail, which
    cannot be refused for its content, gets "(no subject)" or the subject shortened
    for display (the mail's intake says so in the message; the raw mail has it all)."""
    line = single_line(subject)
    if channel == Channel.EMAIL:
        return subject_for_display(line)
    if not line:
        raise ValidationFailed(
            "subject: must not be empty", code=DeskErrorCode.REQUIRED, field="subject"
        )
    if len(line) > MAX_SUBJECT:
        raise ValidationFailed(
            f"subject: {len(line)} characters; the limit is {MAX_SUBJECT}",
            code=DeskErrorCode.TOO_LONG,
            field="subject",
        )
    return line


def subject_for_display(subject: str) -> str:
    """A mail's subject as a ticket shows it: "(no subject)", or at most MAX_SUBJECT
    characters ending in an ellipsis when it was longer."""
    line = single_line(subject)
    if len(line) <= MAX_SUBJECT:
        return line or "(no subject)"
    return line[: MAX_SUBJECT - 1].rstrip() + "…"
