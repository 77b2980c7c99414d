from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from pactdesk.accounts.models import Customer
from pactdesk.desk.models import Attachment, IdempotencyKey, Message, Ticket, TicketEvent
from pactdesk.desk.services import AttachmentIn
from pactdesk.notify.models import OutboundMail
from pactdesk.platform.errors import Conflict, ValidationFailed
from tests.desk.conftest import MONDAY_10AM

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_lodging_makes_ticket_message_events_and_live_sla(lodge) -> None:
    ticket = lodge()
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.channel) == ("new", "normal", "api")
    assert ticket.lodged_at == MONDAY_10AM
    assert ticket.customer.email == "jo@shop.test"
    assert list(ticket.events.values_list("kind", flat=True)) == ["lodged", "auto_reply"]
    assert ticket.sla_first_response_state == "running"
    assert ticket.sla_first_response_due_at == MONDAY_10AM + timedelta(minutes=30)
    assert ticket.sla_effective_answer_due_at == MONDAY_10AM + timedelta(hours=4)
    assert ticket.sla_next_due_at == MONDAY_10AM + timedelta(minutes=30)
    assert ticket.sla_detail["first_response"]["remaining_seconds"] == 1800.0


def test_lodging_after_hours_starts_the_clock_at_the_next_opening(lodge) -> None:
    friday_evening = datetime(2026, 3, 6, 23, 0, tzinfo=UTC)  # 18:00 in New York
    ticket = lodge(now=friday_evening)
    # Monday 9 March 09:00 EDT (DST began 8 March) is 13:00 UTC; +30 min.
    assert ticket.sla_first_response_due_at == datetime(2026, 3, 9, 13, 30, tzinfo=UTC)


def test_the_acknowledgement_is_mailed_and_threaded(lodge) -> None:
    ticket = lodge(mail_message_id="<m1@shop.test>")
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["jo@shop.test"]
    # An API lodging's acknowledgement quotes no subject the submitter typed.
    assert sent.subject == f"[PD-{ticket.pk}] We have received your request"
    assert sent.extra_headers["In-Reply-To"] == "<m1@shop.test>"
    assert sent.extra_headers["Auto-Submitted"] == "auto-replied"
    assert OutboundMail.objects.get().status == "sent"


def test_the_acknowledgement_states_the_first_response_target_and_the_hours(lodge) -> None:
    ticket = lodge()
    row = OutboundMail.objects.get(ticket_id_ref=ticket.pk)
    body = re.sub(r"/link/\S+/", "/link/<token>/", row.body)
    assert (row.kind, row.subject) == (
        "acknowledgement",
        f"[PD-{ticket.pk}] We have received your request",
    )
    assert body == (
        "Hello,\n\n"
        f"We have received your request and logged it as PD-{ticket.pk}. We aim to answer "
        "within 30 business minutes. Reply to this message to add anything.\n\n"
        "Our support hours are Monday–Friday 09:00–17:00 (America/New_York), except public "
        "holidays.\n\n"
        "Follow it online: http://127.0.0.1:8000/portal/northwind/link/<token>/\n\n"
        "-- Northwind support"
    )
    assert mail.outbox[0].body == row.body


def test_the_acknowledgement_links_to_the_customers_portal(lodge, client) -> None:
    ticket = lodge()
    [line] = [x for x in mail.outbox[0].body.splitlines() if x.startswith("Follow it online: ")]
    link = line.removeprefix("Follow it online: ")
    assert link.startswith("http://127.0.0.1:8000/portal/northwind/link/")
    entered = client.post(link.removeprefix("http://127.0.0.1:8000"), follow=True)
    assert entered.status_code == 200
    assert f"PD-{ticket.pk}" in entered.content.decode()


def test_acknowledgements_can_be_turned_off_per_client(lodge, agreement) -> None:
    agreement.client.send_acknowledgements = False
    agreement.client.save()
    ticket = lodge()
    assert mail.outbox == []
    assert list(ticket.events.values_list("kind", flat=True)) == ["lodged"]


def test_an_attachment_keeps_its_bytes_and_gets_its_type_from_the_content(lodge) -> None:
    ticket = lodge(attachments=[AttachmentIn("../../evil/report.pdf", PNG)])
    stored = Attachment.objects.get(message__ticket=ticket)
    assert (stored.filename, stored.content_type, stored.size) == ("report.pdf", "image/png", 72)
    assert stored.content.read() == PNG


def test_idempotency_key_returns_the_same_ticket_on_retry(lodge) -> None:
    first = lodge(idempotency_key="abc-1")
    again = lodge(idempotency_key="abc-1")
    assert again.pk == first.pk
    assert Ticket.objects.count() == 1
    assert len(mail.outbox) == 1


def test_idempotency_key_reused_for_another_request_is_a_conflict(lodge) -> None:
    lodge(idempotency_key="abc-1")
    with pytest.raises(Conflict) as caught:
        lodge(idempotency_key="abc-1", body="Something else")
    assert caught.value.code == "idempotency_key_reused"
    assert (Ticket.objects.count(), IdempotencyKey.objects.count()) == (1, 1)


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"body": "   "}, "required", "body"),
        ({"priority": "critical"}, "invalid_choice", "priority"),
        ({"channel": "fax"}, "invalid", "channel"),
        ({"customer_email": "not-an-address"}, "invalid", "email"),
        (
            {"attachments": [AttachmentIn("big.bin", b"x" * 2048)]},
            "attachment_too_large",
            "attachments[0]",
        ),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(lodge, settings, overrides, code, field):
    settings.PACTDESK_ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationFailed) as caught:
        lodge(**overrides)
    assert (caught.value.code, caught.value.field) == (code, field)
    counts = [m.objects.count() for m in (Ticket, Message, TicketEvent, Customer, OutboundMail)]
    assert counts == [0, 0, 0, 0, 0]


def test_a_client_without_an_agreement_cannot_lodge(lodge) -> None:
    from tests.factories import ClientFactory

    with pytest.raises(ValidationFailed) as caught:
        lodge(client=ClientFactory())
    assert caught.value.code == "no_agreement"


def test_mail_keeps_an_empty_or_long_subject_shortened_for_display(lodge) -> None:
    assert lodge(subject="  ", channel="email").subject == "(no subject)"
    assert lodge(subject="x" * 250, channel="email").subject == "x" * 250
    assert lodge(subject=" a  b\n" + "x" * 400, channel="email").subject == (
        "a b " + "x" * 245 + "…"
    )


@pytest.mark.parametrize("channel", ["web", "portal", "api"])
@pytest.mark.parametrize(
    ("subject", "code", "message"),
    [
        (" \t\n", "required", "subject: must not be empty"),
        ("x" * 251, "too_long", "subject: 251 characters; the limit is 250"),
    ],
)
def test_interactive_channels_refuse_an_empty_or_long_subject(
    lodge, channel, subject, code, message
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        lodge(subject=subject, channel=channel)
    assert (caught.value.code, caught.value.field, caught.value.message) == (
        code,
        "subject",
        message,
    )
    assert (Ticket.objects.count(), Message.objects.count(), Customer.objects.count()) == (0, 0, 0)


def test_interactive_channels_refuse_a_file_name_over_255_characters(lodge) -> None:
    long_name = "n" * 252 + ".pdf"
    with pytest.raises(ValidationFailed) as caught:
        lodge(channel="web", attachments=[AttachmentIn(long_name, b"%PDF-1.4")])
    assert (caught.value.code, caught.value.field) == ("too_long", "attachments[0].filename")
    assert Ticket.objects.count() == 0


def test_any_file_name_is_kept_whole_and_stored_under_a_short_name(lodge) -> None:
    long_name = "Delivery note " + "x" * 600 + ".PDF"
    for channel, name in (("email", long_name), ("api", "a" * 251 + ".pdf")):
        ticket = lodge(channel=channel, attachments=[AttachmentIn(name, b"%PDF-1.4 x")])
        stored = Attachment.objects.get(message__ticket=ticket)
        assert stored.filename == name
        # the same bytes twice: the storage adds a suffix of its own to the second name
        assert re.fullmatch(
            stored.sha256[:24] + r"(_\w{7})?\.pdf", stored.content.name.split("/")[-1]
        )
        assert stored.content.read() == b"%PDF-1.4 x"


def test_lodged_at_is_the_receipt_time_passed_in(lodge) -> None:
    moment = datetime(2026, 3, 3, 14, 5, 6, 789, tzinfo=UTC)
    assert lodge(now=moment).lodged_at == moment
