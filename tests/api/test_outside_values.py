"""Every value from outside fits where we store it, on SQLite and PostgreSQL alike (the
suite runs on both). The bounded text columns are read from the models: each is either
fed from outside (and then fed an oversize value through its real entry points below)
or ours, with the reason. A new bounded column fails the first test until it is
classified, so no field is forgotten."""

from __future__ import annotations

import base64

import pytest
from django.apps import apps
from django.db import models
from django.test import Client as Browser

from pactdesk.accounts.models import Customer
from pactdesk.desk.models import Attachment, Message, Ticket
from pactdesk.intake.models import QuarantinedMail
from pactdesk.intake.services import mail_receive
from pactdesk.notify.models import OutboundMail
from tests.api.conftest import NEW_TICKET, NOW

# Bounded columns that take text from customers, senders or API callers.
FROM_OUTSIDE = {
    "accounts.Customer.email",
    "accounts.Customer.name",
    "desk.Ticket.subject",
    "notify.OutboundMail.to_address",
    "notify.OutboundMail.subject",
    "desk.IdempotencyKey.key",
    "billing.Payment.idempotency_key",  # "api:" + the header (200 at most) or a form token
    "desk.Ticket.invalid_reason",
    "desk.TicketEvent.value",
}
# Bounded columns whose values we make or that only provider admins type (the admin's
# forms validate them against the same max_length).
OURS = {
    "platform.WorkerHeartbeat.name": "the worker's own name",
    "accounts.Client.name": "admin form",
    "accounts.Client.slug": "admin form",
    "accounts.Client.support_email": "admin form",
    "accounts.User.password": "a hash",
    "accounts.User.email": "admin form",
    "accounts.User.name": "admin form",
    "accounts.User.time_zone": "preferences form, one of zoneinfo's names",
    "agreements.Plan.code": "admin form",
    "agreements.Plan.name": "admin form",
    "agreements.Plan.currency": "admin form (ISO 4217)",
    "agreements.Calendar.name": "admin form",
    "agreements.Calendar.timezone": "admin form",
    "agreements.Calendar.holiday_country": "admin form",
    "agreements.Calendar.holiday_subdivision": "admin form",
    "agreements.SlaPolicy.name": "admin form",
    "agreements.Agreement.timezone": "admin form",
    "notify.OutboundMail.kind": "ours",
    "notify.OutboundMail.message_id": "ours",
    "notify.AcknowledgementTemplate.language": "client admin form, validated BCP 47",
    "desk.RawMail.source": "ours",
    "desk.RawMail.sha256": "a hash",
    "desk.Message.mail_message_key": "a hash",
    "desk.Attachment.content_type": "read from bytes",
    "desk.Attachment.sha256": "a hash",
    "desk.IdempotencyKey.fingerprint": "a hash",
    "api.ApiKey.name": "CLI, cut to the column",
    "api.ApiKey.prefix": "ours",
    "api.ApiKey.secret_sha256": "a hash",
    "intake.Mailbox.host": "admin form",
    "intake.Mailbox.username": "admin form",
    "intake.Mailbox.folder": "admin form",
    "intake.Mailbox.done_folder": "admin form",
    "intake.QuarantinedMail.source": "ours",
    "staffing.SeatAdvice.text": "ours, cut to the column",
    "staffing.StaffingNotice.text": "ours, the advice's text",
    "staffing.PoolRoster.status": "ours (the roster's status)",
    "intake.QuarantinedMail.stage": "ours",
    "intake.QuarantinedMail.error_code": "ours",
    "alerts.SlaAlert.sweep": "a random token",
    "alerts.Notification.text": "ours: the reference, the subject cut to 300, our words",
    "routing.Presence.timezone": "API and header, one of zoneinfo's names (checked first)",
    "routing.Pool.name": "admin form",
    "work.Task.title": "client admin form; task_create refuses over 200 (too_long)",
    "work.TaskEvent.value": "ours: a status or a seat holder's name cut to 200",
    "work.TimeEntry.note": "cut to 200 by time_log",
    "notify.OutboundAttachment.filename": "ours: invoice-<number>.pdf",
    "notify.OutboundAttachment.content_type": "ours",
    "billing.BillingTerms.currency": "the plan's currency",
    "billing.BillingTerms.tax_label": "provider staff, cut to the column by billing_terms_set",
    "billing.Invoice.number": "ours",
    "billing.Invoice.currency": "the terms' currency",
    "billing.Invoice.tax_label": "the terms' label",
    "billing.Invoice.void_reason": "provider staff, 1 to 300 characters (invoice_void checks)",
    "billing.Refund.paid_reference": "provider staff, 1 to 100 (refund_pay_by_hand checks)",
    "billing.InvoiceLine.description": "ours: the plan's name (200) and our words",
    "billing.CreditNote.reason": "ours",
    "billing.CreditNote.number": "ours",
    "billing.CreditNote.currency": "the invoice's currency",
    "billing.CreditNoteLine.description": "ours: the invoice line's and our words",
    "billing.Payment.currency": "the invoice's currency",
    "billing.Payment.order_id": "the provider's ids; longer ones are refused unknown",
    "billing.Payment.capture_id": "the provider's ids; longer ones are refused unknown",
    "billing.Refund.currency": "the payment's currency",
    "billing.Refund.request_id": "ours, from our row ids",
    "billing.Refund.refund_id": "the provider's ids; longer ones are refused unknown",
    "billing.ServiceCredit.metric": "the SLA target's metric",
    "billing.ServiceCredit.priority": "the SLA target's priority",
    "billing.ServiceCredit.currency": "the terms' currency",
    "billing.LedgerEntry.currency": "the document's currency",
    "billing.HireEvent.kind": "ours",
    "billing.DocumentCounter.series": "ours",
}


def bounded_text_columns() -> set[str]:
    return {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model.__module__.startswith("pactdesk.")
        for field in model._meta.get_fields()
        if isinstance(field, models.CharField) and field.max_length and not field.choices
    }


def test_every_bounded_text_column_is_classified() -> None:
    found = bounded_text_columns()
    assert found - FROM_OUTSIDE - set(OURS) == set(), "classify the new column here"
    assert (FROM_OUTSIDE | set(OURS)) - found == set(), "a classified column is gone"


def test_mail_with_every_value_oversize_lodges_whole(northwind) -> None:
    """Mail cannot be refused: everything is kept (whole, or shortened for display with
    the whole in the message and the raw mail)."""
    local = "r" * 240
    address = f"{local}@{'d' * 63}.example.com"[:320]
    message_id = "<" + "m" * 900 + "@shop.test>"
    references = " ".join(f"<ref-{n}-{'x' * 80}@shop.test>" for n in range(40))
    name = "N" * 1000
    subject = "S" * 3000
    filename = "F" * 3000 + ".pdf"
    raw = (
        f'From: "{name}" <{address}>\r\nTo: support@northwind.test\r\nSubject: {subject}\r\n'
        f"Message-ID: {message_id}\r\nReferences: {references}\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
        "Content-Type: text/plain; charset=utf-8\r\n\r\nHello.\r\n--b\r\n"
        f'Content-Type: application/pdf\r\nContent-Disposition: attachment; filename="{filename}"'
        "\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n"
    ).encode()
    (delivery,) = mail_receive(
        raw=raw, recipients=["support@northwind.test"], envelope_sender=address, now=NOW
    )
    assert (delivery.action, QuarantinedMail.objects.count()) == ("lodged", 0)
    ticket = Ticket.objects.get()
    message = ticket.messages.get()
    assert (ticket.customer.email, len(ticket.customer.name)) == (address, 200)
    assert (len(ticket.subject), message.mail_message_id) == (250, message_id)
    assert Attachment.objects.get().filename == filename
    assert OutboundMail.objects.get().to_address == address
    assert subject in message.body
    assert message.raw_mail.content.read() == raw


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("customer_email", "a" * 64 + "@" + "b" * 252 + ".test", "invalid_request"),
        ("customer_name", "n" * 201, "invalid_request"),
        ("subject", "s" * 251, "invalid_request"),
        ("subject", " ", "required"),
    ],
)
def test_the_api_refuses_oversize_values_with_a_4xx(client_api, field, value, code) -> None:
    answer = client_api.post("/api/tickets", {**NEW_TICKET, field: value})
    assert (answer.status, answer.body["code"]) == (422, code)
    assert Ticket.objects.count() == 0


def test_the_api_takes_the_longest_values_it_allows(client_api) -> None:
    address = "a" * 64 + "@" + ".".join(["b" * 63] * 3 + ["c" * 58, "test"])
    assert len(address) == 320
    answer = client_api.post(
        "/api/tickets",
        {
            **NEW_TICKET,
            "customer_email": address,
            "customer_name": "n" * 200,
            "subject": "s" * 250,
            "attachments": [
                {
                    "filename": "f" * 251 + ".pdf",
                    "content_base64": base64.b64encode(b"%PDF-1.4").decode(),
                }
            ],
        },
        headers={"Idempotency-Key": "k" * 200},
    )
    assert answer.status == 201
    assert Customer.objects.get().email == address
    assert Attachment.objects.get().filename == "f" * 251 + ".pdf"


def test_the_api_refuses_a_long_file_name_or_key_with_a_4xx(client_api) -> None:
    long_file = {"filename": "f" * 256, "content_base64": base64.b64encode(b"x").decode()}
    answer = client_api.post("/api/tickets", {**NEW_TICKET, "attachments": [long_file]})
    assert (answer.status, answer.body["code"]) == (422, "invalid_request")
    answer = client_api.post("/api/tickets", NEW_TICKET, headers={"Idempotency-Key": "k" * 201})
    assert (answer.status, answer.body["code"]) == (422, "invalid_request")
    assert Ticket.objects.count() == 0


def test_a_staff_invalid_reason_over_200_characters_is_refused(staff_api, client_api) -> None:
    ticket_id = client_api.post("/api/tickets", NEW_TICKET).body["id"]
    answer = staff_api.patch(
        f"/api/tickets/{ticket_id}", {"valid": False, "invalid_reason": "r" * 201}
    )
    assert (answer.status, answer.body["code"]) == (422, "invalid_request")
    assert Ticket.objects.get().is_valid is True


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("subject", "s" * 251),
        ("name", "n" * 201),
        ("email", "a" * 320 + "@x.test"),
        ("subject", "   "),
    ],
)
def test_the_web_form_refuses_oversize_values_with_its_error(northwind, field, value) -> None:
    form = {"name": "Jo", "email": "jo@shop.test", "subject": "Hi", "body": "Help", field: value}
    response = Browser().post(f"/c/{northwind.slug}/new", form)
    assert response.status_code in (400, 422)
    assert (Ticket.objects.count(), Message.objects.count()) == (0, 0)


def test_the_web_form_takes_a_long_file_name_whole(northwind) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("f" * 200 + ".pdf", b"%PDF-1.4", content_type="application/pdf")
    form = {
        "name": "Jo",
        "email": "jo@shop.test",
        "subject": "Hi",
        "body": "Help",
        "attachments": [upload],
    }
    response = Browser().post(f"/c/{northwind.slug}/new", form)
    assert response.status_code == 302
    assert Attachment.objects.get().filename == "f" * 200 + ".pdf"


def test_nul_characters_from_the_api_are_left_out(client_api) -> None:
    answer = client_api.post(
        "/api/tickets",
        {
            **NEW_TICKET,
            "subject": "a\u0000b",
            "body": "c\u0000d",
            "customer_name": "J\u0000o",
            "attachments": [
                {"filename": "e\u0000f.txt", "content_base64": base64.b64encode(b"x").decode()}
            ],
        },
    )
    assert answer.status == 201
    ticket = Ticket.objects.get()
    message = ticket.messages.get()
    assert (ticket.subject, message.body, ticket.customer.name) == ("ab", "cd", "Jo")
    assert message.attachments.get().filename == "ef.txt"
