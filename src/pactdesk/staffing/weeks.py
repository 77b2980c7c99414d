"""The pool's weeks: ISO week names and Mondays (light: no NumPy, no solver, so the
pages' URLconf and the worker load it without the planning libraries)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from pactdesk.platform.errors import ValidationFailed
from pactdesk.staffing.error_codes import StaffingErrorCode

POOL_TIMEZONE = "UTC"
WEEK_PATTERN = re.compile(r"^(\d{4})-W(\d{2})$")


def iso_week_parse(*, text: str) -> date:
    """The Monday of ISO week ``YYYY-Www`` (``2026-W49`` → 2026-11-30).

    Errors: ValidationFailed `invalid_week` (field week)."""
    match = WEEK_PATTERN.match(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise ValidationFailed(
            f"{text!r} is not an ISO week such as 2026-W49.",
            code=StaffingErrorCode.INVALID_WEEK,
            field="week",
        )
    year, week = int(match[1]), int(match[2])
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
