"""In a real browser (Debian Chromium): the manager's dashboard and a client's monthly
report page render under the Content-Security-Policy with their charts, and their
screenshots are kept as test artefacts (PACTDESK_TEST_ARTEFACTS, default
var/test-artefacts/ in the working directory)."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from pactdesk.accounts.models import Role
from pactdesk.desk.models import Status
from pactdesk.desk.services import ticket_lodge, ticket_reply
from pactdesk.platform.clock import clock_now
from pactdesk.reports.monthly import last_month, monthly_report_build
from tests.factories import ClientFactory, UserFactory, client_user, shared_agreement
from tests.web.test_browser import CHROMIUM, CspWatch, log_in
from tests.web.test_browser import browser as browser  # the Chromium fixture

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian Chromium is not installed"),
]


def artefacts() -> Path:
    folder = Path(os.environ.get("PACTDESK_TEST_ARTEFACTS", "var/test-artefacts"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def a_month_of_tickets(client, agent, first_day: datetime) -> None:
    """Twelve tickets over the month, at different hours, each answered and solved at
    once; every third answered late."""
    for n in range(12):
        at = first_day + timedelta(days=2 * n, hours=9 + n % 8)
        ticket = ticket_lodge(
            client=client,
            customer_email=f"c{n}@shop.test",
            subject=f"Order {n} late",
            body="Where is it?",
            channel="email",
            now=at,
        )
        minutes = 50 if n % 3 == 0 else 5 + n
        ticket_reply(
            actor=agent,
            ticket=ticket,
            body="Sent today.",
            now=at + timedelta(minutes=minutes),
            status=Status.SOLVED,
        )


def test_the_dashboard_and_a_monthly_report_in_a_browser(live_server, browser) -> None:
    watch = CspWatch(browser)
    agreement = shared_agreement(
        ClientFactory(name="Northwind", slug="northwind", support_email="support@northwind.test"),
        round_the_clock=True,
    )
    client = agreement.client
    agent = UserFactory(role=Role.AGENT, name="Ana Agent", email="ana@pactdesk.test")
    UserFactory(role=Role.MANAGER, name="Mo Manager", email="mo@pactdesk.test")
    admin = client_user(client, Role.CLIENT_ADMIN)
    now = clock_now()
    month = last_month(now=now, timezone=agreement.timezone)
    first_day = datetime.combine(month.first, datetime.min.time(), tzinfo=now.tzinfo)
    a_month_of_tickets(client, agent, first_day)
    ticket_lodge(
        client=client,
        customer_email="now@shop.test",
        subject="Printer on fire",
        body="Help!",
        channel="email",
        now=now - timedelta(minutes=20),
    )
    monthly_report_build(client=client, spec=month, now=now)

    manager = watch.new_page()
    manager.set_viewport_size({"width": 1280, "height": 900})
    log_in(manager, live_server.url, "mo@pactdesk.test")
    manager.goto(f"{live_server.url}/desk/dashboard/")
    assert "Northwind" in manager.locator("#attainment-board").inner_text()
    assert "Printer on fire" in manager.locator("#at-risk").inner_text()
    countdown = manager.locator("#at-risk tr", has_text="Printer on fire").locator("[data-due]")
    assert countdown.inner_text().endswith("m left")  # live, ticking in the page
    shot = artefacts() / "dashboard.png"
    manager.screenshot(path=str(shot), full_page=True)

    reader = watch.new_page()
    reader.set_viewport_size({"width": 1280, "height": 900})
    log_in(reader, live_server.url, admin.email)
    reader.goto(f"{live_server.url}/reports/northwind/{month.label}/")
    document = reader.locator("#monthly-report").inner_text()
    assert f"Northwind — support report, {month.first:%B %Y}" in document
    assert "12 valid tickets" in document
    assert reader.locator("figure.chart svg").count() == 4
    report_shot = artefacts() / "monthly-report.png"
    reader.screenshot(path=str(report_shot), full_page=True)
    pdf = reader.request.get(f"{live_server.url}/reports/northwind/{month.label}/pdf")
    assert (pdf.status, pdf.body()[:5]) == (200, b"%PDF-")

    assert watch.violations == []
    for picture in (shot, report_shot):
        assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert picture.stat().st_size > 20_000
