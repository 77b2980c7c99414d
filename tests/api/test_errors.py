"""The error map's edges: oversized bodies, unexpected failures, unknown methods."""

from __future__ import annotations

import pytest

from pactdesk.desk.models import Ticket
from tests.api.conftest import NEW_TICKET

pytestmark = pytest.mark.django_db


def test_a_body_over_the_upload_limit_is_413(client_api, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    answer = client_api.post("/api/tickets", {**NEW_TICKET, "body": "x" * 2000})
    assert answer.status == 413
    assert answer.body == {
        "code": "request_too_large",
        "message": "The request body is larger than 1000 bytes.",
    }
    assert Ticket.objects.count() == 0


def test_an_unexpected_failure_is_a_json_500_and_logged(staff_api, monkeypatch, caplog) -> None:
    def broken(**kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("pactdesk.api.tickets.router.ticket_list", broken)
    answer = staff_api.get("/api/tickets")
    assert answer.status == 500
    assert answer.body == {"code": "server_error", "message": "Something went wrong on our side."}
    assert "disk on fire" in caplog.text


def test_a_method_the_path_does_not_have_is_a_json_405(staff_api, lodged, northwind) -> None:
    """Ninja answers this one itself, before any operation runs; still JSON."""
    ticket = lodged(northwind)
    answer = staff_api.call("DELETE", f"/api/tickets/{ticket.pk}")
    assert answer.status == 405
    # Ninja builds the header from a set: the order is not defined.
    allowed = answer.headers["Allow"]
    assert sorted(allowed.split(", ")) == ["GET", "PATCH"]
    assert answer.body == {
        "code": "method_not_allowed",
        "message": f"DELETE is not allowed on /api/tickets/{ticket.pk}; allowed: {allowed}.",
    }
    assert Ticket.objects.count() == 1


def test_an_unknown_api_path_is_a_json_404(staff_api) -> None:
    answer = staff_api.call("GET", "/api/nothing/here")
    assert answer.status == 404
    assert answer.body == {
        "code": "not_found",
        "message": "No API operation at /api/nothing/here; see /api/docs.",
    }
