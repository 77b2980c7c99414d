"""Inbound mail -> tickets and customer replies. Shared by the SMTP receiver and the
IMAP poller; both acknowledge a message only after `mail_receive`/`mail_accept` has
committed.

- A mail answering a known ticket (see `threading`) is a customer reply: it reopens a
  solved ticket and lodges a follow-up for a closed one. Its quoted history is folded
  away (the earlier messages are on the ticket already); when nothing but quotes is
  left, the whole text is kept. A new ticket keeps the whole text, quotes included:
  there is no earlier message that holds them.
- Automatic mail (auto-replies, bulk, bounces, reports, our own loops) is dropped with
  a log line and never opens, reopens or adds to a ticket, known or not.
- A mail whose Message-ID the client already holds is a re-delivery and is skipped.
- The raw bytes of every mail that becomes a message are kept with it (`RawMail`).
- Files over PACTDESK_ATTACHMENT_MAX_BYTES (or past PACTDESK_ATTACHMENT_MAX_COUNT) are
  left out and the body says so (they stay in the raw mail); a body longer than
  PACTDESK_BODY_MAX_CHARS is shown shortened and kept whole as a .txt file.
- Mail that cannot be lodged for a reason retrying would not cure (a parsing failure,
  no sender, no agreement in force, a value our storage refuses, a bug) is held in
  quarantine (`QuarantinedMail`) with its raw bytes and the error, never bounced: the
  sender got our 250. Only `failure_is_transient` failures make the sender retry.
"""

from __future__ import annotations

import errno
import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.parser import BytesParser

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, transaction

from pactdesk.accounts.models import Client
from pactdesk.accounts.services import customer_address, customer_get_or_create
from pactdesk.desk.models import Channel, RawMail, Ticket
from pactdesk.desk.services import (
    AttachmentIn,
    LodgingRequest,
    ticket_customer_reply,
    ticket_lodge_once,
)
from pactdesk.desk.services.lodging import subject_for_display
from pactdesk.desk.services.raw_mail import raw_mail_store
from pactdesk.domain.error_codes import ErrorCode
from pactdesk.domain.identity import email_identity
from pactdesk.intake.error_codes import IntakeErrorCode
from pactdesk.intake.mime import MailAttachment, header_text
from pactdesk.intake.models import Mailbox, QuarantinedMail, QuarantineStatus
from pactdesk.intake.parsing import InboundMail, MailUnparseable, mail_parse
from pactdesk.intake.selectors import client_for_address, mail_already_stored
from pactdesk.intake.threading import loop_reason, ticket_for_mail
from pactdesk.platform.errors import ApplicationError
from pactdesk.platform.text import single_line

logger = logging.getLogger(__name__)

NO_TEXT = "(no text)"
MAX_NAME = 200
FULL_TEXT_NAME = "full-text.txt"


class TemporaryFailure(Exception):
    """A failure retrying can cure (the database unreachable or locked, the disk full,
    shutting down): the SMTP sender should retry, the IMAP message stays."""


class MailRefused(Exception):
    """The mail cannot be lodged as it is (no sender address, say): it is quarantined."""

    def __init__(self, reason: str, *, code: IntakeErrorCode = IntakeErrorCode.REFUSED) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


@dataclass(frozen=True)
class Delivery:
    """What became of a mail for one client (client_id None: quarantined unrouted)."""

    client_id: int | None
    action: str  # lodged | replied | followed_up | dropped | duplicate | quarantined
    ticket_id: int | None = None
    reason: str = ""
    quarantine_id: int | None = None


@dataclass(frozen=True)
class Arrival:
    """A mail as it reached us: its bytes and envelope, and where it came from."""

    raw: bytes
    source: str  # smtp | imap
    recipients: tuple[str, ...] = ()
    envelope_sender: str | None = None  # None: not known (IMAP)
    mailbox: Mailbox | None = None  # the IMAP mailbox it was read from

    def clients(self) -> list[Client]:
        if self.mailbox is not None:
            return [self.mailbox.client]
        found = (client_for_address(address=a) for a in self.recipients)
        return list({c.pk: c for c in found if c is not None}.values())


def mail_receive(
    *, raw: bytes, recipients: Sequence[str], envelope_sender: str | None, now: datetime
) -> list[Delivery]:
    """One mail received by SMTP for the clients whose support addresses are
    `recipients`, all in one transaction. Mail that cannot be lodged is quarantined
    (a "quarantined" delivery); only TemporaryFailure is raised."""
    arrival = Arrival(
        raw=raw, source="smtp", recipients=tuple(recipients), envelope_sender=envelope_sender
    )
    return mail_take(arrival=arrival, now=now)


def mail_receive_for_client(*, raw: bytes, mailbox: Mailbox, now: datetime) -> Delivery:
    """One mail read from a client's own mailbox (IMAP): see `mail_receive`."""
    return mail_take(arrival=Arrival(raw=raw, source="imap", mailbox=mailbox), now=now)[0]


def mail_take(*, arrival: Arrival, now: datetime) -> list[Delivery]:
    """Lodge `arrival` for its clients, or quarantine it with the error. Raises
    TemporaryFailure only for a failure retrying can cure (`failure_is_transient`)."""
    try:
        return mail_lodge(arrival=arrival, now=now)
    except Exception as error:
        if failure_is_transient(error):
            raise TemporaryFailure(f"{type(error).__name__}: {error}") from error
        if not isinstance(error, MailUnparseable | MailRefused | ApplicationError):
            logger.exception("mail from %s could not be lodged", arrival.envelope_sender)
        entry = _quarantine(arrival=arrival, error=error, now=now)
        return [
            Delivery(
                client_id=entry.client_id,
                action="quarantined",
                reason=entry.error,
                quarantine_id=entry.pk,
            )
        ]


def mail_lodge(
    *, arrival: Arrival, now: datetime, raw_mail: RawMail | None = None
) -> list[Delivery]:
    """Parse and lodge `arrival` in one transaction, keeping its raw bytes (or using
    `raw_mail`, kept before) with what it became. Raises whatever fails."""
    mail = mail_parse(arrival.raw)
    known = arrival.clients()
    if not known:
        raise MailRefused("no client has this support address", code=IntakeErrorCode.NO_CLIENT)
    clients = [client for client in known if client.is_active]
    if not clients:
        names = ", ".join(client.name for client in known)
        raise MailRefused(
            f"{names}: deactivated, its service is closed", code=IntakeErrorCode.CLIENT_CLOSED
        )
    keeper = _RawKeeper(arrival=arrival, now=now, row=raw_mail)
    with transaction.atomic():
        return [
            mail_accept(
                client=client,
                mail=mail,
                now=now,
                keeper=keeper,
                envelope_sender=arrival.envelope_sender,
            )
            for client in clients
        ]


def failure_is_transient(error: BaseException) -> bool:
    """Whether retrying later can cure `error`: the database unreachable or locked, the
    disk full, the receiver shutting down. Everything else (a value our storage refuses,
    a parsing failure, no agreement in force, a bug) is not: that mail is quarantined."""
    if isinstance(error, TemporaryFailure | OperationalError | InterfaceError):
        return True
    return isinstance(error, OSError) and error.errno in _DISK_ERRNOS


_DISK_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EIO})


class _RawKeeper:
    """The raw mail row, stored the first time a delivery needs it (dropped and
    duplicate mail keep nothing)."""

    def __init__(self, *, arrival: Arrival, now: datetime, row: RawMail | None) -> None:
        self._arrival, self._now, self._row = arrival, now, row

    def __call__(self) -> RawMail:
        if self._row is None:
            arrival = self._arrival
            self._row = raw_mail_store(
                raw=arrival.raw,
                source=arrival.source,
                envelope_sender=arrival.envelope_sender or "",
                recipients=arrival.recipients,
                now=self._now,
            )
        return self._row


def mail_accept(
    *,
    client: Client,
    mail: InboundMail,
    now: datetime,
    keeper: Callable[[], RawMail | None] = lambda: None,
    envelope_sender: str | None = None,
) -> Delivery:
    """Turn `mail` into a ticket or a reply of `client`, in one transaction; `keeper`
    gives the raw mail row to link. Raises MailRefused or the desk's errors."""
    if mail_already_stored(client=client, message_id=mail.message_id):
        logger.info("mail %s for %s is already stored; skipped", mail.message_id, client.slug)
        return Delivery(client_id=client.pk, action="duplicate")
    reason = _automatic(client=client, mail=mail, envelope_sender=envelope_sender)
    if reason is not None:
        logger.info("automatic mail %s for %s dropped: %s", mail.message_id, client.slug, reason)
        return Delivery(client_id=client.pk, action="dropped", reason=reason)
    sender = _usable(mail.from_address) or _usable(_address(envelope_sender))
    if not sender:
        raise MailRefused(
            "no sender address: the From header names no mailbox", code=IntakeErrorCode.NO_SENDER
        )
    with transaction.atomic():
        return _record(client=client, mail=mail, sender=sender, now=now, raw_mail=keeper())


def attachments_kept(items: Sequence[MailAttachment]) -> tuple[list[AttachmentIn], list[str]]:
    """The files to keep, and a line for each file left out."""
    limit = settings.PACTDESK_ATTACHMENT_MAX_BYTES
    most = settings.PACTDESK_ATTACHMENT_MAX_COUNT
    kept: list[AttachmentIn] = []
    notes: list[str] = []
    for item in items:
        if len(item.content) > limit:
            notes.append(
                f"[attachment {item.filename} ({size_text(len(item.content))}) "
                "was too large and was not kept]"
            )
        elif len(kept) >= most:
            notes.append(
                f"[attachment {item.filename} was not kept: at most {most} files "
                "are kept per message]"
            )
        else:
            kept.append(AttachmentIn(filename=item.filename, content=item.content))
    return kept, notes


def size_text(size: int) -> str:
    """30 MB, 1.5 MB, 12 KB, 900 bytes."""
    mb, kb = 1024 * 1024, 1024
    if size >= 10 * mb:
        return f"{size / mb:.0f} MB"
    if size >= mb:
        return f"{size / mb:.1f} MB"
    if size >= kb:
        return f"{size / kb:.0f} KB"
    return f"{size} bytes"


def mail_body(*, mail: InboundMail, reply: bool, notes: Sequence[str] = ()) -> str:
    """The whole text stored for `mail` (see the module's note on quoted history),
    with a line for each thing left out or shortened."""
    folded = reply and bool(mail.text or mail.forwarded)
    main = mail.text if folded else _joined(mail.text, mail.quoted)
    return _joined(main, mail.forwarded, "\n".join(notes)) or NO_TEXT


def body_for_display(body: str) -> tuple[str, list[AttachmentIn]]:
    """A body over PACTDESK_BODY_MAX_CHARS shortened, with a note saying so, and its
    whole text as a .txt file to keep beside it; a shorter body as it is."""
    most = settings.PACTDESK_BODY_MAX_CHARS
    if len(body) <= most:
        return body, []
    note = (
        f"\n\n[This message is {len(body):,} characters long; the first part is shown. "
        f"The whole text is attached as {FULL_TEXT_NAME}.]"
    )
    shown = body[: most - len(note)].rstrip() + note
    return shown, [AttachmentIn(filename=FULL_TEXT_NAME, content=body.encode("utf-8"))]


def _record(
    *, client: Client, mail: InboundMail, sender: str, now: datetime, raw_mail: RawMail | None
) -> Delivery:
    attachments, notes = attachments_kept(mail.attachments)
    ticket = ticket_for_mail(client=client, mail=mail, sender=sender)
    name = _name(mail.from_name) if mail.from_address else ""
    if ticket is None:
        if subject_for_display(mail.subject) != " ".join(mail.subject.split()):
            notes.append(f"[The subject was shortened for display; in full: {mail.subject}]")
        body, full = body_for_display(mail_body(mail=mail, reply=False, notes=notes))
        request = LodgingRequest(
            client=client,
            customer_email=sender,
            customer_name=name,
            subject=mail.subject,
            body=body,
            channel=Channel.EMAIL,
            now=now,
            attachments=[*attachments, *full],
            mail_message_id=mail.message_id,
            raw_mail=raw_mail,
            language=mail.language,
        )
        lodged = ticket_lodge_once(request).ticket
        logger.info("mail %s lodged %s", mail.message_id, lodged.reference)
        return Delivery(client_id=client.pk, action="lodged", ticket_id=lodged.pk)
    customer = customer_get_or_create(client=client, email=sender, name=name, now=now)
    body, full = body_for_display(mail_body(mail=mail, reply=True, notes=notes))
    result: Ticket = ticket_customer_reply(
        ticket=ticket,
        customer=customer,
        body=body,
        now=now,
        channel=Channel.EMAIL,
        attachments=[*attachments, *full],
        mail_message_id=mail.message_id,
        raw_mail=raw_mail,
    )
    action = "replied" if result.pk == ticket.pk else "followed_up"
    logger.info("mail %s %s on %s", mail.message_id, action, result.reference)
    return Delivery(client_id=client.pk, action=action, ticket_id=result.pk)


def _usable(address: str) -> str:
    """`address` when it is one we can keep as a customer's (valid, at most 320
    characters), else ""."""
    try:
        return customer_address(address) if address else ""
    except ApplicationError:
        return ""


def _name(name: str) -> str:
    """A display name as a customer's name column takes it: on one line, shortened
    (whole in the raw mail)."""
    name = single_line(name)
    return name if len(name) <= MAX_NAME else name[: MAX_NAME - 1].rstrip() + "…"


def _quarantine(*, arrival: Arrival, error: BaseException, now: datetime) -> QuarantinedMail:
    """Hold `arrival` with `error`, in a transaction of its own. The same bytes from the
    same place already held (an IMAP message read again after a crash, say) count as
    another attempt of that entry, not a new one."""
    code, stage = _error_code(error)
    text = getattr(error, "reason", None) or getattr(error, "message", None) or str(error)
    if code == IntakeErrorCode.INTERNAL_ERROR:
        text = f"{type(error).__name__}: {error}"
    digest = hashlib.sha256(arrival.raw).hexdigest()
    with transaction.atomic():
        entry = (
            QuarantinedMail.objects.select_for_update(of=("self",))
            .filter(
                status=QuarantineStatus.HELD,
                raw_mail__sha256=digest,
                source=arrival.source,
                mailbox=arrival.mailbox,
            )
            .first()
        )
        if entry is not None:
            entry.attempts += 1
            entry.last_attempt_at, entry.error_code, entry.error = now, code, text
            entry.save(update_fields=["attempts", "last_attempt_at", "error_code", "error"])
            return entry
        raw_mail = _RawKeeper(arrival=arrival, now=now, row=None)()
        clients = _clients_or_none(arrival)
        entry = QuarantinedMail.objects.create(
            raw_mail=raw_mail,
            source=arrival.source,
            mailbox=arrival.mailbox,
            client=clients[0] if len(clients) == 1 else None,
            recipients="\n".join(arrival.recipients),
            envelope_sender=arrival.envelope_sender or "",
            sender=_header(arrival.raw, "from"),
            subject=_header(arrival.raw, "subject"),
            stage=stage,
            error_code=code,
            error=text,
            received_at=now,
            last_attempt_at=now,
        )
    logger.warning("mail %s quarantined as %s: %s", entry.pk, code, text)
    return entry


def _error_code(error: BaseException) -> tuple[ErrorCode | str, str]:
    """(stable code, stage) of a failure to lodge."""
    if isinstance(error, MailUnparseable):
        return IntakeErrorCode.UNPARSEABLE, "parse"
    if isinstance(error, MailRefused):
        return error.code, "lodge"
    if isinstance(error, ApplicationError):
        return error.code, "lodge"
    if isinstance(error, DatabaseError):
        return IntakeErrorCode.VALUE_REFUSED, "lodge"
    return IntakeErrorCode.INTERNAL_ERROR, "lodge"


def _clients_or_none(arrival: Arrival) -> list[Client]:
    try:
        return arrival.clients()
    except Exception:  # the entry is kept even when the look-up itself fails
        return []


def _header(raw: bytes, name: str) -> str:
    """A header of mail we could not lodge, for the quarantine list: best effort."""
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw, headersonly=True)
        return header_text(message, name)
    except Exception:
        return ""


def _automatic(*, client: Client, mail: InboundMail, envelope_sender: str | None) -> str | None:
    if envelope_sender is not None and not envelope_sender.strip("<> "):
        return "empty envelope sender (a bounce)"
    if _address(envelope_sender).split("@")[0] in ("mailer-daemon", "postmaster"):
        return f"sent by {_address(envelope_sender)}"
    return mail.auto_reason or loop_reason(client=client, mail=mail)


def _address(value: str | None) -> str:
    address = email_identity((value or "").strip().strip("<>"))
    return address if "@" in address else ""


def _joined(*parts: str) -> str:
    return "\n\n".join(part for part in parts if part.strip())


def mailbox_reseal_all() -> int:
    """Write every mailbox password again, sealed under the current secret key."""
    with transaction.atomic():
        mailboxes = list(Mailbox.objects.select_for_update())
        for mailbox in mailboxes:
            mailbox.save(update_fields=["password"])
    return len(mailboxes)
