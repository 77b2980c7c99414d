"""The billing administration API (staff tokens) and credit notes (both sides): exact
answers, refusals with their codes and nothing written, another client's credit note a
404 like an unknown one."""

from __future__ import annotations

from datetime import date

import pytest

from pactdesk.api.services import api_key_create
from pactdesk.billing.models import BillingChange, BillingTerms, CreditNote, Hire, Invoice
from pactdesk.billing.services.cancel import hire_cancel
from pactdesk.billing.services.payments import payment_record_manual
from tests.api.conftest import Api
from tests.billing.conftest import at, seat_hire
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db
DAY_9 = at(date(2026, 3, 9))


@pytest.fixture(autouse=True)
def _day_9(monkeypatch) -> None:
    monkeypatch.setattr("pactdesk.api.billing_admin.clock_now", lambda: DAY_9)


@pytest.fixture
def staff(admin, django_capture_on_commit_callbacks) -> Api:
    secret = api_key_create(now=DAY_9, staff_email=admin.email).secret
    return Api(secret, django_capture_on_commit_callbacks)


@pytest.fixture
def client_key(client_row, django_capture_on_commit_callbacks) -> Api:
    return Api(
        api_key_create(now=DAY_9, client_slug=client_row.slug).secret,
        django_capture_on_commit_callbacks,
    )


@pytest.fixture
def note(agreement, admin, client_admin) -> CreditNote:
    hire = seat_hire(agreement, admin, start=date(2026, 3, 1))
    hire_cancel(actor=client_admin, hire_id=hire.pk, now=DAY_9, gateway=None)
    return CreditNote.objects.get()


def test_terms_read_and_patch(staff, agreement) -> None:
    read = staff.get("/api/billing/clients/thames/terms")
    patched = staff.patch("/api/billing/clients/thames/terms", {"tax_rate": "17.5"})

    assert read.status == 200
    assert read.body["terms"]["seat_fee"] == "4200.00"
    assert read.body["changed"] == {}
    assert patched.status == 200
    assert patched.body["changed"] == {"tax_rate": ["20.00", "17.50"]}
    assert patched.body["terms"]["tax_rate"] == "17.50"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"tax_rate": "-1"}, 422, "invalid_tax_rate"),
        ({"seat_fee": "1.001"}, 422, "too_many_decimals"),
        ({"currency": "QQQ"}, 422, "unknown_currency"),
        ({"colour": "blue"}, 422, None),  # an unknown field: the schema's refusal
        ({"tax_rate": 17.5}, 422, None),  # text, not a number
    ],
)
def test_bad_terms_are_refused(staff, agreement, body, status, code) -> None:
    answer = staff.patch("/api/billing/clients/thames/terms", body)
    assert answer.status == status
    if code:
        assert answer.body["code"] == code
    assert BillingTerms.objects.get().tax_rate == 20
    assert not BillingChange.objects.exists()


def test_start_a_hire_then_the_seat_is_taken(staff, agreement) -> None:
    started = staff.post("/api/billing/clients/thames/hires", {"seat": 2, "start": "2026-03-05"})
    again = staff.post("/api/billing/clients/thames/hires", {"seat": 2, "start": "2026-03-05"})

    hire = Hire.objects.get()
    assert started.status == 201
    assert started.body == {
        "id": hire.pk,
        "kind": "seat",
        "seat": 2,
        "start_date": "2026-03-05",
        "guarantee_days": 14,
        "status": "active",
        "cancelled_on": None,
        "last_day": None,
        "invoice": "2026-000001",
    }
    assert (again.status, again.body["code"]) == (409, "seat_already_hired")


def test_void_then_void_again(staff, agreement, admin) -> None:
    invoice = Invoice.objects.get(hire=seat_hire(agreement, admin, start=date(2026, 3, 1)))

    first = staff.post(f"/api/billing/invoices/{invoice.pk}/void", {"reason": "Duplicate"})
    second = staff.post(f"/api/billing/invoices/{invoice.pk}/void", {"reason": "Duplicate"})

    assert first.body == {
        "changed": True,
        "number": "2026-000001",
        "status": "void",
        "voided_on": "2026-03-09",
        "void_reason": "Duplicate",
        "total": "5760.00",
        "currency": "GBP",
    }
    assert (second.status, second.body["changed"]) == (200, False)


def test_a_paid_invoice_is_not_voided(staff, agreement, admin) -> None:
    invoice = Invoice.objects.get(hire=seat_hire(agreement, admin, start=date(2026, 3, 1)))
    payment_record_manual(
        actor=admin,
        invoice_id=invoice.pk,
        amount="5760.00",
        currency="GBP",
        received_on=date(2026, 3, 2),
        now=DAY_9,
    )
    answer = staff.post(f"/api/billing/invoices/{invoice.pk}/void", {"reason": "x"})
    assert (answer.status, answer.body["code"]) == (409, "invoice_paid")
    assert Invoice.objects.get().status == "paid"


def test_a_refund_by_hand_is_marked_paid_once(staff, agreement, admin, client_admin) -> None:
    invoice = Invoice.objects.get(hire=seat_hire(agreement, admin, start=date(2026, 3, 1)))
    payment_record_manual(
        actor=admin,
        invoice_id=invoice.pk,
        amount="5760.00",
        currency="GBP",
        received_on=date(2026, 3, 2),
        now=DAY_9,
    )
    hire_cancel(actor=client_admin, hire_id=invoice.hire_id, now=DAY_9, gateway=None)
    refund = invoice.credit_notes.get().refund
    body = {"paid_on": "2026-03-09", "reference": "BACS 42"}

    first = staff.post(f"/api/billing/refunds/{refund.pk}/paid", body)
    second = staff.post(f"/api/billing/refunds/{refund.pk}/paid", body)

    # Day 9 of 31: 22/31 of each line and its tax.
    assert first.body == {
        "changed": True,
        "id": refund.pk,
        "status": "completed",
        "amount": "4087.75",
        "currency": "GBP",
        "paid_on": "2026-03-09",
        "reference": "BACS 42",
    }
    assert (second.status, second.body["changed"]) == (200, False)


def test_a_client_key_may_not_administer(client_key, agreement, admin) -> None:
    invoice = Invoice.objects.get(hire=seat_hire(agreement, admin, start=date(2026, 3, 1)))
    answers = [
        client_key.get("/api/billing/clients/thames/terms"),
        client_key.patch("/api/billing/clients/thames/terms", {"tax_rate": "0"}),
        client_key.post("/api/billing/clients/thames/hires", {"seat": 2, "start": "2026-03-09"}),
        client_key.post(f"/api/billing/invoices/{invoice.pk}/void", {"reason": "x"}),
    ]
    assert [(a.status, a.body["code"]) for a in answers] == [(403, "not_allowed")] * 4
    assert Invoice.objects.get().status == "issued"
    assert Hire.objects.count() == 1


def test_credit_notes_for_the_client_and_the_staff(note, client_key, staff) -> None:
    mine = client_key.get("/api/billing/credit-notes")
    one = client_key.get(f"/api/billing/credit-notes/{note.pk}")
    staffs = staff.get(f"/api/billing/credit-notes/{note.pk}")

    assert [n["number"] for n in mine.body] == [note.number]
    assert one.body == staffs.body
    assert (one.body["invoice"], one.body["reason"], one.body["total"]) == (
        "2026-000001",
        "guarantee",
        "4087.75",
    )
    assert [line["amount"] for line in one.body["lines"]] == ["2980.65", "425.81"]


def test_another_clients_credit_note_is_404(note, django_capture_on_commit_callbacks) -> None:
    ClientFactory(name="Other", slug="other")
    other = Api(
        api_key_create(now=DAY_9, client_slug="other").secret, django_capture_on_commit_callbacks
    )
    answer = other.get(f"/api/billing/credit-notes/{note.pk}")
    unknown = other.get(f"/api/billing/credit-notes/{note.pk + 99}")
    listed = other.get("/api/billing/credit-notes")

    assert (answer.status, answer.body["code"]) == (404, "credit_note_not_found")
    assert answer.body == {**unknown.body, "message": answer.body["message"]}
    assert listed.body == []
