"""Checks on agreement data, each raising a Django ValidationError that names its field.

The calendar checks lean on the domain: `BusinessCalendar.from_spec` is the one judge
of spans (malformed, reversed, overlapping), time zones and closed dates.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError

from pactdesk.agreements.error_codes import AgreementsErrorCode
from pactdesk.domain.calendars import BusinessCalendar
from pactdesk.domain.errors import DomainError
from pactdesk.platform.error_codes import PlatformErrorCode

# ISO 4217 codes the provider invoices in, with their minor units.
CURRENCIES = {
    "AUD": 2,
    "CAD": 2,
    "CHF": 2,
    "EUR": 2,
    "GBP": 2,
    "INR": 2,
    "JPY": 0,
    "NZD": 2,
    "SEK": 2,
    "SGD": 2,
    "USD": 2,
    "ZAR": 2,
}


def validate_currency(value: str) -> None:
    if value not in CURRENCIES:
        raise ValidationError(
            f"{value!r} is not a supported currency: use one of {', '.join(sorted(CURRENCIES))}",
            code=AgreementsErrorCode.UNKNOWN_CURRENCY,
        )


def validate_timezone(value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            f"{value!r} is not a known time zone (use an IANA name such as Europe/London)",
            code=AgreementsErrorCode.UNKNOWN_TIMEZONE,
        ) from None


def validate_positive_duration(value: timedelta) -> None:
    if value <= timedelta(0):
        raise ValidationError(
            f"{value} must be longer than zero", code=AgreementsErrorCode.NEGATIVE_DURATION
        )


def holiday_dates(*, country: str, subdivision: str, years: Iterable[int]) -> list[str]:
    """Public holidays of a country (and subdivision) as ISO dates, for the given years."""
    return list(_holiday_dates(country, subdivision, tuple(sorted(set(years)))))


@lru_cache(maxsize=512)
def _holiday_dates(country: str, subdivision: str, years: tuple[int, ...]) -> tuple[str, ...]:
    if not country:
        return []
    # Imported here, by the processes that resolve holidays: its countries take ~18 MiB
    # (gunicorn's master loads them before forking, for all its workers).
    import holidays

    supported = holidays.list_supported_countries()
    if country not in supported:
        raise ValidationError(
            {
                "holiday_country": ValidationError(
                    f"{country!r} is not a country the holidays package knows (ISO 3166 alpha-2)",
                    code=AgreementsErrorCode.UNKNOWN_HOLIDAY_COUNTRY,
                )
            }
        )
    if subdivision and subdivision not in supported[country]:
        raise ValidationError(
            {
                "holiday_subdivision": ValidationError(
                    f"{subdivision!r} is not a subdivision of {country}: "
                    f"use one of {', '.join(supported[country]) or '(none)'}",
                    code=AgreementsErrorCode.UNKNOWN_HOLIDAY_SUBDIVISION,
                )
            }
        )
    table = holidays.country_holidays(country, subdiv=subdivision or None, years=list(years))
    return tuple(sorted(day.isoformat() for day in table))


def calendar_spec(
    *,
    timezone: str,
    always_open: bool,
    hours: dict[str, Any],
    closed_dates: list[str],
    holiday_country: str,
    holiday_subdivision: str,
    years: Iterable[int],
) -> dict[str, Any]:
    """The domain spec of a calendar, with the holidays of `years` resolved into it."""
    if always_open:
        return {"timezone": timezone, "always_open": True}
    closed = set(closed_dates) | set(
        holiday_dates(country=holiday_country, subdivision=holiday_subdivision, years=years)
    )
    return {"timezone": timezone, "hours": hours, "closed": sorted(closed)}


def validate_calendar(
    *,
    timezone: str,
    always_open: bool,
    hours: dict[str, Any],
    closed_dates: list[str],
    holiday_country: str,
    holiday_subdivision: str,
) -> None:
    if not isinstance(closed_dates, list):
        raise ValidationError({"closed_dates": "must be a list of YYYY-MM-DD dates"})
    if not isinstance(hours, dict):
        raise ValidationError({"hours": "must map weekdays (mon..sun) to lists of spans"})
    if holiday_subdivision and not holiday_country:
        raise ValidationError({"holiday_subdivision": "needs a holiday country"})
    spec = calendar_spec(
        timezone=timezone,
        always_open=always_open,
        hours=hours,
        closed_dates=closed_dates,
        holiday_country=holiday_country,
        holiday_subdivision=holiday_subdivision,
        years=[2000],
    )
    if not always_open:
        spec["closed"] = list(closed_dates)
    try:
        BusinessCalendar.from_spec(spec)
    except DomainError as error:
        field = _calendar_field(getattr(error, "field", None))
        raise ValidationError(
            {
                field: ValidationError(
                    str(error), code=getattr(error, "code", PlatformErrorCode.INVALID)
                )
            }
        ) from None


def _calendar_field(domain_field: str | None) -> str:
    """Map the domain's field name (hours.mon[0], timezone, closed[2]) onto the model's."""
    if not domain_field:
        return "hours"
    head = domain_field.split(".", 1)[0].split("[", 1)[0]
    return {"closed": "closed_dates", "timezone": "timezone", "always_open": "always_open"}.get(
        head, "hours"
    )
