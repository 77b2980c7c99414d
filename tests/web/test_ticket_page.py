from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client as Browser

from pactdesk.accounts.models import Role
from pactdesk.desk.models import Attachment
from pactdesk.desk.services import AttachmentIn, ticket_note, ticket_reply
from pactdesk.desk.services.records import message_create
from pactdesk.platform.clock import clock_now
from tests.factories import UserFactory, client_user

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def history(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<span class="what">([^<]+)</span> <span class="value">([^<]*)</span>', page)


@pytest.fixture
def conversation(lodge, agent):
    """A lodged ticket with a staff reply and an internal note."""
    ticket = lodge(subject="Printer on fire", now=clock_now() - timedelta(minutes=10))
    ticket_reply(actor=agent, ticket=ticket, body="Unplug it, please.", now=clock_now())
    ticket_note(actor=agent, ticket=ticket, body="Customer sounds calm.", now=clock_now())
    return ticket


def test_staff_see_the_whole_conversation_notes_apart_and_the_forms(
    staff_browser, conversation
) -> None:
    response = staff_browser.get(f"/desk/tickets/{conversation.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert f'<span class="ref">{conversation.reference}</span> Printer on fire' in page
    kinds = re.findall(r'<article class="message kind-(\w+)"', page)
    assert kinds == ["customer", "staff", "note"]
    assert "Customer sounds calm." in page
    assert 'id="reply-body"' in page
    assert 'id="note-body"' in page
    assert 'id="merge-form"' in page
    assert history(page) == [
        ("Lodged", ""),
        ("Acknowledgement sent", ""),
        ("Replied", ""),
        ("Status set to", "open"),
        ("Note added", ""),
    ]


def test_the_sla_panel_shows_stored_clocks_with_countdown_targets(staff_browser, lodge) -> None:
    ticket = lodge()
    response = staff_browser.get(f"/desk/tickets/{ticket.pk}/sla/")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'hx-trigger="every 30s"' in page
    due = ticket.sla_first_response_due_at
    assert due == ticket.lodged_at + timedelta(minutes=30)
    assert f'data-due="{due.isoformat()}"' in page
    answer_due = ticket.sla_effective_answer_due_at.isoformat()
    assert f'data-due="{answer_due}"' in page
    assert re.findall(r'data-metric="(\w+)"', page) == ["first_response", "effective_answer"]


def test_a_met_clock_shows_when_it_was_met(staff_browser, lodge, agent) -> None:
    ticket = lodge(now=clock_now() - timedelta(minutes=5))
    replied_at = clock_now()
    ticket_reply(actor=agent, ticket=ticket, body="On it.", now=replied_at)
    page = staff_browser.get(f"/desk/tickets/{ticket.pk}/sla/").content.decode()
    assert re.search(r'data-metric="first_response">\s*<dt>First response.*?Met</span>', page, re.S)
    assert f"met {replied_at:%Y-%m-%d %H:%M} UTC" in page


def test_client_users_read_their_tickets_without_notes_or_forms(agreement, conversation) -> None:
    browser = Browser()
    browser.force_login(client_user(agreement.client, Role.CLIENT_MEMBER))
    response = browser.get(f"/desk/tickets/{conversation.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert re.findall(r'<article class="message kind-(\w+)"', page) == ["customer", "staff"]
    assert "Customer sounds calm." not in page
    assert ("Note added", "") not in history(page)
    assert 'id="reply-body"' not in page
    assert 'id="status-form"' not in page


def test_a_client_user_gets_404_for_another_clients_ticket(other_agreement, conversation) -> None:
    browser = Browser()
    browser.force_login(client_user(other_agreement.client))
    assert browser.get(f"/desk/tickets/{conversation.pk}/").status_code == 404
    assert browser.get(f"/desk/tickets/{conversation.pk}/sla/").status_code == 404
    assert browser.get("/desk/tickets/999999/").status_code == 404


def test_the_ticket_page_takes_a_bounded_number_of_queries(
    staff_browser, conversation, agent, django_assert_max_num_queries
) -> None:
    for i in range(10):
        ticket_reply(
            actor=agent,
            ticket=conversation,
            body=f"Reply {i}",
            now=clock_now(),
            attachments=[AttachmentIn(f"f{i}.png", PNG)],
        )
    # 12: three more than before, whatever the number of messages: the replies'
    # recipients (shown on each reply), the tickets merged in (at any depth: a
    # ticket merged into one that was merged on) and the customers a reply may
    # answer (the reply form's To choice, including the writers of tickets merged in).
    # 13 since the header shows the unread notifications.
    with django_assert_max_num_queries(13):
        assert staff_browser.get(f"/desk/tickets/{conversation.pk}/").status_code == 200


def test_attachments_download_through_a_checked_view(
    staff_browser, lodge, agreement, other_agreement
) -> None:
    ticket = lodge(attachments=[AttachmentIn("report.png", PNG)])
    stored = Attachment.objects.get(message__ticket=ticket)
    page = staff_browser.get(f"/desk/tickets/{ticket.pk}/").content.decode()
    assert f'href="/desk/attachments/{stored.pk}/"' in page
    assert stored.content.url not in page
    response = staff_browser.get(f"/desk/attachments/{stored.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="report.png"'
    assert b"".join(response.streaming_content) == PNG
    ours, theirs = Browser(), Browser()
    ours.force_login(client_user(agreement.client))
    theirs.force_login(client_user(other_agreement.client))
    assert ours.get(f"/desk/attachments/{stored.pk}/").status_code == 200
    assert theirs.get(f"/desk/attachments/{stored.pk}/").status_code == 404
    assert Browser().get(f"/desk/attachments/{stored.pk}/").status_code == 302


def test_an_attachment_on_a_note_is_not_for_client_users(agreement, lodge, agent) -> None:
    ticket = lodge()
    note = message_create(
        ticket=ticket,
        kind="note",
        body="internal",
        channel="web",
        now=clock_now(),
        author=agent,
        attachments=[AttachmentIn("secret.png", PNG)],
    )
    stored = note.attachments.get()
    browser = Browser()
    browser.force_login(client_user(agreement.client))
    assert browser.get(f"/desk/attachments/{stored.pk}/").status_code == 404
    staff = Browser()
    staff.force_login(UserFactory(role=Role.MANAGER))
    assert staff.get(f"/desk/attachments/{stored.pk}/").status_code == 200
