from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail, signing
from django.db import connection
from django.test import Client as Browser
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from pactdesk.accounts.selectors import PORTAL_LINK_SALT as SALT
from pactdesk.desk.models import Message, Ticket
from pactdesk.desk.services import AttachmentIn, ticket_note, ticket_reply, ticket_status_change
from pactdesk.notify.models import OutboundMail
from pactdesk.platform.clock import clock_now

pytestmark = pytest.mark.django_db


def link_from_mail(index: int = -1) -> str:
    """The path of the link in a mailed sign-in link; links point at PACTDESK_BASE_URL."""
    base = re.escape(settings.PACTDESK_BASE_URL)
    return re.search(rf"{base}(/portal/\S+)", mail.outbox[index].body).group(1)


def ask_for_link(slug: str, email: str, browser: Browser | None = None, **extra):
    """Ask for a link, then run what the request left for after its commit (the task
    that looks the address up and queues the mail, and the mail's delivery)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return (browser or Browser()).post(f"/portal/{slug}/", {"email": email}, **extra)


def signed_in(slug: str, email: str) -> Browser:
    browser = Browser()
    ask_for_link(slug, email, browser)
    assert browser.get(link_from_mail()).status_code == 200  # the button
    response = browser.post(link_from_mail())
    assert (response.status_code, response["Location"]) == (302, f"/portal/{slug}/tickets/")
    return browser


def test_asking_for_a_link_mails_it_from_the_clients_support_address(lodge) -> None:
    lodge()
    mail.outbox.clear()
    response = ask_for_link("northwind", "JO@shop.test")
    assert response.status_code == 200
    assert "If <strong>JO@shop.test</strong> has written to Northwind" in response.content.decode()
    sent = mail.outbox[0]
    assert (sent.to, sent.from_email, sent.subject) == (
        ["jo@shop.test"],
        "Northwind <support@northwind.test>",
        "Your Northwind support link",
    )
    assert "The link works once, for 24 hours." in sent.body


def test_an_unknown_address_gets_the_same_answer_and_no_mail(agreement) -> None:
    response = ask_for_link("northwind", "stranger@shop.test")
    assert response.status_code == 200
    assert "a sign-in link is on its way" in response.content.decode()
    assert mail.outbox == []


def test_a_bad_address_is_422(agreement) -> None:
    response = Browser().post("/portal/northwind/", {"email": "nope"})
    assert response.status_code == 422
    assert "Enter a valid email address." in response.content.decode()


def test_link_requests_are_rate_limited(lodge, settings) -> None:
    lodge()
    settings.PACTDESK_PORTAL_LINK_LIMIT_PER_IP = 2
    browser = Browser()
    codes = [
        browser.post("/portal/northwind/", {"email": "jo@shop.test"}).status_code for _ in range(3)
    ]
    assert codes == [200, 200, 429]


def test_the_link_signs_in_and_lists_only_my_tickets(lodge) -> None:
    mine = lodge(subject="Mine")
    lodge(subject="Someone else's", customer_email="amy@shop.test")
    browser = signed_in("northwind", "jo@shop.test")
    assert browser.session["pactdesk_portal"]["customer"] == mine.customer_id
    assert "_auth_user_id" not in browser.session
    page = browser.get("/portal/northwind/tickets/").content.decode()
    assert re.findall(r">(PD-\d+)</a>", page) == [mine.reference]
    assert "Someone else" not in page


def test_the_ticket_page_shows_public_messages_never_notes(lodge, agent) -> None:
    ticket = lodge()
    ticket_reply(actor=agent, ticket=ticket, body="Unplug it.", now=clock_now())
    ticket_note(actor=agent, ticket=ticket, body="Secret note", now=clock_now())
    browser = signed_in("northwind", "jo@shop.test")
    response = browser.get(f"/portal/northwind/tickets/{ticket.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert re.findall(r'<article class="message kind-(\w+)"', page) == ["customer", "staff"]
    assert "Unplug it." in page
    assert "Secret note" not in page


def test_a_reply_reopens_a_solved_ticket(lodge, agent) -> None:
    ticket = lodge()
    ticket_reply(actor=agent, ticket=ticket, body="Done.", now=clock_now(), status="solved")
    browser = signed_in("northwind", "jo@shop.test")
    response = browser.post(f"/portal/northwind/tickets/{ticket.pk}/", {"body": "Still broken"})
    assert response["Location"] == f"/portal/northwind/tickets/{ticket.pk}/"
    ticket.refresh_from_db()
    assert ticket.status == "open"
    latest = Message.objects.filter(ticket=ticket).last()
    assert (latest.kind, latest.channel, latest.body) == ("customer", "portal", "Still broken")


def test_a_reply_to_a_closed_ticket_opens_a_follow_up(lodge, agent) -> None:
    ticket = lodge()
    for status in ("solved", "closed"):
        ticket_status_change(actor=agent, ticket=ticket, status=status, now=clock_now())
    browser = signed_in("northwind", "jo@shop.test")
    response = browser.post(f"/portal/northwind/tickets/{ticket.pk}/", {"body": "Again"})
    follow_up = Ticket.objects.exclude(pk=ticket.pk).get()
    assert response["Location"] == f"/portal/northwind/tickets/{follow_up.pk}/"
    assert (follow_up.channel, follow_up.customer_id) == ("portal", ticket.customer_id)
    assert follow_up.messages.get().body == f"(follow-up to {ticket.reference})\n\nAgain"


def test_an_empty_reply_is_422(lodge) -> None:
    ticket = lodge()
    browser = signed_in("northwind", "jo@shop.test")
    response = browser.post(f"/portal/northwind/tickets/{ticket.pk}/", {"body": ""})
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert Message.objects.filter(ticket=ticket).count() == 1


def test_another_customers_ticket_is_404(lodge) -> None:
    lodge()
    theirs = lodge(customer_email="amy@shop.test")
    browser = signed_in("northwind", "jo@shop.test")
    assert browser.get(f"/portal/northwind/tickets/{theirs.pk}/").status_code == 404
    assert (
        browser.post(f"/portal/northwind/tickets/{theirs.pk}/", {"body": "hi"}).status_code == 404
    )
    assert Message.objects.filter(ticket=theirs).count() == 1


def test_another_clients_ticket_is_404_and_its_portal_asks_to_sign_in(
    lodge, other_agreement
) -> None:
    lodge()
    theirs = lodge(client=other_agreement.client)  # same address, other client
    browser = signed_in("northwind", "jo@shop.test")
    assert browser.get(f"/portal/northwind/tickets/{theirs.pk}/").status_code == 404
    elsewhere = browser.get(f"/portal/lotus/tickets/{theirs.pk}/")
    assert (elsewhere.status_code, elsewhere["Location"]) == (302, "/portal/lotus/")
    assert browser.get("/portal/lotus/tickets/")["Location"] == "/portal/lotus/"


def test_a_link_for_one_client_does_not_open_anothers_portal(lodge, other_agreement) -> None:
    lodge()
    lodge(client=other_agreement.client)
    ask_for_link("northwind", "jo@shop.test")
    token = link_from_mail().split("/link/")[1]
    for method in ("get", "post"):
        response = getattr(Browser(), method)(f"/portal/lotus/link/{token}")
        assert response.status_code == 400
        assert "The link has expired, was already used, or is not valid." in (
            response.content.decode()
        )


def test_expired_and_forged_links_are_refused(lodge, settings, monkeypatch) -> None:
    ticket = lodge()
    signer = signing.TimestampSigner(salt=SALT)
    payload = {"client": ticket.client_id, "customer": ticket.customer_id, "at": 1}
    monkeypatch.setattr("time.time", lambda: clock_now().timestamp() - 25 * 3600)
    old = signer.sign_object(payload)
    monkeypatch.undo()
    forged = signing.TimestampSigner(salt="other").sign_object(payload)
    unordered = signer.sign_object({"client": ticket.client_id, "customer": ticket.customer_id})
    for token in (old, forged, unordered):
        assert Browser().get(f"/portal/northwind/link/{token}/").status_code == 400
        assert Browser().post(f"/portal/northwind/link/{token}/").status_code == 400
    fresh = signer.sign_object(payload)
    assert Browser().post(f"/portal/northwind/link/{fresh}/").status_code == 302


def test_opening_a_link_spends_nothing_and_signing_in_spends_it(lodge) -> None:
    """Mail scanners fetch links: only the button's POST uses the link up."""
    lodge()
    ask_for_link("northwind", "jo@shop.test")
    link = link_from_mail()
    for _ in range(3):
        page = Browser().get(link)
        assert page.status_code == 200
        assert "Open my requests" in page.content.decode()
    first = Browser()
    assert first.post(link).status_code == 302
    again = Browser()
    assert again.get(link).status_code == 400
    assert again.post(link).status_code == 400
    assert again.get("/portal/northwind/tickets/")["Location"] == "/portal/northwind/"
    assert first.get("/portal/northwind/tickets/").status_code == 200  # its session lasts


def test_a_link_spends_the_older_ones_but_not_the_newer(lodge) -> None:
    lodge()
    for _ in range(3):
        ask_for_link("northwind", "jo@shop.test")
    oldest, middle, newest = (link_from_mail(i) for i in (-3, -2, -1))
    assert Browser().post(middle).status_code == 302
    assert Browser().post(oldest).status_code == 400
    assert Browser().post(newest).status_code == 302
    assert Browser().post(middle).status_code == 400


def test_attachments_download_only_for_the_customers_own_tickets(lodge) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 8
    mine = lodge(attachments=[AttachmentIn("mine.png", png)])
    theirs = lodge(customer_email="amy@shop.test", attachments=[AttachmentIn("amy.png", png)])
    browser = signed_in("northwind", "jo@shop.test")
    my_file = mine.messages.get().attachments.get()
    their_file = theirs.messages.get().attachments.get()
    page = browser.get(f"/portal/northwind/tickets/{mine.pk}/").content.decode()
    assert f'href="/portal/northwind/attachments/{my_file.pk}/"' in page
    response = browser.get(f"/portal/northwind/attachments/{my_file.pk}/")
    assert (response.status_code, b"".join(response.streaming_content)) == (200, png)
    assert browser.get(f"/portal/northwind/attachments/{their_file.pk}/").status_code == 404
    assert Browser().get(f"/portal/northwind/attachments/{my_file.pk}/").status_code == 404


def test_signing_out_ends_the_portal_session(lodge) -> None:
    lodge()
    browser = signed_in("northwind", "jo@shop.test")
    assert browser.post("/portal/northwind/logout/")["Location"] == "/portal/northwind/"
    assert browser.get("/portal/northwind/tickets/")["Location"] == "/portal/northwind/"


def test_unknown_client_portal_is_404(db) -> None:
    assert Browser().get("/portal/nobody/").status_code == 404


def test_lodged_an_hour_ago_still_listed_newest_first(lodge) -> None:
    old = lodge(subject="Old", now=clock_now() - timedelta(hours=1))
    new = lodge(subject="New")
    browser = signed_in("northwind", "jo@shop.test")
    page = browser.get("/portal/northwind/tickets/").content.decode()
    assert re.findall(r">(PD-\d+)</a>", page) == [new.reference, old.reference]


def test_a_forged_host_header_still_gets_a_link_on_the_base_url(lodge, settings) -> None:
    """Links come from PACTDESK_BASE_URL, never from the Host the request named."""
    lodge()
    mail.outbox.clear()
    settings.ALLOWED_HOSTS = ["*"]  # a permissive deployment: the header reaches the view
    settings.PACTDESK_BASE_URL = "https://support.example"
    response = ask_for_link("northwind", "jo@shop.test", HTTP_HOST="evil.example")
    assert response.status_code == 200
    (sent,) = mail.outbox
    assert "evil.example" not in sent.body
    links = re.findall(r"https?://\S+", sent.body)
    assert [link.split("/link/")[0] for link in links] == [
        "https://support.example/portal/northwind"
    ]


def _answer_of(email: str) -> tuple[int, str, list, int]:
    """Ask for a link without running after-commit work: what the request itself did
    (status, body without its CSRF token, callbacks left, queries run)."""
    with (
        TestCase.captureOnCommitCallbacks(execute=False) as callbacks,
        CaptureQueriesContext(connection) as queries,
    ):
        response = Browser().post("/portal/northwind/", {"email": email})
    body = re.sub(r'"X-CSRFToken": "[^"]*"', "", response.content.decode())
    return response.status_code, body, callbacks, len(queries)


def test_known_and_unknown_addresses_get_the_same_answer_and_no_mail_in_the_request(
    lodge,
) -> None:
    lodge()
    mail.outbox.clear()
    known, unknown = _answer_of("jo@shop.test"), _answer_of("jx@shop.test")
    assert known[0] == unknown[0] == 200
    assert known[1].replace("jo@shop.test", "X") == unknown[1].replace("jx@shop.test", "X")
    assert known[3] == unknown[3]  # the same work: no look-up of the address
    assert (len(known[2]), len(unknown[2])) == (1, 1)  # the task, queued after the commit
    assert mail.outbox == []
    assert not OutboundMail.objects.filter(kind="portal_link").exists()
    with TestCase.captureOnCommitCallbacks(execute=True):
        known[2][0]()
        unknown[2][0]()
    queued = OutboundMail.objects.get(kind="portal_link")
    assert (queued.to_address, queued.status) == ("jo@shop.test", "sent")
    assert [m.to for m in mail.outbox] == [["jo@shop.test"]]
