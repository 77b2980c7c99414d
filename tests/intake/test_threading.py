"""Threading, automatic mail and limits, through `mail_receive` (what both the SMTP
receiver and the IMAP poller call)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pactdesk.accounts.models import Customer, Role
from pactdesk.desk.models import Message, Ticket, TicketEvent
from pactdesk.desk.services import ticket_status_change
from pactdesk.intake.models import QuarantinedMail
from pactdesk.intake.services import mail_receive
from pactdesk.notify.models import OutboundMail
from tests.factories import ClientFactory, UserFactory, shared_agreement
from tests.intake.conftest import RECEIVED, SUPPORT, corpus, mail

pytestmark = pytest.mark.django_db
LATER = RECEIVED + timedelta(hours=1)


def receive(raw: bytes, *, to: str = SUPPORT, sender: str | None = "jo@shop.test", now=RECEIVED):
    return mail_receive(raw=raw, recipients=[to], envelope_sender=sender, now=now)


def lodged(raw: bytes | None = None, *, to: str = SUPPORT) -> Ticket:
    (delivery,) = receive(raw or mail(to=to), to=to)
    return Ticket.objects.get(pk=delivery.ticket_id)


def state(ticket: Ticket) -> tuple[object, ...]:
    ticket.refresh_from_db()
    events = list(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))
    return ticket.status, ticket.messages.count(), events


def test_a_new_mail_lodges_at_the_receipt_time_with_its_whole_text(agreement) -> None:
    ticket = lodged(corpus("quoted_reply.eml"))  # answers nothing we know: a new ticket
    assert ticket.lodged_at == RECEIVED  # not the Date header (09:58 -0500)
    assert ticket.messages.get().body.startswith("It is out now, thanks.\n\nOn Mon, 2 Mar 2026")


def test_a_reply_to_our_acknowledgement_is_a_customer_reply(agreement) -> None:
    ticket = lodged()
    ack = OutboundMail.objects.get(ticket_id_ref=ticket.pk, kind="acknowledgement")
    reply = mail(
        subject="Re: hello",
        message_id="<m2@shop.test>",
        body="It is out now.\n\nOn Mon, Support wrote:\n> logged it",
        headers={"In-Reply-To": ack.message_id},
    )
    (delivery,) = receive(reply, now=LATER)
    assert (delivery.action, delivery.ticket_id) == ("replied", ticket.pk)
    message = ticket.messages.last()
    assert (message.kind, message.body, message.mail_message_id) == (
        "customer",
        "It is out now.",
        "<m2@shop.test>",
    )
    assert Ticket.objects.count() == 1


def test_references_to_the_customers_own_first_message_thread_too(agreement) -> None:
    ticket = lodged()
    (delivery,) = receive(
        mail(message_id="<m2@shop.test>", headers={"References": "<m1@shop.test>"})
    )
    assert (delivery.action, delivery.ticket_id) == ("replied", ticket.pk)


def test_the_subject_token_threads_for_the_tickets_customer(agreement) -> None:
    ticket = lodged()
    (delivery,) = receive(
        mail(subject=f"Re: [{ticket.reference}] more", message_id="<m2@shop.test>")
    )
    assert (delivery.action, delivery.ticket_id) == ("replied", ticket.pk)


def test_the_token_from_another_sender_opens_a_new_ticket(agreement) -> None:
    ticket = lodged()
    raw = mail(
        subject=f"Re: [{ticket.reference}] mine now",
        sender="eve@evil.test",
        message_id="<e1@evil.test>",
    )
    (delivery,) = receive(raw, sender="eve@evil.test")
    assert delivery.action == "lodged"
    assert delivery.ticket_id != ticket.pk
    assert ticket.messages.count() == 1


def test_the_token_of_another_clients_ticket_opens_a_new_ticket(agreement) -> None:
    other = shared_agreement(ClientFactory(support_email="help@other.test")).client
    theirs = lodged(to="help@other.test")
    (delivery,) = receive(mail(subject=f"Re: [{theirs.reference}] x", message_id="<m9@shop.test>"))
    assert delivery.action == "lodged"
    assert Ticket.objects.get(pk=delivery.ticket_id).client == agreement.client
    assert theirs.client == other
    assert theirs.messages.count() == 1


def test_headers_never_thread_across_clients(agreement) -> None:
    shared_agreement(ClientFactory(support_email="help@other.test"))
    theirs = lodged(to="help@other.test")
    ack = OutboundMail.objects.get(ticket_id_ref=theirs.pk)
    (delivery,) = receive(
        mail(message_id="<m5@shop.test>", headers={"In-Reply-To": ack.message_id})
    )
    assert delivery.action == "lodged"
    assert delivery.ticket_id != theirs.pk


def test_a_reply_to_a_solved_ticket_reopens_it(agreement) -> None:
    ticket = lodged()
    agent = UserFactory(role=Role.AGENT)
    ticket_status_change(actor=agent, ticket=ticket, status="solved", now=RECEIVED)
    receive(mail(subject=f"Re: [{ticket.reference}] no", message_id="<m2@shop.test>"), now=LATER)
    status, messages, events = state(ticket)
    assert (status, messages) == ("open", 2)
    assert events[-2:] == ["reopened", "customer_reply"]


def test_a_reply_to_a_closed_ticket_lodges_a_follow_up(agreement) -> None:
    ticket = lodged()
    agent = UserFactory(role=Role.AGENT)
    ticket_status_change(actor=agent, ticket=ticket, status="solved", now=RECEIVED)
    ticket_status_change(actor=agent, ticket=ticket, status="closed", now=RECEIVED)
    (delivery,) = receive(
        mail(subject=f"Re: [{ticket.reference}] again", message_id="<m2@shop.test>")
    )
    follow_up = Ticket.objects.get(pk=delivery.ticket_id)
    assert delivery.action == "followed_up"
    assert follow_up.messages.get().body == f"(follow-up to {ticket.reference})\n\nIt is on fire."


@pytest.mark.parametrize("name", ["auto_replied.eml", "x_autoreply.eml", "precedence_bulk.eml"])
def test_automatic_mail_on_a_known_ticket_changes_nothing(agreement, name) -> None:
    ticket = lodged()
    agent = UserFactory(role=Role.AGENT)
    ticket_status_change(actor=agent, ticket=ticket, status="solved", now=RECEIVED)
    before = (state(ticket), OutboundMail.objects.count())
    raw = corpus(name).replace(b"[PD-1]", f"[{ticket.reference}]".encode())
    (delivery,) = receive(raw, now=LATER)
    assert delivery.action == "dropped"
    assert (state(ticket), OutboundMail.objects.count()) == before


def test_the_same_message_twice_is_stored_once(agreement) -> None:
    lodged()
    (delivery,) = receive(mail())
    assert delivery.action == "duplicate"
    assert (Ticket.objects.count(), Message.objects.count()) == (1, 1)


def test_one_mail_to_two_clients_lodges_one_ticket_each(agreement) -> None:
    shared_agreement(ClientFactory(support_email="help@other.test"))
    deliveries = mail_receive(
        raw=mail(),
        recipients=[SUPPORT, "HELP@other.test"],
        envelope_sender="jo@shop.test",
        now=RECEIVED,
    )
    assert [d.action for d in deliveries] == ["lodged", "lodged"]
    assert Ticket.objects.values("client").distinct().count() == 2


def test_no_agreement_in_force_is_quarantined_and_writes_nothing_else(db) -> None:
    client = ClientFactory(support_email="help@bare.test")
    (delivery,) = receive(mail(to="help@bare.test"), to="help@bare.test")
    entry = QuarantinedMail.objects.get()
    assert (delivery.action, delivery.quarantine_id, delivery.client_id) == (
        "quarantined",
        entry.pk,
        client.pk,
    )
    assert (entry.error_code, entry.stage, entry.client) == ("no_agreement", "lodge", client)
    assert (Ticket.objects.count(), Customer.objects.count(), Message.objects.count()) == (0, 0, 0)


def test_without_a_from_header_the_envelope_sender_is_the_customer(agreement) -> None:
    raw = b"To: support@northwind.test\r\nSubject: hi\r\nMessage-ID: <n1@x.test>\r\n\r\nhello\r\n"
    (delivery,) = receive(raw, sender="pat@shop.test")
    assert Ticket.objects.get(pk=delivery.ticket_id).customer.email == "pat@shop.test"


def test_mail_with_nothing_but_files_gets_a_placeholder_body(agreement) -> None:
    ticket = lodged(mail(body="", attachments=(("a.bin", b"\x00\x01"),)))
    message = ticket.messages.get()
    assert (message.body, message.attachments.count()) == ("(no text)", 1)
