"""PATCH /api/tickets/{id}, replies, notes, merge and unmerge: each through the desk,
and a refused request changes nothing."""

from __future__ import annotations

import pytest
from django.core import mail

from pactdesk.desk.services import ticket_status_change
from tests.conftest import NOW
from tests.factories import UserFactory, ticket_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(lodged, northwind):
    return lodged(northwind)


def test_patch_changes_status_priority_and_assignee(staff_api, agent, ticket) -> None:
    answer = staff_api.patch(
        f"/api/tickets/{ticket.pk}",
        {"status": "open", "priority": "urgent", "assignee_id": agent.pk},
    )
    assert answer.status == 200
    assert (answer.body["status"], answer.body["priority"], answer.body["assignee"]) == (
        "open",
        "urgent",
        {"id": agent.pk, "name": "Ana Agent"},
    )
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.assignee_id) == ("open", "urgent", agent.pk)
    kinds = list(ticket.events.values_list("kind", "value"))
    # The history names the assignee (client users read it), never their address.
    assert kinds[-3:] == [("priority", "urgent"), ("assigned", agent.name), ("status", "open")]


def test_patch_assignee_null_unassigns(staff_api, agent, ticket) -> None:
    staff_api.patch(f"/api/tickets/{ticket.pk}", {"assignee_id": agent.pk})
    answer = staff_api.patch(f"/api/tickets/{ticket.pk}", {"assignee_id": None})
    assert (answer.status, answer.body["assignee"]) == (200, None)
    ticket.refresh_from_db()
    assert ticket.assignee_id is None


def test_patch_marks_invalid_with_a_reason_and_valid_again(staff_api, ticket) -> None:
    answer = staff_api.patch(
        f"/api/tickets/{ticket.pk}", {"valid": False, "invalid_reason": "spam"}
    )
    assert (answer.status, answer.body["valid"], answer.body["invalid_reason"]) == (
        200,
        False,
        "spam",
    )
    assert answer.body["sla"]["next_due_at"] is None
    again = staff_api.patch(f"/api/tickets/{ticket.pk}", {"valid": True})
    assert (again.body["valid"], again.body["invalid_reason"]) == (True, "")
    assert again.body["sla"]["next_due_at"] == "2026-03-02T15:30:00Z"


def test_an_invalid_transition_is_a_conflict_from_the_desk(staff_api, agent, ticket) -> None:
    ticket_status_change(actor=agent, ticket=ticket, status="solved", now=NOW)
    ticket_status_change(actor=agent, ticket=ticket, status="closed", now=NOW)
    before = ticket_snapshot(ticket)
    answer = staff_api.patch(f"/api/tickets/{ticket.pk}", {"status": "open"})
    assert answer.status == 409
    assert answer.body == {
        "code": "invalid_transition",
        "field": "status",
        "message": "status: a closed ticket cannot become open",
    }
    assert ticket_snapshot(ticket) == before


def test_a_patch_is_all_or_nothing(staff_api, agent, ticket) -> None:
    """The priority change is valid, the status change is not: neither is written."""
    before = ticket_snapshot(ticket)
    answer = staff_api.patch(f"/api/tickets/{ticket.pk}", {"priority": "high", "status": "closed"})
    assert (answer.status, answer.body["code"]) == (409, "invalid_transition")
    assert ticket_snapshot(ticket) == before


def test_assigning_a_client_user_is_refused(staff_api, ticket, northwind) -> None:
    outsider = UserFactory(role="client_admin", client=northwind)
    before = ticket_snapshot(ticket)
    answer = staff_api.patch(f"/api/tickets/{ticket.pk}", {"assignee_id": outsider.pk})
    assert (answer.status, answer.body["code"], answer.body["field"]) == (
        422,
        "not_staff",
        "assignee",
    )
    missing = staff_api.patch(f"/api/tickets/{ticket.pk}", {"assignee_id": 9999})
    assert (missing.status, missing.body["code"], missing.body["field"]) == (
        422,
        "unknown_assignee",
        "assignee_id",
    )
    assert ticket_snapshot(ticket) == before


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({}, "invalid_request", None),
        ({"status": None}, "invalid_request", "status"),
        ({"status": "pending"}, "invalid_request", "status"),
        ({"status": "new"}, "invalid_request", "status"),
        ({"priority": "critical"}, "invalid_request", "priority"),
        ({"assignee_id": "5"}, "invalid_request", "assignee_id"),
        ({"valid": "no"}, "invalid_request", "valid"),
        ({"valid": False}, "required", "invalid_reason"),
        ({"valid": False, "invalid_reason": "  "}, "required", "invalid_reason"),
        ({"invalid_reason": "spam"}, "invalid_request", "invalid_reason"),
        ({"subject": "New subject"}, "invalid_request", "subject"),
    ],
)
def test_bad_patches_are_refused(staff_api, ticket, body, code, field) -> None:
    before = ticket_snapshot(ticket)
    answer = staff_api.patch(f"/api/tickets/{ticket.pk}", body)
    assert answer.status == 422
    assert (answer.body["code"], answer.body.get("field")) == (code, field)
    assert ticket_snapshot(ticket) == before


def test_a_reply_is_mailed_and_can_set_the_status(staff_api, ticket) -> None:
    mail.outbox.clear()
    answer = staff_api.post(
        f"/api/tickets/{ticket.pk}/replies", {"body": "Unplug it.", "status": "waiting"}
    )
    assert answer.status == 201
    assert (answer.body["kind"], answer.body["body"], answer.body["ticket_id"]) == (
        "staff",
        "Unplug it.",
        ticket.pk,
    )
    assert answer.body["created_at"] == "2026-03-02T15:00:00Z"
    ticket.refresh_from_db()
    assert (ticket.status, ticket.sla_first_response_state) == ("waiting", "met")
    assert [m.body for m in mail.outbox] == ["Unplug it."]


def test_replying_to_a_closed_ticket_is_a_conflict(staff_api, agent, ticket) -> None:
    ticket_status_change(actor=agent, ticket=ticket, status="solved", now=NOW)
    ticket_status_change(actor=agent, ticket=ticket, status="closed", now=NOW)
    before = ticket_snapshot(ticket)
    answer = staff_api.post(f"/api/tickets/{ticket.pk}/replies", {"body": "Hello?"})
    assert (answer.status, answer.body["code"]) == (409, "ticket_closed")
    assert ticket_snapshot(ticket) == before


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"body": "Hi", "status": "closed"}, "invalid_request", "status"),
        ({"body": "   "}, "required", "body"),
        ({"text": "Hi"}, "invalid_request", "body"),
        ({"body": 3}, "invalid_request", "body"),
    ],
)
def test_bad_replies_are_refused(staff_api, ticket, body, code, field) -> None:
    before = ticket_snapshot(ticket)
    answer = staff_api.post(f"/api/tickets/{ticket.pk}/replies", body)
    assert answer.status == 422
    assert (answer.body["code"], answer.body["field"]) == (code, field)
    assert ticket_snapshot(ticket) == before


def test_a_note_is_not_mailed_and_not_a_response(staff_api, ticket) -> None:
    mail.outbox.clear()
    answer = staff_api.post(f"/api/tickets/{ticket.pk}/notes", {"body": "Call them."})
    assert (answer.status, answer.body["kind"]) == (201, "note")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.sla_first_response_state, mail.outbox) == ("new", "running", [])


def test_merge_and_unmerge(staff_api, lodged, ticket, northwind) -> None:
    duplicate = lodged(northwind, subject="Printer still on fire")
    merged = staff_api.post(f"/api/tickets/{duplicate.pk}/merge", {"into": ticket.pk})
    assert merged.status == 200
    assert (merged.body["merged_into"], merged.body["status"]) == (ticket.pk, "closed")
    assert staff_api.get("/api/tickets", query={"valid": "false"}).body["items"][0]["id"] == (
        duplicate.pk
    )
    undone = staff_api.post(f"/api/tickets/{duplicate.pk}/unmerge")
    assert (undone.status, undone.body["merged_into"], undone.body["status"]) == (200, None, "open")


def test_merge_refusals(staff_api, lodged, ticket, northwind, contoso) -> None:
    theirs = lodged(contoso)
    before = ticket_snapshot(ticket)
    itself = staff_api.post(f"/api/tickets/{ticket.pk}/merge", {"into": ticket.pk})
    across = staff_api.post(f"/api/tickets/{ticket.pk}/merge", {"into": theirs.pk})
    missing = staff_api.post(f"/api/tickets/{ticket.pk}/merge", {"into": 9999})
    not_merged = staff_api.post(f"/api/tickets/{ticket.pk}/unmerge")
    assert (itself.status, itself.body["field"]) == (422, "into")
    assert (across.status, across.body["code"]) == (422, "other_client")
    assert (missing.status, missing.body["code"], missing.body["field"]) == (
        404,
        "ticket_not_found",
        "into",
    )
    assert (not_merged.status, not_merged.body["code"]) == (409, "not_merged")
    assert ticket_snapshot(ticket) == before


def test_merge_across_customers_needs_confirm_other_customer(staff_api, lodged, ticket, northwind):
    bobs = lodged(northwind, customer_email="bob@shop.test", subject="Bob's")
    before = ticket_snapshot(bobs)
    refused = staff_api.post(f"/api/tickets/{bobs.pk}/merge", {"into": ticket.pk})
    assert (refused.status, refused.body["code"], refused.body["field"]) == (
        409,
        "other_customer",
        "confirm_other_customer",
    )
    assert ticket_snapshot(bobs) == before
    merged = staff_api.post(
        f"/api/tickets/{bobs.pk}/merge",
        {"into": ticket.pk, "confirm_other_customer": True, "copy_customers": True},
    )
    assert (merged.status, merged.body["merged_into"]) == (200, ticket.pk)
    assert [c.customer.email for c in ticket.copies.all()] == ["bob@shop.test"]


def test_a_reply_names_whom_it_answers_and_lists_its_recipients(
    staff_api, lodged, ticket, northwind
):
    bobs = lodged(northwind, customer_email="bob@shop.test", subject="Bob's")
    staff_api.post(
        f"/api/tickets/{bobs.pk}/merge", {"into": ticket.pk, "confirm_other_customer": True}
    )
    to_jo = staff_api.post(
        f"/api/tickets/{ticket.pk}/replies", {"body": "Hi Jo", "to_customer_id": ticket.customer_id}
    )
    assert (to_jo.status, to_jo.body["recipients"]) == (
        201,
        [
            {
                "customer": {"id": ticket.customer_id, "email": "jo@shop.test", "name": "Jo"},
                "copied": False,
            }
        ],
    )
    to_bob = staff_api.post(
        f"/api/tickets/{ticket.pk}/replies", {"body": "Hi Bob", "to_customer_id": bobs.customer_id}
    )
    assert [r["customer"]["email"] for r in to_bob.body["recipients"]] == ["bob@shop.test"]
    amy = lodged(northwind, customer_email="amy@shop.test")
    to_amy = staff_api.post(
        f"/api/tickets/{ticket.pk}/replies", {"body": "Hi Amy", "to_customer_id": amy.customer_id}
    )
    assert (to_amy.status, to_amy.body["code"], to_amy.body["field"]) == (
        422,
        "not_a_participant",
        "to",
    )
