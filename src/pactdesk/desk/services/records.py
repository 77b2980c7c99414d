"""Rows every change writes: messages with their attachments, and ticket events."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import filetype
from django.core.files.base import ContentFile

from pactdesk.accounts.models import Customer, User
from pactdesk.desk.models import (
    Attachment,
    EventKind,
    Message,
    MessageRecipient,
    RawMail,
    Ticket,
    TicketEvent,
)
from pactdesk.desk.participants import Recipients


@dataclass(frozen=True)
class AttachmentIn:
    """A file as received. Its type is read from its content, never from its name."""

    filename: str
    content: bytes


def message_create(
    *,
    ticket: Ticket,
    kind: str,
    body: str,
    channel: str,
    now: datetime,
    customer: Customer | None = None,
    author: User | None = None,
    attachments: Sequence[AttachmentIn] = (),
    mail_message_id: str = "",
    raw_mail: RawMail | None = None,
) -> Message:
    message = Message.objects.create(
        client_id=ticket.client_id,
        ticket=ticket,
        kind=kind,
        body=no_nul(body),
        channel=channel,
        created_at=now,
        customer=customer,
        author=author,
        mail_message_id=mail_message_id,
        mail_message_key=mail_key(mail_message_id),
        raw_mail=raw_mail,
    )
    for item in attachments:
        digest = hashlib.sha256(item.content).hexdigest()
        stored = Attachment(
            client_id=ticket.client_id,
            message=message,
            filename=display_name(item.filename),
            content_type=content_type_of(item.content),
            size=len(item.content),
            sha256=digest,
        )
        stored.content.save(
            storage_name(filename=stored.filename, sha256=digest),
            ContentFile(item.content),
            save=False,
        )
        stored.save()
    return message


def recipients_record(*, message: Message, recipients: Recipients) -> None:
    """Who a public reply was sent to: the portal shows it to them only."""
    MessageRecipient.objects.bulk_create(
        MessageRecipient(
            client_id=message.client_id,
            message=message,
            customer=customer,
            copied=customer.pk != recipients.to.pk,
        )
        for customer in recipients.everyone
    )


def no_nul(text: str) -> str:
    """`text` without NUL characters, which PostgreSQL's text columns refuse (SQLite
    would keep them): text from outside is stored alike on both."""
    return text.replace("\x00", "")


def mail_key(message_id: str) -> str:
    """The indexed key of a Message-ID of any length: its SHA-256 in hex ("" for none)."""
    return hashlib.sha256(message_id.encode()).hexdigest() if message_id else ""


def display_name(filename: str) -> str:
    """A file's name as sent, whole, without any folder part (never a path of ours)."""
    name = " ".join(no_nul(filename).replace("\\", "/").rsplit("/", 1)[-1].split()).strip(".")
    return name or "attachment"


def storage_name(*, filename: str, sha256: str) -> str:
    """The name a file is stored under: short and safe whatever the sender wrote (the
    start of its hash and an extension of up to ten letters and digits)."""
    extension = filename.rsplit(".", 1)[-1] if "." in filename else ""
    extension = extension if extension.isascii() and extension.isalnum() else ""
    return f"{sha256[:24]}.{extension[:10].lower()}" if extension else sha256[:24]


def event_add(
    *, ticket: Ticket, kind: EventKind, at: datetime, value: str = "", actor: User | None = None
) -> TicketEvent:
    return TicketEvent.objects.create(
        client_id=ticket.client_id, ticket=ticket, kind=kind, value=value, at=at, actor=actor
    )


def content_type_of(content: bytes) -> str:
    """The media type read from the bytes; text when it decodes, else octet-stream."""
    kind = filetype.guess(content)
    if kind is not None:
        return str(kind.mime)
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return "application/octet-stream"
    return "text/plain"
