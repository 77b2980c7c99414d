"""Codes of refusals about the outbox and acknowledgement templates."""

from __future__ import annotations

from pactdesk.domain.error_codes import ErrorCode


class NotifyErrorCode(ErrorCode):
    """Refusals of the notify services, selectors and template rules."""

    INVALID_CHOICE = "invalid_choice"
    INVALID_LANGUAGE = "invalid_language"
    MAIL_ALREADY_SENT = "mail_already_sent"
    MAIL_NOT_FOUND = "mail_not_found"
    MAIL_NOT_RETRYABLE = "mail_not_retryable"
    NOT_CLIENT_ADMIN = "not_client_admin"
    REQUIRED = "required"
    TEMPLATE_SYNTAX = "template_syntax"
    TEMPLATE_TAG = "template_tag"
    TOO_LONG = "too_long"
    UNKNOWN_VARIABLE = "unknown_variable"
