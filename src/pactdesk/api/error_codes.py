"""Codes the API answers with, and the list of every code it documents."""

from __future__ import annotations

from pactdesk.accounts.error_codes import AccountsErrorCode
from pactdesk.agreements.error_codes import AgreementsErrorCode
from pactdesk.billing.error_codes import BillingErrorCode
from pactdesk.desk.error_codes import DeskErrorCode
from pactdesk.domain.error_codes import DomainErrorCode, ErrorCode
from pactdesk.notify.error_codes import NotifyErrorCode
from pactdesk.payments.error_codes import PaymentsErrorCode
from pactdesk.platform.error_codes import PlatformErrorCode
from pactdesk.reports.error_codes import ReportsErrorCode
from pactdesk.routing.error_codes import RoutingErrorCode
from pactdesk.staffing.error_codes import StaffingErrorCode
from pactdesk.work.error_codes import WorkErrorCode


class ApiErrorCode(ErrorCode):
    """Refusals of the API itself: authentication, request parsing, keys, look-ups."""

    ALREADY_REVOKED = "already_revoked"
    API_KEY_NOT_FOUND = "api_key_not_found"
    BAD_REQUEST = "bad_request"
    CLIENT_NOT_FOUND = "client_not_found"
    ERROR = "error"
    FORBIDDEN = "forbidden"
    INVALID_JSON = "invalid_json"
    INVALID_REQUEST = "invalid_request"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    NOT_FOUND = "not_found"
    OWNER = "owner"
    REQUEST_TOO_LARGE = "request_too_large"
    REQUIRED = "required"
    SERVER_ERROR = "server_error"
    STAFF_NOT_FOUND = "staff_not_found"
    THROTTLED = "throttled"
    UNAUTHENTICATED = "unauthenticated"
    UNKNOWN_ASSIGNEE = "unknown_assignee"
    UNKNOWN_CLIENT = "unknown_client"


# The enums of every context an API operation calls (intake's codes are never an answer).
ANSWERED: tuple[type[ErrorCode], ...] = (
    ApiErrorCode,
    DeskErrorCode,
    NotifyErrorCode,
    AgreementsErrorCode,
    AccountsErrorCode,
    PlatformErrorCode,
    DomainErrorCode,
    ReportsErrorCode,
    PaymentsErrorCode,
    RoutingErrorCode,
    StaffingErrorCode,
    WorkErrorCode,
    BillingErrorCode,
)


def documented_codes() -> list[str]:
    """Every code an API answer may carry, sorted, each once."""
    return sorted({code.value for codes in ANSWERED for code in codes})
