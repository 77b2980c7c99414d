"""Money and periods of billing (pure): amounts at a currency's minor unit, tax, a
hire's monthly periods, and the service credit of a missed attainment goal.

Every amount is a ``Decimal`` carrying exactly the currency's number of decimals
(``currency_minor_unit``, CLDR via Babel). Rounding is half-up and happens once, at
the end of each formula. Ledger amounts are integers of minor units
(:func:`to_minor`, :func:`from_minor`).

Errors: :class:`~pactdesk.domain.errors.BillingError` with a
:class:`~pactdesk.domain.errors.BillingCode` and the offending ``field``.
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from pactdesk.domain.billing import currency_minor_unit
from pactdesk.domain.errors import BillingCode, BillingError

__all__ = [
    "add_months",
    "from_minor",
    "money",
    "period_bounds",
    "period_index_on",
    "rounded",
    "service_credit_amount",
    "tax_on",
    "to_minor",
]


def money(amount: Decimal | int | str, currency: str, *, field: str = "amount") -> Decimal:
    """``amount`` as a Decimal with exactly the currency's decimals, without rounding.

    ``money("12.5", "USD")`` is ``Decimal("12.50")``; ``money("12.345", "USD")`` raises.

    Raises:
        BillingError: ``unknown_currency``; ``invalid_fee`` for a value that is not a
            finite number; ``too_many_decimals`` for a value finer than the minor unit.
    """
    places = currency_minor_unit(currency)
    try:
        value = Decimal(amount) if not isinstance(amount, bool) else Decimal("NaN")
    except (ArithmeticError, ValueError, TypeError):
        value = Decimal("NaN")
    if not value.is_finite():
        raise BillingError(
            BillingCode.INVALID_FEE, f"{field} must be a number, not {amount!r}", field=field
        )
    exact = value.quantize(Decimal(1).scaleb(-places))
    if exact != value:
        raise BillingError(
            BillingCode.TOO_MANY_DECIMALS,
            f"{field} {amount} has more decimals than {currency.upper()}'s {places}",
            field=field,
        )
    return exact


def rounded(value: Decimal, currency: str) -> Decimal:
    """``value`` rounded half-up once to the currency's minor unit."""
    return value.quantize(Decimal(1).scaleb(-currency_minor_unit(currency)), ROUND_HALF_UP)


def to_minor(amount: Decimal, currency: str) -> int:
    """An amount in minor units: ``to_minor(Decimal("12.34"), "USD") == 1234``.

    Raises:
        BillingError: ``too_many_decimals`` for an amount finer than the minor unit.
    """
    exact = money(amount, currency)
    return int(exact.scaleb(currency_minor_unit(currency)))


def from_minor(units: int, currency: str) -> Decimal:
    """Minor units as an amount: ``from_minor(-1234, "USD") == Decimal("-12.34")``."""
    places = currency_minor_unit(currency)
    return (Decimal(units).scaleb(-places)).quantize(Decimal(1).scaleb(-places))


def tax_on(net: Decimal, *, rate: Decimal, currency: str) -> Decimal:
    """The tax on ``net`` at ``rate`` percent, rounded half-up once (negative for a
    negative net: a credit line carries its tax back)."""
    return rounded(net * rate / 100, currency)


def add_months(start: date, months: int) -> date:
    """The same day ``months`` months after ``start``, clamped to that month's last day
    (Jan 31 + 1 month = Feb 28 or 29; always counted from ``start``, so Jan 31 + 2
    months = Mar 31)."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(start.day, calendar.monthrange(year, month + 1)[1]))


def period_bounds(*, start: date, index: int) -> tuple[date, date]:
    """Period ``index`` (0 = the first) of a month-to-month hire that started on
    ``start``: its first day and the day after its last (end excluded)."""
    return add_months(start, index), add_months(start, index + 1)


def period_index_on(*, start: date, on: date) -> int:
    """The index of the period holding ``on`` (-1 before ``start``)."""
    if on < start:
        return -1
    index = (on.year - start.year) * 12 + on.month - start.month
    while add_months(start, index) > on:
        index -= 1
    while add_months(start, index + 1) <= on:
        index += 1
    return index


def service_credit_amount(
    *,
    fee: Decimal,
    currency: str,
    goal: Decimal,
    attainment: Decimal | None,
    percent_per_point: Decimal,
    cap_percent: Decimal,
) -> Decimal:
    """The credit of a month whose attainment fell under its goal.

    ``points = goal - attainment`` (percentage points, exact, fractions kept);
    ``percent = min(points x percent_per_point, cap_percent)``; the credit is
    ``fee x percent / 100`` rounded half-up once. Zero when the goal was reached,
    when nothing was decided (``attainment`` None) or when no credit is promised.

    Raises:
        BillingError: as :func:`money` for ``fee``.
    """
    exact_fee = money(fee, currency, field="fee")
    zero = rounded(Decimal(0), currency)
    if attainment is None or attainment >= goal or percent_per_point <= 0:
        return zero
    percent = min((goal - attainment) * percent_per_point, cap_percent)
    return max(rounded(exact_fee * percent / 100, currency), zero)
