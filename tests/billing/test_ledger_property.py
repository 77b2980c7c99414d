"""A client's balance, summed from its ledger, equals the sum of its documents, whatever
happens: invoices issued, paid by hand or through the gateway, hires cancelled inside
or outside the window, refunds completed or failing, invoices voided (or refused a void
once paid or credited), refunds paid back by hand."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pactdesk.billing.models import CreditNote, Invoice, Payment, Refund
from pactdesk.billing.selectors import client_balances
from pactdesk.billing.services.cancel import hire_cancel
from pactdesk.billing.services.payments import (
    invoice_outstanding,
    invoice_pay_return,
    invoice_pay_start,
    payment_record_manual,
)
from pactdesk.billing.services.refund_by_hand import refund_pay_by_hand
from pactdesk.billing.services.void import invoice_void
from pactdesk.platform.errors import Conflict
from tests.billing.conftest import FakeGateway, at, seat_hire

pytestmark = pytest.mark.django_db

step = st.sampled_from(
    ["pay_paypal", "pay_hand", "pay_part", "cancel", "fail", "heal", "void", "refund_by_hand"]
)


class Rollback(Exception):
    pass


def _documents(client_id: int) -> Decimal:
    def total(model: type, field: str, **where: object) -> Decimal:
        value = model.objects.filter(client_id=client_id, **where).aggregate(s=Sum(field))["s"]
        return value or Decimal(0)

    return (
        total(Invoice, "total", status__in=["issued", "paid"])
        - total(Payment, "amount", status__in=["completed", "reversed"])
        - total(CreditNote, "total")
        + total(Refund, "amount", status="completed")
    )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(st.tuples(step, st.integers(0, 20)), min_size=1, max_size=6),
    seat=st.integers(1, 2),
)
def test_balance_is_the_sum_of_documents(agreement, admin, client_admin, steps, seat) -> None:
    try:
        with transaction.atomic():
            _play(agreement, admin, client_admin, steps, seat)
            raise Rollback
    except Rollback:
        pass


def _play(agreement, admin, client_admin, steps, seat) -> None:
    gateway = FakeGateway()
    start = date(2026, 3, 1)
    hire = seat_hire(agreement, admin, start=start, number=seat)
    invoice = Invoice.objects.get(hire=hire)
    for action, day in steps:
        now = at(start + timedelta(days=day))
        invoice.refresh_from_db()
        owed = invoice_outstanding(invoice=invoice)
        if action == "fail":
            gateway.fail_with = 503
        elif action == "heal":
            gateway.fail_with = None
        elif action == "cancel":
            hire_cancel(actor=client_admin, hire_id=hire.pk, now=now, gateway=gateway)
        elif action == "void":
            refused = None
            try:
                invoice_void(actor=admin, invoice_id=invoice.pk, reason="property", now=now)
            except Conflict as error:  # paid, part-paid or credited: nothing written
                refused = error.code
            assert refused in (None, "invoice_paid", "invoice_credited")
        elif action == "refund_by_hand":
            for refund in Refund.objects.filter(status="by_hand"):
                refund_pay_by_hand(
                    actor=admin, refund_id=refund.pk, paid_on=now.date(), reference="r", now=now
                )
        elif owed > 0 and invoice.status == "issued" and action == "pay_paypal":
            if gateway.fail_with is None:
                order = invoice_pay_start(
                    actor=client_admin,
                    invoice_id=invoice.pk,
                    gateway=gateway,
                    return_url="r",
                    cancel_url="c",
                    now=now,
                )
                invoice_pay_return(
                    actor=client_admin,
                    invoice_id=invoice.pk,
                    order_id=order.order_id,
                    gateway=gateway,
                    now=now,
                )
        elif owed > 0 and invoice.status == "issued":
            amount = owed if action == "pay_hand" else (owed / 3).quantize(Decimal("0.01"))
            payment_record_manual(
                actor=admin,
                invoice_id=invoice.pk,
                amount=amount,
                currency="GBP",
                received_on=now.date(),
                now=now,
            )
        balance = client_balances(client_id=hire.client_id)["GBP"]
        assert balance == _documents(hire.client_id)
        # In credit only by what is still to pay back (a refund failing or by hand).
        waiting = Refund.objects.exclude(status="completed").aggregate(s=Sum("amount"))["s"]
        assert balance >= -(waiting or 0)
