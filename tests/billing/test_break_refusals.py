"""Faults found by a break test of billing, each tested with its siblings: a shared
plan hired twice (double submit, retry, API, page), amounts too large for the columns,
JSON values of the wrong type taken by lax parsing, control characters in a void's
reason, a void invoice's outstanding amount, a missing refund's code, the day a refund
paid back by hand is booked, and a hire called off before its start. Every refusal
answers its stable code and writes nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.test import Client as Browser

from pactdesk.agreements.models import Agreement
from pactdesk.api.services import api_key_create
from pactdesk.billing.admin_selectors import billing_agreement_of
from pactdesk.billing.credit_note_documents import credit_note_html, credit_note_reason
from pactdesk.billing.documents import invoice_html
from pactdesk.billing.models import (
    BillingChange,
    BillingTerms,
    CreditNote,
    Hire,
    HireStatus,
    Invoice,
    LedgerEntry,
    Payment,
    Refund,
)
from pactdesk.billing.selectors import client_balances
from pactdesk.billing.services.cancel import hire_cancel, hire_cancel_preview
from pactdesk.billing.services.hires import hire_start
from pactdesk.billing.services.payments import (
    BankTransfer,
    bank_transfer_record,
    invoice_outstanding,
    payment_record_manual,
    refund_mark_paid,
)
from pactdesk.billing.services.refund_by_hand import refund_pay_by_hand
from pactdesk.billing.services.run import billing_run
from pactdesk.billing.services.terms import TermsSpec, billing_terms_set
from pactdesk.billing.services.void import invoice_void
from pactdesk.platform.errors import ApplicationError
from tests.api.conftest import Api
from tests.billing.conftest import at, seat_hire

pytestmark = pytest.mark.django_db

START = date(2026, 3, 1)
DAY_9 = at(date(2026, 3, 9))


@pytest.fixture(autouse=True)
def _day_9(monkeypatch) -> None:
    monkeypatch.setattr("pactdesk.api.billing_admin.clock_now", lambda: DAY_9)
    monkeypatch.setattr("pactdesk.api.billing.clock_now", lambda: DAY_9)
    monkeypatch.setattr("pactdesk.web.billing_admin.clock_now", lambda: DAY_9)


@pytest.fixture
def staff(admin, django_capture_on_commit_callbacks) -> Api:
    secret = api_key_create(now=DAY_9, staff_email=admin.email).secret
    return Api(secret, django_capture_on_commit_callbacks)


def _code(call) -> str:
    with pytest.raises(ApplicationError) as caught:
        call()
    return str(caught.value.code)


# --- a shared plan is hired once at a time ----------------------------------------


def test_a_shared_plan_hired_again_is_refused_and_nothing_is_billed_twice(shared, admin):
    first = hire_start(actor=admin, agreement=shared, seat=None, start_date=START, now=at(START))

    code = _code(
        lambda: hire_start(
            actor=admin, agreement=shared, seat=None, start_date=START, now=at(START)
        )
    )

    assert code == "plan_already_hired"
    assert list(Hire.objects.values_list("pk", flat=True)) == [first.pk]
    assert list(Invoice.objects.values_list("number", flat=True)) == ["2026-000001"]
    assert client_balances(client_id=shared.client_id) == {"USD": Decimal("1200.00")}


def test_a_shared_plan_double_submitted_by_the_api_and_the_page_starts_once(
    shared, admin, staff
) -> None:
    api = staff.post("/api/billing/clients/northwind/hires", {"start": "2026-03-09"})
    again = staff.post("/api/billing/clients/northwind/hires", {"start": "2026-03-20"})
    browser = Browser()
    browser.force_login(admin)
    page = browser.post("/billing/clients/northwind/hires/", {"seat": "", "start": "2026-03-09"})

    assert (api.status, again.status, again.body["code"]) == (201, 409, "plan_already_hired")
    assert page.status_code == 409
    assert "(plan_already_hired)" in page.content.decode()
    assert Hire.objects.count() == 1
    assert Invoice.objects.count() == 1


def test_a_shared_plan_is_hired_again_once_its_hire_has_ended(shared, admin) -> None:
    first = hire_start(
        actor=admin, agreement=shared, seat=None, start_date=date(2026, 3, 20), now=DAY_9
    )
    hire_cancel(actor=admin, hire_id=first.pk, now=DAY_9, gateway=None)  # before its start

    second = hire_start(
        actor=admin, agreement=shared, seat=None, start_date=date(2026, 3, 25), now=DAY_9
    )

    assert Hire.objects.get(pk=first.pk).status == HireStatus.ENDED
    assert second.status == HireStatus.ACTIVE


# --- a hire called off before its start -------------------------------------------


def test_a_shared_plan_cancelled_before_its_start_ends_at_once_credited_in_full(
    shared, admin
) -> None:
    hire = hire_start(
        actor=admin, agreement=shared, seat=None, start_date=date(2026, 3, 20), now=DAY_9
    )

    preview = hire_cancel_preview(hire=hire, now=DAY_9)
    outcome = hire_cancel(actor=admin, hire_id=hire.pk, now=DAY_9, gateway=None)

    assert (preview.day, preview.in_window, preview.total, preview.refund) == (
        0,
        True,
        Decimal("1200.00"),
        Decimal("0"),  # nothing was paid: the credit clears what is owed
    )
    hire.refresh_from_db()
    assert (hire.status, hire.cancelled_on, hire.end_date) == (
        "ended",
        date(2026, 3, 9),
        date(2026, 3, 20),
    )
    assert outcome.credit_note is not None
    assert outcome.credit_note.total == Decimal("1200.000")
    assert outcome.refund is None
    assert client_balances(client_id=shared.client_id) == {"USD": Decimal("0.00")}


def test_a_hire_with_a_void_first_invoice_cancelled_before_its_start_ends_at_once(
    shared, admin
) -> None:
    hire = hire_start(
        actor=admin, agreement=shared, seat=None, start_date=date(2026, 3, 20), now=DAY_9
    )
    invoice_void(actor=admin, invoice_id=Invoice.objects.get().pk, reason="Wrong day", now=DAY_9)

    outcome = hire_cancel(actor=admin, hire_id=hire.pk, now=DAY_9, gateway=None)

    hire.refresh_from_db()
    assert (hire.status, hire.end_date) == ("ended", date(2026, 3, 20))
    assert outcome.credit_note is None
    assert not CreditNote.objects.exists()
    assert client_balances(client_id=shared.client_id) == {"USD": Decimal("0.00")}


def test_a_shared_plan_cancelled_after_its_start_still_runs_to_its_period_end(
    shared, admin
) -> None:
    hire = hire_start(actor=admin, agreement=shared, seat=None, start_date=START, now=at(START))

    hire_cancel(actor=admin, hire_id=hire.pk, now=DAY_9, gateway=None)

    hire.refresh_from_db()
    assert (hire.status, hire.end_date) == ("cancelling", date(2026, 4, 1))
    assert not CreditNote.objects.exists()


# --- amounts too large for the columns ----------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["10000000000", "10000000000.00", "99999999999999999999", "999999999999.99"],
)
def test_a_fee_of_ten_billion_or_more_is_refused_by_the_api(staff, agreement, value) -> None:
    answer = staff.patch("/api/billing/clients/thames/terms", {"seat_fee": value})

    assert (answer.status, answer.body["code"], answer.body["field"]) == (
        422,
        "invalid_amount",
        "seat_fee",
    )
    assert BillingTerms.objects.get().seat_fee == Decimal("4200.000")
    assert not BillingChange.objects.exists()
    assert staff.get("/api/billing/clients/thames/terms").status == 200  # still readable


def test_the_largest_fee_is_invoiced_and_read_back_exactly(staff, agreement, admin) -> None:
    patched = staff.patch(
        "/api/billing/clients/thames/terms",
        {"seat_fee": "9999999999.99", "round_the_clock_fee": "9999999999.99", "tax_rate": "100"},
    )
    hire = seat_hire(agreement, admin, start=START)

    invoice = Invoice.objects.get(hire=hire)
    assert patched.status == 200
    assert (invoice.net_total, invoice.tax_total, invoice.total) == (
        Decimal("19999999999.980"),
        Decimal("19999999999.980"),
        Decimal("39999999999.960"),
    )
    assert LedgerEntry.objects.get(kind="invoice").amount_minor == 3999999999996


@pytest.mark.parametrize("fee", ["10000000000", "12345678901234"])
def test_a_fee_of_ten_billion_or_more_is_refused_when_terms_are_set(shared, admin, fee):
    code = _code(
        lambda: billing_terms_set(
            actor=admin, agreement=shared, spec=TermsSpec(currency="USD", fee=fee)
        )
    )
    assert code == "invalid_amount"
    assert BillingTerms.objects.get(agreement=shared).monthly_fee == Decimal("1200.000")


def test_a_bank_transfer_of_ten_billion_is_invalid_not_a_balance_question(agreement, admin) -> None:
    invoice = Invoice.objects.get(hire=seat_hire(agreement, admin, start=START))
    transfer = BankTransfer(
        invoice_id=invoice.pk, amount="10000000000", currency="GBP", received_on="2026-03-01"
    )

    code = _code(lambda: bank_transfer_record(actor=admin, transfer=transfer, now=at(START)))

    assert code == "invalid_amount"
    assert not Payment.objects.exists()


# --- JSON values of the wrong type ------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"seat": True, "start": "2026-03-09"},
        {"seat": "1", "start": "2026-03-09"},
        {"seat": 1.0, "start": "2026-03-09"},
        {"seat": [1], "start": "2026-03-09"},
        {"seat": 1, "start": 1773014400},  # 2026-03-09 as a Unix time
        {"seat": 1, "start": "2026-03-09T00:00:00"},
        {"seat": 1, "start": "\uff12\uff10\uff12\uff16-03-09"},  # full-width digits
        {"seat": 1, "start": ["2026-03-09"]},
        {"seat": 1},
    ],
)
def test_a_hire_start_of_the_wrong_json_type_is_refused(staff, agreement, body) -> None:
    answer = staff.post("/api/billing/clients/thames/hires", body)

    assert (answer.status, answer.body["code"]) == (422, "invalid_request")
    assert not Hire.objects.exists()


def test_a_hire_start_of_the_right_json_types_starts(staff, agreement) -> None:
    answer = staff.post("/api/billing/clients/thames/hires", {"seat": 1, "start": "2026-03-09"})

    assert (answer.status, answer.body["seat"], answer.body["start_date"]) == (
        201,
        1,
        "2026-03-09",
    )


@pytest.mark.parametrize("paid_on", [1773014400, True, "2026-03-09T00:00:00", "20260309"])
def test_a_refund_paid_on_of_the_wrong_json_type_is_refused(staff, agreement, paid_on) -> None:
    answer = staff.post("/api/billing/refunds/1/paid", {"paid_on": paid_on, "reference": "B"})

    assert (answer.status, answer.body["code"]) == (422, "invalid_request")


# --- a void's reason ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "reason", ["bad\x00byte", "bell\x07", "\x1b[31mred", "zero\u200bwidth", "\u202eright-to-left"]
)
def test_a_void_reason_with_control_characters_is_refused_everywhere(
    agreement, admin, staff, reason
) -> None:
    invoice = Invoice.objects.get(hire=seat_hire(agreement, admin, start=START))
    browser = Browser()
    browser.force_login(admin)

    service = _code(
        lambda: invoice_void(actor=admin, invoice_id=invoice.pk, reason=reason, now=DAY_9)
    )
    api = staff.post(f"/api/billing/invoices/{invoice.pk}/void", {"reason": reason})
    page = browser.post(f"/billing/invoices/{invoice.pk}/void/", {"reason": reason})

    assert service == "invalid_reason"
    assert (api.status, api.body["code"]) == (422, "invalid_reason")
    assert page.status_code == 422
    invoice.refresh_from_db()
    assert (invoice.status, invoice.void_reason) == ("issued", "")
    assert not LedgerEntry.objects.filter(kind="invoice_void").exists()


def test_a_void_reason_s_line_breaks_and_tabs_read_as_spaces(agreement, admin) -> None:
    invoice = Invoice.objects.get(hire=seat_hire(agreement, admin, start=START))

    invoice_void(actor=admin, invoice_id=invoice.pk, reason=" Hired\nby\tmistake  ", now=DAY_9)

    invoice.refresh_from_db()
    assert (invoice.status, invoice.void_reason) == ("void", "Hired by mistake")


# --- the leftovers: outstanding of a void invoice, a missing refund, a refund's day --


def test_a_void_invoice_owes_nothing(agreement, admin) -> None:
    invoice = Invoice.objects.get(hire=seat_hire(agreement, admin, start=START))
    before = invoice_outstanding(invoice=invoice)

    invoice_void(actor=admin, invoice_id=invoice.pk, reason="Hired by mistake", now=DAY_9)
    invoice.refresh_from_db()

    assert before == Decimal("5760.000")
    assert invoice_outstanding(invoice=invoice) == Decimal("0")
    assert str(invoice_outstanding(invoice=invoice)) == "0"
    assert client_balances(client_id=invoice.client_id) == {"GBP": Decimal("0.00")}


def test_marking_a_missing_refund_paid_is_refund_not_found(admin) -> None:
    for call in (
        lambda: refund_mark_paid(actor=admin, refund_id=999, now=DAY_9),
        lambda: refund_pay_by_hand(
            actor=admin, refund_id=999, paid_on=START, reference="BACS 1", now=DAY_9
        ),
    ):
        with pytest.raises(ApplicationError) as caught:
            call()
        assert (caught.value.code, caught.value.field, caught.value.http_status) == (
            "refund_not_found",
            "refund",
            404,
        )


def test_a_refund_paid_back_by_hand_is_booked_on_the_day_it_was_paid(
    agreement, admin, client_admin
) -> None:
    invoice = Invoice.objects.get(hire=seat_hire(agreement, admin, start=START))
    payment_record_manual(
        actor=admin,
        invoice_id=invoice.pk,
        amount="5760.00",
        currency="GBP",
        received_on=START,
        now=at(START),
    )
    hire_cancel(actor=client_admin, hire_id=invoice.hire_id, now=DAY_9, gateway=None)
    refund = Refund.objects.get()
    paid_on, recorded = date(2026, 3, 12), at(date(2026, 3, 20))

    refund_pay_by_hand(
        actor=admin, refund_id=refund.pk, paid_on=paid_on, reference="BACS 42", now=recorded
    )

    entry = LedgerEntry.objects.get(kind="refund")
    assert (entry.on, entry.amount_minor) == (paid_on, 408775)
    assert entry.created_at == recorded  # when it was recorded stays known
    change = BillingChange.objects.get(kind="refund_paid")
    assert change.on == date(2026, 3, 20)  # the audit says when staff recorded it
    assert client_balances(client_id=invoice.client_id) == {"GBP": Decimal("0.00")}
    assert paid_on - timedelta(days=3) == DAY_9.date()


# --- the client's day, not the server's UTC day ----------------------------------------


@pytest.mark.parametrize(
    ("zone", "now", "found"),
    [
        ("Asia/Kolkata", datetime(2026, 3, 9, 20, 0, tzinfo=UTC), True),  # 01:30 on the 10th
        ("Asia/Kolkata", datetime(2026, 3, 9, 18, 0, tzinfo=UTC), False),  # 23:30 on the 9th
        ("America/New_York", datetime(2026, 3, 10, 2, 0, tzinfo=UTC), False),  # 22:00, 9th
        ("America/New_York", datetime(2026, 3, 10, 5, 0, tzinfo=UTC), True),  # 01:00, 10th
    ],
)
def test_the_agreement_billed_is_the_one_in_force_on_the_client_s_day(
    shared, zone, now, found
) -> None:
    Agreement.objects.filter(pk=shared.pk).update(start_date=date(2026, 3, 10), timezone=zone)

    if found:
        assert billing_agreement_of(client=shared.client, now=now).pk == shared.pk
    else:
        with pytest.raises(ApplicationError) as caught:
            billing_agreement_of(client=shared.client, now=now)
        assert caught.value.code == "agreement_not_found"


def test_the_refund_form_offers_the_client_s_today_not_utc_s(shared, admin, monkeypatch):
    evening = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)  # 22:00 on 9 March in New York
    monkeypatch.setattr("pactdesk.web.billing_admin.clock_now", lambda: evening)
    hire = hire_start(
        actor=admin, agreement=shared, seat=None, start_date=date(2026, 3, 20), now=DAY_9
    )
    invoice = Invoice.objects.get(hire=hire)
    payment_record_manual(
        actor=admin,
        invoice_id=invoice.pk,
        amount="1200.00",
        currency="USD",
        received_on=date(2026, 3, 9),
        now=DAY_9,
    )
    hire_cancel(actor=admin, hire_id=hire.pk, now=DAY_9, gateway=None)  # before its start
    refund = Refund.objects.get()
    browser = Browser()
    browser.force_login(admin)

    page = browser.get("/billing/refunds/").content.decode()
    paid = browser.post(
        f"/billing/refunds/{refund.pk}/paid/",
        {f"r{refund.pk}-paid_on": "2026-03-09", f"r{refund.pk}-reference": "ACH 7"},
    )

    assert (refund.status, refund.amount) == ("by_hand", Decimal("1200.000"))
    assert 'value="2026-03-09"' in page
    assert 'value="2026-03-10"' not in page
    assert paid.status_code == 302
    refund.refresh_from_db()
    assert (refund.status, refund.paid_on) == ("completed", date(2026, 3, 9))


# --- the guarantee is worded only where there is one, with its own length --------------


def test_a_shared_plan_s_invoice_promises_no_guarantee_and_a_seat_s_its_own(
    shared, agreement, admin
) -> None:
    plan_invoice = Invoice.objects.get(
        hire=hire_start(actor=admin, agreement=shared, seat=None, start_date=START, now=DAY_9)
    )
    agreement.plan.guarantee_days = 7
    agreement.plan.save(update_fields=["guarantee_days"])
    seat_invoice = Invoice.objects.get(hire=seat_hire(agreement, admin, start=START))

    assert "money-back guarantee" not in invoice_html(invoice=plan_invoice)
    assert (
        "Month-to-month staff hires carry a 7-day money-back guarantee: cancel within the"
        " first 7 days" in invoice_html(invoice=seat_invoice)
    )


def test_a_credit_note_says_why_in_the_hire_s_own_terms(shared, agreement, admin) -> None:
    early = hire_start(
        actor=admin, agreement=shared, seat=None, start_date=date(2026, 3, 20), now=DAY_9
    )
    agreement.plan.guarantee_days = 10
    agreement.plan.save(update_fields=["guarantee_days"])
    seat = seat_hire(agreement, admin, start=START)

    hire_cancel(actor=admin, hire_id=early.pk, now=DAY_9, gateway=None)
    hire_cancel(actor=admin, hire_id=seat.pk, now=DAY_9, gateway=None)

    before, inside = CreditNote.objects.get(hire=early), CreditNote.objects.get(hire=seat)
    assert credit_note_reason(before) == "the hire was called off before its start"
    assert [line.description for line in before.lines.all()] == [
        "Refund of Shared, 2026-03-20 to 2026-04-19 (called off before its start)"
    ]
    assert credit_note_reason(inside) == "cancelled under the 10-day money-back guarantee"
    assert [line.description for line in inside.lines.all()] == [
        f"Refund of Dedicated seat 1, staff hire {seat.pk}, 2026-03-01 to 2026-03-31"
        " (guarantee, day 9)",
        "Refund of Round-the-clock option, 2026-03-01 to 2026-03-31 (guarantee, day 9)",
    ]
    assert "the hire was called off before its start" in credit_note_html(note=before)


# --- the agreement's end (its first day not in force) ---------------------------------


def test_no_period_is_billed_that_starts_once_the_agreement_is_over(shared, admin) -> None:
    hire = hire_start(actor=admin, agreement=shared, seat=None, start_date=START, now=at(START))
    Agreement.objects.filter(pk=shared.pk).update(end_date=date(2026, 5, 1))

    for day in (date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 1)):
        billing_run(now=at(day), gateway=None)

    assert list(
        Invoice.objects.filter(hire=hire).order_by("period_index").values_list("period_start")
    ) == [(date(2026, 3, 1),), (date(2026, 4, 1),)]


@pytest.mark.parametrize(("start", "code"), [("2026-03-31", None), ("2026-04-01", "date_too_late")])
def test_a_hire_starts_at_the_latest_on_the_agreement_s_last_day(shared, admin, start, code):
    Agreement.objects.filter(pk=shared.pk).update(end_date=date(2026, 4, 1))
    shared.refresh_from_db()
    day = date.fromisoformat(start)

    if code is None:
        hire = hire_start(actor=admin, agreement=shared, seat=None, start_date=day, now=DAY_9)
        assert hire.start_date == day
    else:
        assert (
            _code(
                lambda: hire_start(
                    actor=admin, agreement=shared, seat=None, start_date=day, now=DAY_9
                )
            )
            == code
        )
        assert not Hire.objects.exists()
