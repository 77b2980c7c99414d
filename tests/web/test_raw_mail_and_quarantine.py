"""Staff download a message's original mail; admins and managers work the quarantine
from its page, and see the count of held mail in the header."""

from __future__ import annotations

import pytest
from django.test import Client as Browser

from pactdesk.accounts.models import Role
from pactdesk.desk.models import Ticket
from pactdesk.intake.models import QuarantinedMail
from pactdesk.intake.services import mail_receive
from pactdesk.platform.clock import clock_now
from tests.factories import ClientFactory, UserFactory, client_user, shared_agreement

RAW = (
    b"From: Jo <jo@shop.test>\r\nTo: support@northwind.test\r\nSubject: Hi\r\n"
    b"Message-ID: <raw-1@shop.test>\r\n\r\nHello.\r\n"
)


def receive(raw: bytes) -> None:
    mail_receive(
        raw=raw,
        recipients=["support@northwind.test"],
        envelope_sender="jo@shop.test",
        now=clock_now(),
    )


def browser(role: str, client=None) -> Browser:
    user = client_user(client, role) if client else UserFactory(role=role)
    b = Browser()
    b.force_login(user)
    return b


def test_staff_download_the_original_mail_and_client_users_cannot(agreement, agent) -> None:
    receive(RAW)
    message = Ticket.objects.get().messages.get()
    staff = browser(Role.AGENT)
    page = staff.get(f"/desk/tickets/{message.ticket_id}/").content.decode()
    assert f'href="/desk/messages/{message.pk}/original.eml"' in page
    response = staff.get(f"/desk/messages/{message.pk}/original.eml")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="message-{message.pk}.eml"'
    assert b"".join(response.streaming_content) == RAW
    member = browser(Role.CLIENT_ADMIN, agreement.client)
    assert member.get(f"/desk/messages/{message.pk}/original.eml").status_code == 404
    assert "original.eml" not in member.get(f"/desk/tickets/{message.ticket_id}/").content.decode()


@pytest.mark.parametrize(
    ("role", "status"), [(Role.ADMIN, 200), (Role.MANAGER, 200), (Role.AGENT, 403)]
)
def test_the_quarantine_page_is_for_admins_and_managers(db, role, status) -> None:
    assert browser(role).get("/ops/quarantine/").status_code == status


def test_a_client_user_and_an_anonymous_visitor_cannot_open_it(agreement) -> None:
    assert browser(Role.CLIENT_ADMIN, agreement.client).get("/ops/quarantine/").status_code == 403
    assert Browser().get("/ops/quarantine/").status_code == 302


def test_held_mail_is_listed_counted_and_reprocessed_from_the_page(db) -> None:
    client = ClientFactory(
        name="Northwind", slug="northwind", support_email="support@northwind.test"
    )
    receive(RAW)  # no agreement yet: held
    entry = QuarantinedMail.objects.get()
    manager = browser(Role.MANAGER)
    page = manager.get("/ops/quarantine/").content.decode()
    assert f"Q-{entry.pk}" in page
    assert "no_agreement" in page
    assert 'mails held in quarantine">1</span>' in page  # the header's count
    raw = manager.get(f"/ops/quarantine/{entry.pk}/original.eml")
    assert b"".join(raw.streaming_content) == RAW
    shared_agreement(client)
    response = manager.post(f"/ops/quarantine/{entry.pk}/reprocess/", follow=True)
    ticket = Ticket.objects.get()
    assert f"Q-{entry.pk} re-processed: PD-{ticket.pk} lodged" in response.content.decode()
    assert 'mails held in quarantine">' not in response.content.decode()
    again = manager.post(f"/ops/quarantine/{entry.pk}/reprocess/", follow=True)
    assert f"quarantined mail {entry.pk} is re-processed already" in again.content.decode()
    assert Ticket.objects.count() == 1


def test_an_entry_can_be_discarded(db) -> None:
    ClientFactory(name="Northwind", slug="northwind", support_email="support@northwind.test")
    receive(b"\x00 not mail\r\n")
    entry = QuarantinedMail.objects.get()
    admin = browser(Role.ADMIN)
    admin.post(f"/ops/quarantine/{entry.pk}/discard/")
    entry.refresh_from_db()
    assert (entry.status, entry.result.startswith("discarded by ")) == ("discarded", True)
