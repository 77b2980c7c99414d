"""Billing administration pages: staff read and change a client's terms, start a hire,
void an invoice after a confirmation, mark a refund paid by hand; credit notes have a
page and a PDF on both sides, and another client's is a 404."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import Client as Browser

from pactdesk.accounts.models import Role
from pactdesk.billing.models import BillingChange, BillingTerms, CreditNote, Hire, Invoice, Refund
from pactdesk.billing.services.cancel import hire_cancel
from pactdesk.billing.services.payments import payment_record_manual
from pactdesk.platform.clock import clock_now
from tests.billing.conftest import seat_hire
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db

TERMS = {
    "currency": "GBP",
    "seat_fee": "4200.00",
    "monthly_fee": "0",
    "round_the_clock_fee": "600.00",
    "tax_rate": "20.00",
    "tax_label": "VAT",
    "payment_days": "14",
    "billing_contacts": "accounts@thames.test",
    "credit_percent_per_point": "2.00",
    "credit_cap_percent": "10.00",
}


def _browser(user) -> Browser:
    browser = Browser()
    browser.force_login(user)
    return browser


@pytest.fixture
def today(agreement):
    return clock_now().astimezone(ZoneInfo("Europe/London")).date()


@pytest.fixture
def hire(agreement, admin, today) -> Hire:
    return seat_hire(agreement, admin, start=today)


@pytest.fixture
def note(hire, client_admin) -> CreditNote:
    hire_cancel(actor=client_admin, hire_id=hire.pk, now=clock_now(), gateway=None)
    return CreditNote.objects.get()


def test_the_client_page_shows_terms_seats_and_hires(
    hire, agreement, admin, today, django_assert_num_queries
):
    seat_hire(agreement, admin, start=today, number=2)  # two hires: the count stays
    browser = _browser(admin)
    browser.get("/billing/clients/thames/")

    # session, user, client, agreement, terms, seats, open hires, invoices, hires,
    # credit notes, changes; the header's two counts.
    with django_assert_num_queries(13):
        page = browser.get("/billing/clients/thames/")

    text = page.content.decode()
    assert page.status_code == 200
    assert 'name="seat_fee" value="4200.00"' in text
    assert 'name="tax_rate" value="20.00"' in text
    assert f"hire {hire.pk}, active since" in text
    assert "Billed £4,200.00 a month plus £600.00 round-the-clock, plus VAT at 20%" in text
    assert all(invoice.number in text for invoice in Invoice.objects.all())


def test_staff_change_the_terms_and_see_the_change(agreement, admin) -> None:
    browser = _browser(admin)

    saved = browser.post("/billing/clients/thames/terms/", {**TERMS, "tax_rate": "17.5"})
    page = browser.get("/billing/clients/thames/").content.decode()

    assert saved.status_code == 302
    assert BillingTerms.objects.get().tax_rate == Decimal("17.50")
    assert "Billing terms saved: tax_rate changed." in page
    assert "tax_rate 20.00 → 17.50" in page


@pytest.mark.parametrize(
    ("field", "value", "code", "status"),
    [
        ("tax_rate", "-1", "invalid_tax_rate", 422),
        ("tax_rate", "150", "invalid_tax_rate", 422),
        ("seat_fee", "4200.005", "too_many_decimals", 422),
        ("currency", "ZZZ", "unknown_currency", 422),
    ],
)
def test_a_bad_term_is_shown_beside_its_field(agreement, admin, field, value, code, status):
    page = _browser(admin).post("/billing/clients/thames/terms/", {**TERMS, field: value})

    assert page.status_code == status
    assert f"({code})" in page.content.decode()
    assert BillingTerms.objects.get().tax_rate == Decimal("20.00")
    assert not BillingChange.objects.exists()


def test_the_currency_is_locked_once_invoiced(hire, admin) -> None:
    page = _browser(admin).post("/billing/clients/thames/terms/", {**TERMS, "currency": "EUR"})
    assert page.status_code == 409
    assert "(currency_locked)" in page.content.decode()


def test_staff_start_a_hire_and_the_client_admin_sees_it(agreement, admin, client_admin, today):
    browser = _browser(admin)

    started = browser.post(
        "/billing/clients/thames/hires/", {"seat": "2", "start": today.isoformat()}
    )
    again = browser.post(
        "/billing/clients/thames/hires/", {"seat": "2", "start": today.isoformat()}
    )

    hire = Hire.objects.get()
    assert started.status_code == 302
    assert again.status_code == 409
    assert "(seat_already_hired)" in again.content.decode()
    client_page = _browser(client_admin).get("/billing/").content.decode()
    assert f'id="hire-{hire.pk}"' in client_page
    assert "Dedicated seat 2" in client_page


def test_a_hire_starting_too_early_is_refused(agreement, admin, today) -> None:
    early = (today - timedelta(days=40)).isoformat()
    page = _browser(admin).post("/billing/clients/thames/hires/", {"seat": "1", "start": early})
    assert page.status_code == 422
    assert "(invalid_start_date)" in page.content.decode()
    assert not Hire.objects.exists()


def test_void_asks_first_then_the_client_sees_void_with_the_reason(hire, admin, client_admin):
    invoice = Invoice.objects.get()
    browser = _browser(admin)

    assert "Void this invoice" in browser.get(f"/billing/invoices/{invoice.pk}/").content.decode()
    confirm = browser.get(f"/billing/invoices/{invoice.pk}/void/")
    assert confirm.status_code == 200
    assert Invoice.objects.get().status == "issued"
    blank = browser.post(f"/billing/invoices/{invoice.pk}/void/", {"reason": ""})
    done = browser.post(f"/billing/invoices/{invoice.pk}/void/", {"reason": "Hired by mistake"})

    assert (blank.status_code, done.status_code) == (422, 302)
    client = _browser(client_admin)
    page = client.get(f"/billing/invoices/{invoice.pk}/").content.decode()
    listing = client.get("/billing/").content.decode()
    assert "Hired by mistake" in page
    assert "Status: Void" in page
    assert "Still to pay" not in page  # nothing is owed on a void invoice
    assert 'class="pill invoice-void">Void<' in listing


def test_a_paid_invoice_is_not_voided_by_the_page(hire, admin) -> None:
    invoice = Invoice.objects.get()
    payment_record_manual(
        actor=admin,
        invoice_id=invoice.pk,
        amount="100.00",
        currency="GBP",
        received_on=invoice.issue_date,
        now=clock_now(),
    )
    page = _browser(admin).post(f"/billing/invoices/{invoice.pk}/void/", {"reason": "r"})
    assert page.status_code == 409
    assert "(invoice_paid)" in page.content.decode()
    assert Invoice.objects.get().status == "issued"


def test_a_refund_by_hand_is_marked_paid_once(hire, admin, client_admin, today) -> None:
    invoice = Invoice.objects.get()
    payment_record_manual(
        actor=admin,
        invoice_id=invoice.pk,
        amount="5760.00",
        currency="GBP",
        received_on=today,
        now=clock_now(),
    )
    hire_cancel(actor=client_admin, hire_id=hire.pk, now=clock_now(), gateway=None)
    refund = Refund.objects.get()
    browser = _browser(admin)
    listed = browser.get("/billing/refunds/").content.decode()
    form = {f"r{refund.pk}-paid_on": today.isoformat(), f"r{refund.pk}-reference": "BACS 77"}

    first = browser.post(f"/billing/refunds/{refund.pk}/paid/", form)
    second = browser.post(f"/billing/refunds/{refund.pk}/paid/", form, follow=True)

    assert f'action="/billing/refunds/{refund.pk}/paid/"' in listed
    assert first.status_code == 302
    assert "was marked paid already: nothing changed" in second.content.decode()
    refund.refresh_from_db()
    assert (refund.status, refund.paid_reference) == ("completed", "BACS 77")


def test_a_refund_paid_tomorrow_is_refused(hire, admin, client_admin, today) -> None:
    invoice = Invoice.objects.get()
    payment_record_manual(
        actor=admin,
        invoice_id=invoice.pk,
        amount="5760.00",
        currency="GBP",
        received_on=today,
        now=clock_now(),
    )
    hire_cancel(actor=client_admin, hire_id=hire.pk, now=clock_now(), gateway=None)
    refund = Refund.objects.get()
    form = {
        f"r{refund.pk}-paid_on": (today + timedelta(days=1)).isoformat(),
        f"r{refund.pk}-reference": "BACS 77",
    }
    page = _browser(admin).post(f"/billing/refunds/{refund.pk}/paid/", form)
    assert page.status_code == 422
    assert "(invalid_date)" in page.content.decode()
    assert Refund.objects.get().status == "by_hand"


def test_the_credit_note_page_and_pdf_on_both_sides(note, admin, client_admin) -> None:
    for user in (client_admin, admin):
        browser = _browser(user)
        page = browser.get(f"/billing/credit-notes/{note.pk}/")
        pdf = browser.get(f"/billing/credit-notes/{note.pk}/pdf/")
        assert page.status_code == 200
        assert f"Credit note {note.number}" in page.content.decode()
        assert "cancelled under the 14-day money-back guarantee" in page.content.decode()
        assert pdf["Content-Type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF-")
    listing = _browser(client_admin).get("/billing/").content.decode()
    invoice = _browser(client_admin).get(f"/billing/invoices/{note.invoice_id}/").content.decode()
    assert f'href="/billing/credit-notes/{note.pk}/"' in listing
    assert f'href="/billing/credit-notes/{note.pk}/"' in invoice


def test_another_clients_credit_note_is_404(note) -> None:
    stranger = _browser(UserFactory(role=Role.CLIENT_ADMIN, client=ClientFactory()))
    assert stranger.get(f"/billing/credit-notes/{note.pk}/").status_code == 404
    assert stranger.get(f"/billing/credit-notes/{note.pk}/pdf/").status_code == 404
    assert note.number not in stranger.get("/billing/").content.decode()


@pytest.mark.parametrize("role", [Role.CLIENT_ADMIN, Role.AGENT])
def test_the_administration_pages_are_staffs(hire, client_admin, role) -> None:
    user = client_admin if role == Role.CLIENT_ADMIN else UserFactory(role=role)
    browser = _browser(user)
    invoice = Invoice.objects.get()
    answers = [
        browser.get("/billing/clients/").status_code,
        browser.get("/billing/clients/thames/").status_code,
        browser.post("/billing/clients/thames/terms/", TERMS).status_code,
        browser.post("/billing/clients/thames/hires/", {"seat": "2"}).status_code,
        browser.get(f"/billing/invoices/{invoice.pk}/void/").status_code,
        browser.post(f"/billing/invoices/{invoice.pk}/void/", {"reason": "x"}).status_code,
        browser.get("/billing/refunds/").status_code,
    ]
    assert answers == [403] * 7
    assert Invoice.objects.get().status == "issued"
    assert not BillingChange.objects.exists()
