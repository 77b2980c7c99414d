"""Any path under /api/ that no operation has answers JSON 404 `not_found`, whatever
the method, with or without a key, and even with Django's CSRF check enforced (a POST
from a script carries no CSRF token: it must not get Django's HTML 403)."""

from __future__ import annotations

import json

import pytest
from django.test import Client as HttpClient

pytestmark = pytest.mark.django_db

PATHS = (
    "/api/billing/hirez/1/cancel",
    "/api/billing/hires/1/cancel/",
    "/api/billing/",
    "/api/nothing/here",
    "/api/",
)
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("path", PATHS)
def test_an_unknown_api_path_is_a_json_404(method: str, path: str) -> None:
    http = HttpClient(enforce_csrf_checks=True)

    response = http.generic(
        method,
        path,
        b'{"x": 1}',
        content_type="application/json",
        headers={"Authorization": "Bearer pd_unknown"},
    )

    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/json"
    assert json.loads(response.content) == {
        "code": "not_found",
        "message": f"No API operation at {path}; see /api/docs.",
    }


def test_a_head_request_is_a_404_without_a_body() -> None:
    response = HttpClient(enforce_csrf_checks=True).head("/api/billing/hirez")

    assert (response.status_code, response.content) == (404, b"")
