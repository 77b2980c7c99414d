"""The quarantine: mail we took but could not lodge, waiting for staff.

Provider admins and managers see it (the Operations pages, a count in the header, a
mail to admins at most once per PACTDESK_QUARANTINE_ALERT_MINUTES) and, once the cause
is fixed, re-process an entry (the page's button, `pactdesk mail-requeue ID|--all`):
its raw bytes go through the same lodging as new mail, under a row lock, so an entry
lodges exactly once however often or concurrently it is re-processed. Re-processed
mail is lodged at the re-processing instant (its receipt time stays on the entry and
the raw mail); a reply already stored is recognised by its Message-ID and not added
twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max, QuerySet

from pactdesk.accounts.models import Role, User
from pactdesk.desk.models import RawMail
from pactdesk.desk.services.raw_mail import raw_mail_prune
from pactdesk.intake.error_codes import IntakeErrorCode
from pactdesk.intake.models import QuarantinedMail, QuarantineStatus
from pactdesk.intake.services import (
    Arrival,
    Delivery,
    TemporaryFailure,
    failure_is_transient,
    mail_lodge,
)
from pactdesk.platform.errors import Conflict, NotFound

logger = logging.getLogger(__name__)


def quarantine_held() -> QuerySet[QuarantinedMail]:
    """Entries waiting for staff, oldest first."""
    return QuarantinedMail.objects.filter(status=QuarantineStatus.HELD).order_by(
        "received_at", "id"
    )


def quarantine_held_count() -> int:
    return QuarantinedMail.objects.filter(status=QuarantineStatus.HELD).count()


def quarantine_reprocess(*, entry_id: int, now: datetime) -> QuarantinedMail:
    """Lodge a held entry's mail again. Success marks it re-processed with what it
    made; a failure that is not transient stays held with the new error and one more
    attempt. Raises NotFound, Conflict (not held), TemporaryFailure."""
    with transaction.atomic():
        entry = (
            QuarantinedMail.objects.select_for_update(of=("self",))
            .select_related("raw_mail", "mailbox__client")
            .filter(pk=entry_id)
            .first()
        )
        if entry is None:
            raise NotFound(
                f"quarantined mail {entry_id} does not exist", code=IntakeErrorCode.NOT_FOUND
            )
        if entry.status != QuarantineStatus.HELD:
            raise Conflict(
                f"quarantined mail {entry_id} is {entry.get_status_display().lower()} already",
                code=IntakeErrorCode.NOT_HELD,
            )
        try:
            with transaction.atomic():
                deliveries = mail_lodge(arrival=_arrival(entry), now=now, raw_mail=entry.raw_mail)
        except Exception as error:
            if failure_is_transient(error):
                raise TemporaryFailure(f"{type(error).__name__}: {error}") from error
            entry.attempts += 1
            entry.last_attempt_at = now
            entry.error = getattr(error, "reason", None) or getattr(error, "message", str(error))
            entry.save(update_fields=["attempts", "last_attempt_at", "error"])
            logger.warning("quarantined mail %s failed again: %s", entry.pk, entry.error)
            return entry
        entry.status, entry.resolved_at = QuarantineStatus.LODGED, now
        entry.attempts += 1
        entry.last_attempt_at = now
        entry.result = _result(deliveries)
        entry.save(update_fields=["status", "resolved_at", "attempts", "last_attempt_at", "result"])
    logger.info("quarantined mail %s re-processed: %s", entry.pk, entry.result)
    return entry


def quarantine_reprocess_all(*, now: datetime) -> list[QuarantinedMail]:
    """Every held entry, oldest first; each in its own transaction."""
    ids = list(quarantine_held().values_list("pk", flat=True))
    return [quarantine_reprocess(entry_id=pk, now=now) for pk in ids]


def quarantine_discard(*, entry_id: int, actor: User, now: datetime) -> QuarantinedMail:
    """Give up on a held entry (spam, say); its raw mail stays until pruned."""
    with transaction.atomic():
        entry = QuarantinedMail.objects.select_for_update(of=("self",)).filter(pk=entry_id).first()
        if entry is None:
            raise NotFound(
                f"quarantined mail {entry_id} does not exist", code=IntakeErrorCode.NOT_FOUND
            )
        if entry.status != QuarantineStatus.HELD:
            raise Conflict(
                f"quarantined mail {entry_id} is not held", code=IntakeErrorCode.NOT_HELD
            )
        entry.status, entry.resolved_at = QuarantineStatus.DISCARDED, now
        entry.result = f"discarded by {actor.email}"
        entry.save(update_fields=["status", "resolved_at", "result"])
    return entry


def quarantine_alert(*, now: datetime) -> int:
    """Mail the provider admins about entries held since the last alert, at most once
    per PACTDESK_QUARANTINE_ALERT_MINUTES. Returns how many entries it told of."""
    last = QuarantinedMail.objects.aggregate(last=Max("alerted_at"))["last"]
    if last is not None and now - last < timedelta(
        minutes=settings.PACTDESK_QUARANTINE_ALERT_MINUTES
    ):
        return 0
    fresh = list(quarantine_held().filter(alerted_at__isnull=True)[:200])
    admins = list(
        User.objects.filter(role=Role.ADMIN, is_active=True).values_list("email", flat=True)
    )
    if not fresh or not admins:
        return 0
    lines = [
        f"Q-{e.pk}  {e.received_at:%Y-%m-%d %H:%M} UTC  {e.error_code}: {e.sender} - {e.subject}"
        for e in fresh
    ]
    body = (
        f"{len(fresh)} inbound mail(s) could not be lodged and are held in quarantine:\n\n"
        + "\n".join(lines)
        + f"\n\nReview them at {settings.PACTDESK_BASE_URL}/ops/quarantine/ "
        "and re-process them once the cause is fixed."
    )
    send_mail(
        subject=f"[Pactdesk] {len(fresh)} mail(s) held in quarantine",
        message=body,
        from_email=None,
        recipient_list=admins,
    )
    QuarantinedMail.objects.filter(pk__in=[e.pk for e in fresh]).update(alerted_at=now)
    return len(fresh)


def raw_mail_prune_expired(*, now: datetime) -> int:
    """Prune raw mail past PACTDESK_RAW_MAIL_RETENTION_DAYS, except mail held in
    quarantine (its bytes are all there is of it)."""
    held = RawMail.objects.filter(
        pk__in=QuarantinedMail.objects.filter(status=QuarantineStatus.HELD).values("raw_mail")
    )
    return raw_mail_prune(now=now, keep_days=settings.PACTDESK_RAW_MAIL_RETENTION_DAYS, held=held)


def _arrival(entry: QuarantinedMail) -> Arrival:
    with entry.raw_mail.content.open("rb") as handle:
        raw = handle.read()
    recipients = tuple(line for line in entry.recipients.split("\n") if line)
    return Arrival(
        raw=raw,
        source=entry.source,
        recipients=recipients,
        envelope_sender=entry.envelope_sender if entry.source == "smtp" else None,
        mailbox=entry.mailbox,
    )


def _result(deliveries: list[Delivery]) -> str:
    return ", ".join(
        f"PD-{d.ticket_id} {d.action}" if d.ticket_id else f"{d.action} {d.reason}".strip()
        for d in deliveries
    )
