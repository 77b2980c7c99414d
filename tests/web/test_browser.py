"""End to end in a real browser: a customer lodges a query through the web form, an
agent logs in, opens it from the unassigned list and replies; a real SMTP receiver
on 127.0.0.1 gets the acknowledgement and the reply, threaded to each other. Every
page is watched for Content-Security-Policy violations: the flows must work under
the policy with nothing blocked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pactdesk.accounts.models import Role
from pactdesk.accounts.selectors import customer_portal_token
from pactdesk.desk.models import Ticket
from pactdesk.intake.models import QuarantinedMail
from pactdesk.intake.services import mail_receive
from pactdesk.notify.models import AcknowledgementTemplate
from pactdesk.platform.clock import clock_now
from tests.factories import PASSWORD, ClientFactory, UserFactory, client_user, shared_agreement
from tests.smtp import smtp_sink as running_sink

CHROMIUM = Path("/usr/bin/chromium")
HELD = (
    b"From: Jo <jo@shop.test>\r\nTo: help@lotus.test\r\nSubject: Hi\r\n"
    b"Message-ID: <held-1@shop.test>\r\n\r\nHello.\r\n"
)
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


# Each page reports the violations the browser raises (its securitypolicyviolation
# events) to the test; Chromium's console reports are collected as a second net.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (e) {
  window.pactdeskCspViolation(e.effectiveDirective + " blocked " + (e.blockedURI || "inline")
    + " in " + e.sourceFile + ":" + e.lineNumber);
});
"""


class CspWatch:
    """Opens browser contexts (each its own cookies) whose pages report every
    Content-Security-Policy violation into `violations`."""

    def __init__(self, chromium) -> None:
        self.chromium = chromium
        self.violations: list[str] = []

    def new_page(self):
        context = self.chromium.new_context()
        context.expose_binding("pactdeskCspViolation", self._reported)
        context.add_init_script(REPORT_VIOLATIONS)
        context.on("console", self._console)
        return context.new_page()

    def _reported(self, source, text: str) -> None:
        self.violations.append(f"{source['page'].url}: {text}")

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.violations.append(f"console: {message.text}")


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
    watch = CspWatch(browser)
    shared_agreement(
        ClientFactory(name="Northwind", slug="northwind", support_email="support@northwind.test"),
        round_the_clock=True,
    )
    UserFactory(role=Role.AGENT, name="Ana Agent", email="ana@pactdesk.test")

    # A customer asks through the public web form.
    customer = watch.new_page()
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
    agent = watch.new_page()
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
    assert re.fullmatch(r"((\d+d )?\d+h )?\d+m left", countdown), countdown
    assert watch.violations == []

    acknowledgement, reply = smtp_sink.wait_for(2)[:2]
    assert smtp_sink.recipients[:2] == [["jo@shop.test"], ["jo@shop.test"]]
    assert acknowledgement["Subject"] == f"[{reference}] We have received your request"
    assert acknowledgement["From"] == "Northwind <support@northwind.test>"
    assert acknowledgement["Auto-Submitted"] == "auto-replied"
    assert reply["Subject"] == f"Re: [{reference}] Printer on fire"
    assert reply["In-Reply-To"].strip() == acknowledgement["Message-ID"].strip()
    assert acknowledgement["Message-ID"].strip() in reply["References"].split()
    assert reply.get_content().strip() == "Unplug it and step away, please."


def log_in(page, url: str, email: str) -> None:
    page.goto(f"{url}/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_every_kind_of_page_works_under_the_content_security_policy(live_server, browser) -> None:
    url = live_server.url
    northwind = ClientFactory(
        name="Northwind", slug="northwind", support_email="support@northwind.test"
    )
    shared_agreement(northwind, round_the_clock=True)
    ClientFactory(name="Lotus", slug="lotus", support_email="help@lotus.test")  # no agreement
    mail_receive(
        raw=HELD, recipients=["help@lotus.test"], envelope_sender="jo@shop.test", now=clock_now()
    )
    held = QuarantinedMail.objects.get()
    avery = UserFactory(role=Role.ADMIN, name="Avery Admin", email="avery@pactdesk.test")
    client_admin = client_user(northwind, Role.CLIENT_ADMIN)
    template = AcknowledgementTemplate.objects.create(
        client=northwind, language="en", is_default=True, body="Thanks, {{ customer_name }}."
    )
    watch = CspWatch(browser)

    # The watch sees a violation: an inline style set on a page is reported.
    probe = watch.new_page()
    probe.goto(f"{url}/login/")
    probe.evaluate("document.body.setAttribute('style', 'color: red')")
    probe.wait_for_function("document.readyState === 'complete'")
    probe.wait_for_timeout(200)
    assert any("style-src-attr blocked inline" in seen for seen in watch.violations)
    watch.violations.clear()

    # A customer lodges through the web form, then reads and answers it in the portal.
    customer = watch.new_page()
    customer.goto(f"{url}/c/northwind/new")
    customer.fill("#id_name", "Jo Customer")
    customer.fill("#id_email", "jo@shop.test")
    customer.fill("#id_subject", "Printer on fire")
    customer.fill("#id_body", "Smoke is coming out of the printer.")
    customer.click("button[type=submit]")
    reference = customer.locator("#reference").inner_text()
    ticket = Ticket.objects.get()
    token = customer_portal_token(customer=ticket.customer)
    customer.goto(f"{url}/portal/northwind/link/{token}/")
    customer.click("text=Open my requests")
    customer.click(f"text={reference}")
    customer.fill("#id_body", "It is still smoking.")
    customer.click(".compose button[type=submit]")
    customer.locator("text=It is still smoking.").wait_for()

    # Provider admin: the lists, the ticket's htmx actions, Operations, the API docs.
    admin = watch.new_page()
    log_in(admin, url, "avery@pactdesk.test")
    for path in (
        "/desk/list/all/",
        "/desk/list/unassigned/",
        "/desk/clients/",
        "/ops/outbox/",
        "/ops/api-keys/",
    ):
        assert admin.goto(f"{url}{path}").status == 200, path
    admin.goto(f"{url}/desk/tickets/{ticket.pk}/")
    admin.click("text=Assign to me")
    admin.locator("text=Assign to me").wait_for(state="detached")  # htmx swapped the ticket
    assert admin.locator("#assignee").input_value() == str(avery.pk)
    admin.select_option("#priority", "high")
    with admin.expect_response(f"{url}/desk/tickets/{ticket.pk}/priority/") as answer:
        admin.click("#priority-form button[type=submit]")
    assert answer.value.status == 200
    assert admin.url == f"{url}/desk/tickets/{ticket.pk}/"  # no navigation: htmx
    ticket.refresh_from_db()
    assert (ticket.assignee_id, ticket.priority) == (avery.pk, "high")
    admin.goto(f"{url}/ops/quarantine/")
    asked = []
    admin.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    admin.click(f"#q-{held.pk} >> text=Discard")  # data-confirm asks first
    admin.locator(f"#q-{held.pk}").wait_for(state="detached")
    assert asked == [f"Discard Q-{held.pk}? Its mail will not be lodged."]
    held.refresh_from_db()
    assert held.status == "discarded"
    admin.goto(f"{url}/api/docs")
    admin.get_by_text("/api/tickets/{ticket_id}/merge", exact=True).click()
    admin.click("text=Try it out")
    admin.locator("text=Execute").wait_for()

    # Django's admin: lists, a form with its date widgets, the acknowledgement preview.
    admin.goto(f"{url}/admin/")
    admin.goto(f"{url}/admin/accounts/user/")
    admin.goto(f"{url}/admin/agreements/agreement/{ticket.agreement_id}/change/")
    admin.click("#calendarlink0")
    admin.locator(".calendarbox").first.wait_for()
    admin.goto(f"{url}/admin/notify/acknowledgementtemplate/{template.pk}/change/")
    preview = admin.locator("pre.acknowledgement-preview")
    assert preview.evaluate("el => getComputedStyle(el).whiteSpace") == "pre-wrap"

    # A client admin previews an acknowledgement.
    member = watch.new_page()
    log_in(member, url, client_admin.email)
    member.goto(f"{url}/desk/acknowledgements/{template.pk}/")
    member.click("button[name=preview]")
    member.locator("pre.preview").wait_for()

    for page in (customer, admin, member):
        page.wait_for_timeout(200)  # let late reports arrive
    assert watch.violations == []
