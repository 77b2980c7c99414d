"""Codes of refusals about plans, calendars, SLA policies, agreements and seats."""

from __future__ import annotations

from pactdesk.domain.error_codes import ErrorCode


class AgreementsErrorCode(ErrorCode):
    """Refusals of the agreements services, selectors and row rules."""

    AGENT_SEATED_ELSEWHERE = "agent_seated_elsewhere"
    NEGATIVE_DURATION = "negative_duration"
    NO_AGREEMENT = "no_agreement"
    NOT_AN_AGENT = "not_an_agent"
    UNKNOWN_CURRENCY = "unknown_currency"
    UNKNOWN_FIELD = "unknown_field"
    UNKNOWN_HOLIDAY_COUNTRY = "unknown_holiday_country"
    UNKNOWN_HOLIDAY_SUBDIVISION = "unknown_holiday_subdivision"
    UNKNOWN_TIMEZONE = "unknown_timezone"
