"""The IMAP poller: read each active mailbox, take every message, then move it to the
mailbox's done folder, or delete it when none is set.

A message is moved or deleted only after its ticket or reply, or its quarantine entry,
is committed: a message that cannot be lodged for a reason retrying would not cure is
held in quarantine with its raw bytes and leaves the mailbox, instead of failing on
every poll. A message that fails for a transient reason (the database locked or
unreachable, the disk full) stays, untouched and unflagged, for the next poll; the
error is logged and kept on `Mailbox.last_error`, and the poll goes on with the next
message. A crash between the commit and the delete is harmless: the next poll finds
the Message-ID already stored (or the same bytes already held) and only moves or
deletes it. A done folder that does not exist stops the poll with that error (the
messages stay, nothing is lodged twice) until it is created.
"""

from __future__ import annotations

import logging
import ssl
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from imap_tools import BaseMailBox, MailBox, MailBoxStartTls, MailBoxUnencrypted

from pactdesk.intake.models import Mailbox
from pactdesk.intake.selectors import mailbox_active_list
from pactdesk.intake.services import mail_receive_for_client

logger = logging.getLogger(__name__)

MAX_ERROR = 2000


@dataclass
class PollResult:
    taken: int = 0
    errors: list[str] = field(default_factory=list)


def mailbox_poll_all(*, now: datetime) -> dict[int, PollResult]:
    return {mailbox.pk: mailbox_poll(mailbox=mailbox, now=now) for mailbox in mailbox_active_list()}


def mailbox_poll(*, mailbox: Mailbox, now: datetime) -> PollResult:
    """Take up to PACTDESK_IMAP_BATCH messages from `mailbox`; `now` is their receipt time."""
    result = PollResult()
    try:
        with _connect(mailbox) as box:
            for uid in box.uids("UNDELETED")[: settings.PACTDESK_IMAP_BATCH]:
                if _take(box=box, uid=uid, mailbox=mailbox, now=now, result=result):
                    if mailbox.done_folder:
                        box.move(uid, mailbox.done_folder)
                    else:
                        box.delete(uid)
                    result.taken += 1
    except Exception as error:  # connection, login or protocol trouble: try next minute
        logger.warning("mailbox %s: %s", mailbox, error)
        result.errors.append(f"{type(error).__name__}: {error}")
    mailbox.last_polled_at = now
    mailbox.last_error = "; ".join(result.errors)[:MAX_ERROR]
    mailbox.save(update_fields=["last_polled_at", "last_error"])
    return result


def _take(
    *, box: BaseMailBox, uid: str, mailbox: Mailbox, now: datetime, result: PollResult
) -> bool:
    """True when the message is committed (or was already), or held in quarantine, and
    may leave the mailbox."""
    try:
        raw = _fetch(box, uid)
        delivery = mail_receive_for_client(raw=raw, mailbox=mailbox, now=now)
    except Exception as error:
        logger.exception("mailbox %s: message %s failed; it stays for the next poll", mailbox, uid)
        result.errors.append(f"message {uid}: {type(error).__name__}: {error}")
        return False
    logger.info("mailbox %s: message %s %s", mailbox, uid, delivery.action)
    return True


def _connect(mailbox: Mailbox) -> BaseMailBox:
    """IMAP over TLS, plain IMAP upgraded with STARTTLS, or plain IMAP; TLS always
    verifies the server's certificate and name (system CAs, plus
    PACTDESK_IMAP_CA_FILE for a private mail server)."""
    timeout = settings.PACTDESK_IMAP_TIMEOUT
    box: BaseMailBox
    if mailbox.use_ssl:
        box = MailBox(mailbox.host, mailbox.port, timeout=timeout, ssl_context=_tls())
    elif mailbox.starttls:
        box = MailBoxStartTls(mailbox.host, mailbox.port, timeout=timeout, ssl_context=_tls())
    else:
        box = MailBoxUnencrypted(mailbox.host, mailbox.port, timeout=timeout)
    return box.login(mailbox.username, mailbox.password, initial_folder=mailbox.folder)


def _tls() -> ssl.SSLContext:
    context = ssl.create_default_context()
    if settings.PACTDESK_IMAP_CA_FILE:
        context.load_verify_locations(cafile=settings.PACTDESK_IMAP_CA_FILE)
    return context


def _fetch(box: BaseMailBox, uid: str) -> bytes:
    """The message's bytes as stored, without setting \\Seen."""
    _status, data = box.client.uid("FETCH", uid, "(BODY.PEEK[])")
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            return bytes(item[1])
    raise ConnectionError(f"the server sent no bytes for message {uid}")  # it stays
