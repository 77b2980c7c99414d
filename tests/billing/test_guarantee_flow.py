"""A dedicated seat's hire through the guarantee: start, invoice, pay, cancel on day 9,
credit note, refund, balance zero; cancelling twice and after the window. PayPal is
the real SDK against the local PayPal server (`gateway`, `paypal_server`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from pactdesk.accounts.models import User
from pactdesk.agreements.models import Agreement
from pactdesk.billing.gateway import PaymentGateway
from pactdesk.billing.models import (
    CreditNote,
    HireEvent,
    HireStatus,
    Invoice,
    LedgerEntry,
    Refund,
)
from pactdesk.billing.selectors import client_balances
from pactdesk.billing.services.cancel import hire_cancel, hire_cancel_preview
from pactdesk.billing.services.payments import invoice_pay_return, invoice_pay_start
from tests.billing.conftest import at, seat_hire
from tests.support.paypal_server import PayPalServer

pytestmark = pytest.mark.django_db

MARCH_1 = date(2026, 3, 1)


def _paid_hire(
    agreement: Agreement,
    admin: User,
    client_admin: User,
    gateway: PaymentGateway,
    server: PayPalServer,
):
    hire = seat_hire(agreement, admin, start=MARCH_1)
    invoice = Invoice.objects.get(hire=hire)
    order = invoice_pay_start(
        actor=client_admin,
        invoice_id=invoice.pk,
        gateway=gateway,
        return_url="http://x/return",
        cancel_url="http://x/cancel",
        now=at(MARCH_1),
    )
    server.approve(order.order_id)  # the client approves at PayPal
    invoice_pay_return(
        actor=client_admin,
        invoice_id=invoice.pk,
        order_id=order.order_id,
        gateway=gateway,
        now=at(MARCH_1),
    )
    return hire, invoice


def test_starting_a_hire_issues_its_first_invoice_in_advance(agreement, admin) -> None:
    hire = seat_hire(agreement, admin, start=MARCH_1)

    invoice = Invoice.objects.get(hire=hire)
    assert (invoice.number, invoice.status) == ("2026-000001", "issued")
    assert (invoice.period_start, invoice.period_end) == (MARCH_1, date(2026, 4, 1))
    assert (invoice.issue_date, invoice.due_date) == (MARCH_1, date(2026, 3, 15))
    assert [(line.kind, line.amount, line.tax) for line in invoice.lines.all()] == [
        ("seat", Decimal("4200.000"), Decimal("840.000")),
        ("round_the_clock", Decimal("600.000"), Decimal("120.000")),
    ]
    assert (invoice.net_total, invoice.tax_total, invoice.total) == (
        Decimal("4800.000"),
        Decimal("960.000"),
        Decimal("5760.000"),
    )
    assert client_balances(client_id=hire.client_id) == {"GBP": Decimal("5760.00")}
    assert [e.kind for e in HireEvent.objects.filter(hire=hire)] == ["started"]


def test_paying_through_the_gateway_settles_the_invoice(
    agreement, admin, client_admin, gateway, paypal_server
) -> None:
    hire, invoice = _paid_hire(agreement, admin, client_admin, gateway, paypal_server)

    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid_on) == ("paid", MARCH_1)
    order_id = invoice.payments.get().order_id
    assert [r.request_id for r in paypal_server.posts("/v2/")] == [
        f"invoice-{invoice.pk}-order-1",
        f"invoice-{invoice.pk}-capture-{order_id}",
    ]
    assert client_balances(client_id=hire.client_id) == {"GBP": Decimal("0.00")}


def test_the_preview_shows_each_line_refunded_with_its_tax(
    agreement, admin, client_admin, gateway, paypal_server
) -> None:
    hire, _ = _paid_hire(agreement, admin, client_admin, gateway, paypal_server)

    preview = hire_cancel_preview(hire=hire, now=at(date(2026, 3, 9)))

    # March has 31 days; day 9 used: 22/31 of each amount comes back, rounded once each.
    assert (preview.in_window, preview.day, preview.window_ends) == (True, 9, date(2026, 3, 14))
    assert [(line.kind, line.net, line.tax, line.total) for line in preview.lines] == [
        ("seat", Decimal("2980.65"), Decimal("596.13"), Decimal("3576.78")),
        ("round_the_clock", Decimal("425.81"), Decimal("85.16"), Decimal("510.97")),
    ]
    assert (preview.total, preview.refund) == (Decimal("4087.75"), Decimal("4087.75"))
    assert not CreditNote.objects.exists()  # a preview writes nothing


def test_cancelling_on_day_9_credits_refunds_and_ends_the_hire(
    agreement, admin, client_admin, gateway, paypal_server
) -> None:
    hire, invoice = _paid_hire(agreement, admin, client_admin, gateway, paypal_server)

    outcome = hire_cancel(
        actor=client_admin, hire_id=hire.pk, now=at(date(2026, 3, 9)), gateway=gateway
    )

    note = CreditNote.objects.get()
    assert (note.number, note.invoice_id, note.total) == (
        "CN-2026-000001",
        invoice.pk,
        Decimal("4087.750"),
    )
    refund = Refund.objects.get()
    assert (refund.status, refund.amount, refund.request_id, refund.refund_id) == (
        "completed",
        Decimal("4087.750"),
        f"refund-hire-{hire.pk}",
        paypal_server.capture(invoice.payments.get().capture_id).refund_ids[0],
    )
    hire.refresh_from_db()
    assert (hire.status, hire.cancelled_on, hire.end_date) == (
        HireStatus.ENDED,
        date(2026, 3, 9),
        date(2026, 3, 10),
    )
    assert outcome.changed
    assert client_balances(client_id=hire.client_id) == {"GBP": Decimal("0.00")}
    assert [e.kind for e in HireEvent.objects.filter(hire=hire)] == ["started", "cancelled"]


def test_cancelling_twice_changes_nothing_the_second_time(
    agreement, admin, client_admin, gateway, paypal_server
) -> None:
    hire, _ = _paid_hire(agreement, admin, client_admin, gateway, paypal_server)
    hire_cancel(actor=client_admin, hire_id=hire.pk, now=at(date(2026, 3, 9)), gateway=gateway)
    calls, entries = len(paypal_server.posts("/v2/")), LedgerEntry.objects.count()

    again = hire_cancel(
        actor=client_admin, hire_id=hire.pk, now=at(date(2026, 3, 10)), gateway=gateway
    )

    assert (again.changed, again.credit_note.number, again.refund.status) == (
        False,
        "CN-2026-000001",
        "completed",
    )
    assert (CreditNote.objects.count(), Refund.objects.count()) == (1, 1)
    assert (len(paypal_server.posts("/v2/")), LedgerEntry.objects.count()) == (calls, entries)
    assert HireEvent.objects.filter(hire=hire, kind="cancelled").count() == 1


def test_a_provider_failure_leaves_the_refund_to_retry_with_the_same_request_id(
    agreement, admin, client_admin, gateway, paypal_server
) -> None:
    hire, _ = _paid_hire(agreement, admin, client_admin, gateway, paypal_server)
    paypal_server.fault("/refund", status=503, times=3)  # the first try and 2 retries

    first = hire_cancel(
        actor=client_admin, hire_id=hire.pk, now=at(date(2026, 3, 9)), gateway=gateway
    )
    assert (first.refund.status, first.refund.last_error) == (
        "failed",
        "provider_unavailable: PayPal is unavailable (503); try again later",
    )
    assert client_balances(client_id=hire.client_id) == {"GBP": Decimal("-4087.75")}

    second = hire_cancel(
        actor=client_admin, hire_id=hire.pk, now=at(date(2026, 3, 9)), gateway=gateway
    )

    assert second.refund.status == "completed"
    assert [r.request_id for r in paypal_server.posts("/refund")] == [f"refund-hire-{hire.pk}"] * 4
    capture = paypal_server.capture(hire.invoices.get().payments.get().capture_id)
    assert (capture.refunded, len(capture.refund_ids)) == (Decimal("4087.75"), 1)
    assert client_balances(client_id=hire.client_id) == {"GBP": Decimal("0.00")}


def test_after_the_window_the_hire_ends_at_its_period_end_with_nothing_back(
    agreement, admin, client_admin, gateway, paypal_server
) -> None:
    hire, _ = _paid_hire(agreement, admin, client_admin, gateway, paypal_server)

    outcome = hire_cancel(
        actor=client_admin, hire_id=hire.pk, now=at(date(2026, 3, 15)), gateway=gateway
    )

    hire.refresh_from_db()
    assert (outcome.preview.in_window, outcome.preview.total) == (False, Decimal(0))
    assert (hire.status, hire.end_date) == (HireStatus.CANCELLING, date(2026, 4, 1))
    assert not CreditNote.objects.exists()
    assert not Refund.objects.exists()


def test_an_unpaid_invoice_is_credited_and_nothing_is_refunded(
    agreement, admin, client_admin, gateway, paypal_server
) -> None:
    hire = seat_hire(agreement, admin, start=MARCH_1)

    outcome = hire_cancel(
        actor=client_admin, hire_id=hire.pk, now=at(date(2026, 3, 1)), gateway=gateway
    )

    # Day 1 of 31 used: 30/31 credited; the client still owes the one day.
    assert (outcome.preview.total, outcome.preview.refund) == (Decimal("5574.20"), Decimal(0))
    assert outcome.refund is None
    assert paypal_server.posts("/v2/") == []
    assert client_balances(client_id=hire.client_id) == {"GBP": Decimal("185.80")}
