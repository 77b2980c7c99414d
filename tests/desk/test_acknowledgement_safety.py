"""Our mail does not carry a stranger's words to a stranger: anyone can make us
acknowledge a web-form, portal or API lodging to any address, so that acknowledgement
quotes nothing the submitter typed; names and subjects are single-line everywhere; and
acknowledgements to one address are limited per hour."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pactdesk.accounts.models import Role
from pactdesk.accounts.services import customer_update
from pactdesk.desk.models import Ticket, TicketEvent
from pactdesk.intake.services import mail_receive
from pactdesk.notify.models import OutboundMail
from pactdesk.notify.services import acknowledgement_template_save
from pactdesk.platform.text import single_line
from tests.desk.conftest import MONDAY_10AM
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SPAM_NAME = "Dear winner\r\nClaim your prize at evil.example\u2028now"
SPAM_SUBJECT = "You won! Visit evil.example"


def acknowledgement_of(ticket: Ticket) -> OutboundMail:
    return OutboundMail.objects.get(ticket_id_ref=ticket.pk, kind="acknowledgement")


@pytest.mark.parametrize("channel", ["web", "portal", "api"])
def test_a_form_or_api_acknowledgement_quotes_neither_name_nor_subject(lodge, channel) -> None:
    ticket = lodge(
        channel=channel,
        customer_email="victim@else.test",
        customer_name=SPAM_NAME,
        subject=SPAM_SUBJECT,
    )
    sent = acknowledgement_of(ticket)
    assert sent.subject == f"[PD-{ticket.pk}] We have received your request"
    assert sent.body.startswith("Hello,\n\nWe have received your request and logged it as ")
    for words in ("evil.example", "winner", "You won"):
        assert words not in sent.subject
        assert words not in sent.body


def test_a_clients_template_cannot_bring_the_subject_or_name_back(lodge, agreement) -> None:
    admin = UserFactory(role=Role.ADMIN)
    acknowledgement_template_save(
        actor=admin,
        client=agreement.client,
        language="en",
        is_default=True,
        body="Dear {{ customer_name }}, about “{{ ticket_subject }}”: {{ ticket_reference }}.",
    )
    ticket = lodge(channel="web", customer_name=SPAM_NAME, subject=SPAM_SUBJECT)
    assert acknowledgement_of(ticket).body.splitlines()[0] == f"Dear , about “”: PD-{ticket.pk}."


def test_a_mail_lodging_keeps_its_subject_and_name_on_one_line(lodge) -> None:
    ticket = lodge(channel="email", customer_name="Jo\nBloggs", subject="Printer\r\non\u2029fire")
    sent = acknowledgement_of(ticket)
    assert sent.subject == f"[PD-{ticket.pk}] Printer on fire"
    assert sent.body.startswith("Hello Jo Bloggs,\n\n")


@pytest.mark.parametrize("channel", ["web", "portal", "api", "email"])
def test_names_and_subjects_are_stored_on_one_line(lodge, channel) -> None:
    ticket = lodge(
        channel=channel,
        customer_name=" Jo\r\n\x0bBcc:\x85x\u2028y ",
        subject="Help\n\nBcc: someone\u2029please",
    )
    assert (ticket.customer.name, ticket.subject) == ("Jo Bcc: x y", "Help Bcc: someone please")


def test_a_mail_senders_display_name_is_stored_on_one_line(agreement) -> None:
    raw = (
        b"From: =?utf-8?q?Jo=0D=0ABloggs=E2=80=A8Jr?= <jo@shop.test>\r\n"
        b"To: support@northwind.test\r\nSubject: Help\r\nMessage-ID: <n1@shop.test>\r\n\r\nHi\r\n"
    )
    (delivery,) = mail_receive(
        raw=raw,
        recipients=["support@northwind.test"],
        envelope_sender="jo@shop.test",
        now=MONDAY_10AM,
    )
    assert Ticket.objects.get(pk=delivery.ticket_id).customer.name == "Jo Bloggs Jr"


def test_a_customer_renamed_by_staff_is_on_one_line(lodge) -> None:
    ticket = lodge()
    renamed = customer_update(
        actor=UserFactory(role=Role.ADMIN), customer_id=ticket.customer_id, name="Pat\r\nSmith"
    )
    assert renamed.name == "Pat Smith"


def test_single_line_turns_every_line_separator_into_one_space() -> None:
    separators = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
    assert single_line(f" a{separators}b\tc ") == "a b c"


def test_acknowledgements_to_one_address_are_limited_per_hour(lodge, settings) -> None:
    settings.PACTDESK_ACK_LIMIT_PER_HOUR = 2
    at = [MONDAY_10AM + timedelta(minutes=m) for m in (0, 10, 20)]
    tickets = [lodge(channel="web", customer_email="victim@else.test", now=now) for now in at]
    other = lodge(channel="web", customer_email="someone@else.test", now=at[2])
    acknowledged = OutboundMail.objects.filter(kind="acknowledgement")
    assert sorted(acknowledged.values_list("ticket_id_ref", flat=True)) == sorted(
        [tickets[0].pk, tickets[1].pk, other.pk]
    )
    history = TicketEvent.objects.filter(ticket=tickets[2]).values_list("kind", "value")
    assert list(history) == [
        ("lodged", ""),
        ("acknowledgement_withheld", "2 already sent to this address in the last hour"),
    ]
    # An hour after the first, the window has room again.
    later = lodge(channel="web", customer_email="victim@else.test", now=at[0] + timedelta(hours=1))
    assert acknowledged.filter(ticket_id_ref=later.pk).count() == 1


def test_the_limit_counts_the_outbox_whatever_process_wrote_it(lodge, settings) -> None:
    """The count is of outbox rows, not of anything a process keeps in memory."""
    settings.PACTDESK_ACK_LIMIT_PER_HOUR = 1
    first = lodge(channel="api", customer_email="victim@else.test")
    acknowledgement_of(first)  # in the outbox
    second = lodge(channel="api", customer_email="Victim@Else.test")
    assert not OutboundMail.objects.filter(ticket_id_ref=second.pk).exists()
    assert TicketEvent.objects.filter(ticket=second, kind="acknowledgement_withheld").count() == 1


def test_the_limit_counts_every_spelling_of_one_mailbox(lodge, settings) -> None:
    """Fullwidth letters, a soft hyphen or the long s in the domain reach the same
    mailbox (the mailer writes the domain in IDNA): one customer, one count."""
    settings.PACTDESK_ACK_LIMIT_PER_HOUR = 1
    spellings = [
        "victim@else.test",
        "victim@\uff45lse.test",
        "victim@el\u00adse.test",
        "victim@el\u017fe.test",
    ]
    tickets = [lodge(channel="api", customer_email=address) for address in spellings]
    assert {t.customer_id for t in tickets} == {tickets[0].customer_id}
    acknowledged = OutboundMail.objects.filter(kind="acknowledgement")
    assert list(acknowledged.values_list("to_address", flat=True)) == ["victim@else.test"]
