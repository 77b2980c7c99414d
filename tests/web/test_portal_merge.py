"""After a merge across customers each customer's portal shows only what is theirs:
the messages they wrote and the replies sent to them, and only those files. And the
staff page asks before merging across customers and lets staff choose whom to answer."""

from __future__ import annotations

import re

import pytest
from django.test import Client as Browser

from pactdesk.accounts.models import Customer
from pactdesk.desk.models import Attachment, Message, Ticket
from pactdesk.desk.services import AttachmentIn, ticket_customer_reply, ticket_merge, ticket_reply
from pactdesk.notify.models import OutboundMail
from pactdesk.platform.clock import clock_now
from pactdesk.web.portal_access import SESSION_KEY

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def portal_as(customer: Customer) -> Browser:
    """A portal session of `customer` (however they signed in: not what is tested here)."""
    browser = Browser()
    session = browser.session
    session[SESSION_KEY] = {"client": customer.client_id, "customer": customer.pk}
    session.save()
    return browser


@pytest.fixture
def merged(lodge, agent):
    """Bob's ticket merged into Alice's (confirmed, no copies); then Bob writes again
    with a file, staff answer Bob, then Alice writes with a file and staff answer her."""
    alice = lodge(
        customer_email="alice@shop.test",
        customer_name="Alice",
        subject="Printer",
        body="Alice's printer.",
        attachments=[AttachmentIn("alice.png", PNG)],
    )
    bob = lodge(
        customer_email="bob@shop.test",
        customer_name="Bob",
        subject="Bob's secret",
        body="Bob's private words.",
    )
    ticket_merge(actor=agent, ticket=bob, into=alice, now=clock_now(), confirm_other_customer=True)
    ticket_customer_reply(
        ticket=Ticket.objects.get(pk=bob.pk),
        customer=bob.customer,
        body="Bob's later words.",
        now=clock_now(),
        channel="email",
        attachments=[AttachmentIn("bob.png", PNG)],
    )
    ticket_reply(actor=agent, ticket=alice, body="Answer for Bob.", now=clock_now())
    ticket_customer_reply(
        ticket=alice,
        customer=alice.customer,
        body="Alice again.",
        now=clock_now(),
        channel="portal",
    )
    ticket_reply(actor=agent, ticket=alice, body="Answer for Alice.", now=clock_now())
    return alice, bob


def bodies(page: str) -> list[tuple[str, str]]:
    """(who, text) of each message shown."""
    found = re.findall(
        r'<header>\s*<strong>(.*?)</strong>.*?<div class="body">(.*?)</div>', page, re.S
    )
    return [(who, text.replace("&#x27;", "'")) for who, text in found]


def test_alice_sees_only_her_messages_and_the_replies_sent_to_her(merged) -> None:
    alice, _ = merged
    page = portal_as(alice.customer).get(f"/portal/northwind/tickets/{alice.pk}/")
    assert page.status_code == 200
    assert bodies(page.content.decode()) == [
        ("You", "Alice's printer."),
        ("You", "Alice again."),
        ("Ana Agent", "Answer for Alice."),
    ]
    assert "bob" not in page.content.decode().lower()


def test_bob_sees_his_own_thread_through_his_merged_ticket(merged) -> None:
    alice, bob = merged
    browser = portal_as(bob.customer)
    page = browser.get(f"/portal/northwind/tickets/{bob.pk}/").content.decode()
    assert bodies(page) == [
        ("You", "Bob's private words."),
        ("You", "Bob's later words."),
        ("Ana Agent", "Answer for Bob."),
    ]
    assert "Alice" not in page
    assert "Printer" not in page
    assert browser.get(f"/portal/northwind/tickets/{alice.pk}/").status_code == 404
    listed = browser.get("/portal/northwind/tickets/").content.decode()
    assert re.findall(r">(PD-\d+)</a>", listed) == [bob.reference]


def test_files_download_only_for_the_customer_they_belong_to(merged) -> None:
    alices = Attachment.objects.get(filename="alice.png")
    bobs = Attachment.objects.get(filename="bob.png")
    alice_browser = portal_as(Customer.objects.get(email="alice@shop.test"))
    bob_browser = portal_as(Customer.objects.get(email="bob@shop.test"))
    codes = [
        alice_browser.get(f"/portal/northwind/attachments/{alices.pk}/").status_code,
        alice_browser.get(f"/portal/northwind/attachments/{bobs.pk}/").status_code,
        bob_browser.get(f"/portal/northwind/attachments/{bobs.pk}/").status_code,
        bob_browser.get(f"/portal/northwind/attachments/{alices.pk}/").status_code,
    ]
    assert codes == [200, 404, 200, 404]
    alice_page = alice_browser.get(f"/portal/northwind/tickets/{alices.message.ticket_id}/")
    assert f"/attachments/{bobs.pk}/" not in alice_page.content.decode()


def test_a_staff_reply_file_downloads_only_for_its_recipients(merged, agent) -> None:
    alice, _ = merged
    ticket_reply(
        actor=agent,
        ticket=alice,
        body="Here.",
        now=clock_now(),
        attachments=[AttachmentIn("for-alice.png", PNG)],
    )
    sent = Attachment.objects.get(filename="for-alice.png")
    alice_code = portal_as(alice.customer).get(f"/portal/northwind/attachments/{sent.pk}/")
    bob = Customer.objects.get(email="bob@shop.test")
    bob_code = portal_as(bob).get(f"/portal/northwind/attachments/{sent.pk}/")
    assert (alice_code.status_code, bob_code.status_code) == (200, 404)


def test_bobs_portal_reply_reaches_the_merged_ticket_and_he_stays_on_his_own(merged) -> None:
    alice, bob = merged
    response = portal_as(bob.customer).post(
        f"/portal/northwind/tickets/{bob.pk}/", {"body": "Bob from the portal."}
    )
    assert (response.status_code, response["Location"]) == (
        302,
        f"/portal/northwind/tickets/{bob.pk}/",
    )
    landed = Message.objects.get(body="Bob from the portal.")
    assert (landed.ticket_id, landed.customer_id) == (alice.pk, bob.customer_id)


def test_the_staff_page_asks_before_merging_across_customers(lodge, staff_browser) -> None:
    alice = lodge(customer_email="alice@shop.test", subject="Printer")
    bob = lodge(customer_email="bob@shop.test", subject="Other")
    url = f"/desk/tickets/{bob.pk}/merge/"
    asked = staff_browser.post(url, {"into": alice.reference})
    assert asked.status_code == 409
    page = asked.content.decode()
    assert 'id="merge-confirm"' in page
    assert 'name="confirm_other_customer"' in page
    assert Ticket.objects.get(pk=bob.pk).merged_into_id is None
    done = staff_browser.post(
        url, {"into": alice.reference, "confirm_other_customer": "yes", "copy_customers": "yes"}
    )
    assert done.status_code == 302
    assert Ticket.objects.get(pk=bob.pk).merged_into_id == alice.pk
    assert [c.customer.email for c in alice.copies.all()] == ["bob@shop.test"]


def test_the_reply_form_shows_whom_it_answers_and_staff_may_choose(merged, staff_browser) -> None:
    alice, _ = merged
    bob = Customer.objects.get(email="bob@shop.test")
    ticket_customer_reply(
        ticket=alice, customer=bob, body="Bob once more.", now=clock_now(), channel="email"
    )
    page = staff_browser.get(f"/desk/tickets/{alice.pk}/").content.decode()
    options = re.findall(
        r'<option value="(\d+)"( selected)?>([^<]*)</option>',
        page.split('id="reply-to"')[1].split("</select>")[0],
    )
    assert options == [
        (str(alice.customer_id), "", "Alice &lt;alice@shop.test&gt;"),
        (str(bob.pk), " selected", "Bob &lt;bob@shop.test&gt; (wrote last)"),
    ]
    OutboundMail.objects.all().delete()
    response = staff_browser.post(
        f"/desk/tickets/{alice.pk}/reply/", {"body": "For Alice.", "to": str(alice.customer_id)}
    )
    assert response.status_code == 302
    assert list(OutboundMail.objects.values_list("to_address", flat=True)) == ["alice@shop.test"]
