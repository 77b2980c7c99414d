"""The one error map: every refusal the API gives is JSON {"code", "message", "field"?}.

- `ApplicationError` (and its subclasses) answer with their own `http_status`.
- `DomainError` from the pure core is a 422 through `ValidationFailed.from_domain`.
- Ninja's request validation (missing fields, wrong types, unknown fields, bad enum
  values) is a 422 `invalid_request` naming the field; unparsable JSON is a 400
  `invalid_json`.
- No or a bad API key is a 401 `unauthenticated` with `WWW-Authenticate: Bearer`.
- Anything else is logged and answered 500 `server_error`, still as JSON.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestInvalid

from pactdesk.api.error_codes import ApiErrorCode
from pactdesk.domain.error_codes import ErrorCode
from pactdesk.domain.errors import DomainError
from pactdesk.platform.errors import ApplicationError, ValidationFailed

logger = logging.getLogger(__name__)

SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}
# The names operations give their schema parameters; they are not part of the field path.
WRAPPERS = {"payload", "filters"}
STATUS_CODES = {
    400: ApiErrorCode.BAD_REQUEST,
    403: ApiErrorCode.FORBIDDEN,
    404: ApiErrorCode.NOT_FOUND,
    405: ApiErrorCode.METHOD_NOT_ALLOWED,
    429: ApiErrorCode.THROTTLED,
}


def error_body(code: ErrorCode, message: str, field: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if field:
        body["field"] = field
    return body


def install_error_map(api: NinjaAPI) -> None:
    def answer(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
        return api.create_response(request, body, status=status)

    def application(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
        return answer(request, exc.http_status, exc.as_dict())

    def domain(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return application(request, ValidationFailed.from_domain(exc))

    def invalid(request: HttpRequest, exc: RequestInvalid) -> HttpResponse:
        return answer(request, 422, request_error(exc.errors))

    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        offered = "Authorization" in request.headers
        message = (
            "The API key is unknown or revoked."
            if offered
            else "Send an API key: Authorization: Bearer pd_..."
        )
        response = answer(request, 401, error_body(ApiErrorCode.UNAUTHENTICATED, message))
        challenge = 'Bearer realm="pactdesk"'
        response["WWW-Authenticate"] = challenge + (', error="invalid_token"' if offered else "")
        return response

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        cause = exc.__cause__  # Ninja wraps what failed while reading the body
        if isinstance(cause, RequestDataTooBig):
            return too_large(request, cause)
        if exc.status_code == 400 and isinstance(cause, ValueError):
            return answer(
                request,
                400,
                error_body(
                    ApiErrorCode.INVALID_JSON, f"The request body is not valid JSON: {cause}"
                ),
            )
        code = STATUS_CODES.get(exc.status_code, ApiErrorCode.ERROR)
        return answer(request, exc.status_code, error_body(code, str(exc)))

    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return answer(request, 404, error_body(ApiErrorCode.NOT_FOUND, "Not found."))

    def too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return answer(
            request,
            413,
            error_body(
                ApiErrorCode.REQUEST_TOO_LARGE, f"The request body is larger than {limit} bytes."
            ),
        )

    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API request %s %s failed", request.method, request.path, exc_info=exc)
        return answer(
            request, 500, error_body(ApiErrorCode.SERVER_ERROR, "Something went wrong on our side.")
        )

    for kind, handler in (
        (ApplicationError, application),
        (DomainError, domain),
        (RequestInvalid, invalid),
        (AuthenticationError, unauthenticated),
        (HttpError, http_error),
        (Http404, not_found),
        (RequestDataTooBig, too_large),
        (Exception, server_error),
    ):
        api.add_exception_handler(kind, handler)  # type: ignore[arg-type]


def request_error(errors: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The first problem pydantic found, as our error body (every problem in the message)."""
    problems = [_problem(error) for error in errors] or [(None, "the request is not valid")]
    field, _ = problems[0]
    message = "; ".join(text for _, text in problems)
    return error_body(ApiErrorCode.INVALID_REQUEST, message, field)


def field_path(loc: Sequence[Any]) -> str | None:
    parts = list(loc)
    if parts and parts[0] in SOURCES:
        parts = parts[1:]
    if parts and parts[0] in WRAPPERS:
        parts = parts[1:]
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or None


def _problem(error: dict[str, Any]) -> tuple[str | None, str]:
    field = field_path(error.get("loc", ()))
    kind = error.get("type", "")
    if field is None and kind == "missing":
        return None, "The request body is required: send a JSON object."
    if kind == "extra_forbidden":
        return field, f"{field}: unknown field; it is not part of this request"
    if kind == "missing":
        return field, f"{field}: required"
    text = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    return field, f"{field}: {text}" if field else text
