"""GET /api/tickets/{id} and GET /api/tickets: what each caller sees, filters, cursor
pages and a constant number of queries per page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pactdesk.desk.services import (
    ticket_assign,
    ticket_mark_invalid,
    ticket_note,
    ticket_priority_change,
    ticket_reply,
    ticket_status_change,
)
from tests.conftest import NOW

pytestmark = pytest.mark.django_db


def ids(answer) -> list[int]:
    return [item["id"] for item in answer.body["items"]]


def test_get_answers_the_ticket_with_messages_and_sla(staff_api, agent, lodged, northwind):
    ticket = lodged(northwind)
    ticket_reply(actor=agent, ticket=ticket, body="Unplug it.", now=NOW + timedelta(minutes=5))
    answer = staff_api.get(f"/api/tickets/{ticket.pk}")
    assert answer.status == 200
    assert answer.body["status"] == "open"
    assert [(m["kind"], m["body"]) for m in answer.body["messages"]] == [
        ("customer", "It is on fire."),
        ("staff", "Unplug it."),
    ]
    assert answer.body["messages"][1]["author"] == {"id": agent.pk, "name": "Ana Agent"}
    first = answer.body["sla"]["metrics"]["first_response"]
    assert (first["state"], first["met_at"]) == ("met", "2026-03-02T15:05:00Z")
    assert answer.body["sla"]["next_due_at"] == "2026-03-02T19:00:00Z"  # the 4-hour answer


def test_internal_notes_are_for_staff_only(staff_api, client_api, agent, lodged, northwind):
    ticket = lodged(northwind)
    ticket_note(actor=agent, ticket=ticket, body="VIP customer", now=NOW)
    staff_kinds = [m["kind"] for m in staff_api.get(f"/api/tickets/{ticket.pk}").body["messages"]]
    client_kinds = [m["kind"] for m in client_api.get(f"/api/tickets/{ticket.pk}").body["messages"]]
    assert (staff_kinds, client_kinds) == (["customer", "note"], ["customer"])


def test_an_unknown_ticket_is_404(staff_api) -> None:
    answer = staff_api.get("/api/tickets/999")
    assert answer.status == 404
    assert answer.body == {"code": "ticket_not_found", "message": "Ticket 999 was not found."}


def test_list_is_newest_first_and_a_client_key_sees_only_its_client(
    staff_api, client_api, lodged, northwind, contoso
) -> None:
    older = lodged(northwind, now=NOW - timedelta(hours=1))
    newer = lodged(northwind)
    theirs = lodged(contoso)
    assert ids(client_api.get("/api/tickets")) == [newer.pk, older.pk]
    assert ids(staff_api.get("/api/tickets")) == [theirs.pk, newer.pk, older.pk]
    assert client_api.get("/api/tickets").body["next_cursor"] is None


def test_list_filters(staff_api, agent, lodged, northwind, contoso) -> None:
    mine = lodged(northwind, subject="Toner low", priority="high")
    ticket_assign(actor=agent, ticket=mine, assignee=agent, now=NOW)
    waiting = lodged(northwind, customer_email="kim@shop.test", now=NOW - timedelta(minutes=1))
    ticket_status_change(actor=agent, ticket=waiting, status="waiting", now=NOW)
    spam = lodged(contoso, now=NOW - timedelta(minutes=2))
    ticket_mark_invalid(actor=agent, ticket=spam, reason="spam", now=NOW)
    other = agent.__class__.objects.create(email="bo@pactdesk.test", name="Bo", role="agent")
    ticket_priority_change(actor=agent, ticket=spam, priority="low", now=NOW)

    def listed(**query) -> list[int]:
        answer = staff_api.get("/api/tickets", query=query)
        assert answer.status == 200, answer.body
        return ids(answer)

    assert listed(status="waiting") == [waiting.pk]
    assert listed(status="new,waiting") == [mine.pk, waiting.pk, spam.pk]
    assert listed(client="contoso") == listed(client=str(contoso.pk)) == [spam.pk]
    assert listed(assignee="me") == listed(assignee=str(agent.pk)) == [mine.pk]
    assert listed(assignee=str(other.pk)) == []
    assert listed(assignee="none") == [waiting.pk, spam.pk]
    assert listed(priority="high") == [mine.pk]
    assert listed(valid="false") == [spam.pk]
    assert listed(valid="true") == [mine.pk, waiting.pk]
    assert listed(q="toner") == [mine.pk]
    assert listed(q="kim@shop") == [waiting.pk]
    assert listed(q=f"PD-{spam.pk}") == [spam.pk]
    # Soonest due first: first responses due 15:29 and 15:30; the invalid one has no clock.
    assert listed(breaching_within_minutes="60") == [waiting.pk, mine.pk]


def test_breaching_soon_is_soonest_due_first(staff_api, lodged, northwind) -> None:
    late = lodged(northwind)
    soon = lodged(northwind, now=NOW - timedelta(minutes=20))
    answer = staff_api.get("/api/tickets", query={"breaching_within_minutes": "15"})
    assert ids(answer) == [soon.pk]
    answer = staff_api.get("/api/tickets", query={"breaching_within_minutes": "45"})
    assert ids(answer) == [soon.pk, late.pk]


def test_the_cursor_walks_every_ticket_exactly_once(client_api, lodged, northwind) -> None:
    made = [lodged(northwind, now=NOW - timedelta(minutes=i // 2)).pk for i in range(11)]
    seen, cursor, pages = [], None, 0
    while True:
        query = {"limit": "4", **({"cursor": cursor} if cursor else {})}
        answer = client_api.get("/api/tickets", query=query)
        seen += ids(answer)
        pages += 1
        cursor = answer.body["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert sorted(seen) == sorted(made)
    assert len(seen) == len(set(seen)) == 11


def test_the_breaching_cursor_walks_every_ticket_exactly_once(staff_api, lodged, northwind):
    made = [lodged(northwind, now=NOW - timedelta(minutes=i % 3)).pk for i in range(7)]
    seen, cursor = [], None
    while True:
        query = {
            "limit": "3",
            "breaching_within_minutes": "600",
            **({"cursor": cursor} if cursor else {}),
        }
        answer = staff_api.get("/api/tickets", query=query)
        seen += ids(answer)
        cursor = answer.body["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(made)
    assert len(seen) == 7


@pytest.mark.parametrize(
    ("query", "code", "field"),
    [
        ({"cursor": "not-a-cursor"}, "invalid_cursor", "cursor"),
        ({"cursor": "MjAyNnww"}, "invalid_cursor", "cursor"),
        ({"limit": "0"}, "invalid_request", "limit"),
        ({"limit": "101"}, "invalid_request", "limit"),
        ({"limit": "ten"}, "invalid_request", "limit"),
        ({"status": "pending"}, "invalid_request", "status"),
        ({"priority": "critical"}, "invalid_request", "priority"),
        ({"valid": "maybe"}, "invalid_request", "valid"),
        ({"assignee": "someone"}, "invalid_request", "assignee"),
        ({"breaching_within_minutes": "-5"}, "invalid_request", "breaching_within_minutes"),
        ({"client": "nowhere"}, "unknown_client", "client"),
        ({"sort": "subject"}, "invalid_request", "sort"),
    ],
)
def test_bad_list_queries_are_refused(staff_api, query, code, field) -> None:
    answer = staff_api.get("/api/tickets", query=query)
    assert answer.status == 422
    assert (answer.body["code"], answer.body.get("field")) == (code, field)


def test_a_client_key_cannot_filter_its_way_to_another_client(client_api, lodged, contoso):
    lodged(contoso)
    answer = client_api.get("/api/tickets", query={"client": "contoso"})
    assert (answer.status, answer.body["code"]) == (422, "unknown_client")
    assert ids(client_api.get("/api/tickets")) == []
    refused = client_api.get("/api/tickets", query={"assignee": "me"})
    assert (refused.status, refused.body["field"]) == (422, "assignee")


@pytest.mark.parametrize("count", [2, 30])
def test_listing_costs_the_same_queries_for_any_number_of_tickets(
    staff_api, agent, lodged, northwind, contoso, count
) -> None:
    for i in range(count):
        ticket = lodged(northwind if i % 2 else contoso, customer_email=f"c{i}@shop.test")
        if i % 3 == 0:
            ticket_assign(actor=agent, ticket=ticket, assignee=agent, now=NOW)
    staff_api.get("/api/tickets")  # the key's first use writes last_used_at (once a minute)
    with CaptureQueriesContext(connection) as queries:
        answer = staff_api.get("/api/tickets", query={"limit": "50", "client": "northwind"})
    assert len(answer.body["items"]) == count // 2
    # The key (with its user), the client filter, the page with client/customer/assignee.
    assert len(queries) == 3, [q["sql"] for q in queries.captured_queries]
