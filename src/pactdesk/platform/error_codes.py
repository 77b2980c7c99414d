"""Codes of the platform: the error classes' defaults and the shared list cursor."""

from __future__ import annotations

from pactdesk.domain.error_codes import ErrorCode


class PlatformErrorCode(ErrorCode):
    """The `ApplicationError` classes' default codes, and the platform's own."""

    ERROR = "error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    CONFLICT = "conflict"
    CLIENT_CLOSED = "client_closed"
    INVALID_CURSOR = "invalid_cursor"
