"""Codes of refusals about report periods."""

from __future__ import annotations

from pactdesk.domain.error_codes import ErrorCode


class ReportsErrorCode(ErrorCode):
    """Refusals of the reports: a period that does not exist or cannot be reported."""

    INVALID_DATE = "invalid_date"
    INVALID_GROUPING = "invalid_grouping"
    INVALID_MONTH = "invalid_month"
    MONTH_NOT_OVER = "month_not_over"
    MONTHLY_REPORT_NOT_FOUND = "monthly_report_not_found"
    PERIOD_CONFLICT = "period_conflict"
    RANGE_REVERSED = "range_reversed"
    RANGE_TOO_LONG = "range_too_long"
