"""The dashboards and the monthly report pages: who may open them, what they show, a
client user reaching nothing of another client's, and their query counts."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext

from pactdesk.accounts.models import Role
from pactdesk.platform.clock import clock_now
from pactdesk.reports.monthly import monthly_report_build, monthly_spec
from tests.factories import UserFactory, client_user

pytestmark = pytest.mark.django_db
MARCH = monthly_spec(month="2026-03")


def browser_for(user) -> Browser:
    browser = Browser()
    browser.force_login(user)
    return browser


@pytest.fixture
def manager_browser(db) -> Browser:
    return browser_for(UserFactory(role=Role.MANAGER, name="Mo Manager"))


@pytest.fixture
def months(agreement, other_agreement):
    """March built for both clients."""
    for client in (agreement.client, other_agreement.client):
        monthly_report_build(client=client, spec=MARCH, now=clock_now())


def test_the_manager_dashboard_shows_every_client_at_risk_tickets_and_who_is_in(
    manager_browser, lodge, other_agreement
) -> None:
    ticket = lodge(subject="Printer on fire")
    page = manager_browser.get("/desk/dashboard/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'hx-get="/desk/dashboard/panel/" hx-trigger="every 30s"' in html
    # Northwind has one ticket in flight (budget 0: red); Lotus has none (not red).
    rows = re.findall(r'<tr class="(alarm|ok)" data-client="(\w+)"', html)
    assert ("alarm", "northwind") in rows
    assert ("alarm", "lotus") not in rows
    assert f"/desk/tickets/{ticket.pk}/" in html.split('id="at-risk"')[1]
    assert 'class="countdown" data-due=' in html
    assert "Nobody is available or away." in html.split('id="staff-presence"')[1]
    panel = manager_browser.get("/desk/dashboard/panel/")
    assert panel.status_code == 200
    assert panel.content.decode().startswith('<div id="dashboard-panel"')


@pytest.mark.parametrize("role", [Role.AGENT, Role.CLIENT_ADMIN, Role.CLIENT_MEMBER])
def test_the_dashboard_is_for_managers_and_admins(agreement, role) -> None:
    user = UserFactory(role=role, client=None if role == Role.AGENT else agreement.client)
    for url in ("/desk/dashboard/", "/desk/dashboard/panel/"):
        assert browser_for(user).get(url).status_code == 403
    assert Browser().get("/desk/dashboard/").status_code == 302


def test_the_dashboard_takes_the_same_queries_for_few_or_many(
    manager_browser, lodge, other_agreement
) -> None:
    lodge()
    counts = []
    for extra in (0, 12):
        for n in range(extra):
            lodge(client=other_agreement.client, customer_email=f"c{n}@shop.test")
        with CaptureQueriesContext(connection) as queries:
            assert manager_browser.get("/desk/dashboard/panel/").status_code == 200
        counts.append(len(queries))
    # session, user, stamp, badge; summary 3; at risk 2; depths; presence
    assert counts == [11, 11], counts


def test_home_links_the_manager_to_the_dashboard_and_a_client_to_its_reports(
    manager_browser, staff_browser, agreement
) -> None:
    assert 'href="/desk/dashboard/"' in manager_browser.get("/").content.decode()
    agent_home = staff_browser.get("/").content.decode()
    assert "/desk/dashboard/" not in agent_home
    assert "/reports/" not in agent_home
    client_home = browser_for(client_user(agreement.client)).get("/").content.decode()
    assert 'href="/reports/northwind/"' in client_home


def test_a_client_user_sees_its_live_figures_and_its_months(agreement, months, lodge) -> None:
    lodge()
    page = browser_for(client_user(agreement.client, Role.CLIENT_MEMBER)).get("/reports/northwind/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Northwind: how the promises are kept" in html
    assert "First response ≤ 30m" in html
    assert "<svg" in html
    assert 'href="/reports/northwind/2026-03/"' in html
    assert 'href="/reports/northwind/2026-03/pdf"' in html
    assert "/reports/lotus/" not in html


def test_a_client_user_reaches_nothing_of_another_client(
    agreement, other_agreement, months
) -> None:
    browser = browser_for(client_user(agreement.client))
    assert browser.get("/reports/northwind/2026-03/").status_code == 200
    pdf = browser.get("/reports/northwind/2026-03/pdf")
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert pdf.content.startswith(b"%PDF-")
    for url in (
        "/reports/lotus/",
        "/reports/lotus/2026-03/",
        "/reports/lotus/2026-03/pdf",
        "/reports/northwind/2026-02/",  # never built
        "/reports/northwind/2026-13/",  # no such month
        "/reports/nowhere/2026-03/",
    ):
        assert browser.get(url).status_code == 404, url
    # Staff see every client's.
    staff = browser_for(UserFactory(role=Role.AGENT))
    assert staff.get("/reports/lotus/2026-03/").status_code == 200


def test_the_monthly_page_shows_the_stored_report(agreement, months) -> None:
    html = browser_for(client_user(agreement.client)).get("/reports/northwind/2026-03/")
    text = html.content.decode()
    assert "Northwind — support report, March 2026" in text
    assert 'id="pdf-link"' in text
    assert text.count("<svg") == 0


def test_the_client_page_takes_the_same_queries_for_few_or_many(agreement, months, lodge) -> None:
    browser = browser_for(client_user(agreement.client))
    counts = []
    for extra in (1, 10):
        for n in range(extra):
            lodge(customer_email=f"c{n}@shop.test")
        with CaptureQueriesContext(connection) as queries:
            assert browser.get("/reports/northwind/").status_code == 200
        counts.append(len(queries))
    assert counts == [12, 12], counts


def test_the_client_page_says_too_early_until_the_month_can_be_projected(
    agreement, agent, lodge, monkeypatch
) -> None:
    from datetime import UTC, datetime, timedelta

    from pactdesk.desk.services import ticket_reply

    # 4 November 12:00 in New York: 85 of the month's 721 hours gone (more than a tenth).
    now = datetime(2026, 11, 4, 17, 0, tzinfo=UTC)
    monkeypatch.setattr("pactdesk.web.report_pages.clock_now", lambda: now)
    browser = browser_for(client_user(agreement.client, Role.CLIENT_ADMIN))
    tickets = [lodge(now=now - timedelta(minutes=25)) for _ in range(10)]
    for ticket in tickets[:9]:  # 9 first responses met, one in flight: one short of 10
        ticket_reply(actor=agent, ticket=ticket, body="On it.", now=now - timedelta(minutes=15))

    html = browser.get("/reports/northwind/").content.decode()
    assert html.count('class="muted too-early">too early to project<') == 2
    assert "How the month-end projection is made" in html

    ticket_reply(actor=agent, ticket=tickets[9], body="On it.", now=now - timedelta(minutes=1))
    html = browser.get("/reports/northwind/").content.decode()
    # First response: 10 of 10 met, 10 tickets in 85/721 of the month: 85 expected, 75 to
    # come, of which floor(10 + 75 - 0.9 x 85) = 8 may miss. Effective answer: none decided.
    assert "100.00% <span" in html
    assert "8 of the 75 still to decide may miss" in html
    assert html.count("too early to project<") == 1
