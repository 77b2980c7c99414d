"""Billing terms changed by provider staff: every field as text, checked whole before
anything is written, each change audited; bad values answer a stable code and change
nothing; the currency is locked once the agreement is invoiced."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from pactdesk.accounts.models import Role
from pactdesk.billing.models import BillingChange, BillingTerms
from pactdesk.billing.services.terms_change import billing_terms_update, terms_values
from pactdesk.platform.errors import ApplicationError, Conflict, PermissionDenied
from tests.billing.conftest import at, seat_hire
from tests.factories import ClientFactory, UserFactory, shared_agreement

pytestmark = pytest.mark.django_db

NOW = at(date(2026, 3, 1))


def test_the_terms_read_as_text(agreement) -> None:
    assert terms_values(agreement=agreement, terms=agreement.billing_terms) == {
        "currency": "GBP",
        "monthly_fee": "0.00",
        "seat_fee": "4200.00",
        "round_the_clock_fee": "600.00",
        "tax_rate": "20.00",
        "tax_label": "VAT",
        "payment_days": "14",
        "billing_contacts": "accounts@thames.test",
        "credit_percent_per_point": "2.00",
        "credit_cap_percent": "10.00",
    }


def test_a_change_is_saved_and_audited_once(agreement, admin) -> None:
    values = {"tax_rate": "17.5", "billing_contacts": "A@Thames.test, b@thames.test"}

    first = billing_terms_update(actor=admin, agreement=agreement, values=values, now=NOW)
    second = billing_terms_update(actor=admin, agreement=agreement, values=values, now=NOW)

    assert first.changed == {
        "tax_rate": ("20.00", "17.50"),
        "billing_contacts": ("accounts@thames.test", "a@thames.test, b@thames.test"),
    }
    assert second.changed == {}
    terms = BillingTerms.objects.get(agreement=agreement)
    assert (terms.tax_rate, terms.billing_contacts) == (
        Decimal("17.50"),
        ["a@thames.test", "b@thames.test"],
    )
    change = BillingChange.objects.get()
    assert (change.kind, change.subject_id, change.actor, change.on) == (
        "terms_set",
        terms.pk,
        admin,
        date(2026, 3, 1),
    )
    assert change.detail == {
        "changed": {
            "tax_rate": ["20.00", "17.50"],
            "billing_contacts": ["accounts@thames.test", "a@thames.test, b@thames.test"],
        }
    }


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"tax_rate": "-1"}, "invalid_tax_rate"),
        ({"tax_rate": "100.01"}, "invalid_tax_rate"),
        ({"tax_rate": "12.345"}, "invalid_tax_rate"),
        ({"tax_rate": "ten"}, "invalid_tax_rate"),
        ({"seat_fee": "4200.001"}, "too_many_decimals"),
        ({"seat_fee": "-5"}, "invalid_amount"),
        ({"seat_fee": "1e3"}, "invalid_amount"),
        ({"monthly_fee": "5"}, "invalid_amount"),  # a dedicated plan bills per seat
        ({"currency": "XYZ"}, "unknown_currency"),
        ({"currency": "JPY", "seat_fee": "4200.50"}, "too_many_decimals"),
        ({"payment_days": "366"}, "invalid_payment_days"),
        ({"payment_days": "-1"}, "invalid_payment_days"),
        ({"tax_label": ""}, "invalid_tax_label"),
        ({"tax_label": "x" * 41}, "invalid_tax_label"),
        ({"billing_contacts": "accounts@thames.test, not-an-address"}, "invalid_contact"),
        ({"credit_cap_percent": "101"}, "invalid_percent"),
        ({"colour": "blue"}, "unknown_terms_field"),
    ],
)
def test_a_bad_value_is_refused_with_its_code_and_nothing_changes(
    agreement, admin, values, code
) -> None:
    before = terms_values(agreement=agreement, terms=BillingTerms.objects.get())

    with pytest.raises(ApplicationError) as refused:
        # A good value beside the bad one is not written either.
        billing_terms_update(
            actor=admin, agreement=agreement, values={"payment_days": "30", **values}, now=NOW
        )

    assert refused.value.code == code
    assert refused.value.http_status == 422
    assert terms_values(agreement=agreement, terms=BillingTerms.objects.get()) == before
    assert not BillingChange.objects.exists()


def test_the_currency_changes_only_while_nothing_is_invoiced(agreement, admin) -> None:
    changed = billing_terms_update(
        actor=admin, agreement=agreement, values={"currency": "eur"}, now=NOW
    )
    assert changed.changed == {"currency": ("GBP", "EUR")}

    seat_hire(agreement, admin, start=date(2026, 3, 1))
    with pytest.raises(Conflict) as refused:
        billing_terms_update(actor=admin, agreement=agreement, values={"currency": "USD"}, now=NOW)

    assert refused.value.code == "currency_locked"
    assert BillingTerms.objects.get().currency == "EUR"
    assert BillingChange.objects.count() == 1


def test_a_zero_decimal_currency_shows_no_decimals(agreement, admin) -> None:
    billing_terms_update(
        actor=admin,
        agreement=agreement,
        values={"currency": "JPY", "seat_fee": "650000", "round_the_clock_fee": "0"},
        now=NOW,
    )
    values = terms_values(agreement=agreement, terms=BillingTerms.objects.get())
    assert (values["currency"], values["seat_fee"], values["round_the_clock_fee"]) == (
        "JPY",
        "650000",
        "0",
    )


def test_terms_are_created_for_an_agreement_without_them(admin) -> None:
    agreement = shared_agreement(ClientFactory(slug="lotus", name="Lotus"))
    change = billing_terms_update(
        actor=admin, agreement=agreement, values={"monthly_fee": "1200.00"}, now=NOW
    )
    assert change.changed == {"monthly_fee": ("0.00", "1200.00")}
    assert BillingTerms.objects.get(agreement=agreement).monthly_fee == Decimal("1200.000")


@pytest.mark.parametrize("role", [Role.AGENT, Role.CLIENT_ADMIN])
def test_only_provider_admins_and_managers_change_terms(agreement, role) -> None:
    actor = UserFactory(role=role, client=agreement.client if role == Role.CLIENT_ADMIN else None)
    with pytest.raises(PermissionDenied) as refused:
        billing_terms_update(actor=actor, agreement=agreement, values={"tax_rate": "0"}, now=NOW)
    assert refused.value.code == "not_allowed"
    assert BillingTerms.objects.get().tax_rate == Decimal("20.00")
