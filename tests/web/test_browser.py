"""End to end in a real browser: a customer lodges a query through the web form, an
agent logs in, opens it from the unassigned list and replies; a real SMTP receiver
on 127.0.0.1 gets the acknowledgement and the reply, threaded to each other."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pactdesk.accounts.models import Role
from tests.factories import PASSWORD, ClientFactory, UserFactory, shared_agreement
from tests.smtp import smtp_sink as running_sink

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian Chromium is not installed"),
]


@pytest.fixture
def smtp_sink(settings):
    """A real SMTP receiver; Django's outbox delivers to it (after the autouse locmem)."""
    with running_sink(settings) as sink:
        yield sink


@pytest.fixture
def browser(monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own database
    # reads happen before and after it, never while a page waits.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
        # Inside the Playwright context the test's own queries ran on a connection of
        # their own (Django keeps connections per context); close it here, or it stays
        # open and PostgreSQL refuses to drop the test database at the end.
        from django.db import connections

        connections.close_all()


def test_web_form_to_agent_reply_by_mail(live_server, smtp_sink, browser) -> None:
    shared_agreement(
        ClientFactory(name="Northwind", slug="northwind", support_email="support@northwind.test"),
        round_the_clock=True,
    )
    UserFactory(role=Role.AGENT, name="Ana Agent", email="ana@pactdesk.test")

    # A customer asks through the public web form.
    customer = browser.new_context().new_page()
    customer.goto(f"{live_server.url}/c/northwind/new")
    customer.fill("#id_name", "Jo Customer")
    customer.fill("#id_email", "jo@shop.test")
    customer.fill("#id_subject", "Printer on fire")
    customer.fill("#id_body", "Smoke is coming out of the printer.")
    customer.click("button[type=submit]")
    reference = customer.locator("#reference").inner_text()
    assert re.fullmatch(r"PD-\d+", reference)
    assert "We have sent a confirmation to jo@shop.test" in customer.inner_text("main")

    # An agent logs in (a separate browser context: its own cookies) and replies.
    agent = browser.new_context().new_page()
    agent.goto(f"{live_server.url}/login/")
    agent.fill("#id_username", "ana@pactdesk.test")
    agent.fill("#id_password", PASSWORD)
    agent.click("button[type=submit]")
    agent.click("text=Unassigned")
    agent.press("body", "j")
    assert agent.locator("tr.selected a").inner_text() == reference
    agent.press("body", "Enter")
    assert agent.locator("h1").inner_text() == f"{reference} Printer on fire"
    agent.press("body", "r")
    assert agent.evaluate("document.activeElement.id") == "reply-body"
    agent.keyboard.type("Unplug it and step away, please.")
    agent.select_option("#reply-status", "waiting")
    agent.click("text=Send reply")
    agent.locator("article.kind-staff").wait_for()
    assert agent.locator("#ticket-status").inner_text() == "Waiting on customer"
    assert "Unplug it and step away" in agent.locator("article.kind-staff").inner_text()
    agent.click("text=Add note")  # empty: refused beside the form, page kept
    assert agent.locator("#note-error").inner_text() == "body: must not be empty"
    countdown = agent.locator("#sla-panel [data-due]").first.inner_text()
    assert re.fullmatch(r"(\d+h )?\d+m \d\ds left", countdown), countdown

    acknowledgement, reply = smtp_sink.wait_for(2)[:2]
    assert smtp_sink.recipients[:2] == [["jo@shop.test"], ["jo@shop.test"]]
    assert acknowledgement["Subject"] == f"[{reference}] We have received your request"
    assert acknowledgement["From"] == "Northwind <support@northwind.test>"
    assert acknowledgement["Auto-Submitted"] == "auto-replied"
    assert reply["Subject"] == f"Re: [{reference}] Printer on fire"
    assert reply["In-Reply-To"].strip() == acknowledgement["Message-ID"].strip()
    assert acknowledgement["Message-ID"].strip() in reply["References"].split()
    assert reply.get_content().strip() == "Unplug it and step away, please."
