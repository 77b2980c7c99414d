"""Lodging: every ticket, from mail, web form, portal or API, is made here."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction

from pactdesk.accounts.models import Client
from pactdesk.accounts.services import customer_get_or_create
from pactdesk.agreements.selectors import agreement_for_lodging
from pactdesk.desk.models import Channel, IdempotencyKey, MessageKind, Priority, Ticket
from pactdesk.desk.services.mail import ticket_mail_acknowledgement
from pactdesk.desk.services.records import AttachmentIn, events_add, message_create
from pactdesk.desk.services.sla_state import ticket_sla_fields
from pactdesk.domain.sla import Event
from pactdesk.platform.errors import Conflict, ValidationFailed

MAX_SUBJECT = 250


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
) -> Ticket:
    """Lodge a query as a ticket on the client's current agreement.

    `now` is the lodging instant: the receipt time, not a sender's Date header. With an
    `idempotency_key`, a retry of the same request returns the ticket made the first
    time; the same key with a different request is a Conflict.
    """
    ticket, _ = ticket_lodge_or_replay(
        client=client, customer_email=customer_email, subject=subject, body=body,
        channel=channel, now=now, customer_name=customer_name, priority=priority,
        attachments=attachments, mail_message_id=mail_message_id,
        idempotency_key=idempotency_key,
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
) -> tuple[Ticket, bool]:
    """`ticket_lodge`, also telling whether the ticket was made now (True) or by an
    earlier request with the same `idempotency_key` (False).

    The key is claimed by inserting it beside the ticket, not by reading first: a new
    request (the usual case) costs no lookup, and a retry finds the unique key taken,
    rolls back and answers with the ticket the key points to.
    """
    _check(channel=channel, priority=priority, body=body, attachments=attachments)
    fingerprint = _fingerprint(customer_email, subject, body, channel, priority, attachments)
    try:
        agreement = agreement_for_lodging(client=client, on=now.date())
    except ValidationFailed:
        # A retry of a request lodged before the agreement ended still gets its ticket.
        existing = _replay_of(client=client, key=idempotency_key, fingerprint=fingerprint)
        if existing is None:
            raise
        return existing, False
    agreement = agreement_for_lodging(client=client, on=now.date())
    try:
        with transaction.atomic():
            customer = customer_get_or_create(
                client=client, email=customer_email, name=customer_name, now=now
            )
            events = [Event(now, "lodged")]
            if priority != Priority.NORMAL:
                events.append(Event(now, "priority", priority))
            if client.send_acknowledgements:
                events.append(Event(now, "auto_reply"))
            ticket = Ticket(
                client=client, agreement=agreement, customer=customer,
                subject=_subject(subject), channel=channel, priority=priority,
                lodged_at=now, updated_at=now,
            )  # fmt: skip
            # The clocks are known before the first write: one INSERT, no UPDATE.
            for name, value in ticket_sla_fields(ticket=ticket, now=now, events=events).items():
                setattr(ticket, name, value)
            ticket.save(force_insert=True)
            message_create(
                ticket=ticket, kind=MessageKind.CUSTOMER, body=body, channel=channel, now=now,
                customer=customer, attachments=attachments, mail_message_id=mail_message_id,
            )  # fmt: skip
            if idempotency_key is not None:
                IdempotencyKey.objects.create(
                    client=client, key=idempotency_key, fingerprint=fingerprint,
                    ticket=ticket, created_at=now,
                )  # fmt: skip
            if client.send_acknowledgements:
                ticket_mail_acknowledgement(
                    ticket=ticket, customer=customer, now=now, thread=[mail_message_id]
                )
            events_add(ticket=ticket, events=events)
    except IntegrityError:
        # The key is taken: a retry, or two retries raced and the other one committed.
        existing = _replay_of(client=client, key=idempotency_key, fingerprint=fingerprint)
        if existing is None:
            raise
        return existing, False
    return ticket, True


def check_attachments(attachments: Sequence[AttachmentIn]) -> None:
    limit = settings.PACTDESK_ATTACHMENT_MAX_BYTES
    if len(attachments) > settings.PACTDESK_ATTACHMENT_MAX_COUNT:
        raise ValidationFailed(
            f"attachments: at most {settings.PACTDESK_ATTACHMENT_MAX_COUNT} files",
            code="too_many_attachments", field="attachments",
        )  # fmt: skip
    for index, item in enumerate(attachments):
        if len(item.content) > limit:
            raise ValidationFailed(
                f"attachments[{index}]: {item.filename!r} is {len(item.content)} bytes; "
                f"the limit is {limit}",
                code="attachment_too_large", field=f"attachments[{index}]",
            )  # fmt: skip


def check_body(body: str) -> None:
    if not body.strip():
        raise ValidationFailed("body: must not be empty", code="required", field="body")
    if len(body) > settings.PACTDESK_BODY_MAX_CHARS:
        raise ValidationFailed(
            f"body: {len(body)} characters; the limit is {settings.PACTDESK_BODY_MAX_CHARS}",
            code="body_too_large", field="body",
        )  # fmt: skip


def _check(*, channel: str, priority: str, body: str, attachments: Sequence[AttachmentIn]) -> None:
    if channel not in Channel.values:
        raise ValidationFailed(f"channel: {channel!r} is not known", field="channel")
    if priority not in Priority.values:
        raise ValidationFailed(
            f"priority: {priority!r} is not one of {', '.join(Priority.values)}",
            code="invalid_choice", field="priority",
        )  # fmt: skip
    check_body(body)
    check_attachments(attachments)


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
            code="idempotency_key_reused", field="Idempotency-Key",
        )  # fmt: skip
    return Ticket.objects.get(pk=row[1])


def _fingerprint(*parts: object) -> str:
    def plain(part: object) -> object:
        if isinstance(part, (list, tuple)):
            return [hashlib.sha256(a.content).hexdigest() for a in part]
        return part

    payload = json.dumps([plain(p) for p in parts], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def _subject(subject: str) -> str:
    line = " ".join(subject.split())
    return (line or "(no subject)")[:MAX_SUBJECT]
