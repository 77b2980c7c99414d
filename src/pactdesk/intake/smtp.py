"""The SMTP receiver's handler for aiosmtpd: thin, it answers with what the services say.

RCPT is refused (550) for an address that is no client's support address. DATA is
answered 250 only after the ticket or reply is committed; a failure on our side is a
451 so the sender retries, mail that can never be taken is a 554 with the reason.
Oversized mail gets aiosmtpd's 552 (its data_size_limit). The database work runs on a
worker thread: Django's ORM must not run on the event loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connections

from pactdesk.intake.parsing import MailUnparseable
from pactdesk.intake.selectors import client_for_address
from pactdesk.intake.services import Delivery, MailRefused, TemporaryFailure, mail_receive
from pactdesk.platform.clock import clock_now

logger = logging.getLogger(__name__)

T = TypeVar("T")
TEMPORARY = "451 4.3.0 temporary failure, try again"


class IntakeHandler:
    """aiosmtpd handler: RCPT and DATA hooks."""

    def __init__(self, *, threads: int = 4) -> None:
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="intake")

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
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", errors="surrogateescape")
        return await self._run(
            mail_answer, raw=raw, recipients=list(envelope.rcpt_tos),
            envelope_sender=envelope.mail_from or "",
        )  # fmt: skip

    def close(self) -> None:
        self._executor.shutdown(wait=True)

    async def _run(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._executor, lambda: _in_thread(function, args, kwargs)
        )


def mail_answer(*, raw: bytes, recipients: list[str], envelope_sender: str) -> str:
    """The SMTP reply to DATA, after the work is committed (or rolled back)."""
    try:
        deliveries = mail_receive(
            raw=raw, recipients=recipients, envelope_sender=envelope_sender, now=clock_now()
        )
    except MailUnparseable as error:
        logger.warning("unparseable mail from %s refused: %s", envelope_sender, error.reason)
        return f"554 5.6.0 message could not be parsed: {_one_line(error.reason)}"
    except MailRefused as error:
        logger.warning("mail from %s refused: %s", envelope_sender, error.reason)
        return f"554 5.6.0 {_one_line(error.reason)}"
    except TemporaryFailure as error:
        logger.error("mail from %s deferred: %s", envelope_sender, error)
        return TEMPORARY
    except Exception:
        logger.exception("mail from %s failed; the sender will retry", envelope_sender)
        return TEMPORARY
    return f"250 2.0.0 OK {_summary(deliveries)}"


def receiver_controller(*, handler: IntakeHandler, host: str, port: int) -> Controller:
    """An aiosmtpd controller (its own thread and loop) taking mail up to the limit."""
    return Controller(
        handler, hostname=host, port=port, data_size_limit=settings.PACTDESK_MAIL_MAX_BYTES,
        enable_SMTPUTF8=True, ident="Pactdesk intake",
    )  # fmt: skip


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
    parts = [f"PD-{d.ticket_id} {d.action}" if d.ticket_id else d.action for d in deliveries]
    return ", ".join(parts) or "nothing to do"


def _one_line(text: str) -> str:
    return " ".join(text.split())[:400]
