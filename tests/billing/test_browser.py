"""In a real browser: a client admin opens Billing, sees the hire's guarantee window,
clicks Cancel, sees the refund per line and confirms; the hire ends and the credit
note is issued. Paid by bank transfer (the refund is paid back by hand), and paid
through PayPal (the real SDK against the local PayPal server; PayPal's approval page
is played by the test, and the refund goes back through PayPal). No
Content-Security-Policy violation on the way."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from pactdesk.accounts.models import Role
from pactdesk.billing.models import CreditNote, Hire, Refund
from pactdesk.billing.services.payments import payment_record_manual
from pactdesk.platform.clock import clock_now
from tests.billing.conftest import at, seat_hire
from tests.factories import PASSWORD, UserFactory
from tests.web.test_browser import CHROMIUM, CspWatch, browser  # noqa: F401 (fixture)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian Chromium is not installed"),
]


def test_a_client_admin_cancels_inside_the_window_and_sees_the_refund(
    live_server,
    browser,  # noqa: F811
    agreement,
    admin,
) -> None:
    today = clock_now().astimezone(ZoneInfo("Europe/London")).date()
    hire = seat_hire(agreement, admin, start=today)
    invoice = hire.invoices.get()
    payment_record_manual(
        actor=admin,
        invoice_id=invoice.pk,
        amount="5760.00",
        currency="GBP",
        received_on=today,
        now=at(today),
    )
    UserFactory(role=Role.CLIENT_ADMIN, client=agreement.client, email="boss@thames.test")
    watch = CspWatch(browser)
    page = watch.new_page()

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "boss@thames.test")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.click("details.more > summary")  # the header keeps Billing under "More"
    page.click("nav a:has-text('Billing')")
    assert "14 days left" in page.inner_text(f"#hire-{hire.pk}")
    page.click(f"#hire-{hire.pk} a:has-text('Cancel')")
    preview = page.inner_text("table.refund-preview")
    button = page.inner_text("button.danger")
    page.click("button.danger")
    message = page.inner_text("p.message")

    # Day 1 of the first period: all but a day of each line comes back, tax included.
    assert "Round-the-clock option" in preview
    assert button.startswith("Cancel and refund £5,")
    assert message.startswith("Hire cancelled. Credit note CN-")
    assert message.endswith("back to the account you paid from.")  # a bank transfer
    assert CreditNote.objects.get().total == hire.credit_notes.get().total
    assert Hire.objects.get(pk=hire.pk).status == "ended"
    assert watch.violations == []


def test_a_client_admin_pays_with_paypal_then_cancels_and_is_refunded_through_it(
    live_server,
    browser,  # noqa: F811
    agreement,
    admin,
    paypal_settings,
    settings,
) -> None:
    server = paypal_settings
    settings.PACTDESK_BASE_URL = live_server.url  # PayPal sends the client back here
    today = clock_now().astimezone(ZoneInfo("Europe/London")).date()
    hire = seat_hire(agreement, admin, start=today)
    invoice = hire.invoices.get()
    UserFactory(role=Role.CLIENT_ADMIN, client=agreement.client, email="boss@thames.test")
    watch = CspWatch(browser)
    page = watch.new_page()

    def paypal_approval(route) -> None:
        """PayPal's checkout page: the payer approves and PayPal sends them back."""
        token = route.request.url.split("token=")[1]
        server.approve(token)
        back = f"{live_server.url}/billing/invoices/{invoice.pk}/paid/?token={token}&PayerID=P1"
        route.fulfill(
            status=200,
            content_type="text/html",
            body=f'<title>PayPal</title><a id="approve" href="{back}">Pay Now</a>',
        )

    page.route("https://www.sandbox.paypal.com/**", paypal_approval)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "boss@thames.test")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/billing/invoices/{invoice.pk}/")
    page.click("button.pay-paypal")
    page.click("#approve")
    paid = page.inner_text("p.message")
    payments = page.inner_text("main")

    page.click("details.more > summary")  # the header keeps Billing under "More"
    page.click("nav a:has-text('Billing')")
    page.click(f"#hire-{hire.pk} a:has-text('Cancel')")
    button = page.inner_text("button.danger")
    page.click("button.danger")
    message = page.inner_text("p.message")

    assert paid == "Thank you: the payment was received."
    assert "Paid by PayPal on " in payments
    refund = Refund.objects.get()
    assert button == f"Cancel and refund £{refund.amount:,.2f}"
    assert message.startswith("Hire cancelled. Credit note CN-")
    assert message.endswith(f"£{refund.amount:,.2f} refunded.")
    (capture,) = server.state.captures.values()
    assert (refund.status, capture.refunded, capture.refund_ids) == (
        "completed",
        refund.amount,
        [refund.refund_id],
    )
    assert watch.violations == []
