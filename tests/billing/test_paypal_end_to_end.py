"""A hire's whole life through PayPal (issue 12 §6): the real `paypal-server-sdk` against
the local PayPal server on 127.0.0.1, webhooks signed with the run's certificate and
posted to `POST /payments/paypal/webhook/`, where billing's handler applies them.

start → invoice issued → PayPal order → approved → captured on return → capture webhook
→ cancel on day 9 inside the guarantee → credit note → partial refund through PayPal
(amount exact) → refund webhook → ledger balance zero. Then the bad cases: replays,
a refund above the capture, PayPal's 5xx before success."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client as Browser

from pactdesk.billing.gateway import PaymentGateway
from pactdesk.billing.models import (
    CreditNote,
    Hire,
    Invoice,
    LedgerEntry,
    Payment,
    Refund,
)
from pactdesk.billing.selectors import client_balances
from pactdesk.billing.services.cancel import hire_cancel
from pactdesk.billing.services.payments import invoice_pay_return, invoice_pay_start
from pactdesk.billing.services.run import billing_run
from pactdesk.payments.models import WebhookEvent
from tests.billing.conftest import at, seat_hire
from tests.support.paypal_server import PayPalServer
from tests.support.paypal_webhooks import Signer, capture_event, refund_event

pytestmark = pytest.mark.django_db

MARCH_1, MARCH_9 = date(2026, 3, 1), date(2026, 3, 9)
WEBHOOK = "/payments/paypal/webhook/"
# The first invoice: £4,200.00 seat + £600.00 round-the-clock, VAT 20%.
TOTAL = Decimal("5760.00")
# Cancelled on day 9 of March's 31: 22/31 of each line and its tax, rounded once each
# (3,576.78 + 510.97).
REFUND = Decimal("4087.75")


def notify(body: bytes, signer: Signer) -> tuple[int, dict[str, str]]:
    """PayPal delivers a signed notification; our answer."""
    answer = Browser().post(
        WEBHOOK, body, content_type="application/json", headers=signer.headers(body)
    )
    return answer.status_code, answer.json()


def state() -> tuple[int, ...]:
    """Everything a webhook or a retry might write."""
    return (
        Payment.objects.count(),
        Refund.objects.count(),
        CreditNote.objects.count(),
        LedgerEntry.objects.count(),
        WebhookEvent.objects.count(),
    )


def paid_hire(
    agreement, admin, client_admin, gateway: PaymentGateway, server: PayPalServer
) -> tuple[Hire, Invoice, Payment]:
    """A hire from 1 March whose first invoice the client paid through PayPal."""
    hire = seat_hire(agreement, admin, start=MARCH_1)
    invoice = hire.invoices.get()
    order = invoice_pay_start(
        actor=client_admin,
        invoice_id=invoice.pk,
        gateway=gateway,
        return_url=f"https://desk.test/billing/invoices/{invoice.pk}/paid/",
        cancel_url=f"https://desk.test/billing/invoices/{invoice.pk}/",
        now=at(MARCH_1),
    )
    server.approve(order.order_id)
    payment = invoice_pay_return(
        actor=client_admin,
        invoice_id=invoice.pk,
        order_id=order.order_id,
        gateway=gateway,
        now=at(MARCH_1),
    )
    return hire, invoice, payment


def test_a_hires_life_through_paypal_ends_with_the_ledger_at_zero(
    agreement, admin, client_admin, gateway, paypal_server, paypal_signer
) -> None:
    # Start: the first invoice is issued in advance and owed
    hire = seat_hire(agreement, admin, start=MARCH_1)
    invoice = hire.invoices.get()
    assert (invoice.number, invoice.status, invoice.total) == (
        "2026-000001",
        "issued",
        Decimal("5760.000"),
    )
    assert client_balances(client_id=hire.client_id) == {"GBP": TOTAL}

    # A PayPal order for the invoice's total, its request id from our rows
    order = invoice_pay_start(
        actor=client_admin,
        invoice_id=invoice.pk,
        gateway=gateway,
        return_url=f"https://desk.test/billing/invoices/{invoice.pk}/paid/",
        cancel_url=f"https://desk.test/billing/invoices/{invoice.pk}/",
        now=at(MARCH_1),
    )
    (created,) = paypal_server.posts("/v2/checkout/orders")
    assert created.request_id == f"invoice-{invoice.pk}-order-1"
    assert created.body["purchase_units"][0]["amount"] == {
        "currency_code": "GBP",
        "value": "5760.00",
    }
    assert created.body["purchase_units"][0]["custom_id"] == "2026-000001"
    assert order.approve_url.endswith(f"token={order.order_id}")

    # The client approves at PayPal and comes back: we capture
    paypal_server.approve(order.order_id)
    payment = invoice_pay_return(
        actor=client_admin,
        invoice_id=invoice.pk,
        order_id=order.order_id,
        gateway=gateway,
        now=at(MARCH_1),
    )
    invoice.refresh_from_db()
    assert (payment.status, payment.amount, invoice.status) == (
        "completed",
        Decimal("5760.000"),
        "paid",
    )
    assert client_balances(client_id=hire.client_id) == {"GBP": Decimal("0.00")}

    # PayPal's capture notification arrives: applied, and nothing changes twice
    before = state()
    assert notify(
        capture_event(
            event_id="WH-CAPTURE-1",
            capture_id=payment.capture_id,
            amount=TOTAL,
            currency="GBP",
            order_id=order.order_id,
            custom_id=invoice.number,
        ),
        paypal_signer,
    ) == (200, {"outcome": "applied"})
    assert state() == (*before[:4], before[4] + 1)

    # Day 9, inside the guarantee: the credit note and a partial refund through PayPal
    outcome = hire_cancel(actor=client_admin, hire_id=hire.pk, now=at(MARCH_9), gateway=gateway)
    note = CreditNote.objects.get()
    assert (note.number, note.invoice_id, note.total) == (
        "CN-2026-000001",
        invoice.pk,
        Decimal("4087.750"),
    )
    (refunded,) = paypal_server.posts("/refund")
    assert refunded.path == f"/v2/payments/captures/{payment.capture_id}/refund"
    assert refunded.request_id == f"refund-hire-{hire.pk}"
    assert refunded.body["amount"] == {"currency_code": "GBP", "value": "4087.75"}
    capture = paypal_server.capture(payment.capture_id)
    assert (capture.amount, capture.refunded) == (TOTAL, REFUND)  # partial, to the penny
    refund = outcome.refund
    assert (refund.status, refund.amount, refund.refund_id) == (
        "completed",
        Decimal("4087.750"),
        capture.refund_ids[0],
    )
    assert Hire.objects.get(pk=hire.pk).status == "ended"

    # PayPal's refund notification: ours already, nothing written but the event id
    before = state()
    assert notify(
        refund_event(
            event_id="WH-REFUND-1",
            refund_id=refund.refund_id,
            capture_id=payment.capture_id,
            amount=REFUND,
            currency="GBP",
        ),
        paypal_signer,
    ) == (200, {"outcome": "applied"})
    assert state() == (*before[:4], before[4] + 1)

    # The ledger: invoice +5,760.00, payment -5,760.00, credit note -4,087.75, refund
    # +4,087.75; the balance is zero
    entries = LedgerEntry.objects.filter(client_id=hire.client_id).order_by("id")
    assert [(e.kind, e.amount_minor) for e in entries] == [
        ("invoice", 576000),
        ("payment", -576000),
        ("credit_note", -408775),
        ("refund", 408775),
    ]
    assert client_balances(client_id=hire.client_id) == {"GBP": Decimal("0.00")}
    invoice.refresh_from_db()
    assert invoice.status == "paid"


def test_the_capture_webhook_pays_an_invoice_whose_capture_was_pending(
    agreement, admin, client_admin, gateway, paypal_server, paypal_signer
) -> None:
    paypal_server.capture_status = "PENDING"  # PayPal reviews the payment
    hire, invoice, payment = paid_hire(agreement, admin, client_admin, gateway, paypal_server)
    invoice.refresh_from_db()
    assert (payment.status, invoice.status) == ("pending", "issued")
    assert client_balances(client_id=hire.client_id) == {"GBP": TOTAL}

    body = capture_event(
        event_id="WH-CAPTURE-2",
        capture_id=payment.capture_id,
        amount=TOTAL,
        currency="GBP",
        order_id=payment.order_id,
    )
    assert notify(body, paypal_signer) == (200, {"outcome": "applied"})

    invoice.refresh_from_db()
    assert (Payment.objects.get().status, invoice.status) == ("completed", "paid")
    assert client_balances(client_id=hire.client_id) == {"GBP": Decimal("0.00")}


def test_replayed_webhooks_change_nothing(
    agreement, admin, client_admin, gateway, paypal_server, paypal_signer
) -> None:
    hire, _, payment = paid_hire(agreement, admin, client_admin, gateway, paypal_server)
    hire_cancel(actor=client_admin, hire_id=hire.pk, now=at(MARCH_9), gateway=gateway)
    refund = Refund.objects.get()
    events = [
        capture_event(event_id="WH-C", capture_id=payment.capture_id, amount=TOTAL, currency="GBP"),
        refund_event(
            event_id="WH-R",
            refund_id=refund.refund_id,
            capture_id=payment.capture_id,
            amount=REFUND,
            currency="GBP",
        ),
    ]
    assert [notify(body, paypal_signer)[1]["outcome"] for body in events] == ["applied"] * 2
    before = state(), client_balances(client_id=hire.client_id)

    # The same notifications again, each with a new transmission (a new signature)
    assert [notify(body, paypal_signer)[1]["outcome"] for body in events] == ["replayed"] * 2
    # And the same refund under another event id: applied, but changes nothing of ours
    again = refund_event(
        event_id="WH-R2",
        refund_id=refund.refund_id,
        capture_id=payment.capture_id,
        amount=REFUND,
        currency="GBP",
    )
    assert notify(again, paypal_signer) == (200, {"outcome": "applied"})

    assert (state()[:4], client_balances(client_id=hire.client_id)) == (before[0][:4], before[1])


def test_a_reversed_capture_makes_the_invoice_payable_again(
    agreement, admin, client_admin, gateway, paypal_server, paypal_signer
) -> None:
    hire, invoice, payment = paid_hire(agreement, admin, client_admin, gateway, paypal_server)

    body = refund_event(
        event_id="WH-REV",
        refund_id="REV00000000000001",
        capture_id=payment.capture_id,
        amount=TOTAL,
        currency="GBP",
        event_type="PAYMENT.CAPTURE.REVERSED",
    )
    assert notify(body, paypal_signer) == (200, {"outcome": "applied"})

    invoice.refresh_from_db()
    assert (Payment.objects.get().status, invoice.status, invoice.paid_on) == (
        "reversed",
        "issued",
        None,
    )
    assert [e.kind for e in LedgerEntry.objects.order_by("id")] == [
        "invoice",
        "payment",
        "refund",
    ]
    assert client_balances(client_id=hire.client_id) == {"GBP": TOTAL}


def test_a_denied_capture_leaves_the_invoice_payable(
    agreement, admin, client_admin, gateway, paypal_server, paypal_signer
) -> None:
    paypal_server.capture_status = "PENDING"
    _, invoice, payment = paid_hire(agreement, admin, client_admin, gateway, paypal_server)

    body = capture_event(
        event_id="WH-DENIED",
        capture_id=payment.capture_id,
        amount=TOTAL,
        currency="GBP",
        event_type="PAYMENT.CAPTURE.DENIED",
        status="DECLINED",
    )
    assert notify(body, paypal_signer) == (200, {"outcome": "applied"})

    invoice.refresh_from_db()
    assert (Payment.objects.get().status, invoice.status) == ("denied", "issued")
    # A new attempt is a new order, with its own request id
    order = invoice_pay_start(
        actor=client_admin,
        invoice_id=invoice.pk,
        gateway=gateway,
        return_url="https://desk.test/r",
        cancel_url="https://desk.test/c",
        now=at(MARCH_1),
    )
    assert order.order_id != payment.order_id
    assert [r.request_id for r in paypal_server.posts("/v2/checkout/orders")][-1] == (
        f"invoice-{invoice.pk}-order-2"
    )


def test_an_unknown_capture_is_logged_answered_200_and_changes_nothing(
    agreement, admin, client_admin, gateway, paypal_server, paypal_signer, caplog
) -> None:
    paid_hire(agreement, admin, client_admin, gateway, paypal_server)
    before = state()

    body = capture_event(
        event_id="WH-STRANGER", capture_id="CAPNOTOURS000001", amount=TOTAL, currency="GBP"
    )
    assert notify(body, paypal_signer) == (200, {"outcome": "applied"})

    assert state()[:4] == before[:4]
    assert "capture CAPNOTOURS000001 (order None) is not ours: ignored" in caplog.text


def test_a_capture_webhook_in_another_currency_is_refused_and_nothing_written(
    agreement, admin, client_admin, gateway, paypal_server, paypal_signer
) -> None:
    paypal_server.capture_status = "PENDING"
    _, _, payment = paid_hire(agreement, admin, client_admin, gateway, paypal_server)
    before = state()

    body = capture_event(
        event_id="WH-EUR", capture_id=payment.capture_id, amount=TOTAL, currency="EUR"
    )
    status, answer = notify(body, paypal_signer)

    assert (status, answer["code"]) == (422, "currency_mismatch")
    assert state() == before  # not even the event id: PayPal delivers it again
    assert Payment.objects.get().status == "pending"


def test_a_refund_webhook_above_the_capture_is_refused_and_nothing_written(
    agreement, admin, client_admin, gateway, paypal_server, paypal_signer
) -> None:
    _, _, payment = paid_hire(agreement, admin, client_admin, gateway, paypal_server)
    before = state()

    body = refund_event(
        event_id="WH-BIG",
        refund_id="REF99999999999999",
        capture_id=payment.capture_id,
        amount=Decimal("5760.01"),
        currency="GBP",
    )
    status, answer = notify(body, paypal_signer)

    assert (status, answer["code"], answer["field"]) == (422, "refund_exceeds_capture", "amount")
    assert state() == before


def test_a_guarantee_refund_above_what_paypal_has_left_is_refused_and_paid_by_hand(
    agreement, admin, client_admin, gateway, paypal_server
) -> None:
    """Someone refunded £2,000.00 at PayPal directly (its notification not yet here):
    PayPal refuses our £4,087.75 with 422 REFUND_AMOUNT_EXCEEDED."""
    hire, _, payment = paid_hire(agreement, admin, client_admin, gateway, paypal_server)
    gateway.capture_refund(
        capture_id=payment.capture_id,
        amount=Decimal("2000.00"),
        currency="GBP",
        request_id="dashboard-1",
        note="goodwill",
    )

    outcome = hire_cancel(actor=client_admin, hire_id=hire.pk, now=at(MARCH_9), gateway=gateway)

    refund = Refund.objects.get()
    assert (refund.status, refund.refund_id, refund.last_error) == (
        "by_hand",
        None,
        "refund_exceeds_capture: The refund is more than what is left of the captured payment",
    )
    assert outcome.refund == refund
    assert paypal_server.capture(payment.capture_id).refunded == Decimal("2000.00")
    # The credit note stands; no refund entry was written: the client is in credit
    assert [e.kind for e in LedgerEntry.objects.order_by("id")] == [
        "invoice",
        "payment",
        "credit_note",
    ]
    assert client_balances(client_id=hire.client_id) == {"GBP": -REFUND}
    # The billing run does not ask PayPal again for a refused refund
    billing_run(now=at(date(2026, 3, 10)), gateway=gateway)
    assert len(paypal_server.posts("/refund")) == 2


def test_paypal_5xx_then_success_with_the_same_request_id_makes_one_refund(
    agreement, admin, client_admin, gateway, paypal_server
) -> None:
    hire, _, payment = paid_hire(agreement, admin, client_admin, gateway, paypal_server)
    # PayPal refunds but answers 500, then 503 to the SDK's retries: our call fails
    paypal_server.fault("/refund", status=500, after_effect=True, times=3)

    first = hire_cancel(actor=client_admin, hire_id=hire.pk, now=at(MARCH_9), gateway=gateway)
    assert (first.refund.status, first.refund.last_error.split(":")[0]) == (
        "failed",
        "provider_unavailable",
    )
    assert client_balances(client_id=hire.client_id) == {"GBP": -REFUND}

    # The billing run asks again with the same request id: PayPal's first answer
    assert billing_run(now=at(date(2026, 3, 10)), gateway=gateway).refunds == 1

    assert {r.request_id for r in paypal_server.posts("/refund")} == {f"refund-hire-{hire.pk}"}
    assert len(paypal_server.posts("/refund")) == 4
    capture = paypal_server.capture(payment.capture_id)
    assert (capture.refunded, len(capture.refund_ids)) == (REFUND, 1)
    refund = Refund.objects.get()
    assert (refund.status, refund.refund_id) == ("completed", capture.refund_ids[0])
    assert client_balances(client_id=hire.client_id) == {"GBP": Decimal("0.00")}
