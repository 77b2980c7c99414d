"""Lodging: every ticket, from mail, web form, portal or API, is made here."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
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
    """Lodge a query as a ticket on the client's current agreement.

    `now` is the lodging instant: the receipt time, not a sender's Date header. With an
    `idempotency_key`, a retry of the same request returns the ticket made the first
    time; the same key with a different request is a Conflict. `language`: what the
    customer reads, if the channel says (a BCP 47 tag or an Accept-Language value such
    as "de-AT,de;q=0.9"); it picks the acknowledgement's wording.
    """
    ticket, _ = ticket_lodge_or_replay(
        client=client, customer_email=customer_email, subject=subject, body=body,
        channel=channel, now=now, customer_name=customer_name, priority=priority,
        attachments=attachments, mail_message_id=mail_message_id,
        idempotency_key=idempotency_key, raw_mail=raw_mail, language=language,
    )  # fmt: skip
    return ticket


def ticket_lodge_or_replay(
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
) -> tuple[Ticket, bool]:
    """`ticket_lodge`, also telling whether the ticket was made now (True) or by an
    earlier request with the same `idempotency_key` (False).

    The key is claimed by inserting it beside the ticket, not by reading first: a new
    request (the usual case) costs no lookup, and a retry finds the unique key taken,
    rolls back and answers with the ticket the key points to.
    """
    subject, body = no_nul(subject), no_nul(body)
    customer_name = single_line(no_nul(customer_name))
    _check(channel=channel, priority=priority, body=body, attachments=attachments)
    subject = check_subject(subject, channel=channel)
    fingerprint = _fingerprint(customer_email, subject, body, channel, priority, attachments)
    try:
        lodging = _prepare(
            client=client, customer_email=customer_email, customer_name=customer_name,
            subject=subject, body=body, channel=channel, now=now, priority=priority,
            attachments=tuple(attachments), mail_message_id=mail_message_id,
            idempotency_key=idempotency_key, fingerprint=fingerprint, raw_mail=raw_mail,
            language=language,
        )  # fmt: skip
    except ValidationFailed:
        # A retry of a request lodged before the agreement ended still gets its ticket.
        existing = _replay_of(client=client, key=idempotency_key, fingerprint=fingerprint)
        if existing is None:
            raise
        return existing, False
    try:
        return _writer.submit(lodging), True
    except IntegrityError:
        # The key is taken: a retry, or two retries raced and the other one committed.
        existing = _replay_of(client=client, key=idempotency_key, fingerprint=fingerprint)
        if existing is None:
            raise
        return existing, False


def _prepare(
    *,
    client: Client,
    customer_email: str,
    customer_name: str,
    subject: str,
    body: str,
    channel: str,
    now: datetime,
    priority: str,
    attachments: tuple[AttachmentIn, ...],
    mail_message_id: str,
    idempotency_key: str | None,
    fingerprint: str,
    raw_mail: RawMail | None,
    language: str | None,
) -> _Lodging:
    """Everything but the writing: reads only (memoised), so no lock is held."""
    if not client.is_active:
        raise ServiceClosed.of(client.name)
    agreement = agreement_for_lodging(client=client, on=now.date())
    customer = customer_find(client=client, email=customer_email)
    if customer is None:
        customer_address(customer_email)  # refused now, not inside the shared write
    events = [Event(now, EventKind.LODGED)]
    if priority != Priority.NORMAL:
        events.append(Event(now, EventKind.PRIORITY, priority))
    if client.send_acknowledgements:
        events.append(Event(now, EventKind.AUTO_REPLY))
    ticket = Ticket(
        client=client, agreement=agreement, customer=customer, subject=subject,
        channel=channel, priority=priority, lodged_at=now, updated_at=now,
    )  # fmt: skip
    # The clocks are known before the first write: one INSERT, no UPDATE.
    for name, value in ticket_sla_fields(ticket=ticket, now=now, events=events).items():
        setattr(ticket, name, value)
    return _Lodging(
        ticket=ticket, customer=customer, customer_email=customer_email,
        customer_name=customer_name, body=body, attachments=attachments,
        mail_message_id=mail_message_id, events=tuple(events),
        idempotency_key=idempotency_key, fingerprint=fingerprint, raw_mail=raw_mail,
        language=language,
    )  # fmt: skip


@dataclass(frozen=True)
class _Lodging:
    """Everything a lodging writes, worked out before the write lock is taken."""

    ticket: Ticket  # unsaved, SLA columns set
    customer: Customer | None  # None: made (or found) inside the write
    customer_email: str
    customer_name: str
    body: str
    attachments: tuple[AttachmentIn, ...]
    mail_message_id: str
    events: tuple[Event, ...]
    idempotency_key: str | None
    fingerprint: str
    raw_mail: RawMail | None
    language: str | None

    def first_message(self) -> Message:
        ticket = self.ticket
        return Message(
            client_id=ticket.client_id, ticket=ticket, kind=MessageKind.CUSTOMER, body=self.body,
            channel=ticket.channel, created_at=ticket.lodged_at, customer=ticket.customer,
            mail_message_id=self.mail_message_id, mail_message_key=mail_key(self.mail_message_id),
            raw_mail=self.raw_mail,
        )  # fmt: skip

    def key_claim(self) -> IdempotencyKey:
        ticket = self.ticket
        assert self.idempotency_key is not None  # claimed only for lodgings with a key
        return IdempotencyKey(
            client_id=ticket.client_id, key=self.idempotency_key, fingerprint=self.fingerprint,
            ticket=ticket, created_at=ticket.lodged_at,
        )  # fmt: skip

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


def _write(lodgings: Sequence[_Lodging]) -> list[Ticket]:
    """The rows of several lodgings, a few multi-row INSERTs in all (called inside a
    transaction; a failed batch is written again one lodging at a time)."""
    tickets: list[Ticket] = []
    for lodging in lodgings:
        ticket = lodging.ticket
        ticket.pk, ticket._state.adding = None, True  # a retry after a failed batch
        customer = lodging.customer or customer_get_or_create(
            client=ticket.client, email=lodging.customer_email, name=lodging.customer_name,
            now=ticket.lodged_at,
        )  # fmt: skip
        ticket.customer = customer
        tickets.append(ticket)
    Ticket.objects.bulk_create(tickets)
    for lodging in lodgings:
        if lodging.attachments:  # files are stored one message at a time
            message_create(
                ticket=lodging.ticket, kind=MessageKind.CUSTOMER, body=lodging.body,
                channel=lodging.ticket.channel, now=lodging.ticket.lodged_at,
                customer=lodging.ticket.customer, attachments=lodging.attachments,
                mail_message_id=lodging.mail_message_id, raw_mail=lodging.raw_mail,
            )  # fmt: skip
    Message.objects.bulk_create(
        lodging.first_message() for lodging in lodgings if not lodging.attachments
    )
    IdempotencyKey.objects.bulk_create(
        lodging.key_claim() for lodging in lodgings if lodging.idempotency_key is not None
    )
    acknowledged = [
        Acknowledged(
            lodging.ticket, lodging.ticket.customer, [lodging.mail_message_id], lodging.language
        )
        for lodging in lodgings
        if lodging.ticket.client.send_acknowledgements
    ]
    withheld = ticket_mail_acknowledgements(acknowledged=acknowledged) if acknowledged else []
    TicketEvent.objects.bulk_create(
        row
        for lodging in lodgings
        for row in lodging.history(acknowledged=lodging.ticket not in withheld)
    )
    return tickets


_writer: GroupWriter[_Lodging, Ticket] = GroupWriter(_write)


def check_attachments(attachments: Sequence[AttachmentIn], *, channel: str = Channel.WEB) -> None:
    """Refuse too many or too large files; on the interactive channels also a file
    name longer than MAX_FILENAME (mail keeps any name: it cannot be refused)."""
    limit = settings.PACTDESK_ATTACHMENT_MAX_BYTES
    if len(attachments) > settings.PACTDESK_ATTACHMENT_MAX_COUNT:
        raise ValidationFailed(
            f"attachments: at most {settings.PACTDESK_ATTACHMENT_MAX_COUNT} files",
            code=DeskErrorCode.TOO_MANY_ATTACHMENTS, field="attachments",
        )  # fmt: skip
    for index, item in enumerate(attachments):
        if channel != Channel.EMAIL and len(item.filename) > MAX_FILENAME:
            raise ValidationFailed(
                f"attachments[{index}]: the file name is {len(item.filename)} characters; "
                f"the limit is {MAX_FILENAME}",
                code=DeskErrorCode.TOO_LONG, field=f"attachments[{index}].filename",
            )  # fmt: skip
        if len(item.content) > limit:
            raise ValidationFailed(
                f"attachments[{index}]: {item.filename!r} is {len(item.content)} bytes; "
                f"the limit is {limit}",
                code=DeskErrorCode.ATTACHMENT_TOO_LARGE, field=f"attachments[{index}]",
            )  # fmt: skip


def check_body(body: str) -> None:
    if not body.strip():
        raise ValidationFailed("body: must not be empty", code=DeskErrorCode.REQUIRED, field="body")
    if len(body) > settings.PACTDESK_BODY_MAX_CHARS:
        raise ValidationFailed(
            f"body: {len(body)} characters; the limit is {settings.PACTDESK_BODY_MAX_CHARS}",
            code=DeskErrorCode.BODY_TOO_LARGE, field="body",
        )  # fmt: skip


def _check(*, channel: str, priority: str, body: str, attachments: Sequence[AttachmentIn]) -> None:
    if channel not in Channel.values:
        raise ValidationFailed(f"channel: {channel!r} is not known", field="channel")
    if priority not in values(Priority):
        raise ValidationFailed(
            f"priority: {priority!r} is not one of {', '.join(Priority)}",
            code=DeskErrorCode.INVALID_CHOICE, field="priority",
        )  # fmt: skip
    check_body(body)
    check_attachments(attachments, channel=channel)


def _replay_of(*, client: Client, key: str | None, fingerprint: str) -> Ticket | None:
    if key is None:
        return None
    row = (
        IdempotencyKey.objects.filter(client=client, key=key)
        .values_list("fingerprint", "ticket_id")
        .first()
    )
    if row is None:
        return None
    if row[0] != fingerprint:
        raise Conflict(
            "Idempotency-Key was already used for a different request",
            code=DeskErrorCode.IDEMPOTENCY_KEY_REUSED, field="Idempotency-Key",
        )  # fmt: skip
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
            code=DeskErrorCode.TOO_LONG, field="subject",
        )  # fmt: skip
    return line


def subject_for_display(subject: str) -> str:
    """A mail's subject as a ticket shows it: "(no subject)", or at most MAX_SUBJECT
    characters ending in an ellipsis when it was longer."""
    line = single_line(subject)
    if len(line) <= MAX_SUBJECT:
        return line or "(no subject)"
    return line[: MAX_SUBJECT - 1].rstrip() + "…"
