"""The billing API for client keys: invoices, hires, the refund preview and an
idempotent cancel; another client's hire is a 404 and nothing changes."""

from __future__ import annotations

from datetime import date

import pytest

from pactdesk.accounts.models import Role
from pactdesk.api.services import api_key_create
from pactdesk.billing.models import CreditNote, Hire
from tests.api.conftest import Api
from tests.billing.conftest import at, seat_hire
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db
DAY_9 = at(date(2026, 3, 9))


@pytest.fixture(autouse=True)
def _day_9(monkeypatch) -> None:
    monkeypatch.setattr("pactdesk.api.billing.clock_now", lambda: DAY_9)


@pytest.fixture
def hire(agreement, admin) -> Hire:
    return seat_hire(agreement, admin, start=date(2026, 3, 1))


@pytest.fixture
def api(client_row, django_capture_on_commit_callbacks) -> Api:
    secret = api_key_create(now=DAY_9, client_slug=client_row.slug).secret
    return Api(secret, django_capture_on_commit_callbacks)


@pytest.fixture
def stranger_api(db, django_capture_on_commit_callbacks) -> Api:
    other = ClientFactory(name="Other", slug="other")
    return Api(
        api_key_create(now=DAY_9, client_slug=other.slug).secret, django_capture_on_commit_callbacks
    )


def test_a_client_key_lists_its_invoices_and_hires(api, hire) -> None:
    invoices = api.get("/api/billing/invoices")
    hires = api.get("/api/billing/hires")

    assert invoices.status == 200
    assert [(i["number"], i["total"], i["tax_total"], i["status"]) for i in invoices.body] == [
        ("2026-000001", "5760.00", "960.00", "issued")
    ]
    assert hires.body == [
        {
            "id": hire.pk,
            "kind": "seat",
            "seat": 1,
            "start_date": "2026-03-01",
            "guarantee_days": 14,
            "status": "active",
            "cancelled_on": None,
            "last_day": None,
        }
    ]


def test_preview_then_cancel_twice(api, hire) -> None:
    preview = api.get(f"/api/billing/hires/{hire.pk}/refund-preview")
    first = api.post(f"/api/billing/hires/{hire.pk}/cancel")
    second = api.post(f"/api/billing/hires/{hire.pk}/cancel")

    assert preview.status == 200
    assert (preview.body["in_window"], preview.body["day"], preview.body["total"]) == (
        True,
        9,
        "4087.75",
    )
    assert [line["total"] for line in preview.body["lines"]] == ["3576.78", "510.97"]
    assert preview.body["refund"] == "0.00"  # not paid: the credit reduces what is owed
    assert (first.status, first.body["changed"], first.body["credit_note"]) == (
        200,
        True,
        "CN-2026-000001",
    )
    assert first.body["hire"]["status"] == "ended"
    assert (second.status, second.body["changed"], second.body["credit_note"]) == (
        200,
        False,
        "CN-2026-000001",  # what the first cancel did
    )
    assert CreditNote.objects.count() == 1


def test_another_clients_hire_is_404_and_unchanged(stranger_api, hire) -> None:
    answers = [
        stranger_api.get(f"/api/billing/hires/{hire.pk}/refund-preview"),
        stranger_api.post(f"/api/billing/hires/{hire.pk}/cancel"),
    ]

    assert [(a.status, a.body["code"]) for a in answers] == [(404, "hire_not_found")] * 2
    assert stranger_api.get("/api/billing/invoices").body == []
    hire.refresh_from_db()
    assert hire.status == "active"


def test_an_agents_staff_token_may_not_bill(hire, django_capture_on_commit_callbacks) -> None:
    agent = UserFactory(role=Role.AGENT)
    api = Api(
        api_key_create(now=DAY_9, staff_email=agent.email).secret,
        django_capture_on_commit_callbacks,
    )

    answer = api.post(f"/api/billing/hires/{hire.pk}/cancel")

    assert (answer.status, answer.body["code"]) == (403, "not_allowed")


def test_unknown_query_parameters_are_refused(api) -> None:
    answer = api.get("/api/billing/invoices", query={"status": "paid"})
    assert (answer.status, answer.body["code"], answer.body["field"]) == (
        422,
        "invalid_request",
        "status",
    )
