"""Codes of intake: why a mail was quarantined (`QuarantinedMail.error_code` also keeps
the code of any `ApplicationError` lodging raised) and refusals of the quarantine."""

from __future__ import annotations

from pactdesk.domain.error_codes import ErrorCode


class IntakeErrorCode(ErrorCode):
    """Quarantine reasons and refusals of intake."""

    CLIENT_CLOSED = "client_closed"
    INTERNAL_ERROR = "internal_error"
    INVALID = "invalid"
    NO_CLIENT = "no_client"
    NO_SENDER = "no_sender"
    NOT_FOUND = "not_found"
    NOT_HELD = "not_held"
    REFUSED = "refused"
    UNPARSEABLE = "unparseable"
    VALUE_REFUSED = "value_refused"
