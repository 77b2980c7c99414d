from __future__ import annotations

import smtplib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from imap_tools import MailBoxUnencrypted

from pactdesk.intake.smtp import IntakeHandler, receiver_controller
from tests.factories import ClientFactory, shared_agreement
from tests.intake.dovecot import DOVECOT, Imap, dovecot
from tests.smtp import free_port

CORPUS = Path(__file__).parent / "corpus"
# Monday 2 March 2026, 10:00 in New York: inside the agreement's business hours.
RECEIVED = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
SUPPORT = "support@northwind.test"


def corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def mail(
    *,
    body: str = "It is on fire.",
    subject: str = "Printer on fire",
    sender: str = "Jo <jo@shop.test>",
    to: str = SUPPORT,
    message_id: str | None = "<m1@shop.test>",
    headers: dict[str, str] | None = None,
    attachments: tuple[tuple[str, bytes], ...] = (),
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    if message_id:
        message["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    for filename, content in attachments:
        message.add_attachment(
            content, maintype="application", subtype="octet-stream", filename=filename
        )
    return message.as_bytes(policy=policy.SMTP)


@dataclass
class Receiver:
    host: str
    port: int
    handler: IntakeHandler | None = None

    def send(
        self, raw: bytes, *, to: str = SUPPORT, sender: str = "jo@shop.test"
    ) -> tuple[int, str]:
        """One SMTP transaction; the server's answer to DATA (or to RCPT if refused)."""
        with smtplib.SMTP(self.host, self.port, timeout=30) as client:
            client.ehlo("shop.test")
            client.mail(sender)
            code, reply = client.rcpt(to)
            if code != 250:
                return code, reply.decode()
            code, reply = client.data(raw)
            return code, reply.decode()


@pytest.fixture
def agreement(db):
    return shared_agreement(
        ClientFactory(name="Northwind", slug="northwind", support_email="Support@Northwind.test")
    )


@pytest.fixture
def start_receiver() -> Iterator[Callable[[], Receiver]]:
    """Start the real SMTP receiver on a free loopback port (with the settings of the
    moment); every one started is stopped after the test."""
    started: list[tuple[Controller, IntakeHandler]] = []

    def start() -> Receiver:
        handler = IntakeHandler(threads=1)
        port = free_port()
        controller = receiver_controller(handler=handler, host="127.0.0.1", port=port)
        controller.start()
        started.append((controller, handler))
        return Receiver(host="127.0.0.1", port=port, handler=handler)

    yield start
    for controller, handler in started:
        controller.stop()
        handler.close()


@pytest.fixture
def receiver(start_receiver: Callable[[], Receiver]) -> Receiver:
    return start_receiver()


@pytest.fixture(scope="module")
def imap() -> Iterator[Imap]:
    """A real Dovecot on loopback, one per test module."""
    if not DOVECOT.exists():
        pytest.skip(f"{DOVECOT} is not installed (Debian package dovecot-imapd)")
    with dovecot(free_port(), free_port()) as server:
        yield server


@pytest.fixture
def inbox(imap: Imap) -> Iterator[MailBoxUnencrypted]:
    """An empty INBOX, emptied again after the test."""
    with MailBoxUnencrypted(imap.host, imap.port).login(imap.user, imap.password) as box:
        box.delete(box.uids("ALL"))
        yield box
        box.delete(box.uids("ALL"))
