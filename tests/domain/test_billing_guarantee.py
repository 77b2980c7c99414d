"""The money-back guarantee: exact refunds per period length, currency and day."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pactdesk.domain.billing import currency_minor_unit, first_period_end, guarantee_refund
from pactdesk.domain.errors import BillingCode, BillingError

EXAMPLES = settings(max_examples=200, deadline=None)


def reference(fee: Decimal, places: int, start: date, cancelled: date, window: int = 14) -> str:
    """The issue's rule in exact fractions, rounded half-up by hand, as text."""
    days = (first_period_end(start) - start).days
    used = (cancelled - start).days + 1
    if used < 1:
        share = Fraction(1)
    elif used <= window:
        share = Fraction(max(days - used, 0), days)
    else:
        share = Fraction(0)
    units = math.floor(Fraction(fee) * share * 10**places + Fraction(1, 2))
    whole, part = divmod(units, 10**places)
    return f"{whole}.{part:0{places}d}" if places else str(whole)


def refund_on_day(day: int, *, fee: Decimal, currency: str, start: date) -> Decimal:
    """The refund for a hire cancelled on day `day` of its first period (day 1 = start)."""
    return guarantee_refund(
        fee=fee, currency=currency, start=start, cancelled_on=start + timedelta(days=day - 1)
    )


# --- the period ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (date(2026, 2, 1), date(2026, 3, 1), 28),
        (date(2028, 2, 1), date(2028, 3, 1), 29),
        (date(2026, 4, 1), date(2026, 5, 1), 30),
        (date(2026, 3, 1), date(2026, 4, 1), 31),
        (date(2026, 1, 29), date(2026, 2, 28), 30),
        (date(2026, 1, 30), date(2026, 2, 28), 29),
        (date(2026, 1, 31), date(2026, 2, 28), 28),
        (date(2028, 1, 31), date(2028, 2, 29), 29),
        (date(2028, 1, 29), date(2028, 2, 29), 31),
        (date(2026, 3, 31), date(2026, 4, 30), 30),
        (date(2026, 8, 31), date(2026, 9, 30), 30),
        (date(2026, 12, 31), date(2027, 1, 31), 31),
        (date(2026, 12, 15), date(2027, 1, 15), 31),
    ],
)
def test_first_period_ends_on_the_same_day_next_month_clamped(
    start: date, end: date, days: int
) -> None:
    assert first_period_end(start) == end
    assert (end - start).days == days


# --- tables -------------------------------------------------------------------------

# fee 300.00 USD; the period's length n; day used -> expected refund.
PERIODS = {
    28: date(2026, 2, 1),
    29: date(2028, 2, 1),
    30: date(2026, 4, 1),
    31: date(2026, 3, 1),
}
TABLE = [
    # n, day used, USD refund of 300.00
    (28, 1, "289.29"),  # 300 * 27/28 = 289.2857...
    (28, 9, "203.57"),  # 300 * 19/28 = 203.5714...
    (28, 14, "150.00"),  # 300 * 14/28
    (28, 15, "0.00"),
    (29, 1, "289.66"),  # 300 * 28/29 = 289.6551...
    (29, 14, "155.17"),  # 300 * 15/29 = 155.1724...
    (30, 1, "290.00"),
    (30, 7, "230.00"),
    (30, 14, "160.00"),
    (31, 1, "290.32"),  # 300 * 30/31 = 290.3225...
    (31, 9, "212.90"),  # 300 * 22/31 = 212.9032...
    (31, 14, "164.52"),  # 300 * 17/31 = 164.5161...
    (31, 15, "0.00"),
]


@pytest.mark.parametrize(("days", "day", "expected"), TABLE)
def test_refund_table_for_28_to_31_day_periods(days: int, day: int, expected: str) -> None:
    start = PERIODS[days]

    refund = refund_on_day(day, fee=Decimal("300.00"), currency="USD", start=start)

    assert str(refund) == expected
    assert str(refund) == reference(Decimal("300.00"), 2, start, start + timedelta(days=day - 1))


@pytest.mark.parametrize(
    ("start", "cancelled", "expected"),
    [
        (date(2026, 1, 31), date(2026, 2, 3), "257.14"),  # n 28, used 4: 300 * 24/28
        (date(2028, 1, 31), date(2028, 2, 3), "258.62"),  # n 29, used 4: 300 * 25/29
        (date(2026, 1, 30), date(2026, 1, 30), "289.66"),  # n 29, used 1
        (date(2026, 1, 29), date(2026, 2, 11), "160.00"),  # n 30, used 14: 300 * 16/30
        (date(2026, 12, 31), date(2027, 1, 13), "164.52"),  # n 31 across the year, used 14
    ],
)
def test_starts_on_the_29th_to_31st(start: date, cancelled: date, expected: str) -> None:
    refund = guarantee_refund(
        fee=Decimal("300.00"), currency="USD", start=start, cancelled_on=cancelled
    )

    assert str(refund) == expected == reference(Decimal("300.00"), 2, start, cancelled)


@pytest.mark.parametrize(
    ("currency", "fee", "day", "expected"),
    [
        ("JPY", "45000", 1, "43548"),  # 45000 * 30/31 = 43548.38...
        ("JPY", "45000", 9, "31935"),  # 45000 * 22/31 = 31935.48...
        ("JPY", "45000", 15, "0"),
        ("JPY", "31", 16, "0"),
        ("KWD", "100.500", 1, "97.258"),  # 100.5 * 30/31 = 97.2580...
        ("KWD", "100.5", 9, "71.323"),  # 100.5 * 22/31 = 71.3225... (fewer decimals given)
        ("BHD", "62.000", 14, "34.000"),  # 62 * 17/31 exactly
        ("BHD", "62", 30, "0.000"),
        ("EUR", "0", 1, "0.00"),
    ],
)
def test_zero_and_three_decimal_currencies(
    currency: str, fee: str, day: int, expected: str
) -> None:
    start = date(2026, 3, 1)  # a 31-day period

    refund = refund_on_day(day, fee=Decimal(fee), currency=currency, start=start)

    assert str(refund) == expected


@pytest.mark.parametrize(
    ("fee", "currency", "day", "expected"),
    [
        ("0.07", "USD", 14, "0.04"),  # 0.07 * 14/28 = 0.035: half goes up
        ("1", "JPY", 14, "1"),  # 0.5 -> 1
        ("3", "JPY", 14, "2"),  # 1.5 -> 2
        ("0.03", "USD", 5, "0.02"),  # 0.03 * 23/28 = 0.024642...: once, not 0.025 -> 0.03
    ],
)
def test_rounding_is_half_up_and_once(fee: str, currency: str, day: int, expected: str) -> None:
    start = date(2026, 2, 1)  # a 28-day period

    refund = refund_on_day(day, fee=Decimal(fee), currency=currency, start=start)

    assert str(refund) == expected


def test_cancelled_before_the_start_gives_the_whole_fee_at_the_currency_scale() -> None:
    refund = guarantee_refund(
        fee=Decimal("300"), currency="USD", start=date(2026, 3, 1), cancelled_on=date(2026, 2, 1)
    )

    assert str(refund) == "300.00"


def test_a_window_longer_than_the_period_never_goes_negative() -> None:
    # February 2026 has 28 days; a 30-day window cancelled on day 29 or 30 refunds zero.
    start = date(2026, 2, 1)

    refunds = [
        guarantee_refund(
            fee=Decimal("280.00"),
            currency="USD",
            start=start,
            cancelled_on=start + timedelta(days=day - 1),
            guarantee_days=30,
        )
        for day in (27, 28, 29, 30, 31)
    ]

    assert [str(refund) for refund in refunds] == ["10.00", "0.00", "0.00", "0.00", "0.00"]


def test_a_window_of_zero_days_refunds_only_before_the_start() -> None:
    start = date(2026, 3, 1)

    def refund(on: date) -> str:
        return str(
            guarantee_refund(
                fee=Decimal("10"), currency="USD", start=start, cancelled_on=on, guarantee_days=0
            )
        )

    assert (refund(date(2026, 2, 28)), refund(start)) == ("10.00", "0.00")


def test_currency_codes_are_read_in_any_case() -> None:
    start = date(2026, 3, 1)

    lower = guarantee_refund(fee=Decimal("300"), currency="usd", start=start, cancelled_on=start)

    assert str(lower) == "290.32"
    assert currency_minor_unit("jpy") == 0
    assert (currency_minor_unit("BHD"), currency_minor_unit("KWD")) == (3, 3)


def test_tender_x_codes_and_fund_codes_keep_their_minor_units() -> None:
    assert [currency_minor_unit(code) for code in ("XAF", "XOF", "XCD", "XPF", "CLF")] == [
        0,
        0,
        2,
        0,
        4,
    ]


# --- bad input -----------------------------------------------------------------------

GOOD = {
    "fee": Decimal("300.00"),
    "currency": "USD",
    "start": date(2026, 3, 1),
    "cancelled_on": date(2026, 3, 5),
}


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"currency": "XYZ"}, BillingCode.UNKNOWN_CURRENCY, "currency"),
        ({"currency": "US"}, BillingCode.UNKNOWN_CURRENCY, "currency"),
        ({"currency": "XXX"}, BillingCode.UNKNOWN_CURRENCY, "currency"),
        ({"currency": "XTS"}, BillingCode.UNKNOWN_CURRENCY, "currency"),
        ({"currency": "XAU"}, BillingCode.UNKNOWN_CURRENCY, "currency"),
        ({"currency": "xdr"}, BillingCode.UNKNOWN_CURRENCY, "currency"),
        ({"currency": " USD"}, BillingCode.UNKNOWN_CURRENCY, "currency"),
        ({"currency": "ÜSD"}, BillingCode.UNKNOWN_CURRENCY, "currency"),
        ({"currency": None}, BillingCode.UNKNOWN_CURRENCY, "currency"),
        ({"fee": Decimal("-0.01")}, BillingCode.NEGATIVE_FEE, "fee"),
        ({"fee": Decimal("300.001")}, BillingCode.TOO_MANY_DECIMALS, "fee"),
        ({"fee": Decimal("1.5"), "currency": "JPY"}, BillingCode.TOO_MANY_DECIMALS, "fee"),
        ({"fee": Decimal("1.0001"), "currency": "KWD"}, BillingCode.TOO_MANY_DECIMALS, "fee"),
        ({"fee": 300.0}, BillingCode.INVALID_FEE, "fee"),
        ({"fee": "300"}, BillingCode.INVALID_FEE, "fee"),
        ({"fee": Decimal("NaN")}, BillingCode.INVALID_FEE, "fee"),
        ({"fee": Decimal("Infinity")}, BillingCode.INVALID_FEE, "fee"),
        ({"guarantee_days": -1}, BillingCode.INVALID_GUARANTEE_DAYS, "guarantee_days"),
        ({"guarantee_days": 14.0}, BillingCode.INVALID_GUARANTEE_DAYS, "guarantee_days"),
        ({"start": datetime(2026, 3, 1)}, BillingCode.INVALID_DATE, "start"),  # noqa: DTZ001
        ({"cancelled_on": "2026-03-05"}, BillingCode.INVALID_DATE, "cancelled_on"),
    ],
)
def test_bad_input_raises_the_domain_error_with_a_code(
    changes: dict[str, object], code: BillingCode, field: str
) -> None:
    with pytest.raises(BillingError) as caught:
        guarantee_refund(**{**GOOD, **changes})  # type: ignore[arg-type]

    assert (caught.value.code, caught.value.field) == (code, field)


def test_trailing_zeros_beyond_the_minor_unit_are_accepted() -> None:
    refund = guarantee_refund(
        fee=Decimal("45000.00"),
        currency="JPY",
        start=date(2026, 3, 1),
        cancelled_on=date(2026, 3, 1),
    )

    assert str(refund) == "43548"


# --- properties ----------------------------------------------------------------------

CURRENCIES = {"USD": 2, "EUR": 2, "JPY": 0, "KWD": 3, "BHD": 3, "CLF": 4}
currencies = st.sampled_from(sorted(CURRENCIES))
starts = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
offsets = st.integers(-40, 60)
windows = st.integers(0, 40)


@st.composite
def fees(draw: st.DrawFn, currency: str) -> Decimal:
    units = draw(st.integers(0, 10**12))
    return Decimal(units).scaleb(-CURRENCIES[currency])


@EXAMPLES
@given(data=st.data(), currency=currencies, start=starts, offset=offsets, window=windows)
def test_refund_is_between_zero_and_the_fee_at_the_currency_scale(
    data: st.DataObject, currency: str, start: date, offset: int, window: int
) -> None:
    fee = data.draw(fees(currency))
    cancelled = start + timedelta(days=offset)

    refund = guarantee_refund(
        fee=fee, currency=currency, start=start, cancelled_on=cancelled, guarantee_days=window
    )

    assert Decimal(0) <= refund <= fee
    assert refund.as_tuple().exponent == -CURRENCIES[currency]
    assert str(refund) == reference(fee, CURRENCIES[currency], start, cancelled, window)


@EXAMPLES
@given(data=st.data(), currency=currencies, start=starts, offset=offsets, window=windows)
def test_refund_never_rises_as_the_cancellation_moves_later(
    data: st.DataObject, currency: str, start: date, offset: int, window: int
) -> None:
    fee = data.draw(fees(currency))

    def refund(day: int) -> Decimal:
        return guarantee_refund(
            fee=fee,
            currency=currency,
            start=start,
            cancelled_on=start + timedelta(days=day),
            guarantee_days=window,
        )

    assert refund(offset + 1) <= refund(offset)


@EXAMPLES
@given(data=st.data(), currency=currencies, start=starts, before=st.integers(1, 400))
def test_the_whole_fee_comes_back_before_the_start(
    data: st.DataObject, currency: str, start: date, before: int
) -> None:
    fee = data.draw(fees(currency))

    refund = guarantee_refund(
        fee=fee, currency=currency, start=start, cancelled_on=start - timedelta(days=before)
    )

    assert refund == fee
