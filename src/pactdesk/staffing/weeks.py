"""The pool's weeks: ISO week names and Mondays (light: no NumPy, no solver, so the
pages' URLconf and the worker load it without the planning libraries)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from pactdesk.platform.errors import ValidationFailed
from pactdesk.staffing.error_codes import StaffingErrorCode

POOL_TIMEZONE = "UTC"
WEEK_PATTERN = re.compile(r"^([0-9]{4})-W([0-9]{2})$")  # ASCII digits only: `\d` takes "٢"
# The desk plans weeks of these years: a week's end, the clients' local days and the
# calendars' own range (years 2-9998) stay inside `date` with room to spare.
FIRST_YEAR, LAST_YEAR = 2000, 2999


def iso_week_parse(*, text: str) -> date:
    """The Monday of ISO week ``YYYY-Www`` (``2026-W49`` → 2026-11-30).

    Errors: ValidationFailed `invalid_week` (field week): not that pattern in ASCII
    digits, a week the year does not have, or a year outside 2000-2999."""
    match = WEEK_PATTERN.match(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise ValidationFailed(
            f"{text!r} is not an ISO week such as 2026-W49.",
            code=StaffingErrorCode.INVALID_WEEK,
            field="week",
        )
    year, week = int(match[1]), int(match[2])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationFailed(
            f"Weeks of the years {FIRST_YEAR} to {LAST_YEAR} only, not {year}.",
            code=StaffingErrorCode.INVALID_WEEK,
            field="week",
        )
    try:
        return date.fromisocalendar(year, week, 1)
    except ValueError:
        raise ValidationFailed(
            f"{year} has no week {week}.", code=StaffingErrorCode.INVALID_WEEK, field="week"
        ) from None


def iso_week_label(*, monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def week_monday(*, now: datetime, ahead: int = 0) -> date:
    """The Monday of the pool week holding `now`, `ahead` weeks on."""
    today = now.astimezone(ZoneInfo(POOL_TIMEZONE)).date()
    return today - timedelta(days=today.weekday()) + timedelta(weeks=ahead)
