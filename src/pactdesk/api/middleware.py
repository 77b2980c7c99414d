"""Ninja answers a method an API path does not have with a plain-text 405 of its own,
before any operation or error handler runs; this turns it into the API's JSON error,
keeping the Allow header."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from pactdesk.api.error_codes import ApiErrorCode
from pactdesk.api.errors import error_body


class JsonMethodNotAllowed:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or not request.path.startswith("/api/"):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        allowed = response.get("Allow", "")
        message = f"{request.method} is not allowed on {request.path}; allowed: {allowed}."
        answer = JsonResponse(error_body(ApiErrorCode.METHOD_NOT_ALLOWED, message), status=405)
        answer["Allow"] = allowed
        return answer
