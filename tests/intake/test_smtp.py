"""The real SMTP receiver on loopback, spoken to with smtplib. The handler works on
another thread, so these tests commit for real (transaction=True)."""

from __future__ import annotations

import smtplib

import pytest
from django.core import mail as sent_mail
from django.db import OperationalError

from pactdesk.accounts.models import Customer
from pactdesk.desk.models import Attachment, Message, Ticket, TicketEvent
from pactdesk.intake import services as intake_services
from pactdesk.intake.models import QuarantinedMail
from pactdesk.notify.models import OutboundMail
from tests.intake.conftest import SUPPORT, corpus, mail

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
TEMPORARY = (451, "4.3.0 temporary failure, try again")


def counts() -> list[int]:
    return [
        m.objects.count()
        for m in (Ticket, Message, TicketEvent, Customer, Attachment, OutboundMail)
    ]


def test_mail_over_smtp_lodges_a_ticket_with_its_files_and_acknowledges(agreement, receiver):
    code, reply = receiver.send(
        corpus("rfc2231_filename.eml"), to="SUPPORT@northwind.TEST", sender="juergen@shop.test"
    )
    ticket = Ticket.objects.get()
    assert (code, reply) == (250, f"2.0.0 OK PD-{ticket.pk} lodged")
    assert (ticket.subject, ticket.channel, ticket.status) == ("Rechnung für März", "email", "new")
    assert (ticket.customer.email, ticket.customer.name) == ("juergen@shop.test", "Jürgen Müller")
    message = ticket.messages.get()
    assert (message.body, message.mail_message_id) == (
        "Anbei die Rechnung.",
        "<rfc2231-1@shop.test>",
    )
    files = [(a.filename, a.content_type, a.size) for a in message.attachments.order_by("id")]
    assert files == [
        ("Rechnung März € 120.pdf", "application/pdf", 48),
        ("übersicht.txt", "text/plain", 8),
    ]
    assert message.attachments.order_by("id")[0].content.read().startswith(b"%PDF-1.4")
    assert [m.subject for m in sent_mail.outbox] == [f"[PD-{ticket.pk}] Rechnung für März"]
    assert sent_mail.outbox[0].extra_headers["In-Reply-To"] == "<rfc2231-1@shop.test>"


def test_unknown_recipient_is_refused_at_rcpt(agreement, receiver):
    with (
        smtplib.SMTP(receiver.host, receiver.port, timeout=30) as client,
        pytest.raises(smtplib.SMTPRecipientsRefused) as caught,
    ):
        client.sendmail("jo@shop.test", ["nobody@northwind.test"], mail(to="nobody@northwind.test"))
    assert caught.value.recipients == {
        "nobody@northwind.test": (550, b"5.1.1 <nobody@northwind.test>: no such support address")
    }
    assert counts() == [0, 0, 0, 0, 0, 0]


def test_oversized_mail_is_refused_with_552(agreement, settings, start_receiver):
    settings.PACTDESK_MAIL_MAX_BYTES = 4096
    receiver = start_receiver()
    assert receiver.send(mail(body=("x" * 70 + "\n") * 80)) == (552, "Error: Too much mail data")
    with (
        smtplib.SMTP(receiver.host, receiver.port, timeout=30) as client,
        pytest.raises(smtplib.SMTPSenderRefused) as caught,
    ):  # smtplib declares the SIZE the receiver advertises
        client.sendmail("jo@shop.test", [SUPPORT], mail(body=("x" * 70 + "\n") * 80))
    assert caught.value.smtp_code == 552
    assert counts() == [0, 0, 0, 0, 0, 0]


def test_a_transient_failure_is_451_and_the_retry_lodges_exactly_once(
    agreement, receiver, monkeypatch
):
    raw = mail(message_id="<retry-1@shop.test>")
    real = intake_services.mail_lodge

    def locked(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(intake_services, "mail_lodge", locked)
    assert receiver.send(raw) == TEMPORARY
    assert counts() == [0, 0, 0, 0, 0, 0]
    assert QuarantinedMail.objects.count() == 0
    monkeypatch.setattr(intake_services, "mail_lodge", real)
    code, reply = receiver.send(raw)
    ticket = Ticket.objects.get()
    assert (code, reply) == (250, f"2.0.0 OK PD-{ticket.pk} lodged")
    # The sender did not see our 250 and tries once more: still one ticket.
    assert receiver.send(raw) == (250, "2.0.0 OK duplicate")
    assert (Ticket.objects.count(), Message.objects.count(), len(sent_mail.outbox)) == (1, 1, 1)


def test_mail_that_is_not_mail_at_all_is_taken_and_quarantined(agreement, receiver):
    raw = b"\x00\x01 not mail\r\nnot at all\r\n"
    code, reply = receiver.send(raw)
    entry = QuarantinedMail.objects.get()
    assert (code, reply) == (250, f"2.0.0 OK held for review as Q-{entry.pk}")
    assert (entry.stage, entry.error_code, entry.error) == (
        "parse",
        "unparseable",
        "no header fields",
    )
    assert entry.raw_mail.content.read() == raw
    assert counts() == [0, 0, 0, 0, 0, 0]


def test_an_oversized_attachment_is_left_out_and_the_mail_kept(agreement, settings, receiver):
    settings.PACTDESK_ATTACHMENT_MAX_BYTES = 1024
    raw = mail(attachments=(("report.pdf", b"%PDF" + b"x" * 3000), ("ok.txt", b"fine\n")))
    code, _reply = receiver.send(raw)
    message = Message.objects.get()
    assert code == 250
    assert message.body == (
        "It is on fire.\n\n[attachment report.pdf (3 KB) was too large and was not kept]"
    )
    assert [a.filename for a in message.attachments.all()] == ["ok.txt"]


@pytest.mark.parametrize(
    ("raw", "sender"),
    [
        (corpus("auto_replied.eml"), "jo@shop.test"),
        (corpus("delivery_status.eml"), ""),
        (mail(headers={"X-Loop": "support@northwind.test"}), "jo@shop.test"),
        (mail(), ""),  # MAIL FROM:<> is a bounce
    ],
)
def test_automatic_mail_is_accepted_and_dropped(agreement, receiver, raw, sender):
    assert receiver.send(raw, sender=sender) == (250, "2.0.0 OK dropped")
    assert counts() == [0, 0, 0, 0, 0, 0]
    assert sent_mail.outbox == []
