"""The inbound mails that failed when the desk was tried (../shared/cases/intake), each
sent over real SMTP to the receiver, and siblings of each kind."""

from __future__ import annotations

import pytest

from pactdesk.accounts.models import Customer
from pactdesk.desk.models import Attachment, Message, Ticket
from pactdesk.intake.models import QuarantinedMail
from pactdesk.notify.models import OutboundMail
from tests.intake.conftest import corpus, mail
from tests.intake.test_parsing import HEBREW_SUBJECT, HEBREW_TEXT

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
LONG_ID = corpus("long_msgid_step1.eml").split(b"Message-ID: ")[1].split(b"\n")[0].strip().decode()


def lodged(receiver, raw: bytes, **send) -> Ticket:
    code, reply = receiver.send(raw, **send)
    assert code == 250, reply
    assert QuarantinedMail.objects.count() == 0
    return Ticket.objects.order_by("-id").first()


def test_a_long_file_name_is_kept_whole_and_the_mail_lodged(agreement, receiver) -> None:
    ticket = lodged(receiver, corpus("long_filename.eml"))
    stored = Attachment.objects.get(message__ticket=ticket)
    assert stored.filename == (
        "Delivery note 30.11.2026 for order 4471 - winter jackets and accessories for the "
        "Boston and Hartford stores.pdf"
    )
    assert len(stored.content.name.split("/")[-1]) <= 40
    assert stored.content.read().startswith(b"%PDF-1.4")


@pytest.mark.parametrize("length", [111, 255, 600, 2000])
def test_file_names_of_any_length_lodge(agreement, receiver, length) -> None:
    name = "n" * (length - 4) + ".pdf"
    ticket = lodged(receiver, mail(attachments=((name, b"%PDF-1.4 x"),)))
    assert Attachment.objects.get(message__ticket=ticket).filename == name


def test_hebrew_declared_iso_8859_8_i_is_read_as_written(agreement, receiver) -> None:
    ticket = lodged(receiver, corpus("hebrew_iso8859_8_i.eml"))
    assert (ticket.subject, ticket.messages.get().body) == (HEBREW_SUBJECT, HEBREW_TEXT)


def test_a_314_character_message_id_is_kept_whole_and_threads_the_follow_up(
    agreement, receiver
) -> None:
    assert len(LONG_ID) == 314
    ticket = lodged(receiver, corpus("long_msgid_step1.eml"))
    assert ticket.messages.get().mail_message_id == LONG_ID
    assert OutboundMail.objects.get().in_reply_to == LONG_ID  # the acknowledgement answers it
    code, _ = receiver.send(corpus("long_msgid_step2_own_followup.eml"))
    assert (code, Ticket.objects.count()) == (250, 1)
    assert [m.body for m in ticket.messages.order_by("id")] == [
        "The return label link gives an error page.",
        "Adding: the error code shown is 0x80.",
    ]
    # The same long id delivered again is recognised as a duplicate.
    assert receiver.send(corpus("long_msgid_step1.eml")) == (250, "2.0.0 OK duplicate")


@pytest.mark.parametrize("length", [250, 500, 900])  # SMTP lines end at 1,000 octets
def test_message_ids_of_any_length_thread(agreement, receiver, length) -> None:
    message_id = "<" + "a" * (length - len("<@shop.test>")) + "@shop.test>"
    ticket = lodged(receiver, mail(message_id=message_id))
    reply = mail(
        message_id="<r@shop.test>",
        subject="Re: x",
        body="More.",
        headers={"In-Reply-To": message_id},
    )
    assert receiver.send(reply)[0] == 250
    assert Ticket.objects.count() == 1
    assert ticket.messages.get(mail_message_id=message_id).mail_message_id == message_id


def test_a_285_character_sender_address_lodges(agreement, receiver) -> None:
    ticket = lodged(receiver, corpus("long_sender_address.eml"))
    address = ticket.customer.email
    assert (len(address), address.endswith(".token-5r8w2x@notify.example.com")) == (285, True)
    assert OutboundMail.objects.get().to_address == address


def test_a_display_name_of_any_length_is_shortened_for_the_customer_record(
    agreement, receiver
) -> None:
    name = "Ms " + "Very Long Name " * 60
    ticket = lodged(receiver, mail(sender=f'"{name.strip()}" <jo@shop.test>'))
    stored = Customer.objects.get().name
    assert (len(stored), stored.endswith("…"), stored[:40]) == (200, True, name[:40])
    assert ticket.messages.get().raw_mail.content.read().count(b"Very") == 60


def test_a_long_subject_is_shortened_for_display_and_kept_in_the_message(
    agreement, receiver
) -> None:
    subject = "Order " + "123456789 " * 60
    ticket = lodged(receiver, mail(subject=subject.strip()))
    assert (len(ticket.subject), ticket.subject[-1]) == (250, "…")
    body = ticket.messages.get().body
    assert body == (
        f"It is on fire.\n\n[The subject was shortened for display; in full: {subject.strip()}]"
    )


def test_a_long_body_is_shown_shortened_and_kept_whole_as_a_text_file(
    agreement, settings, receiver
) -> None:
    settings.PACTDESK_BODY_MAX_CHARS = 1000
    text = "\n".join(f"line {n:04d} of a long log" for n in range(400))
    ticket = lodged(receiver, mail(body=text))
    message = ticket.messages.get()
    assert len(message.body) <= 1000
    assert message.body.startswith("line 0000 of a long log\nline 0001")
    assert message.body.endswith(
        f"[This message is {len(text):,} characters long; the first part is shown. "
        "The whole text is attached as full-text.txt.]"
    )
    full = message.attachments.get(filename="full-text.txt")
    assert full.content.read().decode() == text


def test_a_german_reply_threads_without_its_attribution_line(agreement, receiver) -> None:
    ticket = lodged(
        receiver, mail(sender="Pat Example <pat@example.com>", message_id="<pat-1@example.com>")
    )
    ours = OutboundMail.objects.get(ticket_id_ref=ticket.pk).message_id
    raw = corpus("reply_german_attribution.eml").replace(
        b"<pd646.e4f24b3f57b734f4@pactdesk.localhost>", ours.encode()
    )
    assert receiver.send(raw, sender="pat@example.com")[0] == 250
    assert Ticket.objects.count() == 1
    reply = Message.objects.filter(ticket=ticket).order_by("id").last()
    assert reply.body == "Danke, der Zugang funktioniert jetzt."
    assert reply.raw_mail.content.read() == raw  # byte for byte, as sent


def test_an_unfoldable_line_over_1000_octets_is_taken(agreement, receiver) -> None:
    message_id = "<" + "a" * 4990 + "@shop.test>"
    raw = mail(message_id=message_id, body="x" * 300_000)
    ticket = lodged(receiver, raw)
    assert ticket.messages.get().mail_message_id == message_id


def test_a_from_address_we_cannot_keep_falls_back_to_the_envelope_sender(
    agreement, receiver
) -> None:
    too_long = "a" * 400 + "@shop.test"
    ticket = lodged(receiver, mail(sender=f"<{too_long}>"), sender="ok@shop.test")
    assert ticket.customer.email == "ok@shop.test"


def test_nul_characters_are_left_out_of_every_value(agreement, receiver) -> None:
    raw = (
        b'From: "Na\x00me" <jo@shop.test>\r\nTo: support@northwind.test\r\n'
        b"Subject: nul\x00 subject\r\nMessage-ID: <nul@shop.test>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
        b"Content-Type: text/plain\r\n\r\nbo\x00dy\r\n--b\r\nContent-Type: text/plain\r\n"
        b"Content-Disposition: attachment; filename*=utf-8''a%00b.txt\r\n\r\nfile\r\n--b--\r\n"
    )
    ticket = lodged(receiver, raw)
    message = ticket.messages.get()
    assert (ticket.subject, ticket.customer.name, message.body) == ("nul subject", "Name", "body")
    assert message.attachments.get().filename == "ab.txt"
