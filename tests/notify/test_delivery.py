"""Outbound mail against a real SMTP server (aiosmtpd) on 127.0.0.1."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes

import pytest

from pactdesk.notify.models import OutboundMail, OutboxStatus
from pactdesk.notify.services import (
    MAX_ATTEMPTS,
    MailOut,
    mail_deliver,
    mail_queue,
    outbox_due_ids,
)
from tests.conftest import NOW
from tests.factories import ClientFactory
from tests.smtp import free_port, smtp_sink

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    with smtp_sink(settings) as sink:
        yield sink


def queued(**overrides) -> OutboundMail:
    values = {
        "client_id": ClientFactory().pk,
        "kind": "reply",
        "to_address": "jo@shop.test",
        "from_address": "Acme <support@acme.test>",
        "subject": "Re: [PD-7] Help",
        "body": "Fixed it.",
        "now": NOW,
        "ticket_id": 7,
        "in_reply_to": "<a@shop.test>",
        "references": "<a@shop.test>",
    }
    values.update(overrides)
    now = values.pop("now")
    return mail_queue(mail=MailOut(**values), now=now)


def test_a_queued_mail_reaches_the_smtp_server_with_threading_headers(smtp) -> None:
    mail = queued()
    delivered = mail_deliver(mail_id=mail.pk, now=NOW)
    assert (delivered.status, delivered.attempts, delivered.sent_at) == ("sent", 1, NOW)
    [(sender, recipients, raw)] = smtp.received
    assert (sender, recipients) == ("support@acme.test", ["jo@shop.test"])
    parsed = message_from_bytes(raw)
    assert parsed["Subject"] == "Re: [PD-7] Help"
    assert parsed["Message-ID"] == mail.message_id
    assert parsed["In-Reply-To"] == "<a@shop.test>"
    assert parsed["References"] == "<a@shop.test>"
    assert parsed["Auto-Submitted"] == "no"
    assert parsed.get_payload().strip() == "Fixed it."


def test_delivering_twice_sends_once(smtp) -> None:
    mail = queued()
    mail_deliver(mail_id=mail.pk, now=NOW)
    mail_deliver(mail_id=mail.pk, now=NOW + timedelta(seconds=1))
    assert len(smtp.received) == 1


def test_a_refused_connection_is_retried_with_backoff_then_sent(smtp, settings) -> None:
    mail = queued()
    real_port, settings.EMAIL_PORT = settings.EMAIL_PORT, free_port()  # nothing listens
    failed = mail_deliver(mail_id=mail.pk, now=NOW)
    assert (failed.status, failed.attempts) == ("pending", 1)
    assert failed.next_attempt_at == NOW + timedelta(seconds=30)
    assert "ConnectionRefusedError" in failed.last_error
    assert outbox_due_ids(now=NOW + timedelta(seconds=29)) == []
    again = mail_deliver(mail_id=mail.pk, now=NOW + timedelta(seconds=30))
    assert again.next_attempt_at == NOW + timedelta(seconds=90)  # 30 s, then 60 s
    settings.EMAIL_PORT = real_port
    assert outbox_due_ids(now=NOW + timedelta(seconds=90)) == [mail.pk]
    sent = mail_deliver(mail_id=mail.pk, now=NOW + timedelta(seconds=90))
    assert (sent.status, sent.attempts, sent.last_error) == ("sent", 3, "")
    assert len(smtp.received) == 1


def test_after_the_last_attempt_the_mail_is_failed_for_good(settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    mail = queued()
    for _ in range(MAX_ATTEMPTS):
        mail_deliver(mail_id=mail.pk, now=NOW + timedelta(days=1))
    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == (OutboxStatus.FAILED, MAX_ATTEMPTS)
    assert outbox_due_ids(now=NOW + timedelta(days=30)) == []
