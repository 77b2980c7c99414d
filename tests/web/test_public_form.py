from __future__ import annotations

import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as Browser

from pactdesk.accounts.services import client_create
from pactdesk.desk.models import Attachment, Ticket
from pactdesk.platform.clock import clock_now

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Jo",
    "email": "jo@shop.test",
    "subject": "Printer on fire",
    "body": "It is on fire.",
    "website": "",
}


def submit(browser: Browser, data: dict | None = None, slug: str = "northwind", **extra):
    return browser.post(f"/c/{slug}/new", {**FORM, **(data or {})}, **extra)


def test_the_form_page_renders_for_an_active_client(agreement) -> None:
    response = Browser().get("/c/northwind/new")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Ask Northwind for help</h1>" in page
    assert 'name="website"' in page
    assert 'tabindex="-1"' in page
    assert 'maxlength="250"' in page


def test_a_submission_lodges_a_web_ticket_and_shows_its_reference(
    agreement, django_capture_on_commit_callbacks
) -> None:
    browser = Browser()
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(browser, {"email": "Jo@Shop.test"})
    assert (response.status_code, response["Location"]) == (302, "/c/northwind/thanks")
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.subject, ticket.customer.email, ticket.customer.name) == (
        "web",
        "Printer on fire",
        "jo@shop.test",
        "Jo",
    )
    assert ticket.messages.get().body == "It is on fire."
    done = browser.get("/c/northwind/thanks")
    page = done.content.decode()
    assert f'<strong class="ref" id="reference">{ticket.reference}</strong>' in page
    assert "We have sent a confirmation to <strong>jo@shop.test</strong>" in page
    assert [m.subject for m in mail.outbox] == [
        f"[{ticket.reference}] We have received your request"
    ]
    assert browser.get("/c/northwind/thanks")["Location"] == "/c/northwind/new"


def test_attachments_are_stored(agreement) -> None:
    upload = SimpleUploadedFile("log.txt", b"error 42", content_type="text/plain")
    assert submit(Browser(), {"attachments": upload}).status_code == 302
    assert [(a.filename, a.size) for a in Attachment.objects.all()] == [("log.txt", 8)]


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"email": "not-an-address"}, "Enter a valid email address."),
        ({"subject": "x" * 251}, "Ensure this value has at most 250 characters (it has 251)."),
        ({"body": ""}, "This field is required."),
        ({"body": "y" * 1001}, "Ensure this value has at most 1000 characters (it has 1001)."),
    ],
)
def test_bad_input_is_422_with_the_message_and_no_ticket(
    agreement, settings, change, error
) -> None:
    settings.PACTDESK_BODY_MAX_CHARS = 1000
    response = submit(Browser(), change)
    assert response.status_code == 422
    assert error in response.content.decode()
    assert Ticket.objects.count() == 0


def test_too_many_or_too_large_attachments_are_refused(agreement, settings) -> None:
    settings.PACTDESK_ATTACHMENT_MAX_BYTES = 10
    settings.PACTDESK_ATTACHMENT_MAX_COUNT = 1
    big = SimpleUploadedFile("big.bin", b"z" * 11)
    response = submit(Browser(), {"attachments": big})
    assert response.status_code == 422
    assert "big.bin is 11 bytes; each file may be at most 10." in response.content.decode()
    two = [SimpleUploadedFile("a.txt", b"a"), SimpleUploadedFile("b.txt", b"b")]
    response = submit(Browser(), {"attachments": two})
    assert response.status_code == 422
    assert "Attach at most 1 files (2 were sent)." in response.content.decode()
    assert Ticket.objects.count() == 0


def test_the_honeypot_refuses_bots(agreement) -> None:
    response = submit(Browser(), {"website": "http://spam.example"})
    assert response.status_code == 400
    assert "looked automated" in response.content.decode()
    assert Ticket.objects.count() == 0


def test_csrf_is_enforced(agreement) -> None:
    browser = Browser(enforce_csrf_checks=True)
    assert submit(browser).status_code == 403
    token = browser.get("/c/northwind/new").cookies["csrftoken"].value
    assert submit(browser, {"csrfmiddlewaretoken": token}).status_code == 302
    assert Ticket.objects.count() == 1


def test_submissions_past_the_limit_per_address_are_429(agreement, settings) -> None:
    settings.PACTDESK_WEB_FORM_LIMIT_PER_IP = 2
    browser = Browser()
    assert [submit(browser, REMOTE_ADDR="10.0.0.1").status_code for _ in range(3)] == [
        302,
        302,
        429,
    ]
    limited = submit(browser, REMOTE_ADDR="10.0.0.1")
    assert "Please wait ten minutes" in limited.content.decode()
    assert submit(browser, REMOTE_ADDR="10.0.0.2").status_code == 302
    assert Ticket.objects.count() == 3


def test_submissions_past_the_limit_per_client_are_429(agreement, settings) -> None:
    settings.PACTDESK_WEB_FORM_LIMIT_PER_CLIENT = 2
    codes = [submit(Browser(), REMOTE_ADDR=f"10.0.1.{i}").status_code for i in range(3)]
    assert codes == [302, 302, 429]


def test_unknown_or_inactive_clients_are_404(agreement) -> None:
    dormant = client_create(
        name="Dormant", slug="dormant", support_email="s@dormant.test", now=clock_now()
    )
    dormant.is_active = False
    dormant.save()
    assert Browser().get("/c/nobody/new").status_code == 404
    assert Browser().get("/c/dormant/new").status_code == 404
    assert submit(Browser(), slug="dormant").status_code == 404


def test_a_client_without_an_agreement_gets_a_clear_message(db) -> None:
    client_create(name="Fresh", slug="fresh", support_email="s@fresh.test", now=clock_now())
    response = submit(Browser(), slug="fresh")
    assert response.status_code == 422
    assert "Fresh has no agreement in force" in response.content.decode()


@pytest.mark.parametrize("length", [255, 256, 400])
def test_a_file_name_is_kept_whole_or_refused_never_cut(agreement, length) -> None:
    """Django cuts upload names to 255 characters; the desk sees the name as sent."""
    name = "r" * (length - 4) + ".txt"
    upload = io.BytesIO(b"log")
    upload.name = name  # SimpleUploadedFile would cut it before it is sent
    response = submit(Browser(), {"attachments": upload})
    if length <= 255:
        assert response.status_code == 302
        assert [a.filename for a in Attachment.objects.all()] == [name]
    else:
        assert response.status_code == 422
        assert (
            f"attachments[0]: the file name is {length} characters; the limit is 255"
            in response.content.decode()
        )
        assert Ticket.objects.count() == 0


def test_the_address_field_takes_what_the_desk_stores(agreement) -> None:
    page = Browser().get("/c/northwind/new").content.decode()
    assert 'type="email" name="email" id="id_email" maxlength="320"' in page
