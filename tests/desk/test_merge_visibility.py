"""A merge across customers: confirmed by staff, each customer's thread private to
them, replies reaching the merged ticket and staff replies going back to their writer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail as sent_mail

from pactdesk.desk.models import Message, MessageRecipient, Ticket, TicketCopy, TicketEvent
from pactdesk.desk.services import (
    ticket_customer_reply,
    ticket_merge,
    ticket_reply,
    ticket_status_change,
    ticket_unmerge,
)
from pactdesk.intake.services import mail_receive
from pactdesk.notify.models import OutboundMail
from pactdesk.platform.errors import Conflict, ValidationFailed
from tests.desk.conftest import MONDAY_10AM
from tests.intake.conftest import mail

pytestmark = pytest.mark.django_db
LATER = MONDAY_10AM + timedelta(minutes=5)
LATEST = MONDAY_10AM + timedelta(minutes=10)


@pytest.fixture
def alice_and_bob(lodge):
    """Alice's ticket and Bob's (same client), both lodged by mail."""
    alice = lodge(
        customer_email="alice@shop.test",
        customer_name="Alice",
        subject="Printer",
        body="Alice's printer.",
        channel="email",
        mail_message_id="<a1@shop.test>",
    )
    bob = lodge(
        customer_email="bob@shop.test",
        customer_name="Bob",
        subject="Bob's secret",
        body="Bob's private words.",
        channel="email",
        mail_message_id="<b1@shop.test>",
    )
    return alice, bob


def outbox(kind: str = "reply") -> list[tuple[str, str]]:
    rows = OutboundMail.objects.filter(kind=kind).order_by("id")
    return [(row.to_address, row.subject) for row in rows]


def merge_confirmed(agent, ticket: Ticket, *, into: Ticket, copy_customers: bool = False) -> None:
    """The agent merges one customer's ticket into another's, confirming the other customer."""
    ticket_merge(
        actor=agent,
        ticket=ticket,
        into=into,
        now=LATER,
        confirm_other_customer=True,
        copy_customers=copy_customers,
    )


def test_a_merge_across_customers_needs_confirmation_and_changes_nothing_without(
    alice_and_bob, agent
) -> None:
    alice, bob = alice_and_bob
    with pytest.raises(Conflict) as refused:
        ticket_merge(actor=agent, ticket=bob, into=alice, now=LATER)
    assert (refused.value.code, refused.value.field) == ("other_customer", "confirm_other_customer")
    bob.refresh_from_db()
    assert (bob.merged_into_id, bob.status) == (None, "new")
    assert not TicketEvent.objects.filter(kind__in=["merged", "merged_in"]).exists()


def test_a_merge_of_one_customers_tickets_needs_no_confirmation(lodge, agent) -> None:
    first, second = lodge(), lodge(subject="Again")
    ticket_merge(actor=agent, ticket=second, into=first, now=LATER)
    assert Ticket.objects.get(pk=second.pk).merged_into_id == first.pk


def test_after_a_confirmed_merge_bobs_mail_reply_lands_on_alices_ticket_and_is_answered_to_bob(
    alice_and_bob, agent
) -> None:
    alice, bob = alice_and_bob
    merge_confirmed(agent, bob, into=alice)
    ack_to_bob = OutboundMail.objects.get(ticket_id_ref=bob.pk, kind="acknowledgement")
    reply = mail(
        sender="Bob <bob@shop.test>",
        subject="Re: [PD-x] Bob's secret",
        message_id="<b2@shop.test>",
        body="Bob again.",
        headers={"In-Reply-To": ack_to_bob.message_id},
    )
    (delivery,) = mail_receive(
        raw=reply, recipients=["support@northwind.test"], envelope_sender="bob@shop.test", now=LATER
    )
    assert (delivery.action, delivery.ticket_id) == ("replied", alice.pk)
    landed = Message.objects.get(mail_message_id="<b2@shop.test>")
    assert (landed.ticket_id, landed.customer.email) == (alice.pk, "bob@shop.test")

    answer = ticket_reply(actor=agent, ticket=alice, body="Bob, try this.", now=LATEST)

    assert [(r.customer.email, r.copied) for r in answer.recipients.all()] == [
        ("bob@shop.test", False)
    ]
    row = OutboundMail.objects.get(kind="reply")
    # Bob's own ticket's reference and subject (a reply to it comes back to the merged
    # ticket), threaded on Bob's messages and our mail to Bob only.
    assert (row.to_address, row.subject) == ("bob@shop.test", f"Re: [PD-{bob.pk}] Bob's secret")
    assert row.ticket_id_ref == alice.pk
    assert row.in_reply_to == "<b2@shop.test>"
    assert row.references.split() == ["<b1@shop.test>", ack_to_bob.message_id, "<b2@shop.test>"]


def test_right_after_the_merge_the_reply_answers_bob_whose_message_is_the_latest(
    alice_and_bob, agent
) -> None:
    alice, bob = alice_and_bob
    merge_confirmed(agent, bob, into=alice)
    ticket_reply(actor=agent, ticket=alice, body="Bob: noted.", now=LATEST)
    assert outbox() == [("bob@shop.test", f"Re: [PD-{bob.pk}] Bob's secret")]


def test_after_a_chain_of_merges_a_reply_carries_the_writers_own_subject_and_thread(
    alice_and_bob, agent, lodge
) -> None:
    """Bob's ticket into Alice's, then Alice's into Carol's: Bob's reply reaches
    Carol's ticket, and the answer to Bob is on Bob's own thread, never with Carol's
    (or Alice's) subject."""
    alice, bob = alice_and_bob
    carol = lodge(
        customer_email="carol@shop.test",
        subject="Carol's secret",
        channel="email",
        mail_message_id="<c1@shop.test>",
    )
    merge_confirmed(agent, bob, into=alice)
    merge_confirmed(agent, alice, into=carol)
    ticket_customer_reply(
        ticket=bob, customer=bob.customer, body="Bob again.", now=LATER, channel="portal"
    )
    assert Message.objects.filter(ticket=carol, customer=bob.customer).count() == 1

    ticket_reply(actor=agent, ticket=carol, body="Bob: done.", now=LATEST)

    row = OutboundMail.objects.get(kind="reply")
    assert (row.to_address, row.subject) == ("bob@shop.test", f"Re: [PD-{bob.pk}] Bob's secret")
    ack_to_bob = OutboundMail.objects.get(ticket_id_ref=bob.pk, kind="acknowledgement")
    assert row.references.split()[:2] == ["<b1@shop.test>", ack_to_bob.message_id]
    # Staff may also answer Alice, who wrote on a ticket merged in two steps.
    ticket_reply(
        actor=agent, ticket=carol, body="Alice.", now=LATEST, to_customer_id=alice.customer_id
    )
    assert outbox()[-1] == ("alice@shop.test", f"Re: [PD-{alice.pk}] Printer")


def test_staff_may_answer_alice_instead_and_bob_gets_nothing(alice_and_bob, agent) -> None:
    alice, bob = alice_and_bob
    merge_confirmed(agent, bob, into=alice)
    ticket_customer_reply(
        ticket=bob, customer=bob.customer, body="Bob again.", now=LATER, channel="portal"
    )
    ticket_reply(
        actor=agent,
        ticket=alice,
        body="Alice: fixed.",
        now=LATEST,
        to_customer_id=alice.customer_id,
    )
    assert outbox() == [("alice@shop.test", f"Re: [PD-{alice.pk}] Printer")]


def test_a_reply_to_someone_not_on_the_ticket_is_refused_and_writes_nothing(
    alice_and_bob, agent, lodge
) -> None:
    alice, bob = alice_and_bob
    with pytest.raises(ValidationFailed) as refused:
        ticket_reply(
            actor=agent, ticket=alice, body="Hi", now=LATER, to_customer_id=bob.customer_id
        )
    assert (refused.value.code, refused.value.field) == ("not_a_participant", "to")
    assert (Message.objects.filter(kind="staff").count(), outbox()) == (0, [])


def test_with_the_copy_choice_both_customers_get_every_reply(alice_and_bob, agent) -> None:
    alice, bob = alice_and_bob
    merge_confirmed(agent, bob, into=alice, copy_customers=True)
    assert [c.customer.email for c in TicketCopy.objects.filter(ticket=alice)] == ["bob@shop.test"]
    ticket_customer_reply(
        ticket=bob, customer=bob.customer, body="Bob again.", now=LATER, channel="portal"
    )
    answer = ticket_reply(actor=agent, ticket=alice, body="Both of you: fixed.", now=LATEST)
    assert [(r.customer.email, r.copied) for r in answer.recipients.all()] == [
        ("bob@shop.test", False),
        ("alice@shop.test", True),
    ]
    assert outbox() == [
        ("bob@shop.test", f"Re: [PD-{bob.pk}] Bob's secret"),
        ("alice@shop.test", f"Re: [PD-{alice.pk}] Printer"),
    ]
    ticket_status_change(actor=agent, ticket=alice, status="solved", now=LATEST)
    assert sorted(to for to, _ in outbox("status_notice")) == ["alice@shop.test", "bob@shop.test"]


def test_without_the_copy_choice_a_status_notice_goes_to_the_tickets_customer_only(
    alice_and_bob, agent
) -> None:
    alice, bob = alice_and_bob
    merge_confirmed(agent, bob, into=alice)
    ticket_status_change(actor=agent, ticket=alice, status="solved", now=LATEST)
    assert [to for to, _ in outbox("status_notice")] == ["alice@shop.test"]


def test_unmerging_ends_the_copy(alice_and_bob, agent) -> None:
    alice, bob = alice_and_bob
    merge_confirmed(agent, bob, into=alice, copy_customers=True)
    ticket_unmerge(actor=agent, ticket=Ticket.objects.get(pk=bob.pk), now=LATEST)
    assert not TicketCopy.objects.exists()
    assert list(TicketEvent.objects.filter(ticket=alice).values_list("kind", "value")) == [
        ("lodged", ""),
        ("auto_reply", ""),
        ("merged_in", f"PD-{bob.pk}"),
        ("copied", "bob@shop.test"),
        ("uncopied", "bob@shop.test"),
    ]


def test_a_portal_reply_to_the_merged_ticket_reaches_the_merged_into_ticket(
    alice_and_bob, agent
) -> None:
    alice, bob = alice_and_bob
    merge_confirmed(agent, bob, into=alice)
    landed = ticket_customer_reply(
        ticket=Ticket.objects.get(pk=bob.pk),
        customer=bob.customer,
        body="Bob again.",
        now=LATEST,
        channel="portal",
    )
    assert landed.pk == alice.pk
    assert Message.objects.filter(ticket=alice, customer=bob.customer).count() == 1
    assert Ticket.objects.count() == 2  # no follow-up


def test_a_follow_up_of_a_closed_merged_ticket_never_carries_the_other_customers_subject(
    alice_and_bob, agent
) -> None:
    alice, bob = alice_and_bob
    ticket_merge(actor=agent, ticket=alice, into=bob, now=LATER, confirm_other_customer=True)
    ticket_status_change(actor=agent, ticket=bob, status="solved", now=LATER)
    ticket_status_change(actor=agent, ticket=bob, status="closed", now=LATER)
    follow_up = ticket_customer_reply(
        ticket=Ticket.objects.get(pk=alice.pk),
        customer=alice.customer,
        body="Still broken",
        now=LATEST,
        channel="portal",
    )
    assert (follow_up.customer.email, follow_up.subject) == ("alice@shop.test", "Printer")


def test_existing_rows_are_backfilled_with_writer_and_recipient(alice_and_bob, agent) -> None:
    """What the migration does for rows written before it (see 0003)."""
    from importlib import import_module

    from django.apps import apps

    alice, _ = alice_and_bob
    reply = ticket_reply(actor=agent, ticket=alice, body="Hi", now=LATER)
    MessageRecipient.objects.all().delete()
    Message.objects.filter(kind="customer").update(customer=None)
    migration = import_module("pactdesk.desk.migrations.0004_message_recipients_and_copies")
    migration.authors_and_recipients_backfill(apps, None)
    assert [(r.message_id, r.customer.email, r.copied) for r in MessageRecipient.objects.all()] == [
        (reply.pk, "alice@shop.test", False)
    ]
    writers = Message.objects.filter(kind="customer").values_list("ticket_id", "customer__email")
    assert sorted(writers) == sorted((t.pk, t.customer.email) for t in Ticket.objects.all())


def test_mail_to_each_recipient_is_sent_separately(
    alice_and_bob, agent, django_capture_on_commit_callbacks
) -> None:
    alice, bob = alice_and_bob
    merge_confirmed(agent, bob, into=alice, copy_customers=True)
    sent_mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ticket_reply(actor=agent, ticket=alice, body="Both: fixed.", now=LATEST)
    assert sorted(m.to for m in sent_mail.outbox) == [["alice@shop.test"], ["bob@shop.test"]]
    assert all(m.cc == [] and m.bcc == [] for m in sent_mail.outbox)
