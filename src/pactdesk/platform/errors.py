"""The one error hierarchy of the application layer.

Every refusal a user can meet is an `ApplicationError` with a stable `code`, the
`field` it is about (when there is one) and a sentence for people. The API maps the
classes to HTTP statuses in one place; forms and the CLI show the message.
Domain errors (`pactdesk.domain.errors.DomainError`) are turned into
`ValidationFailed` by `from_domain`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pactdesk.domain.error_codes import ErrorCode
from pactdesk.platform.error_codes import PlatformErrorCode


class ApplicationError(Exception):
    """Base of every refusal. `http_status` is the API's answer for the class."""

    http_status: ClassVar[int] = 400
    default_code: ClassVar[ErrorCode] = PlatformErrorCode.ERROR

    # `code` is a member of a context's ErrorCode enum (a plain str only when relayed
    # from a Django validator's own code, as `platform.validation` does).
    def __init__(
        self, message: str, *, code: ErrorCode | str | None = None, field: str | None = None
    ):
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.field = field

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field:
            body["field"] = self.field
        return body


class ValidationFailed(ApplicationError):
    """Input that breaks a rule; nothing was saved."""

    http_status = 422
    default_code = PlatformErrorCode.INVALID

    @classmethod
    def from_domain(cls, error: Exception, *, prefix: str = "") -> ValidationFailed:
        field = getattr(error, "field", None)
        code = getattr(error, "code", None) or cls.default_code
        if prefix:
            field = f"{prefix}.{field}" if field else prefix
        return cls(str(error), code=code, field=field)


class NotFound(ApplicationError):
    """The row does not exist, or the actor may not see it (we never tell which)."""

    http_status = 404
    default_code = PlatformErrorCode.NOT_FOUND


class PermissionDenied(ApplicationError):
    """The actor can see the row but may not do this to it."""

    http_status = 403
    default_code = PlatformErrorCode.FORBIDDEN


class Conflict(ApplicationError):
    """The action clashes with the current state (a seat already held, say)."""

    http_status = 409
    default_code = PlatformErrorCode.CONFLICT


class ServiceClosed(Conflict):
    """The client was deactivated: its web form, portal and mail take nothing more.
    Pages answer it with the "service closed" page (a 404), the API with a 409."""

    default_code = PlatformErrorCode.CLIENT_CLOSED

    @classmethod
    def of(cls, client_name: str) -> ServiceClosed:
        return cls(
            f"{client_name} support is closed: requests are no longer taken here.",
            code=cls.default_code,
        )
