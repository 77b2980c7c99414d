from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as Browser

from pactdesk.accounts.models import Role
from pactdesk.desk.models import Message, Ticket
from pactdesk.desk.services import ticket_status_change
from pactdesk.platform.clock import clock_now
from tests.factories import UserFactory, client_user, ticket_snapshot

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def act(browser: Browser, ticket: Ticket, action: str, data: dict, htmx: bool = False):
    return browser.post(f"/desk/tickets/{ticket.pk}/{action}/", data, **(HTMX if htmx else {}))


def test_a_reply_is_saved_mailed_and_sets_the_status(
    staff_browser, lodge, agent, django_capture_on_commit_callbacks
) -> None:
    ticket = lodge()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = act(staff_browser, ticket, "reply", {"body": "Unplug it.", "status": "solved"})
    assert (response.status_code, response["Location"]) == (302, f"/desk/tickets/{ticket.pk}/")
    ticket.refresh_from_db()
    assert ticket.status == "solved"
    reply = Message.objects.get(ticket=ticket, kind="staff")
    assert (reply.body, reply.author, reply.channel) == ("Unplug it.", agent, "web")
    assert [m.subject for m in mail.outbox] == [f"Re: [{ticket.reference}] Printer on fire"]
    assert mail.outbox[0].to == ["jo@shop.test"]


def test_a_reply_by_htmx_answers_with_the_ticket_body_only(staff_browser, lodge) -> None:
    ticket = lodge()
    response = act(staff_browser, ticket, "reply", {"body": "On it.", "status": ""}, htmx=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.startswith('<div id="ticket"')
    assert "<html" not in page
    assert re.findall(r'<article class="message kind-(\w+)"', page) == ["customer", "staff"]
    assert '<span class="pill status-open" id="ticket-status">Open</span>' in page


def test_a_reply_can_carry_attachments(staff_browser, lodge) -> None:
    ticket = lodge()
    upload = SimpleUploadedFile("notes.txt", b"step 1: unplug", content_type="text/plain")
    response = act(staff_browser, ticket, "reply", {"body": "See file.", "attachments": upload})
    assert response.status_code == 302
    reply = Message.objects.get(ticket=ticket, kind="staff")
    assert [(a.filename, a.size) for a in reply.attachments.all()] == [("notes.txt", 14)]


def test_an_empty_reply_is_422_with_the_error_beside_the_form_and_nothing_saved(
    staff_browser, lodge
) -> None:
    ticket = lodge()
    before = ticket_snapshot(ticket)
    response = act(staff_browser, ticket, "reply", {"body": "   ", "status": "solved"}, htmx=True)
    page = response.content.decode()
    assert response.status_code == 422
    assert '<p class="error" role="alert" id="reply-error">body: must not be empty</p>' in page
    assert ticket_snapshot(ticket) == before


def test_a_reply_keeps_what_was_typed_when_refused(staff_browser, lodge, settings) -> None:
    settings.PACTDESK_BODY_MAX_CHARS = 1000
    ticket = lodge()
    response = act(staff_browser, ticket, "reply", {"body": "x" * 1001, "status": "waiting"})
    page = response.content.decode()
    assert response.status_code == 422
    assert "body: 1001 characters; the limit is 1000" in page
    assert "x" * 1001 + "</textarea>" in page
    assert '<option value="waiting" selected>' in page


def test_a_note_is_saved_and_not_mailed(
    staff_browser, lodge, django_capture_on_commit_callbacks
) -> None:
    ticket = lodge()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = act(staff_browser, ticket, "note", {"body": "Called them."})
    assert response.status_code == 302
    assert Message.objects.get(ticket=ticket, kind="note").body == "Called them."
    assert mail.outbox == []


def test_an_empty_note_is_422(staff_browser, lodge) -> None:
    ticket = lodge()
    response = act(staff_browser, ticket, "note", {"body": ""}, htmx=True)
    assert response.status_code == 422
    assert '<p class="error" role="alert" id="note-error">body: must not be empty</p>' in (
        response.content.decode()
    )


def test_status_change_and_an_invalid_transition_is_409(staff_browser, lodge, agent) -> None:
    ticket = lodge()
    assert act(staff_browser, ticket, "status", {"status": "waiting"}).status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "waiting"
    ticket_status_change(actor=agent, ticket=ticket, status="solved", now=clock_now())
    ticket_status_change(actor=agent, ticket=ticket, status="closed", now=clock_now())
    before = ticket_snapshot(ticket)
    response = act(staff_browser, ticket, "status", {"status": "waiting"}, htmx=True)
    assert response.status_code == 409
    assert "status: a closed ticket cannot become waiting" in response.content.decode()
    assert ticket_snapshot(ticket) == before


def test_priority_change_and_a_bad_priority(staff_browser, lodge) -> None:
    ticket = lodge()
    assert act(staff_browser, ticket, "priority", {"priority": "urgent"}).status_code == 302
    ticket.refresh_from_db()
    assert ticket.priority == "urgent"
    bad = act(staff_browser, ticket, "priority", {"priority": "whenever"})
    assert bad.status_code == 422
    assert "priority: &#x27;whenever&#x27; is not one of low, normal, high, urgent" in (
        bad.content.decode()
    )


def test_assign_to_me_to_someone_and_to_nobody(staff_browser, lodge, agent) -> None:
    ticket = lodge()
    other = UserFactory(role=Role.AGENT, name="Bo")
    act(staff_browser, ticket, "assign", {"assignee": "me"})
    ticket.refresh_from_db()
    assert ticket.assignee == agent
    act(staff_browser, ticket, "assign", {"assignee": str(other.pk)})
    ticket.refresh_from_db()
    assert ticket.assignee == other
    act(staff_browser, ticket, "assign", {"assignee": ""})
    ticket.refresh_from_db()
    assert ticket.assignee is None
    outsider = client_user(ticket.client)
    for value in (str(outsider.pk), str(2**63), "\u00b2"):
        refused = act(staff_browser, ticket, "assign", {"assignee": value})
        assert refused.status_code == 422
        assert "Choose a member of staff." in refused.content.decode()


def test_mark_invalid_needs_a_reason_and_mark_valid_undoes_it(staff_browser, lodge) -> None:
    ticket = lodge()
    before = ticket_snapshot(ticket)
    missing = act(staff_browser, ticket, "invalid", {"reason": "  "}, htmx=True)
    assert missing.status_code == 422
    assert "reason: say why the ticket is invalid" in missing.content.decode()
    assert ticket_snapshot(ticket) == before
    assert act(staff_browser, ticket, "invalid", {"reason": "Spam"}).status_code == 302
    ticket.refresh_from_db()
    assert (ticket.is_valid, ticket.invalid_reason) == (False, "Spam")
    page = staff_browser.get(f"/desk/tickets/{ticket.pk}/").content.decode()
    assert '<span class="pill status-invalid" id="ticket-status">Invalid · Spam</span>' in page
    assert act(staff_browser, ticket, "valid", {}).status_code == 302
    ticket.refresh_from_db()
    assert (ticket.is_valid, ticket.invalid_reason) == (True, "")


def test_merge_by_reference_and_unmerge(staff_browser, lodge) -> None:
    original, duplicate = lodge(subject="Original"), lodge(subject="Duplicate")
    response = act(staff_browser, duplicate, "merge", {"into": f"pd-{original.pk}"})
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert (duplicate.merged_into_id, duplicate.status) == (original.pk, "closed")
    page = staff_browser.get(f"/desk/tickets/{original.pk}/").content.decode()
    assert f'Merged in: <a href="/desk/tickets/{duplicate.pk}/">{duplicate.reference}</a>' in page
    assert act(staff_browser, duplicate, "unmerge", {}).status_code == 302
    duplicate.refresh_from_db()
    assert (duplicate.merged_into_id, duplicate.status) == (None, "open")


@pytest.mark.parametrize(
    ("into", "status", "message"),
    [
        ("", 422, "Give the ticket to merge into, e.g. PD-123."),
        ("PD-999999", 404, "Ticket 999999 was not found."),
        # Numbers no ticket can have (over 2**63-1, or not ASCII digits): refused, not a 500.
        ("PD-99999999999999999999999", 422, "Give the ticket to merge into, e.g. PD-123."),
        ("PD-\u00b2", 422, "Give the ticket to merge into, e.g. PD-123."),
    ],
)
def test_merge_refusals(staff_browser, lodge, into, status, message) -> None:
    ticket = lodge()
    before = ticket_snapshot(ticket)
    response = act(staff_browser, ticket, "merge", {"into": into}, htmx=True)
    assert response.status_code == status
    assert message in response.content.decode()
    assert ticket_snapshot(ticket) == before


def test_merge_into_itself_and_into_another_clients_ticket_are_refused(
    staff_browser, lodge, other_agreement
) -> None:
    ticket, foreign = lodge(), lodge(client=other_agreement.client)
    itself = act(staff_browser, ticket, "merge", {"into": ticket.reference})
    assert (
        itself.status_code,
        "into: a ticket cannot be merged into itself" in itself.content.decode(),
    ) == (422, True)
    other = act(staff_browser, ticket, "merge", {"into": foreign.reference})
    assert other.status_code == 422
    assert "into: tickets of different clients cannot be merged" in other.content.decode()


def test_unmerge_of_a_ticket_not_merged_is_409(staff_browser, lodge) -> None:
    ticket = lodge()
    response = act(staff_browser, ticket, "unmerge", {})
    assert response.status_code == 409
    assert f"{ticket.reference} is not merged" in response.content.decode()


def test_client_users_cannot_act_on_tickets(agreement, lodge) -> None:
    ticket = lodge()
    browser = Browser()
    browser.force_login(client_user(agreement.client, Role.CLIENT_ADMIN))
    before = ticket_snapshot(ticket)
    assert act(browser, ticket, "reply", {"body": "hi"}).status_code == 403
    assert act(browser, ticket, "status", {"status": "solved"}).status_code == 403
    assert ticket_snapshot(ticket) == before


def test_staff_of_no_access_and_unknown_actions(staff_browser, lodge) -> None:
    ticket = lodge()
    assert act(staff_browser, ticket, "delete", {}).status_code == 404
    assert staff_browser.post("/desk/tickets/999999/reply/", {"body": "x"}).status_code == 404
    assert staff_browser.get(f"/desk/tickets/{ticket.pk}/reply/").status_code == 405
    assert Browser().post(f"/desk/tickets/{ticket.pk}/reply/", {"body": "x"}).status_code == 302


def test_actions_need_a_csrf_token(agent, lodge) -> None:
    ticket = lodge()
    browser = Browser(enforce_csrf_checks=True)
    browser.force_login(agent)
    assert act(browser, ticket, "note", {"body": "x"}).status_code == 403
