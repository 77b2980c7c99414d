"""Inbound mail -> tickets and customer replies. Shared by the SMTP receiver and the
IMAP poller; both acknowledge a message only after `mail_receive`/`mail_accept` has
committed.

- A mail answering a known ticket (see `routing`) is a customer reply: it reopens a
  solved ticket and lodges a follow-up for a closed one. Its quoted history is folded
  away (the earlier messages are on the ticket already); when nothing but quotes is
  left, the whole text is kept. A new ticket keeps the whole text, quotes included:
  there is no earlier message that holds them.
- Automatic mail (auto-replies, bulk, bounces, reports, our own loops) is dropped with
  a log line and never opens, reopens or adds to a ticket, known or not.
- A mail whose Message-ID the client already holds is a re-delivery and is skipped.
- Files over PACTDESK_ATTACHMENT_MAX_BYTES (or past PACTDESK_ATTACHMENT_MAX_COUNT) are
  left out and the body says so; the mail itself is never lost for them.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction

from pactdesk.accounts.models import Client
from pactdesk.accounts.services import customer_get_or_create
from pactdesk.desk.models import Channel, Ticket
from pactdesk.desk.services import AttachmentIn, ticket_customer_reply, ticket_lodge
from pactdesk.intake.mime import MailAttachment
from pactdesk.intake.models import Mailbox
from pactdesk.intake.parsing import InboundMail, mail_parse
from pactdesk.intake.routing import loop_reason, ticket_for_mail
from pactdesk.intake.selectors import client_for_address, mail_already_stored
from pactdesk.platform.errors import ValidationFailed

logger = logging.getLogger(__name__)

NO_TEXT = "(no text)"
MAX_NAME = 200


class TemporaryFailure(Exception):
    """A problem on our side (no agreement in force, say): the sender should retry."""


class MailRefused(Exception):
    """The mail can never be taken as it is; `reason` goes back to the sender."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Delivery:
    """What became of a mail for one client."""

    client_id: int
    action: str  # lodged | replied | followed_up | dropped | duplicate
    ticket_id: int | None = None
    reason: str = ""


def mail_receive(
    *, raw: bytes, recipients: Sequence[str], envelope_sender: str | None, now: datetime
) -> list[Delivery]:
    """One received mail for the clients whose support addresses are `recipients`, all
    in one transaction. Raises MailUnparseable, MailRefused or TemporaryFailure."""
    mail = mail_parse(raw)
    clients = {c.pk: c for c in filter(None, (client_for_address(address=a) for a in recipients))}
    with transaction.atomic():
        return [
            mail_accept(client=client, mail=mail, now=now, envelope_sender=envelope_sender)
            for client in clients.values()
        ]


def mail_receive_for_client(*, raw: bytes, client: Client, now: datetime) -> Delivery:
    """One mail read from a client's own mailbox (IMAP), in one transaction."""
    mail = mail_parse(raw)
    with transaction.atomic():
        return mail_accept(client=client, mail=mail, now=now)


def mail_accept(
    *, client: Client, mail: InboundMail, now: datetime, envelope_sender: str | None = None
) -> Delivery:
    """Turn `mail` into a ticket or a reply of `client`, in one transaction."""
    if mail_already_stored(client=client, message_id=mail.message_id):
        logger.info("mail %s for %s is already stored; skipped", mail.message_id, client.slug)
        return Delivery(client_id=client.pk, action="duplicate")
    reason = _automatic(client=client, mail=mail, envelope_sender=envelope_sender)
    if reason is not None:
        logger.info("automatic mail %s for %s dropped: %s", mail.message_id, client.slug, reason)
        return Delivery(client_id=client.pk, action="dropped", reason=reason)
    sender = mail.from_address or _address(envelope_sender)
    if not sender:
        raise MailRefused("no sender address: the From header names no mailbox")
    try:
        with transaction.atomic():
            return _record(client=client, mail=mail, sender=sender, now=now)
    except ValidationFailed as error:
        if error.code == "no_agreement":
            raise TemporaryFailure(error.message) from error
        raise MailRefused(error.message) from error


def attachments_kept(items: Sequence[MailAttachment]) -> tuple[list[AttachmentIn], list[str]]:
    """The files to keep, and a line for each file left out."""
    limit = settings.PACTDESK_ATTACHMENT_MAX_BYTES
    most = settings.PACTDESK_ATTACHMENT_MAX_COUNT
    kept: list[AttachmentIn] = []
    notes: list[str] = []
    for item in items:
        if len(item.content) > limit:
            notes.append(f"[attachment {item.filename} ({size_text(len(item.content))}) "
                         "was too large and was not kept]")  # fmt: skip
        elif len(kept) >= most:
            notes.append(f"[attachment {item.filename} was not kept: at most {most} files "
                         "are kept per message]")  # fmt: skip
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
    """The text stored for `mail`: see the module's note on quoted history."""
    folded = reply and bool(mail.text or mail.forwarded)
    main = mail.text if folded else _joined(mail.text, mail.quoted)
    body = _joined(main, mail.forwarded, "\n".join(notes)) or NO_TEXT
    most = settings.PACTDESK_BODY_MAX_CHARS
    if len(body) > most:
        note = "\n\n[the rest of this message was too long and was not kept]"
        body = body[: most - len(note)].rstrip() + note
    return body


def _record(*, client: Client, mail: InboundMail, sender: str, now: datetime) -> Delivery:
    attachments, notes = attachments_kept(mail.attachments)
    ticket = ticket_for_mail(client=client, mail=mail, sender=sender)
    name = mail.from_name[:MAX_NAME] if mail.from_address else ""
    if ticket is None:
        lodged = ticket_lodge(
            client=client, customer_email=sender, customer_name=name, subject=mail.subject,
            body=mail_body(mail=mail, reply=False, notes=notes), channel=Channel.EMAIL, now=now,
            attachments=attachments, mail_message_id=mail.message_id,
        )  # fmt: skip
        logger.info("mail %s lodged %s", mail.message_id, lodged.reference)
        return Delivery(client_id=client.pk, action="lodged", ticket_id=lodged.pk)
    customer = customer_get_or_create(client=client, email=sender, name=name, now=now)
    result: Ticket = ticket_customer_reply(
        ticket=ticket, customer=customer, body=mail_body(mail=mail, reply=True, notes=notes),
        now=now, channel=Channel.EMAIL, attachments=attachments, mail_message_id=mail.message_id,
    )  # fmt: skip
    action = "replied" if result.pk == ticket.pk else "followed_up"
    logger.info("mail %s %s on %s", mail.message_id, action, result.reference)
    return Delivery(client_id=client.pk, action=action, ticket_id=result.pk)


def _automatic(*, client: Client, mail: InboundMail, envelope_sender: str | None) -> str | None:
    if envelope_sender is not None and not envelope_sender.strip("<> "):
        return "empty envelope sender (a bounce)"
    if _address(envelope_sender).split("@")[0] in ("mailer-daemon", "postmaster"):
        return f"sent by {_address(envelope_sender)}"
    return mail.auto_reason or loop_reason(client=client, mail=mail)


def _address(value: str | None) -> str:
    address = (value or "").strip().strip("<>").strip().lower()
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
