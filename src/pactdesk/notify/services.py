"""Queueing and delivering outbound mail; clients' acknowledgement templates."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction

from pactdesk.accounts.models import Client, Role, User
from pactdesk.notify.error_codes import NotifyErrorCode
from pactdesk.notify.models import (
    AcknowledgementTemplate,
    OutboundAttachment,
    OutboundMail,
    OutboxStatus,
)
from pactdesk.platform.batching import Courier
from pactdesk.platform.errors import Conflict, NotFound, PermissionDenied
from pactdesk.platform.validation import validated_save

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BACKOFF_BASE = timedelta(seconds=30)


@dataclass(frozen=True)
class MailFile:
    """A file to send with a mail: its name, media type and bytes."""

    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class MailOut:
    """A mail to queue: who, what, and the thread it belongs to."""

    client_id: int
    kind: str
    to_address: str
    from_address: str
    subject: str
    body: str
    ticket_id: int | None = None
    in_reply_to: str = ""
    references: str = ""
    files: tuple[MailFile, ...] = ()


def mail_queue(*, mail: MailOut, now: datetime) -> OutboundMail:
    """Store a mail in the outbox and deliver it after the surrounding commit."""
    return mail_queue_many(mails=[mail], at=[now])[0]


def mail_queue_many(*, mails: Sequence[MailOut], at: Sequence[datetime]) -> list[OutboundMail]:
    """Store mails in the outbox in one insert, each queued at its instant in `at`;
    each is delivered after the commit."""
    rows = OutboundMail.objects.bulk_create(
        _outbound(mail, now) for mail, now in zip(mails, at, strict=True)
    )
    OutboundAttachment.objects.bulk_create(
        OutboundAttachment(
            client_id=row.client_id,
            mail=row,
            filename=file.filename,
            content_type=file.content_type,
            content=file.content,
        )
        for row, mail in zip(rows, mails, strict=True)
        for file in mail.files
    )
    ids = [row.pk for row in rows]
    transaction.on_commit(lambda: _hand_over(ids))
    return rows


def _hand_over(mail_ids: list[int]) -> None:
    """After the commit: the mails go to the worker's queue as PACTDESK_OUTBOX_HANDOVER
    says, "courier" (one task for all the mails this process queued meanwhile, from the
    courier's thread) or "inline" (a task of their own, enqueued by this thread)."""
    if settings.PACTDESK_OUTBOX_HANDOVER == "inline":
        _enqueue_delivery(mail_ids)
    else:
        _outbox_courier.post(mail_ids)


def _enqueue_delivery(mail_ids: list[int]) -> None:
    from pactdesk.notify.jobs import outbox_deliver_job

    outbox_deliver_job(*mail_ids)


_outbox_courier: Courier[int] = Courier(_enqueue_delivery, name="outbox-courier")


def _outbound(mail: MailOut, now: datetime) -> OutboundMail:
    domain = settings.PACTDESK_MAIL_DOMAIN
    return OutboundMail(
        client_id=mail.client_id,
        kind=mail.kind,
        ticket_id_ref=mail.ticket_id,
        from_address=mail.from_address,
        to_address=mail.to_address,
        subject=mail.subject,
        body=mail.body,
        message_id=f"<pd{mail.ticket_id or 0}.{secrets.token_hex(8)}@{domain}>",
        in_reply_to=mail.in_reply_to,
        references=mail.references,
        next_attempt_at=now,
        created_at=now,
    )


def mail_deliver(*, mail_id: int, now: datetime) -> OutboundMail | None:
    """Send one pending mail. Safe to run twice: a sent mail is left alone."""
    with transaction.atomic():
        mail = OutboundMail.objects.select_for_update().filter(pk=mail_id).first()
        if mail is None or mail.status != OutboxStatus.PENDING:
            return mail
        headers = {
            "Message-ID": mail.message_id,
            "Auto-Submitted": "auto-replied" if mail.kind == "acknowledgement" else "no",
        }
        if mail.in_reply_to:
            headers["In-Reply-To"] = mail.in_reply_to
        if mail.references:
            headers["References"] = mail.references
        message = EmailMessage(
            subject=mail.subject,
            body=mail.body,
            from_email=mail.from_address,
            to=[mail.to_address],
            headers=headers,
            connection=get_connection(timeout=settings.PACTDESK_SMTP_TIMEOUT),
        )
        for file in mail.attachments.all():
            message.attach(file.filename, bytes(file.content), file.content_type)
        mail.attempts += 1
        try:
            message.send(fail_silently=False)
        except Exception as error:  # any transport failure is retried later
            mail.last_error = f"{type(error).__name__}: {error}"[:2000]
            if mail.attempts >= MAX_ATTEMPTS:
                mail.status = OutboxStatus.FAILED
                logger.error("mail %s failed for good: %s", mail.pk, mail.last_error)
            else:
                mail.next_attempt_at = now + BACKOFF_BASE * (2 ** (mail.attempts - 1))
        else:
            mail.status = OutboxStatus.SENT
            mail.sent_at = now
            mail.last_error = ""
        mail.save(update_fields=["attempts", "status", "sent_at", "last_error", "next_attempt_at"])
    return mail


def mail_retry_now(*, actor: User, mail_id: int, now: datetime) -> OutboundMail:
    """An operator's "retry now": a failed or waiting mail is due now and handed to
    delivery after the commit. Attempts are kept, so a mail that had failed for good
    gets one more attempt and, if that fails too, is failed again."""
    _require_operator(actor)
    with transaction.atomic():
        mail = OutboundMail.objects.select_for_update().filter(pk=mail_id).first()
        if mail is None:
            raise NotFound(f"Mail {mail_id} was not found.", code=NotifyErrorCode.MAIL_NOT_FOUND)
        if mail.status == OutboxStatus.SENT:
            when = f" on {mail.sent_at:%Y-%m-%d %H:%M} UTC" if mail.sent_at else ""
            raise Conflict(
                f"Mail {mail_id} was already sent{when}; there is nothing to retry.",
                code=NotifyErrorCode.MAIL_ALREADY_SENT,
            )
        if mail.status != OutboxStatus.PENDING and mail.status != OutboxStatus.FAILED:
            raise Conflict(
                f"Mail {mail_id} is {mail.get_status_display().lower()}; only a failed or "
                "waiting mail can be retried.",
                code=NotifyErrorCode.MAIL_NOT_RETRYABLE,
            )
        mail.status = OutboxStatus.PENDING
        mail.next_attempt_at = now
        mail.save(update_fields=["status", "next_attempt_at"])
        ids = [mail.pk]
        transaction.on_commit(lambda: _hand_over(ids))
    logger.info(
        "mail %s: retry now by %s (%s attempts so far)", mail.pk, actor.email, mail.attempts
    )
    return mail


def outbox_retry_failed(*, actor: User, now: datetime, client_id: int | None = None) -> int:
    """Every mail that failed for good (of one client, if given) is due now, in one
    UPDATE, and handed to delivery after the commit. Answers how many."""
    _require_operator(actor)
    with transaction.atomic():
        failed = OutboundMail.objects.filter(status=OutboxStatus.FAILED)
        if client_id is not None:
            failed = failed.filter(client_id=client_id)
        ids = list(failed.select_for_update().values_list("pk", flat=True))
        if ids:
            OutboundMail.objects.filter(pk__in=ids).update(
                status=OutboxStatus.PENDING, next_attempt_at=now
            )
            transaction.on_commit(lambda: _hand_over(ids))
    logger.info(
        "%s failed mails%s: retry now by %s",
        len(ids),
        "" if client_id is None else f" of client {client_id}",
        actor.email,
    )
    return len(ids)


def _require_operator(actor: User) -> None:
    if not actor.is_operator:
        raise PermissionDenied("Only provider admins and managers may retry mail.")


def outbox_due_ids(*, now: datetime, limit: int = 200) -> list[int]:
    return list(
        OutboundMail.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def acknowledgement_template_save(
    *,
    actor: User,
    client: Client,
    language: str,
    body: str,
    is_default: bool = False,
    template: AcknowledgementTemplate | None = None,
) -> AcknowledgementTemplate:
    """Create (`template` None) or change a client's acknowledgement template. Only a
    provider admin or that client's admin may; making one the default unmarks the
    client's other default in the same transaction. The row's checks (language tag,
    template text, one per language) refuse bad input with ValidationFailed."""
    _require_template_editor(actor=actor, client=client)
    if template is not None and template.client_id != client.pk:
        raise PermissionDenied("That template belongs to another client.")
    row = template or AcknowledgementTemplate(client=client)
    row.language, row.body, row.is_default = language, body, is_default
    with transaction.atomic():
        if is_default:
            others = AcknowledgementTemplate.objects.filter(client=client, is_default=True)
            if row.pk is not None:
                others = others.exclude(pk=row.pk)
            others.update(is_default=False)
        validated_save(row)
    return row


def acknowledgement_template_delete(*, actor: User, template: AcknowledgementTemplate) -> None:
    _require_template_editor(actor=actor, client=template.client)
    template.delete()


def _require_template_editor(*, actor: User, client: Client) -> None:
    if actor.role == Role.ADMIN:
        return
    if actor.role != Role.CLIENT_ADMIN or actor.client_id != client.pk:
        raise PermissionDenied(
            "Only the client's admins may change its acknowledgement templates.",
            code=NotifyErrorCode.NOT_CLIENT_ADMIN,
        )
