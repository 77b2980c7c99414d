"""Codes of refusals about report periods."""

from __future__ import annotations

from pactdesk.domain.error_codes import ErrorCode


class ReportsErrorCode(ErrorCode):
    """Refusals of the reports: a period that does not exist or cannot be reported."""

    INVALID_DATE = "invalid_date"
    INVALID_MONTH = "invalid_month"
    PERIOD_CONFLICT = "period_conflict"
    RANGE_REVERSED = "range_reversed"
    RANGE_TOO_LONG = "range_too_long"
