"""Codes of refusals about tickets, messages and their history."""

from __future__ import annotations

from pactdesk.domain.error_codes import ErrorCode


class DeskErrorCode(ErrorCode):
    """Refusals of the desk services and selectors (and the pages that check first)."""

    ALREADY_MERGED = "already_merged"
    ATTACHMENT_NOT_FOUND = "attachment_not_found"
    ATTACHMENT_TOO_LARGE = "attachment_too_large"
    BODY_TOO_LARGE = "body_too_large"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    INVALID_CHOICE = "invalid_choice"
    INVALID_TRANSITION = "invalid_transition"
    NOT_A_PARTICIPANT = "not_a_participant"
    NOT_MERGED = "not_merged"
    NOT_SEATED = "not_seated"
    NOT_STAFF = "not_staff"
    OTHER_CLIENT = "other_client"
    OTHER_CUSTOMER = "other_customer"
    RAW_MAIL_NOT_FOUND = "raw_mail_not_found"
    REQUIRED = "required"
    SEATED_ELSEWHERE = "seated_elsewhere"
    TARGET_CLOSED = "target_closed"
    TICKET_CLOSED = "ticket_closed"
    TICKET_NOT_FOUND = "ticket_not_found"
    TOO_LONG = "too_long"
    TOO_MANY_ATTACHMENTS = "too_many_attachments"
