"""Billing pages: a client admin sees its invoices, hires and balance and cancels inside
the window after seeing the refund; another client's rows are a 404 by URL and by form;
the provider sees receivables, overdue invoices, refunds, revenue and the MRR chart."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client as Browser

from pactdesk.accounts.models import Role
from pactdesk.billing.models import CreditNote, Hire, Invoice, LedgerEntry, Payment
from pactdesk.platform.clock import clock_now
from tests.billing.conftest import seat_hire
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db


def _browser(user) -> Browser:
    browser = Browser()
    browser.force_login(user)
    return browser


@pytest.fixture
def today(agreement) -> date:
    from zoneinfo import ZoneInfo

    return clock_now().astimezone(ZoneInfo("Europe/London")).date()


@pytest.fixture
def hire(agreement, admin, today) -> Hire:
    return seat_hire(agreement, admin, start=today)


def test_the_client_admin_sees_hires_invoices_and_balance(hire, client_admin) -> None:
    page = _browser(client_admin).get("/billing/")

    text = page.content.decode()
    assert page.status_code == 200
    assert "£5,760.00" in text  # the balance and the invoice's total
    assert Invoice.objects.get().number in text
    assert f'href="/billing/hires/{hire.pk}/cancel/"' in text
    assert "14 days left" in text


def test_cancel_shows_the_refund_first_then_cancels_once(hire, client_admin) -> None:
    browser = _browser(client_admin)

    preview = browser.get(f"/billing/hires/{hire.pk}/cancel/")
    assert preview.status_code == 200
    assert not CreditNote.objects.exists()
    text = preview.content.decode()
    # Day 1 of the first period: all but one day comes back, tax included per line.
    assert "Cancel and refund £" in text
    assert "The invoice is not paid yet" in text

    done = browser.post(f"/billing/hires/{hire.pk}/cancel/", follow=True)
    again = browser.post(f"/billing/hires/{hire.pk}/cancel/", follow=True)

    assert "Hire cancelled. Credit note CN-" in done.content.decode()
    assert "This hire was cancelled already on " in again.content.decode()
    assert CreditNote.objects.count() == 1


def test_another_clients_hire_and_invoice_are_404_by_url_and_form(hire, agreement) -> None:
    stranger = UserFactory(role=Role.CLIENT_ADMIN, client=ClientFactory())
    browser = _browser(stranger)
    invoice = Invoice.objects.get(hire=hire)
    entries = LedgerEntry.objects.count()

    answers = [
        browser.get(f"/billing/hires/{hire.pk}/cancel/").status_code,
        browser.post(f"/billing/hires/{hire.pk}/cancel/").status_code,
        browser.get(f"/billing/invoices/{invoice.pk}/").status_code,
        browser.get(f"/billing/invoices/{invoice.pk}/pdf/").status_code,
        browser.post(f"/billing/invoices/{invoice.pk}/pay/").status_code,
    ]

    assert answers == [404] * 5
    page = browser.get("/billing/").content.decode()
    assert invoice.number not in page
    assert LedgerEntry.objects.count() == entries
    hire.refresh_from_db()
    assert hire.status == "active"


def test_agents_and_client_members_may_not_open_billing(hire, agreement) -> None:
    agent = UserFactory(role=Role.AGENT)
    member = UserFactory(role=Role.CLIENT_MEMBER, client=agreement.client)
    assert _browser(agent).get("/billing/").status_code == 403
    assert _browser(member).get(f"/billing/hires/{hire.pk}/cancel/").status_code == 403


def test_the_invoice_page_and_its_pdf(hire, client_admin) -> None:
    invoice = Invoice.objects.get(hire=hire)
    browser = _browser(client_admin)

    page = browser.get(f"/billing/invoices/{invoice.pk}/")
    pdf = browser.get(f"/billing/invoices/{invoice.pk}/pdf/")

    assert "Pay by bank transfer" in page.content.decode()  # no PayPal settings here
    assert "with PayPal" not in page.content.decode()
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")


def test_a_bank_transfer_with_too_many_decimals_is_refused_and_nothing_written(hire, admin) -> None:
    invoice = Invoice.objects.get(hire=hire)
    browser = _browser(admin)
    day = invoice.issue_date.isoformat()

    bad = browser.post(
        f"/billing/invoices/{invoice.pk}/",
        {"amount": "5760.001", "currency": "GBP", "received_on": day, "token": "a" * 32},
    )
    wrong = browser.post(
        f"/billing/invoices/{invoice.pk}/",
        {"amount": "5760.00", "currency": "USD", "received_on": day, "token": "b" * 32},
    )
    good = browser.post(
        f"/billing/invoices/{invoice.pk}/",
        {"amount": "5760.00", "currency": "GBP", "received_on": day, "token": "c" * 32},
    )

    assert (bad.status_code, wrong.status_code, good.status_code) == (422, 422, 302)
    assert "(too_many_decimals)" in bad.content.decode()
    assert "(currency_mismatch)" in wrong.content.decode()
    assert Payment.objects.get().amount == Decimal("5760.000")


def test_the_provider_page_counts_its_queries(
    agreement, admin, today, django_assert_num_queries
) -> None:
    for number in (1, 2):
        seat_hire(agreement, admin, start=today, number=number)
    browser = _browser(admin)
    browser.get("/billing/")  # warm the session and reference caches

    with django_assert_num_queries(7):
        page = browser.get("/billing/")

    text = page.content.decode()
    assert page.status_code == 200
    assert 'aria-label="Monthly recurring revenue in GBP"' in text
    assert "£9,600.00" in text  # two seats' net charges this month
    assert text.count("/billing/invoices/") >= 2
