"""Codes of refusals about clients, users and customers."""

from __future__ import annotations

from pactdesk.domain.error_codes import ErrorCode


class AccountsErrorCode(ErrorCode):
    """Refusals of the accounts services and selectors."""

    CLIENT_NOT_FOUND = "client_not_found"
    CLIENT_REQUIRED = "client_required"
    STAFF_WITH_CLIENT = "staff_with_client"
    WEAK_PASSWORD = "weak_password"
    UNKNOWN_TIME_ZONE = "unknown_time_zone"
