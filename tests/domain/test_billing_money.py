"""Money at the minor unit, tax, hire periods and service credits (pure)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pactdesk.domain.billing_money import (
    add_months,
    from_minor,
    money,
    period_bounds,
    period_index_on,
    service_credit_amount,
    tax_on,
    to_minor,
)
from pactdesk.domain.errors import BillingError


@pytest.mark.parametrize(
    ("value", "currency", "expected"),
    [
        ("12.5", "USD", "12.50"),
        ("500", "JPY", "500"),
        ("1.2", "KWD", "1.200"),
        ("0", "EUR", "0.00"),
    ],
)
def test_money_carries_the_minor_unit(value: str, currency: str, expected: str) -> None:
    assert str(money(value, currency)) == expected


@pytest.mark.parametrize(
    ("value", "currency", "code"),
    [
        ("12.345", "USD", "too_many_decimals"),
        ("1.5", "JPY", "too_many_decimals"),
        ("abc", "USD", "invalid_fee"),
        ("1", "XYZ", "unknown_currency"),
    ],
)
def test_money_refuses(value: str, currency: str, code: str) -> None:
    with pytest.raises(BillingError) as raised:
        money(value, currency)
    assert raised.value.code == code


def test_minor_units_round_trip() -> None:
    assert to_minor(Decimal("12.34"), "USD") == 1234
    assert to_minor(Decimal("-7"), "JPY") == -7
    assert str(from_minor(-1234, "USD")) == "-12.34"
    assert str(from_minor(1500, "KWD")) == "1.500"


def test_tax_is_rounded_half_up_once() -> None:
    assert tax_on(Decimal("0.125"), rate=Decimal("20"), currency="USD") == Decimal("0.03")
    assert tax_on(Decimal("-600.00"), rate=Decimal("20"), currency="GBP") == Decimal("-120.00")


@pytest.mark.parametrize(
    ("start", "index", "bounds"),
    [
        (date(2026, 1, 31), 0, (date(2026, 1, 31), date(2026, 2, 28))),
        (date(2026, 1, 31), 1, (date(2026, 2, 28), date(2026, 3, 31))),
        (date(2028, 1, 30), 1, (date(2028, 2, 29), date(2028, 3, 30))),
        (date(2026, 12, 15), 0, (date(2026, 12, 15), date(2027, 1, 15))),
    ],
)
def test_periods_renew_on_the_start_day_clamped(start: date, index: int, bounds: tuple) -> None:
    assert period_bounds(start=start, index=index) == bounds


@given(st.dates(date(2000, 1, 1), date(2090, 1, 1)), st.integers(0, 400))
def test_a_day_lies_in_the_period_its_index_names(start: date, offset: int) -> None:
    on = date.fromordinal(start.toordinal() + offset)
    index = period_index_on(start=start, on=on)
    first, end = period_bounds(start=start, index=index)
    assert first <= on < end
    assert add_months(start, 0) == start


@pytest.mark.parametrize(
    ("attainment", "expected"),
    [(None, "0.00"), ("95", "0.00"), ("90", "0.00"), ("88.5", "36.00"), ("50", "120.00")],
)
def test_service_credit_per_point_missed_capped(attainment: str | None, expected: str) -> None:
    # 2% of a 1,200.00 fee per point under a 90% goal, at most 10%.
    amount = service_credit_amount(
        fee=Decimal("1200.00"),
        currency="USD",
        goal=Decimal("90"),
        attainment=None if attainment is None else Decimal(attainment),
        percent_per_point=Decimal("2"),
        cap_percent=Decimal("10"),
    )
    assert str(amount) == expected
