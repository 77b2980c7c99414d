"""The 14-day money-back guarantee of a month-to-month staff hire (pure, exact money).

These names are a contract called from outside the project. "If you are not
completely satisfied when you hire a staff member on a month-to-month basis then you
can cancel within the first 14 days and we will refund the unused proportion of your
fees in full."

Money is a ``Decimal`` at the currency's minor unit, never a float. Minor units come
from the Unicode CLDR through Babel (``babel.numbers.get_currency_precision``): USD
and EUR 2, JPY 0, BHD and KWD 3. CLDR follows ISO 4217 except where it records the
digits actually in use (IQD and a few others 0).

Decisions:

* Currency codes are normalised to upper case (``"usd"`` is USD); anything that is not
  three ASCII letters known to CLDR is ``unknown_currency``. So are the codes ISO 4217
  gives no minor unit ("N.A."): precious metals (XAU ...), bond-market units, the SDR,
  XTS (testing) and XXX (no currency) — CLDR records them as legal tender nowhere, and
  an amount in them cannot be rounded to a minor unit. Fund codes that do have one
  (CLF, USN ...) are known.
* A fee written with trailing zeros beyond the minor unit (``Decimal("500.00")`` in
  JPY) is accepted: only a value finer than the minor unit is ``too_many_decimals``.
* When ``guarantee_days`` exceeds the period's length, a cancellation after the
  period's last day but inside the window refunds zero (``n - used`` is clamped at 0),
  never a negative amount.

Errors: :class:`~pactdesk.domain.errors.BillingError` with a
:class:`~pactdesk.domain.errors.BillingCode` and the offending ``field``.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime
from decimal import Decimal

from babel.core import get_global
from babel.numbers import get_currency_precision, is_currency

from pactdesk.domain.errors import BillingCode, BillingError

__all__ = ["GUARANTEE_DAYS", "currency_minor_unit", "first_period_end", "guarantee_refund"]

GUARANTEE_DAYS = 14


def first_period_end(start: date) -> date:
    """The first day after a hire's first period: the same day of the next month.

    Clamped to that month's last day (Jan 31 -> Feb 28, or Feb 29 in a leap year;
    Mar 31 -> Apr 30); the period runs from ``start`` up to this date, excluded.

    Raises:
        BillingError: ``invalid_date`` (field ``start``) unless ``start`` is a date
            (not a datetime).
    """
    _require_date(start, "start")
    year, month = (start.year + 1, 1) if start.month == 12 else (start.year, start.month + 1)
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def currency_minor_unit(currency: str) -> int:
    """The number of decimals of ``currency`` (CLDR via Babel): 2 for USD, 0 for JPY.

    Raises:
        BillingError: ``unknown_currency`` (field ``currency``).
    """
    return get_currency_precision(_currency_code(currency))


def guarantee_refund(
    *,
    fee: Decimal,
    currency: str,
    start: date,
    cancelled_on: date,
    guarantee_days: int = GUARANTEE_DAYS,
) -> Decimal:
    """What comes back of a hire's first ``fee`` when it is cancelled on ``cancelled_on``.

    The first period runs from ``start`` to :func:`first_period_end` (excluded); ``n`` is
    its number of days. Days are the client's local calendar days: ``start`` is day 1
    and the cancellation day counts as used, ``used = (cancelled_on - start).days + 1``.

    * cancelled before ``start``: the whole fee;
    * cancelled on day 1 ... ``guarantee_days``: ``fee * max(n - used, 0) / n``;
    * later: zero (the hire then ends at its period's end, without renewal).

    The exact quotient is rounded half-up once to the currency's minor unit and the
    result carries exactly that many decimals: ``str()`` gives ``"0.00"`` in USD,
    ``"0"`` in JPY, ``"0.000"`` in KWD.

    Raises:
        BillingError: ``unknown_currency`` (field ``currency``); ``invalid_fee`` for a
            fee that is not a finite Decimal (or int); ``negative_fee``;
            ``too_many_decimals`` for a fee finer than the currency's minor unit;
            ``invalid_guarantee_days`` unless an int >= 0; ``invalid_date`` for a
            ``start`` or ``cancelled_on`` that is not a date.
    """
    places = currency_minor_unit(currency)
    units = _fee_in_minor_units(fee, places)
    if (
        isinstance(guarantee_days, bool)
        or not isinstance(guarantee_days, int)
        or guarantee_days < 0
    ):
        raise BillingError(
            BillingCode.INVALID_GUARANTEE_DAYS,
            f"guarantee_days must be a whole number of at least 0, not {guarantee_days!r}",
            field="guarantee_days",
        )
    _require_date(cancelled_on, "cancelled_on")
    days = (first_period_end(start) - start).days
    used = (cancelled_on - start).days + 1
    if used < 1:
        refunded = units
    elif used <= guarantee_days:
        quotient, remainder = divmod(units * max(days - used, 0), days)
        refunded = quotient + (1 if 2 * remainder >= days else 0)  # half-up, once
    else:
        refunded = 0
    return _money(refunded, places)


def _codes_without_minor_unit() -> frozenset[str]:
    """ISO 4217's "X" codes that CLDR holds legal tender in no territory, ever.

    These are exactly the codes whose ISO 4217 minor unit is "N.A." (XAU, XAG, XPD,
    XPT, XBA-XBD, XDR, XSU, XUA, XTS, XXX and withdrawn ones); the tender X codes
    (XAF, XOF, XCD, XPF, XCG) have minor units and stay known.
    """
    tender: set[str] = set()
    for entries in get_global("territory_currencies").values():
        tender.update(code for code, _start, _end, is_tender in entries if is_tender)
    return frozenset(
        code for code in get_global("all_currencies") if code[0] == "X" and code not in tender
    )


_NO_MINOR_UNIT = _codes_without_minor_unit()


def _currency_code(currency: object) -> str:
    if not isinstance(currency, str) or len(currency) != 3 or not currency.isascii():
        raise BillingError(
            BillingCode.UNKNOWN_CURRENCY,
            f"currency must be a three-letter ISO 4217 code, not {currency!r}",
            field="currency",
        )
    code = currency.upper()
    if not code.isalpha() or not is_currency(code) or code in _NO_MINOR_UNIT:
        raise BillingError(
            BillingCode.UNKNOWN_CURRENCY, f"unknown currency {currency!r}", field="currency"
        )
    return code


def _fee_in_minor_units(fee: object, places: int) -> int:
    """The fee as an exact integer count of minor units."""
    if isinstance(fee, bool) or not isinstance(fee, Decimal | int):
        raise BillingError(
            BillingCode.INVALID_FEE, f"fee must be a Decimal, not {fee!r}", field="fee"
        )
    value = Decimal(fee)
    if not value.is_finite():
        raise BillingError(BillingCode.INVALID_FEE, f"fee must be finite, not {fee}", field="fee")
    if value < 0:
        raise BillingError(
            BillingCode.NEGATIVE_FEE, f"fee must not be negative: {fee}", field="fee"
        )
    _, digits, exponent = value.as_tuple()
    coefficient = int("".join(map(str, digits)))
    shift = int(exponent) + places  # an int: the value is finite
    scale: int = 10 ** abs(shift)
    if shift >= 0:
        return coefficient * scale
    units, rest = divmod(coefficient, scale)
    if rest:
        raise BillingError(
            BillingCode.TOO_MANY_DECIMALS,
            f"fee {fee} has more decimals than the currency's {places}",
            field="fee",
        )
    return units


def _money(units: int, places: int) -> Decimal:
    """``units`` minor units as a Decimal with exactly ``places`` decimals (no rounding)."""
    return Decimal((0, tuple(int(digit) for digit in str(units)), -places))


def _require_date(value: object, field: str) -> None:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise BillingError(
            BillingCode.INVALID_DATE, f"{field} must be a date, not {value!r}", field=field
        )
