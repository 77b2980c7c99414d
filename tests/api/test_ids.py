"""Every id a request carries (path, query, body) is checked against what the database
keeps (1..2**63-1) before any query: out of range is the usual refusal naming the
field, never a server error. The fuzzer (test_schema_fuzz.py) tries the same edges for
every operation; these pin the answers."""

from __future__ import annotations

import pytest

from pactdesk.desk.models import Ticket, TicketEvent
from tests.api.conftest import NEW_TICKET

pytestmark = pytest.mark.django_db

TOO_BIG = 2**63
HUGE = "99999999999999999999999"  # the review's example


@pytest.mark.parametrize("value", [HUGE, str(TOO_BIG), "0", "²"])
def test_an_assignee_that_is_no_id_is_refused(client_api, staff_api, value) -> None:
    for api in (client_api, staff_api):
        answer = api.get("/api/tickets", query={"assignee": value})
        assert (answer.status, answer.body) == (
            422,
            {
                "code": "invalid_request",
                "message": "assignee: use me, none or a user id",
                "field": "assignee",
            },
        )


def test_a_client_number_out_of_range_is_an_unknown_client(staff_api) -> None:
    answer = staff_api.get("/api/tickets", query={"client": HUGE})
    assert (answer.status, answer.body) == (
        422,
        {
            "code": "unknown_client",
            "message": f"client: no client '{HUGE}'",
            "field": "client",
        },
    )


def test_a_search_for_a_reference_out_of_range_finds_nothing(staff_api, lodged, northwind):
    lodged(northwind)
    answer = staff_api.get("/api/tickets", query={"q": f"PD-{HUGE}"})
    assert (answer.status, answer.body) == (200, {"items": [], "next_cursor": None})


@pytest.mark.parametrize("method", ["GET", "PATCH"])
def test_a_ticket_id_out_of_range_in_the_path_is_refused(staff_api, method) -> None:
    answer = staff_api.call(method, f"/api/tickets/{TOO_BIG}", {"priority": "high"})
    assert (answer.status, answer.body) == (
        422,
        {
            "code": "invalid_request",
            "message": "ticket_id: Input should be less than or equal to 9223372036854775807",
            "field": "ticket_id",
        },
    )


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/tickets/{id}", {"assignee_id": TOO_BIG}, "assignee_id"),
        ("/api/tickets/{id}", {"assignee_id": 0}, "assignee_id"),
        ("/api/tickets/{id}/merge", {"into": TOO_BIG}, "into"),
    ],
)
def test_an_id_out_of_range_in_a_body_is_refused_and_nothing_changes(
    staff_api, lodged, northwind, path, body, field
) -> None:
    ticket = lodged(northwind)
    events = TicketEvent.objects.filter(ticket=ticket).count()
    method = "PATCH" if path.endswith("{id}") else "POST"
    answer = staff_api.call(method, path.format(id=ticket.pk), body)
    assert (answer.status, answer.body["code"], answer.body["field"]) == (
        422,
        "invalid_request",
        field,
    )
    ticket.refresh_from_db()
    assert (ticket.assignee_id, ticket.merged_into_id) == (None, None)
    assert TicketEvent.objects.filter(ticket=ticket).count() == events


def test_lodging_for_a_client_number_out_of_range_is_refused(staff_api) -> None:
    answer = staff_api.post("/api/tickets", {**NEW_TICKET, "client": TOO_BIG})
    assert (answer.status, answer.body) == (
        422,
        {
            "code": "invalid_request",
            "message": f"client: a client id is 1..{TOO_BIG - 1}",
            "field": "client",
        },
    )
    assert Ticket.objects.count() == 0
