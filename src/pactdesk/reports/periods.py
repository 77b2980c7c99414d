"""The period a report covers: a calendar month or a range of dates, in a time zone.

A ticket belongs to the period in which it was lodged, read in the agreement's time
zone: [start, end) are the local midnights that bound the period, as aware instants.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pactdesk.platform.errors import ValidationFailed
from pactdesk.reports.error_codes import ReportsErrorCode

MAX_RANGE_DAYS = 366
# ASCII digits only: `\d` would also read Arabic-Indic or Devanagari digits as a year.
MONTH_PATTERN = re.compile(r"([0-9]{4})-([0-9]{2})")
DATE_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# The years a period may fall in: no stored instant precedes the Unix epoch, and 9998
# is the last year whose end (the next day's midnight) every time zone can still hold
# as a datetime (9999-12-31 + 1 day is out of range).
FIRST_YEAR, LAST_YEAR = 1970, 9998


@dataclass(frozen=True)
class PeriodSpec:
    """What was asked for, before a time zone is known: a month, or first and last day
    (both included). `is_default`: no period was named, so it is "the current month",
    which `in_zone` settles once the agreement's time zone is known (at 20:00 on 30
    November in New York it is already 1 December in UTC)."""

    first: date
    last: date
    is_month: bool
    is_default: bool = False

    @property
    def label(self) -> str:
        if self.is_month:
            return self.first.strftime("%Y-%m")
        return f"{self.first.isoformat()}..{self.last.isoformat()}"

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def in_zone(self, *, now: datetime, timezone: str) -> PeriodSpec:
        """The spec itself, or for the default one the month holding `now` in
        `timezone`."""
        if not self.is_default:
            return self
        return current_month(now=now, timezone=timezone)


@dataclass(frozen=True)
class Period:
    """A spec placed in a time zone: lodged_at in [start, end) belongs to it."""

    spec: PeriodSpec
    timezone: str
    start: datetime
    end: datetime

    def contains(self, instant: datetime) -> bool:
        return self.start <= instant < self.end


def period_spec_parse(
    *, month: str | None, first: str | None, last: str | None, today: date
) -> PeriodSpec:
    """A month "YYYY-MM" or a range "YYYY-MM-DD".."YYYY-MM-DD" (both days included);
    neither means the current month: the month of `today` (a first guess, e.g. in UTC)
    marked `is_default`, which the reports settle in the agreement's time zone
    (`PeriodSpec.in_zone`).

    Both are written in ASCII digits; a year outside FIRST_YEAR..LAST_YEAR is refused.

    Errors: ValidationFailed `invalid_month` (field month), `invalid_date` (field from
    or to), `period_conflict` (month with a range, or half a range), `range_reversed`,
    `range_too_long` (more than 366 days).
    """
    if month is not None and (first is not None or last is not None):
        raise ValidationFailed(
            "Give a month or a range of dates, not both.",
            code=ReportsErrorCode.PERIOD_CONFLICT,
            field="month",
        )
    if (first is None) != (last is None):
        field = "to" if last is None else "from"
        raise ValidationFailed(
            "A range needs both from and to.", code=ReportsErrorCode.PERIOD_CONFLICT, field=field
        )
    if first is not None and last is not None:
        start, end = _date(first, "from"), _date(last, "to")
        if end < start:
            raise ValidationFailed(
                f"The range ends ({end}) before it starts ({start}).",
                code=ReportsErrorCode.RANGE_REVERSED,
                field="to",
            )
        spec = PeriodSpec(first=start, last=end, is_month=False)
        if spec.days > MAX_RANGE_DAYS:
            raise ValidationFailed(
                f"A range covers at most {MAX_RANGE_DAYS} days; this one covers {spec.days}.",
                code=ReportsErrorCode.RANGE_TOO_LONG,
                field="to",
            )
        return spec
    if month is None:
        first_day = today.replace(day=1)
        return PeriodSpec(
            first=first_day, last=_month_end(first_day), is_month=True, is_default=True
        )
    first_day = _month(month)
    return PeriodSpec(first=first_day, last=_month_end(first_day), is_month=True)


def current_month(*, now: datetime, timezone: str) -> PeriodSpec:
    """The month holding `now` in `timezone` (a default spec: `is_default`)."""
    first_day = now.astimezone(ZoneInfo(timezone)).date().replace(day=1)
    return PeriodSpec(first=first_day, last=_month_end(first_day), is_month=True, is_default=True)


def period_in(spec: PeriodSpec, timezone: str) -> Period:
    """The spec's local midnights in `timezone` as aware UTC instants."""
    zone = ZoneInfo(timezone)
    start = datetime.combine(spec.first, time(0), tzinfo=zone)
    end = datetime.combine(spec.last + timedelta(days=1), time(0), tzinfo=zone)
    return Period(
        spec=spec, timezone=timezone, start=start.astimezone(UTC), end=end.astimezone(UTC)
    )


def _month(text: str) -> date:
    found = MONTH_PATTERN.fullmatch(text.strip())
    if found is None:
        raise ValidationFailed(
            f"{_shown(text)} is not a month; write YYYY-MM.",
            code=ReportsErrorCode.INVALID_MONTH,
            field="month",
        )
    year, number = int(found.group(1)), int(found.group(2))
    if not 1 <= number <= 12 or year < 1:
        raise ValidationFailed(
            f"{_shown(text)} is not a month that exists.",
            code=ReportsErrorCode.INVALID_MONTH,
            field="month",
        )
    _year_reported(year, text, code=ReportsErrorCode.INVALID_MONTH, field="month")
    return date(year, number, 1)


def _date(text: str, field: str) -> date:
    """Only "YYYY-MM-DD": `date.fromisoformat` alone would also take "20261001" and
    ISO weeks ("2026-W40-1")."""
    try:
        if DATE_PATTERN.fullmatch(text.strip()) is None:
            raise ValueError(text)
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationFailed(
            f"{_shown(text)} is not a date that exists; write YYYY-MM-DD.",
            code=ReportsErrorCode.INVALID_DATE,
            field=field,
        ) from None
    _year_reported(day.year, text, code=ReportsErrorCode.INVALID_DATE, field=field)
    return day


def _year_reported(year: int, text: str, *, code: ReportsErrorCode, field: str) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationFailed(
            f"{_shown(text)} is outside the years a report can cover "
            f"({FIRST_YEAR} to {LAST_YEAR}).",
            code=code,
            field=field,
        )


def _shown(text: str) -> str:
    """The input as the error message repeats it: quoted, at most 20 characters (a
    4,000-character "month" is not echoed back whole)."""
    return repr(text if len(text) <= 20 else text[:20] + "…")


def _month_end(first: date) -> date:
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return following - timedelta(days=1)
