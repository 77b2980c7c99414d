"""Deactivating a client takes effect at once: its users cannot log in and their
sessions end, its web form and portal say the service is closed and lodge nothing,
mail to it is quarantined. And client users see staff by name, never by address."""

from __future__ import annotations

import json

import pytest
from django.test import Client as Browser
from django.test import TestCase

from pactdesk.accounts.models import Client, Role
from pactdesk.api.services import api_key_create
from pactdesk.desk.models import Message, Ticket
from pactdesk.desk.services import AttachmentIn, ticket_assign, ticket_lodge, ticket_reply
from pactdesk.intake.models import QuarantinedMail
from pactdesk.intake.selectors import client_for_address
from pactdesk.intake.services import mail_receive
from pactdesk.platform.clock import clock_now
from pactdesk.platform.errors import ServiceClosed
from tests.conftest import NOW
from tests.factories import PASSWORD, UserFactory
from tests.intake.conftest import mail as inbound
from tests.web.test_portal import signed_in

pytestmark = pytest.mark.django_db

CLOSED = "Northwind support is closed: requests are no longer taken here."


def deactivate(client: Client) -> None:
    client.is_active = False
    client.save()  # as the admin does


def written() -> list[int]:
    return [Ticket.objects.count(), Message.objects.count()]


def logged_in(email: str) -> Browser:
    browser = Browser()
    response = browser.post("/login/", {"username": email, "password": PASSWORD})
    assert response.status_code == 302
    return browser


def test_its_users_cannot_log_in(agreement) -> None:
    user = UserFactory(role=Role.CLIENT_ADMIN, client=agreement.client)
    deactivate(agreement.client)
    browser = Browser()
    response = browser.post("/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "did not match" in response.content.decode()
    assert "_auth_user_id" not in browser.session


def test_their_sessions_end_at_the_next_request_and_staff_stay(agreement, agent) -> None:
    member = logged_in(UserFactory(role=Role.CLIENT_MEMBER, client=agreement.client).email)
    staff = logged_in(agent.email)
    assert member.get("/desk/list/all/").status_code == 200
    deactivate(agreement.client)
    gone = member.get("/desk/list/all/")
    assert (gone.status_code, gone["Location"]) == (302, "/login/?next=/desk/list/all/")
    assert member.get("/").status_code == 302
    assert staff.get("/desk/list/all/").status_code == 200


def test_a_session_started_by_force_login_ends_too(agreement) -> None:
    browser = Browser()
    browser.force_login(UserFactory(role=Role.CLIENT_ADMIN, client=agreement.client))
    deactivate(agreement.client)
    assert browser.get("/desk/list/all/").status_code == 302


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/c/northwind/new"),
        ("post", "/c/northwind/new"),
        ("get", "/c/northwind/thanks"),
        ("get", "/portal/northwind/"),
        ("post", "/portal/northwind/"),
        ("get", "/portal/northwind/tickets/"),
        ("get", "/portal/northwind/tickets/{ticket}/"),
        ("post", "/portal/northwind/tickets/{ticket}/"),
        ("get", "/portal/northwind/attachments/{attachment}/"),
        ("get", "/portal/northwind/link/{token}/"),
        ("post", "/portal/northwind/link/{token}/"),
        ("post", "/portal/northwind/logout/"),
    ],
)
def test_its_web_form_and_portal_say_the_service_is_closed_and_take_nothing(
    lodge, agreement, method, path
) -> None:
    """Even for a customer signed in to the portal before the deactivation."""
    ticket = lodge(attachments=[AttachmentIn("a.txt", b"hello")])
    attachment = ticket.messages.get().attachments.get()
    browser = signed_in("northwind", "jo@shop.test")
    token = "x"  # any token: the client is looked up first
    deactivate(agreement.client)
    before = written()
    data = {"name": "Jo", "email": "jo@shop.test", "subject": "S", "body": "B", "website": ""}
    url = path.format(ticket=ticket.pk, attachment=attachment.pk, token=token)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = browser.post(url, data) if method == "post" else browser.get(url)
    page = response.content.decode()
    assert response.status_code == 404
    assert "<h1>This support service is closed</h1>" in page
    assert CLOSED in page
    assert "hello" not in page
    assert written() == before


def test_lodging_by_any_channel_is_refused(agreement, agent) -> None:
    deactivate(agreement.client)
    for channel in ("email", "web", "portal", "api"):
        with pytest.raises(ServiceClosed) as refused:
            ticket_lodge(
                client=agreement.client,
                customer_email="jo@shop.test",
                subject="S",
                body="B",
                channel=channel,
                now=clock_now(),
            )
        assert (refused.value.code, refused.value.message) == ("client_closed", CLOSED)
    assert written() == [0, 0]


def test_a_staff_token_cannot_lodge_for_it(agreement, agent) -> None:
    secret = api_key_create(now=NOW, staff_email=agent.email).secret
    deactivate(agreement.client)
    body = {
        "client": "northwind",
        "customer_email": "jo@shop.test",
        "subject": "S",
        "body": "B",
    }
    response = Browser().post(
        "/api/tickets",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert (response.status_code, response.json()) == (
        409,
        {"code": "client_closed", "message": CLOSED},
    )
    assert written() == [0, 0]


def test_mail_to_it_is_quarantined_not_lodged_nor_bounced(lodge, agreement) -> None:
    ticket = lodge()
    deactivate(agreement.client)
    assert client_for_address(address="<Support@Northwind.test>") == agreement.client  # RCPT ok
    before = written()
    for raw in (
        inbound(message_id="<new@shop.test>"),
        inbound(subject=f"Re: [{ticket.reference}] more", message_id="<re@shop.test>"),
    ):
        (delivery,) = mail_receive(
            raw=raw,
            recipients=["support@northwind.test"],
            envelope_sender="jo@shop.test",
            now=clock_now(),
        )
        assert (delivery.action, delivery.client_id) == ("quarantined", agreement.client.pk)
    assert written() == before
    entries = QuarantinedMail.objects.order_by("pk")
    assert [(e.error_code, e.client_id, e.error) for e in entries] == [
        ("client_closed", agreement.client.pk, "Northwind: deactivated, its service is closed"),
    ] * 2


# Client users see staff by name ----------------------------------------------------


def test_client_users_see_staff_by_name_never_by_address(lodge, agreement, agent) -> None:
    """The ticket page (conversation, assignee, history), the lists, the portal and
    the API as a client key sees them."""
    ticket = lodge()
    ticket_assign(actor=agent, ticket=ticket, assignee=agent, now=clock_now())
    with TestCase.captureOnCommitCallbacks(execute=True):
        ticket_reply(actor=agent, ticket=ticket, body="On it.", now=clock_now())
    viewer = Browser()
    viewer.force_login(UserFactory(role=Role.CLIENT_MEMBER, client=agreement.client))
    portal = signed_in("northwind", "jo@shop.test")
    secret = api_key_create(now=NOW, client_slug="northwind").secret
    key = {"Authorization": f"Bearer {secret}"}
    pages = {
        "ticket page": viewer.get(f"/desk/tickets/{ticket.pk}/"),
        "list": viewer.get("/desk/list/all/"),
        "search": viewer.get("/desk/search/", {"q": "Printer"}),
        "portal ticket": portal.get(f"/portal/northwind/tickets/{ticket.pk}/"),
        "portal list": portal.get("/portal/northwind/tickets/"),
        "api ticket": Browser().get(f"/api/tickets/{ticket.pk}", headers=key),
        "api list": Browser().get("/api/tickets", headers=key),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        assert agent.email not in response.content.decode(), name
    assert "Ana Agent" in pages["ticket page"].content.decode()
    assert "Ana Agent" in pages["portal ticket"].content.decode()
    assert pages["api ticket"].json()["assignee"] == {"id": agent.pk, "name": "Ana Agent"}
    assert ticket.events.get(kind="assigned").value == "Ana Agent"
