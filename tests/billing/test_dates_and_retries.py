"""Days typed by people and retried writes.

A payment's day lies from the invoice's issue day to the client's today (the
agreement's zone): 2030, year 1, 9999 and the day before the issue are refused with a
stable code, by the service, the page and the API, and nothing is written. A hire's
start lies inside the agreement, at most a month back and a year ahead. Recording the
same bank transfer twice (a double submit with the form's one-time token, an API retry
with the same Idempotency-Key) records it once and answers the first payment."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.test import Client as Browser

from pactdesk.api.services import api_key_create
from pactdesk.billing.models import Hire, Invoice, LedgerEntry, Payment
from pactdesk.billing.services.hires import hire_start
from pactdesk.billing.services.payments import BankTransfer, bank_transfer_record
from pactdesk.platform.errors import ApplicationError
from tests.api.conftest import Api
from tests.billing.conftest import at, seat_hire

pytestmark = pytest.mark.django_db
DAY_9 = at(date(2026, 3, 9))  # noon UTC, 9 March 2026
TOKEN = "0123456789abcdef0123456789abcdef"


@pytest.fixture(autouse=True)
def _day_9(monkeypatch) -> None:
    for where in ("pactdesk.web.billing", "pactdesk.api.billing"):
        monkeypatch.setattr(f"{where}.clock_now", lambda: DAY_9)


@pytest.fixture
def hire(agreement, admin) -> Hire:
    return seat_hire(agreement, admin, start=date(2026, 3, 1))  # issued 1 March, £5,760.00


@pytest.fixture
def invoice(hire) -> Invoice:
    return Invoice.objects.get(hire=hire)


def _written() -> tuple[int, int]:
    return Payment.objects.count(), LedgerEntry.objects.count()


def _refusal(call) -> tuple[str, str | None]:
    with pytest.raises(ApplicationError) as caught:
        call()
    return str(caught.value.code), caught.value.field


BAD_DAYS = [
    ("2030-01-01", "date_in_future"),
    ("9999-12-31", "date_in_future"),
    ("2026-03-10", "date_in_future"),  # tomorrow in London
    ("0001-01-01", "date_too_early"),
    ("2026-02-28", "date_too_early"),  # the day before the invoice was issued
    ("2026-3-5", "invalid_date"),
    ("\u0662\u0660\u0662\u0666-\u0660\u0663-\u0660\u0665", "invalid_date"),  # Arabic-Indic
    ("2026-02-30", "invalid_date"),
]


@pytest.mark.parametrize(("day", "code"), BAD_DAYS)
def test_the_service_refuses_a_payment_day_out_of_bounds(invoice, admin, day, code) -> None:
    before = _written()
    transfer = BankTransfer(
        invoice_id=invoice.pk, amount="5760.00", currency="GBP", received_on=day
    )

    refusal = _refusal(lambda: bank_transfer_record(actor=admin, transfer=transfer, now=DAY_9))

    assert refusal == (code, "received_on")
    assert _written() == before


def test_the_issue_day_and_today_are_accepted(invoice, admin) -> None:
    for day, amount in (("2026-03-01", "100.00"), ("2026-03-09", "200.00")):
        transfer = BankTransfer(
            invoice_id=invoice.pk, amount=amount, currency="GBP", received_on=day
        )
        bank_transfer_record(actor=admin, transfer=transfer, now=DAY_9)

    assert list(Payment.objects.order_by("id").values_list("received_on", "amount")) == [
        (date(2026, 3, 1), Decimal("100.000")),
        (date(2026, 3, 9), Decimal("200.000")),
    ]


def test_today_is_the_client_s_day_not_the_server_s(invoice, agreement, admin) -> None:
    # 23:30 UTC on 9 March is already 10 March in Kolkata, still 9 March in London.
    late = datetime(2026, 3, 9, 23, 30, tzinfo=UTC)
    transfer = BankTransfer(
        invoice_id=invoice.pk, amount="100.00", currency="GBP", received_on="2026-03-10"
    )

    in_london = _refusal(lambda: bank_transfer_record(actor=admin, transfer=transfer, now=late))
    agreement.timezone = "Asia/Kolkata"
    agreement.save(update_fields=["timezone"])
    payment = bank_transfer_record(actor=admin, transfer=transfer, now=late).payment

    assert in_london == ("date_in_future", "received_on")
    assert payment.received_on == date(2026, 3, 10)


@pytest.mark.parametrize(("day", "code"), BAD_DAYS[:5])
def test_the_page_refuses_a_payment_day_out_of_bounds(invoice, admin, day, code) -> None:
    browser = Browser()
    browser.force_login(admin)
    before = _written()

    page = browser.post(
        f"/billing/invoices/{invoice.pk}/",
        {"amount": "5760.00", "currency": "GBP", "received_on": day, "token": TOKEN},
    )

    assert page.status_code == 422
    assert f"({code})" in page.content.decode()
    assert _written() == before
    invoice.refresh_from_db()
    assert invoice.status == "issued"


def test_the_page_bounds_the_day_picker(invoice, admin) -> None:
    browser = Browser()
    browser.force_login(admin)

    text = browser.get(f"/billing/invoices/{invoice.pk}/").content.decode()

    assert 'min="2026-03-01"' in text
    assert 'max="2026-03-09"' in text


def test_a_double_submit_of_the_form_records_the_transfer_once(invoice, admin) -> None:
    browser = Browser()
    browser.force_login(admin)
    form = {"amount": "1000.00", "currency": "GBP", "received_on": "2026-03-05", "token": TOKEN}

    first = browser.post(f"/billing/invoices/{invoice.pk}/", form, follow=True)
    second = browser.post(f"/billing/invoices/{invoice.pk}/", form, follow=True)
    other = browser.post(
        f"/billing/invoices/{invoice.pk}/", {**form, "token": "f" * 32}, follow=True
    )

    assert "Payment recorded on 2026-000001." in first.content.decode()
    assert "This payment was recorded already on 2026-000001: not twice." in (
        second.content.decode()
    )
    assert "Payment recorded on 2026-000001." in other.content.decode()  # a new form
    assert list(Payment.objects.order_by("id").values_list("amount", flat=True)) == [
        Decimal("1000.000"),
        Decimal("1000.000"),
    ]
    assert LedgerEntry.objects.filter(kind="payment").count() == 2


def test_a_form_without_its_token_records_nothing(invoice, admin) -> None:
    browser = Browser()
    browser.force_login(admin)

    page = browser.post(
        f"/billing/invoices/{invoice.pk}/",
        {"amount": "1000.00", "currency": "GBP", "received_on": "2026-03-05"},
    )

    assert page.status_code == 422
    assert not Payment.objects.exists()


# --- the API ---------------------------------------------------------------------------


@pytest.fixture
def staff_api(admin, django_capture_on_commit_callbacks) -> Api:
    return Api(
        api_key_create(now=DAY_9, staff_email=admin.email).secret,
        django_capture_on_commit_callbacks,
    )


def test_an_api_retry_with_the_same_key_answers_the_first_payment(invoice, staff_api) -> None:
    path = f"/api/billing/invoices/{invoice.pk}/payments"
    body = {"amount": "5760.00", "currency": "GBP", "received_on": "2026-03-05"}
    key = {"Idempotency-Key": "transfer-77"}

    first = staff_api.post(path, body, headers=key)
    again = staff_api.post(path, body, headers=key)
    reused = staff_api.post(path, {**body, "amount": "10.00"}, headers=key)

    expected = {
        "id": Payment.objects.get().pk,
        "invoice": invoice.pk,
        "method": "bank_transfer",
        "status": "completed",
        "amount": "5760.00",
        "currency": "GBP",
        "received_on": "2026-03-05",
        "invoice_status": "paid",
    }
    assert (first.status, first.body) == (201, expected)
    assert (again.status, again.body) == (200, expected)  # paid by now: still the same answer
    assert (reused.status, reused.body["code"], reused.body["field"]) == (
        409,
        "idempotency_key_reused",
        "idempotency_key",
    )
    assert Payment.objects.count() == 1
    assert LedgerEntry.objects.filter(kind="payment").count() == 1


def test_the_longest_key_fits_and_a_longer_one_is_a_4xx(invoice, staff_api) -> None:
    path = f"/api/billing/invoices/{invoice.pk}/payments"
    body = {"amount": "1.00", "currency": "GBP", "received_on": "2026-03-05"}

    longest = staff_api.post(path, body, headers={"Idempotency-Key": "k" * 200})
    longer = staff_api.post(path, body, headers={"Idempotency-Key": "k" * 201})

    assert (longest.status, longer.status, longer.body["code"]) == (201, 422, "invalid_request")
    assert Payment.objects.get().idempotency_key == "api:" + "k" * 200


@pytest.mark.parametrize(("day", "code"), BAD_DAYS)
def test_the_api_refuses_a_payment_day_out_of_bounds(invoice, staff_api, day, code) -> None:
    answer = staff_api.post(
        f"/api/billing/invoices/{invoice.pk}/payments",
        {"amount": "5760.00", "currency": "GBP", "received_on": day.ljust(10)[:10]},
    )

    if len(day) == 10:
        assert (answer.status, answer.body["code"], answer.body["field"]) == (
            422,
            code,
            "received_on",
        )
    else:  # "2026-3-5" is too short for the schema
        assert (answer.status, answer.body["code"]) == (422, code)
    assert not Payment.objects.exists()


def test_a_client_key_may_not_record_a_payment(
    invoice, client_row, django_capture_on_commit_callbacks
) -> None:
    api = Api(
        api_key_create(now=DAY_9, client_slug=client_row.slug).secret,
        django_capture_on_commit_callbacks,
    )

    answer = api.post(
        f"/api/billing/invoices/{invoice.pk}/payments",
        {"amount": "5760.00", "currency": "GBP", "received_on": "2026-03-05"},
    )

    assert (answer.status, answer.body["code"]) == (403, "not_allowed")
    assert not Payment.objects.exists()


# --- a hire's start --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "code"),
    [
        (date(2025, 12, 31), "date_too_early"),  # before the agreement (1 January 2026)
        (date(2026, 2, 5), "date_too_early"),  # 32 days before today
        (date(2027, 3, 10), "date_too_late"),  # 366 days after today
        (date(9999, 12, 31), "date_too_late"),
        (date(1, 1, 1), "date_too_early"),
    ],
)
def test_a_hire_start_out_of_bounds_is_refused(agreement, admin, start, code) -> None:
    seat = agreement.seats.get(number=1)

    refusal = _refusal(
        lambda: hire_start(actor=admin, agreement=agreement, seat=seat, start_date=start, now=DAY_9)
    )

    assert refusal == (code, "start_date")
    assert not Hire.objects.exists()
    assert not Invoice.objects.exists()


def test_a_hire_may_start_a_month_back_or_a_year_ahead(agreement, admin) -> None:
    for number, start in ((1, date(2026, 2, 6)), (2, date(2027, 3, 9))):
        seat = agreement.seats.get(number=number)
        hire_start(actor=admin, agreement=agreement, seat=seat, start_date=start, now=DAY_9)

    assert list(Hire.objects.order_by("id").values_list("start_date", flat=True)) == [
        date(2026, 2, 6),
        date(2027, 3, 9),
    ]
