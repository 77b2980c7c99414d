"""The SMTP receiver's handler for aiosmtpd: thin, it answers with what the services say.

RCPT is refused (550) for an address that is no client's support address. DATA is
answered 250 only after the ticket or reply, or the mail's quarantine entry, is
committed: a mail we cannot lodge is ours to fix, never bounced to its sender. 451
(try again) is only for what retrying can cure: the database unreachable or locked,
the disk full, the receiver shutting down. Oversized mail gets aiosmtpd's 552 (its
data_size_limit). The database work runs on a worker thread: Django's ORM must not run
on the event loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP
from django.conf import settings
from django.db import connections

from pactdesk.intake.selectors import client_for_address
from pactdesk.intake.services import Delivery, TemporaryFailure, mail_receive
from pactdesk.platform.clock import clock_now

logger = logging.getLogger(__name__)

T = TypeVar("T")
TEMPORARY = "451 4.3.0 temporary failure, try again"


class IntakeHandler:
    """aiosmtpd handler: RCPT and DATA hooks."""

    def __init__(self, *, threads: int = 4) -> None:
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="intake")
        self._closing = False

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook name)
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        try:
            known = await self._run(_is_support_address, address)
        except Exception:
            logger.exception("recipient lookup failed for %s", address)
            return TEMPORARY
        if not known:
            return f"550 5.1.1 <{_one_line(address)}>: no such support address"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self._closing:
            return TEMPORARY
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", errors="surrogateescape")
        return await self._run(
            mail_answer,
            raw=raw,
            recipients=list(envelope.rcpt_tos),
            envelope_sender=envelope.mail_from or "",
        )

    def close(self) -> None:
        """Answer 451 to any new mail, and finish the mail already being taken."""
        self._closing = True
        self._executor.shutdown(wait=True)

    async def _run(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._executor, lambda: _in_thread(function, args, kwargs)
        )


def mail_answer(*, raw: bytes, recipients: list[str], envelope_sender: str) -> str:
    """The SMTP reply to DATA, after the work (or the quarantine entry) is committed."""
    try:
        deliveries = mail_receive(
            raw=raw, recipients=recipients, envelope_sender=envelope_sender, now=clock_now()
        )
    except TemporaryFailure as error:
        logger.error("mail from %s deferred: %s", envelope_sender, error)
        return TEMPORARY
    except Exception:  # quarantining itself failed: the sender must keep the mail
        logger.exception("mail from %s could not be kept; the sender will retry", envelope_sender)
        return TEMPORARY
    return f"250 2.0.0 OK {_summary(deliveries)}"


class _LongLines(SMTP):
    """RFC 5321 caps a line at 1,000 octets, but real senders write longer unfoldable
    headers (Message-IDs, addresses) and body lines; refusing them with 500 would bounce
    a customer's query. Lines are taken up to the message size limit."""

    line_length_limit = 1024 * 1024


class _Controller(Controller):
    def factory(self) -> SMTP:
        return _LongLines(self.handler, **self.SMTP_kwargs)


def receiver_controller(*, handler: IntakeHandler, host: str, port: int) -> Controller:
    """An aiosmtpd controller (its own thread and loop) taking mail up to the limit."""
    return _Controller(
        handler,
        hostname=host,
        port=port,
        data_size_limit=settings.PACTDESK_MAIL_MAX_BYTES,
        enable_SMTPUTF8=True,
        ident="Pactdesk intake",
    )


def _is_support_address(address: str) -> bool:
    return client_for_address(address=address) is not None


def _in_thread(function: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]) -> T:
    """Each message on a fresh connection, closed after it: a pool thread holds no
    database session between messages (nor after the receiver stops)."""
    try:
        return function(*args, **kwargs)
    finally:
        connections.close_all()


def _summary(deliveries: list[Delivery]) -> str:
    parts = [
        f"PD-{d.ticket_id} {d.action}"
        if d.ticket_id
        else f"held for review as Q-{d.quarantine_id}"
        if d.quarantine_id
        else d.action
        for d in deliveries
    ]
    return ", ".join(parts) or "nothing to do"


def _one_line(text: str) -> str:
    return " ".join(text.split())[:400]
