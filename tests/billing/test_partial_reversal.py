"""`PAYMENT.CAPTURE.REVERSED` applies the amount the notification carries — a part of
the capture, or all of it — once, through the real webhook endpoint with notifications
signed by the certificate made for the run (the local PayPal server serves it)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pactdesk.billing.models import LedgerEntry, Refund
from pactdesk.billing.selectors import client_balances
from pactdesk.billing.settlement import invoice_settlement
from tests.billing.test_paypal_end_to_end import TOTAL, notify, paid_hire, state
from tests.support.paypal_webhooks import refund_event

pytestmark = pytest.mark.django_db


def _reversal(event_id: str, reversal_id: str, capture_id: str, amount: str) -> bytes:
    return refund_event(
        event_id=event_id,
        refund_id=reversal_id,
        capture_id=capture_id,
        amount=Decimal(amount),
        currency="GBP",
        event_type="PAYMENT.CAPTURE.REVERSED",
    )


def test_a_partial_reversal_takes_back_only_its_amount_once(
    agreement, admin, client_admin, gateway, paypal_server, paypal_signer
) -> None:
    hire, invoice, payment = paid_hire(agreement, admin, client_admin, gateway, paypal_server)
    body = _reversal("WH-REV-1", "REV0000000000001", payment.capture_id, "1000.00")

    first = notify(body, paypal_signer)
    written = state()
    replayed = notify(body, paypal_signer)  # PayPal delivers the same event again
    redelivered = notify(  # the same reversal under a new event id
        _reversal("WH-REV-1b", "REV0000000000001", payment.capture_id, "1000.00"),
        paypal_signer,
    )

    assert (first, replayed[0], redelivered[0]) == ((200, {"outcome": "applied"}), 200, 200)
    assert state()[:4] == written[:4]
    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert (payment.status, invoice.status, invoice.paid_on) == ("completed", "issued", None)
    assert list(Refund.objects.values_list("amount", "status", "refund_id", "request_id")) == [
        (Decimal("1000.000"), "completed", "REV0000000000001", "reversal-REV0000000000001")
    ]
    assert client_balances(client_id=hire.client_id) == {"GBP": Decimal("1000.00")}
    account = invoice_settlement(invoice=invoice)
    assert (account.state, account.to_pay, account.paid, account.refunded) == (
        "due",
        Decimal("1000.00"),
        TOTAL,
        Decimal("1000.00"),
    )


def test_two_partial_reversals_then_the_rest_reverse_the_whole_payment(
    agreement, admin, client_admin, gateway, paypal_server, paypal_signer
) -> None:
    hire, _, payment = paid_hire(agreement, admin, client_admin, gateway, paypal_server)

    answers = [
        notify(_reversal("WH-A", "REVA000000000001", payment.capture_id, "1000.00"), paypal_signer),
        notify(_reversal("WH-B", "REVB000000000001", payment.capture_id, "4760.00"), paypal_signer),
    ]

    assert answers == [(200, {"outcome": "applied"})] * 2
    payment.refresh_from_db()
    assert payment.status == "reversed"
    assert sorted(Refund.objects.values_list("amount", flat=True)) == [
        Decimal("1000.000"),
        Decimal("4760.000"),
    ]
    assert [e.kind for e in LedgerEntry.objects.order_by("id")] == [
        "invoice",
        "payment",
        "refund",
        "refund",
    ]
    assert client_balances(client_id=hire.client_id) == {"GBP": TOTAL}


def test_a_reversal_above_what_is_left_is_refused_and_nothing_written(
    agreement, admin, client_admin, gateway, paypal_server, paypal_signer
) -> None:
    _, _, payment = paid_hire(agreement, admin, client_admin, gateway, paypal_server)
    notify(_reversal("WH-A", "REVA000000000001", payment.capture_id, "5000.00"), paypal_signer)
    before = state()

    answer = notify(
        _reversal("WH-B", "REVB000000000001", payment.capture_id, "760.01"), paypal_signer
    )

    assert (answer[0], answer[1]["code"]) == (422, "refund_exceeds_capture")
    assert state() == before  # the event is not recorded: PayPal delivers it again
    payment.refresh_from_db()
    assert payment.status == "completed"


def test_a_reversal_in_another_currency_is_refused(
    agreement, admin, client_admin, gateway, paypal_server, paypal_signer
) -> None:
    _, _, payment = paid_hire(agreement, admin, client_admin, gateway, paypal_server)
    before = state()
    body = refund_event(
        event_id="WH-USD",
        refund_id="REVU000000000001",
        capture_id=payment.capture_id,
        amount=Decimal("10.00"),
        currency="USD",
        event_type="PAYMENT.CAPTURE.REVERSED",
    )

    answer = notify(body, paypal_signer)

    assert (answer[0], answer[1]["code"]) == (422, "currency_mismatch")
    assert state() == before
