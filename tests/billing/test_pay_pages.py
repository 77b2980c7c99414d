"""Paying an invoice from its page with PayPal (the real SDK against the local PayPal
server): the button only when PayPal is configured and only for the client; the order
opened and the client sent to approve it; the return captures once (a reload does not
capture again); cancelling at PayPal comes back unchanged; a pending capture is shown
as pending; a capture in another currency is refused with nothing written."""

from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.http import HttpResponse
from django.test import Client as Browser

from pactdesk.billing.models import Invoice, LedgerEntry, Payment
from pactdesk.platform.clock import clock_now
from tests.billing.conftest import seat_hire
from tests.support.paypal_server import PayPalServer

pytestmark = pytest.mark.django_db


def _browser(user) -> Browser:
    browser = Browser()
    browser.force_login(user)
    return browser


@pytest.fixture
def invoice(agreement, admin) -> Invoice:
    today = clock_now().astimezone(ZoneInfo("Europe/London")).date()
    return seat_hire(agreement, admin, start=today).invoices.get()


def _messages(page) -> list[str]:
    return [str(message) for message in page.context["messages"]]


def _pay(browser: Browser, invoice: Invoice, server: PayPalServer) -> str:
    """Click Pay: the order's id, from the approval URL we were sent to."""
    answer = browser.post(f"/billing/invoices/{invoice.pk}/pay/")
    assert answer.status_code == 302
    assert answer.url.startswith("https://www.sandbox.paypal.com/checkoutnow?token=")
    return answer.url.split("token=")[1]


def test_the_button_shows_for_the_client_only_when_paypal_is_configured(
    invoice, client_admin, admin, settings
) -> None:
    settings.PACTDESK_PAYPAL_CLIENT_ID = settings.PACTDESK_PAYPAL_CLIENT_SECRET = ""
    plain = _browser(client_admin).get(f"/billing/invoices/{invoice.pk}/")
    without = plain.content.decode()
    settings.PACTDESK_PAYPAL_CLIENT_ID, settings.PACTDESK_PAYPAL_CLIENT_SECRET = "id", "secret"
    payable = _browser(client_admin).get(f"/billing/invoices/{invoice.pk}/")
    client_page = payable.content.decode()
    staff = _browser(admin)
    staff_page = staff.get(f"/billing/invoices/{invoice.pk}/").content.decode()

    assert "with PayPal" not in without
    assert "Pay by bank transfer" in without
    assert "Pay £5,760.00 with PayPal" in client_page
    assert "with PayPal" not in staff_page  # staff record bank transfers instead
    assert staff.post(f"/billing/invoices/{invoice.pk}/pay/").status_code == 403
    # The Pay form is redirected to PayPal's approval page: only that page's policy
    # lets forms go to PayPal's checkout (sandbox here)
    assert _directive(plain, "form-action") == "'self'"
    assert _directive(payable, "form-action") == "'self' https://www.sandbox.paypal.com"


def _directive(response: HttpResponse, name: str) -> str:
    """One directive's sources in a response's policy (directives come in any order)."""
    directives = (part.strip() for part in response["Content-Security-Policy"].split(";"))
    return next(d.removeprefix(name).strip() for d in directives if d.split()[0] == name)


def test_pay_approve_return_and_reload_capture_once(
    invoice, client_admin, paypal_settings, settings
) -> None:
    server = paypal_settings
    browser = _browser(client_admin)

    order_id = _pay(browser, invoice, server)
    assert server.state.orders[order_id]["return_url"] == (
        f"{settings.PACTDESK_BASE_URL}/billing/invoices/{invoice.pk}/paid/"
    )
    server.approve(order_id)
    back = browser.get(
        f"/billing/invoices/{invoice.pk}/paid/?token={order_id}&PayerID=PAYER1", follow=True
    )
    reload = browser.get(
        f"/billing/invoices/{invoice.pk}/paid/?token={order_id}&PayerID=PAYER1", follow=True
    )

    assert _messages(back) == ["Thank you: the payment was received."]
    assert _messages(reload) == ["Thank you: the payment was received."]
    assert len(server.posts("/capture")) == 1
    invoice.refresh_from_db()
    assert invoice.status == "paid"
    text = reload.content.decode()
    assert "Paid by PayPal on " in text
    assert "\u2212£5,760.00" in text
    assert "Settled: nothing to pay" in text
    assert "with PayPal</button>" not in text


def test_cancelling_at_paypal_returns_to_the_invoice_unchanged(
    invoice, client_admin, paypal_settings
) -> None:
    browser = _browser(client_admin)
    _pay(browser, invoice, paypal_settings)

    page = browser.get(f"/billing/invoices/{invoice.pk}/?paypal=cancelled&token=X")

    text = page.content.decode()
    assert "You left PayPal without paying: nothing was charged." in text
    assert "Pay £5,760.00 with PayPal" in text
    invoice.refresh_from_db()
    assert invoice.status == "issued"
    assert (LedgerEntry.objects.count(), Payment.objects.get().status) == (1, "pending")


def test_a_pending_capture_is_shown_as_pending_and_not_paid_again(
    invoice, client_admin, paypal_settings
) -> None:
    server = paypal_settings
    server.capture_status = "PENDING"
    browser = _browser(client_admin)
    order_id = _pay(browser, invoice, server)
    server.approve(order_id)

    back = browser.get(f"/billing/invoices/{invoice.pk}/paid/?token={order_id}", follow=True)
    again = browser.post(f"/billing/invoices/{invoice.pk}/pay/", follow=True)

    assert _messages(back) == [
        "PayPal is reviewing the payment: the invoice is paid once it clears."
    ]
    text = back.content.decode()
    assert "Payment pending at PayPal." in text
    assert "with PayPal</button>" not in text
    assert "(invoice_not_payable)" in _messages(again)[0]
    assert len(server.posts("/v2/checkout/orders")) == 2  # one order and its capture
    invoice.refresh_from_db()
    assert invoice.status == "issued"


def test_a_capture_in_another_currency_is_refused_and_nothing_written(
    invoice, client_admin, paypal_settings
) -> None:
    server = paypal_settings
    browser = _browser(client_admin)
    order_id = _pay(browser, invoice, server)
    server.state.orders[order_id]["currency"] = "USD"  # PayPal captured in dollars
    server.approve(order_id)

    back = browser.get(f"/billing/invoices/{invoice.pk}/paid/?token={order_id}", follow=True)

    (message,) = _messages(back)
    assert message.endswith("(currency_mismatch). The invoice is still payable.")
    payment = Payment.objects.get()
    assert (payment.status, payment.capture_id) == ("pending", None)
    assert LedgerEntry.objects.count() == 1  # the invoice's own
    invoice.refresh_from_db()
    assert invoice.status == "issued"


def test_paypal_unavailable_leaves_the_invoice_payable_and_the_retry_uses_the_same_id(
    invoice, client_admin, paypal_settings
) -> None:
    server = paypal_settings
    server.fault("/v2/checkout/orders", status=503, times=3)
    browser = _browser(client_admin)

    failed = browser.post(f"/billing/invoices/{invoice.pk}/pay/", follow=True)
    order_id = _pay(browser, invoice, server)

    (message,) = _messages(failed)
    assert message.endswith("(provider_unavailable). Nothing was charged.")
    assert not Payment.objects.exclude(order_id=order_id).exists()
    assert {r.request_id for r in server.posts("/v2/checkout/orders")} == {
        f"invoice-{invoice.pk}-order-1"
    }
    assert Decimal(server.state.orders[order_id]["amount"]) == Decimal("5760.00")
