"""Rows every change writes: messages with their attachments, and ticket events."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import filetype
from django.core.files.base import ContentFile

from pactdesk.accounts.models import Customer, User
from pactdesk.desk.models import Attachment, Message, Ticket, TicketEvent


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
) -> Message:
    message = Message.objects.create(
        client_id=ticket.client_id, ticket=ticket, kind=kind, body=body, channel=channel,
        created_at=now, customer=customer, author=author, mail_message_id=mail_message_id,
    )  # fmt: skip
    for item in attachments:
        stored = Attachment(
            client_id=ticket.client_id, message=message, filename=_safe_name(item.filename),
            content_type=content_type_of(item.content), size=len(item.content),
            sha256=hashlib.sha256(item.content).hexdigest(),
        )  # fmt: skip
        stored.content.save(stored.filename, ContentFile(item.content), save=False)
        stored.save()
    return message


def event_add(
    *, ticket: Ticket, kind: str, at: datetime, value: str = "", actor: User | None = None
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


def _safe_name(filename: str) -> str:
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip().strip(".")
    return (name or "attachment")[:200]
