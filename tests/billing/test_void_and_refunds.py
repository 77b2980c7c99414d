"""Voiding an invoice (issued and unpaid only, the number kept, the ledger reversed,
audited), staff starting hires for a seat, and refunds paid back by hand (with the day
and the bank's reference, idempotent). Refusals answer a stable code and write nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from pactdesk.billing.models import (
    BillingChange,
    CreditNote,
    HireEvent,
    Invoice,
    LedgerEntry,
    Refund,
    ServiceCredit,
)
from pactdesk.billing.selectors import client_balances
from pactdesk.billing.services.cancel import hire_cancel
from pactdesk.billing.services.hire_admin import hire_start_for_seat
from pactdesk.billing.services.payments import (
    invoice_pay_return,
    invoice_pay_start,
    payment_record_manual,
)
from pactdesk.billing.services.refund_by_hand import refund_pay_by_hand
from pactdesk.billing.services.run import billing_run
from pactdesk.billing.services.void import invoice_void
from pactdesk.platform.errors import ApplicationError, Conflict, PermissionDenied
from tests.billing.conftest import FakeGateway, at, seat_hire

pytestmark = pytest.mark.django_db

START = date(2026, 3, 1)


@pytest.fixture
def invoice(agreement, admin) -> Invoice:
    return Invoice.objects.get(hire=seat_hire(agreement, admin, start=START))


def _pay(invoice: Invoice, admin, amount: str) -> None:
    payment_record_manual(
        actor=admin,
        invoice_id=invoice.pk,
        amount=amount,
        currency="GBP",
        received_on=START,
        now=at(START),
    )


# --- voiding ------------------------------------------------------------------------


def test_void_keeps_the_number_reverses_the_ledger_and_is_audited(invoice, admin) -> None:
    number = invoice.number

    outcome = invoice_void(
        actor=admin, invoice_id=invoice.pk, reason="  Seat  hired twice\n", now=at(START)
    )
    again = invoice_void(actor=admin, invoice_id=invoice.pk, reason="again", now=at(START))

    assert (outcome.changed, again.changed) == (True, False)
    invoice.refresh_from_db()
    assert (invoice.number, invoice.status, invoice.voided_on, invoice.void_reason) == (
        number,
        "void",
        START,
        "Seat hired twice",
    )
    entries = LedgerEntry.objects.filter(document_id=invoice.pk).order_by("id")
    assert [(e.kind, e.amount_minor) for e in entries] == [
        ("invoice", 576000),
        ("invoice_void", -576000),
    ]
    assert client_balances(client_id=invoice.client_id) == {"GBP": Decimal("0.00")}
    change = BillingChange.objects.get()
    assert (change.kind, change.subject_id, change.actor, change.detail) == (
        "invoice_voided",
        invoice.pk,
        admin,
        {"number": number, "reason": "Seat hired twice", "total": "5760.00", "currency": "GBP"},
    )


def test_the_next_number_follows_the_void_one(invoice, agreement, admin) -> None:
    invoice_void(actor=admin, invoice_id=invoice.pk, reason="wrong seat", now=at(START))
    other = seat_hire(agreement, admin, start=START, number=2)

    assert invoice.number == "2026-000001"
    assert Invoice.objects.get(hire=other).number == "2026-000002"


@pytest.mark.parametrize(
    ("paid", "code"), [("5760.00", "invoice_paid"), ("100.00", "invoice_paid")]
)
def test_a_paid_or_part_paid_invoice_is_not_voided(invoice, admin, paid, code) -> None:
    _pay(invoice, admin, paid)
    entries = LedgerEntry.objects.count()

    with pytest.raises(Conflict) as refused:
        invoice_void(actor=admin, invoice_id=invoice.pk, reason="r", now=at(START))

    assert refused.value.code == code
    assert Invoice.objects.get().status in ("issued", "paid")
    assert LedgerEntry.objects.count() == entries
    assert not BillingChange.objects.exists()


def test_a_credited_invoice_is_not_voided(invoice, admin, client_admin) -> None:
    hire_cancel(actor=client_admin, hire_id=invoice.hire_id, now=at(START), gateway=None)

    with pytest.raises(Conflict) as refused:
        invoice_void(actor=admin, invoice_id=invoice.pk, reason="r", now=at(START))

    assert refused.value.code == "invoice_credited"
    assert Invoice.objects.get().status == "issued"


@pytest.mark.parametrize("reason", ["", "   ", "x" * 301])
def test_a_void_needs_a_reason(invoice, admin, reason) -> None:
    with pytest.raises(ApplicationError) as refused:
        invoice_void(actor=admin, invoice_id=invoice.pk, reason=reason, now=at(START))
    assert (refused.value.code, refused.value.http_status) == ("invalid_reason", 422)
    assert Invoice.objects.get().status == "issued"


def test_a_client_admin_may_not_void(invoice, client_admin) -> None:
    with pytest.raises(PermissionDenied):
        invoice_void(actor=client_admin, invoice_id=invoice.pk, reason="r", now=at(START))
    assert Invoice.objects.get().status == "issued"


def test_an_open_paypal_order_is_closed_so_a_late_approval_captures_nothing(
    invoice, admin, client_admin
) -> None:
    gateway = FakeGateway()
    order = invoice_pay_start(
        actor=client_admin,
        invoice_id=invoice.pk,
        gateway=gateway,
        return_url="r",
        cancel_url="c",
        now=at(START),
    )

    invoice_void(actor=admin, invoice_id=invoice.pk, reason="duplicate", now=at(START))
    late = invoice_pay_return(
        actor=client_admin,
        invoice_id=invoice.pk,
        order_id=order.order_id,
        gateway=gateway,
        now=at(START),
    )

    assert late.status == "denied"
    assert [call[0] for call in gateway.calls] == ["order_create"]
    assert client_balances(client_id=invoice.client_id) == {"GBP": Decimal("0.00")}


def test_cancelling_a_hire_whose_first_invoice_is_void_credits_nothing(
    invoice, admin, client_admin
) -> None:
    invoice_void(actor=admin, invoice_id=invoice.pk, reason="wrong start", now=at(START))

    outcome = hire_cancel(
        actor=client_admin, hire_id=invoice.hire_id, now=at(START + timedelta(2)), gateway=None
    )

    assert outcome.credit_note is None
    assert (outcome.hire.status, outcome.hire.end_date) == ("cancelling", date(2026, 4, 1))
    assert not CreditNote.objects.exists()


# --- staff start a hire ---------------------------------------------------------------


def test_staff_start_a_seat_hire_with_the_terms_fee(agreement, admin) -> None:
    hire = hire_start_for_seat(
        actor=admin, agreement=agreement, seat_number=2, start_date=START, now=at(START)
    )

    invoice = Invoice.objects.get(hire=hire)
    assert (hire.seat.number, hire.start_date, hire.guarantee_days) == (2, START, 14)
    assert [(line.amount, line.tax) for line in invoice.lines.all()] == [
        (Decimal("4200.000"), Decimal("840.000")),
        (Decimal("600.000"), Decimal("120.000")),
    ]
    assert invoice.total == Decimal("5760.000")
    event = HireEvent.objects.get(hire=hire)
    assert (event.kind, event.actor) == ("started", admin)


@pytest.mark.parametrize(
    ("seat", "start", "code"),
    [
        (9, START, "seat_not_in_agreement"),
        (None, START, "seat_not_in_agreement"),
        (1, START - timedelta(days=32), "invalid_start_date"),
        (1, START + timedelta(days=366), "invalid_start_date"),
    ],
)
def test_a_bad_hire_is_refused_and_nothing_written(agreement, admin, seat, start, code) -> None:
    with pytest.raises(ApplicationError) as refused:
        hire_start_for_seat(
            actor=admin, agreement=agreement, seat_number=seat, start_date=start, now=at(START)
        )
    assert (refused.value.code, refused.value.http_status) == (code, 422)
    assert not Invoice.objects.exists()
    assert not HireEvent.objects.exists()


def test_a_seat_already_hired_is_a_conflict(agreement, admin) -> None:
    hire_start_for_seat(
        actor=admin, agreement=agreement, seat_number=1, start_date=START, now=at(START)
    )
    with pytest.raises(Conflict) as refused:
        hire_start_for_seat(
            actor=admin, agreement=agreement, seat_number=1, start_date=START, now=at(START)
        )
    assert refused.value.code == "seat_already_hired"
    assert Invoice.objects.count() == 1


def test_a_client_admin_may_not_start_a_hire(agreement, client_admin) -> None:
    with pytest.raises(PermissionDenied):
        hire_start_for_seat(
            actor=client_admin,
            agreement=agreement,
            seat_number=1,
            start_date=START,
            now=at(START),
        )


def test_staff_cancel_a_hire_inside_the_window_with_its_credit_note(invoice, admin) -> None:
    outcome = hire_cancel(
        actor=admin, hire_id=invoice.hire_id, now=at(START + timedelta(8)), gateway=None
    )
    assert outcome.credit_note is not None
    assert outcome.hire.status == "ended"
    event = HireEvent.objects.get(hire_id=invoice.hire_id, kind="cancelled")
    assert event.actor == admin


# --- refunds paid back by hand ----------------------------------------------------------


@pytest.fixture
def by_hand(invoice, admin, client_admin) -> Refund:
    """Paid by bank transfer, cancelled on day 9 (of 31): 22/31 of each line and its
    tax back by hand (2980.65 + 596.13 + 425.81 + 85.16)."""
    _pay(invoice, admin, "5760.00")
    hire_cancel(
        actor=client_admin, hire_id=invoice.hire_id, now=at(START + timedelta(8)), gateway=None
    )
    refund = Refund.objects.get()
    assert (refund.status, refund.amount) == ("by_hand", Decimal("4087.750"))
    return refund


def test_a_refund_paid_by_hand_completes_once_with_its_reference(by_hand, admin) -> None:
    day = START + timedelta(10)

    first = refund_pay_by_hand(
        actor=admin, refund_id=by_hand.pk, paid_on=day, reference=" BACS 0042 ", now=at(day)
    )
    second = refund_pay_by_hand(
        actor=admin, refund_id=by_hand.pk, paid_on=day, reference="other", now=at(day)
    )

    assert (first.changed, second.changed) == (True, False)
    by_hand.refresh_from_db()
    assert (by_hand.status, by_hand.paid_on, by_hand.paid_reference) == (
        "completed",
        day,
        "BACS 0042",
    )
    assert LedgerEntry.objects.filter(kind="refund").get().amount_minor == 408775
    assert client_balances(client_id=by_hand.client_id) == {"GBP": Decimal("0.00")}
    change = BillingChange.objects.get(kind="refund_paid")
    assert change.detail == {
        "amount": "4087.75",
        "currency": "GBP",
        "paid_on": "2026-03-11",
        "reference": "BACS 0042",
    }


@pytest.mark.parametrize(
    ("paid_on", "reference", "code"),
    [
        (START + timedelta(11), "BACS 1", "invalid_date"),  # after today
        (START + timedelta(7), "BACS 1", "invalid_date"),  # before the refund was due
        (START + timedelta(10), "  ", "invalid_reference"),
        (START + timedelta(10), "x" * 101, "invalid_reference"),
    ],
)
def test_a_bad_date_or_reference_is_refused(by_hand, admin, paid_on, reference, code) -> None:
    today = START + timedelta(10)
    with pytest.raises(ApplicationError) as refused:
        refund_pay_by_hand(
            actor=admin, refund_id=by_hand.pk, paid_on=paid_on, reference=reference, now=at(today)
        )
    assert (refused.value.code, refused.value.http_status) == (code, 422)
    by_hand.refresh_from_db()
    assert (by_hand.status, by_hand.paid_on) == ("by_hand", None)
    assert not LedgerEntry.objects.filter(kind="refund").exists()


def test_only_a_refund_by_hand_is_marked_paid(invoice, admin, client_admin) -> None:
    gateway = FakeGateway()
    order = invoice_pay_start(
        actor=client_admin,
        invoice_id=invoice.pk,
        gateway=gateway,
        return_url="r",
        cancel_url="c",
        now=at(START),
    )
    invoice_pay_return(
        actor=client_admin,
        invoice_id=invoice.pk,
        order_id=order.order_id,
        gateway=gateway,
        now=at(START),
    )
    gateway.fail_with = 503
    hire_cancel(actor=client_admin, hire_id=invoice.hire_id, now=at(START), gateway=gateway)
    refund = Refund.objects.get()
    assert refund.status == "failed"

    with pytest.raises(Conflict) as refused:
        refund_pay_by_hand(
            actor=admin, refund_id=refund.pk, paid_on=START, reference="x", now=at(START)
        )
    assert refused.value.code == "refund_not_by_hand"
    with pytest.raises(ApplicationError) as missing:
        refund_pay_by_hand(
            actor=admin, refund_id=refund.pk + 99, paid_on=START, reference="x", now=at(START)
        )
    assert missing.value.code == "refund_not_found"
    assert Refund.objects.get().status == "failed"


def test_a_client_admin_may_not_mark_a_refund_paid(by_hand, client_admin) -> None:
    with pytest.raises(PermissionDenied):
        refund_pay_by_hand(
            actor=client_admin,
            refund_id=by_hand.pk,
            paid_on=START + timedelta(9),
            reference="x",
            now=at(START + timedelta(9)),
        )
    assert Refund.objects.get().status == "by_hand"


def test_a_service_credit_carried_by_a_void_invoice_is_carried_again(shared, admin) -> None:
    hire = hire_start_for_seat(
        actor=admin, agreement=shared, seat_number=None, start_date=START, now=at(START)
    )
    ServiceCredit.objects.create(
        client_id=shared.client_id,
        agreement=shared,
        month=START,
        metric="first_response",
        goal=Decimal("90"),
        attainment=Decimal("50"),
        fee=Decimal("1200"),
        percent=Decimal("10"),
        amount=Decimal("120"),
        currency="USD",
        decided_at=at(START),
    )
    billing_run(now=at(date(2026, 4, 1)), gateway=None)
    april = Invoice.objects.get(hire=hire, period_index=1)
    invoice_void(actor=admin, invoice_id=april.pk, reason="wrong month", now=at(date(2026, 4, 2)))

    billing_run(now=at(date(2026, 5, 1)), gateway=None)

    may = Invoice.objects.get(hire=hire, period_index=2)
    assert [(line.kind, line.amount) for line in april.lines.all()] == [
        ("plan", Decimal("1200.000")),
        ("service_credit", Decimal("-120.000")),
    ]
    assert [(line.kind, line.amount) for line in may.lines.all()] == [
        ("plan", Decimal("1200.000")),
        ("service_credit", Decimal("-120.000")),
    ]
    # March 1,200.00 + May 1,080.00; April's 1,080.00 reversed.
    assert client_balances(client_id=hire.client_id) == {"USD": Decimal("2280.00")}
