"""Payments by hand and through PayPal (the real SDK against the local PayPal server),
the notifications' apply functions (idempotent, unknown ones ignored), and bad input
refused with a stable code and nothing written."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from pactdesk.billing.gateway import PaymentGateway, gateway_configured
from pactdesk.billing.models import Invoice, LedgerEntry, Payment, Refund
from pactdesk.billing.selectors import client_balances
from pactdesk.billing.services.cancel import hire_cancel
from pactdesk.billing.services.payments import (
    invoice_outstanding,
    invoice_pay_return,
    invoice_pay_start,
    payment_capture_apply,
    payment_record_manual,
    payment_refund_apply,
)
from pactdesk.platform.errors import ApplicationError, Conflict
from tests.billing.conftest import at, seat_hire
from tests.factories import UserFactory
from tests.support.paypal_server import PayPalServer

pytestmark = pytest.mark.django_db
MARCH_1 = date(2026, 3, 1)


def _refused(call, code: str) -> None:
    before = (Payment.objects.count(), Refund.objects.count(), LedgerEntry.objects.count())
    with pytest.raises(ApplicationError) as raised:
        call()
    assert raised.value.code == code
    assert (Payment.objects.count(), Refund.objects.count(), LedgerEntry.objects.count()) == before


@pytest.fixture
def invoice(agreement, admin) -> Invoice:
    return Invoice.objects.get(hire=seat_hire(agreement, admin, start=MARCH_1))


def _order(invoice: Invoice, actor, gateway: PaymentGateway | None) -> str:
    return invoice_pay_start(
        actor=actor,
        invoice_id=invoice.pk,
        gateway=gateway,
        return_url="https://desk.test/r",
        cancel_url="https://desk.test/c",
        now=at(MARCH_1),
    ).order_id


def _paid(invoice: Invoice, actor, gateway: PaymentGateway, server: PayPalServer) -> Payment:
    """Order, approved at PayPal, captured on return."""
    order_id = _order(invoice, actor, gateway)
    server.approve(order_id)
    return invoice_pay_return(
        actor=actor, invoice_id=invoice.pk, order_id=order_id, gateway=gateway, now=at(MARCH_1)
    )


def test_a_bank_transfer_recorded_by_hand_pays_the_invoice(invoice, admin) -> None:
    payment_record_manual(
        actor=admin,
        invoice_id=invoice.pk,
        amount="5760.00",
        currency="GBP",
        received_on=date(2026, 3, 4),
        now=at(date(2026, 3, 4)),
    )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid_on) == ("paid", date(2026, 3, 4))
    assert client_balances(client_id=invoice.client_id) == {"GBP": Decimal("0.00")}


@pytest.mark.parametrize(
    ("amount", "currency", "code"),
    [
        ("57.601", "GBP", "too_many_decimals"),
        ("100.00", "USD", "currency_mismatch"),
        ("0", "GBP", "invalid_amount"),
        ("-5", "GBP", "invalid_amount"),
        ("5760.01", "GBP", "amount_exceeds_balance"),
        ("lots", "GBP", "invalid_amount"),
        # Decimal() reads these; a bank statement's amount is plain digits and a point.
        ("1e3", "GBP", "invalid_amount"),
        ("\u0661\u0660", "GBP", "invalid_amount"),  # Arabic-Indic "10"
        ("+5", "GBP", "invalid_amount"),
        ("5_0", "GBP", "invalid_amount"),
        ("1,000.00", "GBP", "invalid_amount"),
    ],
)
def test_bad_amounts_are_refused(invoice, admin, amount, currency, code) -> None:
    _refused(
        lambda: payment_record_manual(
            actor=admin,
            invoice_id=invoice.pk,
            amount=amount,
            currency=currency,
            received_on=MARCH_1,
            now=at(MARCH_1),
        ),
        code,
    )
    invoice.refresh_from_db()
    assert invoice.status == "issued"


def test_a_client_admin_may_not_record_payments(invoice, client_admin) -> None:
    _refused(
        lambda: payment_record_manual(
            actor=client_admin,
            invoice_id=invoice.pk,
            amount="1",
            currency="GBP",
            received_on=MARCH_1,
            now=at(MARCH_1),
        ),
        "not_allowed",
    )


def test_a_provider_5xx_leaves_the_invoice_payable(
    invoice, client_admin, gateway, paypal_server
) -> None:
    paypal_server.fault("/v2/checkout/orders", status=503, times=3)  # a try and 2 retries
    _refused(lambda: _order(invoice, client_admin, gateway), "provider_unavailable")
    invoice.refresh_from_db()
    assert invoice.status == "issued"

    order_id = _order(invoice, client_admin, gateway)  # the client tries again
    assert [r.request_id for r in paypal_server.posts("/v2/checkout/orders")] == [
        f"invoice-{invoice.pk}-order-1"
    ] * 4
    assert len(paypal_server.state.orders) == 1
    assert Payment.objects.get().order_id == order_id


def test_a_capture_timing_out_is_learnt_on_the_next_return_and_taken_once(
    invoice, client_admin, gateway, paypal_server, settings
) -> None:
    """PayPal captured, but its answer never arrived in time: the invoice stays payable
    and the reload of the return page asks again with the same request id."""
    order_id = _order(invoice, client_admin, gateway)
    paypal_server.approve(order_id)
    paypal_server.fault("/capture", delay=1.5, times=3)
    settings.PACTDESK_PAYPAL_TIMEOUT = 1
    slow = gateway_configured()  # the settings changed: a gateway waiting 1 second

    def capture() -> Payment:
        return invoice_pay_return(
            actor=client_admin,
            invoice_id=invoice.pk,
            order_id=order_id,
            gateway=slow,
            now=at(MARCH_1),
        )

    with pytest.raises(ApplicationError) as raised:
        capture()
    assert raised.value.code == "provider_unavailable"
    invoice.refresh_from_db()
    assert (invoice.status, Payment.objects.get().status) == ("issued", "pending")

    payment = capture()

    invoice.refresh_from_db()
    assert (invoice.status, payment.status, payment.amount) == (
        "paid",
        "completed",
        Decimal("5760.000"),
    )
    assert {r.request_id for r in paypal_server.posts("/capture")} == {
        f"invoice-{invoice.pk}-capture-{order_id}"
    }
    assert len(paypal_server.state.captures) == 1
    assert client_balances(client_id=invoice.client_id) == {"GBP": Decimal("0.00")}


def test_without_a_gateway_paying_online_is_refused(invoice, client_admin) -> None:
    _refused(lambda: _order(invoice, client_admin, None), "payment_not_configured")


def test_capture_notifications_apply_once(invoice, client_admin, gateway) -> None:
    order_id = _order(invoice, client_admin, gateway)
    values = {
        "capture_id": "CAP-1",
        "status": "COMPLETED",
        "amount": Decimal("5760.00"),
        "currency": "GBP",
        "order_id": order_id,
    }
    first = payment_capture_apply(**values, now=at(MARCH_1))
    entries = LedgerEntry.objects.count()
    again = payment_capture_apply(**values, now=at(MARCH_1))

    assert first == again
    assert (again.status, again.capture_id) == ("completed", "CAP-1")
    assert LedgerEntry.objects.count() == entries
    invoice.refresh_from_db()
    assert invoice.status == "paid"


def test_an_unknown_capture_changes_nothing(invoice, caplog) -> None:
    applied = payment_capture_apply(
        capture_id="NOT-OURS", status="COMPLETED", amount=Decimal("1.00"), currency="GBP"
    )
    assert applied is None
    assert "NOT-OURS" in caplog.text
    assert (
        payment_refund_apply(
            refund_id="R",
            capture_id="NOT-OURS",
            status="COMPLETED",
            amount=Decimal(1),
            currency="GBP",
        )
        is None
    )
    assert (
        payment_capture_apply(
            capture_id="X" * 65, status="COMPLETED", amount=Decimal(1), currency="GBP"
        )
        is None
    )


def test_a_capture_in_another_currency_is_refused(invoice, client_admin, gateway) -> None:
    order_id = _order(invoice, client_admin, gateway)
    _refused(
        lambda: payment_capture_apply(
            capture_id="CAP-1",
            status="COMPLETED",
            amount=Decimal("5760.00"),
            currency="EUR",
            order_id=order_id,
        ),
        "currency_mismatch",
    )
    assert Payment.objects.get().status == "pending"


def test_denied_then_reversed_captures(invoice, client_admin, gateway, paypal_server) -> None:
    _paid(invoice, client_admin, gateway, paypal_server)
    capture_id = Payment.objects.get().capture_id

    for _ in range(2):
        payment_capture_apply(
            capture_id=capture_id, status="REVERSED", amount=Decimal("5760.00"), currency="GBP"
        )

    invoice.refresh_from_db()
    assert invoice.status == "issued"  # payable again
    assert invoice_outstanding(invoice=invoice) == Decimal("5760.000")
    assert Refund.objects.get().request_id == f"reversal-{capture_id}"
    assert client_balances(client_id=invoice.client_id) == {"GBP": Decimal("5760.00")}


def test_refund_notifications_apply_once_and_refuse_above_the_capture(
    invoice, client_admin, gateway, paypal_server
) -> None:
    _paid(invoice, client_admin, gateway, paypal_server)
    capture_id = Payment.objects.get().capture_id
    values = {"capture_id": capture_id, "status": "COMPLETED", "currency": "GBP"}

    _refused(
        lambda: payment_refund_apply(refund_id="R-big", amount=Decimal("5760.01"), **values),
        "refund_exceeds_capture",
    )
    for _ in range(2):
        payment_refund_apply(refund_id="R-1", amount=Decimal("100.00"), **values)

    assert Refund.objects.get().amount == Decimal("100.000")
    assert client_balances(client_id=invoice.client_id) == {"GBP": Decimal("100.00")}


def test_the_guarantee_refund_reported_by_webhook_first_is_not_counted_twice(
    invoice, client_admin, gateway, paypal_server
) -> None:
    """The provider's notification may arrive before our own call returns."""
    _paid(invoice, client_admin, gateway, paypal_server)
    # PayPal makes the refund, but every answer is lost on the way back (a gateway's 504)
    paypal_server.fault("/refund", status=504, after_effect=True, times=3)
    outcome = hire_cancel(
        actor=client_admin, hire_id=invoice.hire_id, now=at(date(2026, 3, 9)), gateway=gateway
    )
    assert outcome.refund.status == "failed"
    (refund_id,) = paypal_server.capture(Payment.objects.get().capture_id).refund_ids
    payment_refund_apply(
        refund_id=refund_id,
        capture_id=Payment.objects.get().capture_id,
        status="COMPLETED",
        amount=outcome.refund.amount,
        currency="GBP",
    )

    assert (Refund.objects.get().status, Refund.objects.get().refund_id) == (
        "completed",
        refund_id,
    )
    assert client_balances(client_id=invoice.client_id) == {"GBP": Decimal("0.00")}


def test_agents_see_no_billing(invoice) -> None:
    agent = UserFactory(role="agent")
    _refused(
        lambda: hire_cancel(actor=agent, hire_id=invoice.hire_id, now=at(MARCH_1), gateway=None),
        "not_allowed",
    )


def test_the_refusal_of_too_much_shows_what_is_owed_at_the_currency_scale(invoice, admin) -> None:
    with pytest.raises(Conflict) as refused:
        payment_record_manual(
            actor=admin,
            invoice_id=invoice.pk,
            amount="5760.01",
            currency="GBP",
            received_on=MARCH_1,
            now=at(MARCH_1),
        )
    assert refused.value.message == "5760.01 is more than the 5760.00 GBP still owed."
