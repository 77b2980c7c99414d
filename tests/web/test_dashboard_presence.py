"""The managers' dashboard after its break test: staff counted by routing's presence
(not a log-in within 12 h), the breach budget's "nothing in flight", and tables that
scroll inside their card on a phone."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext

from pactdesk.accounts.models import Role
from pactdesk.platform.clock import clock_now
from pactdesk.reports.dashboard import staff_presence
from pactdesk.routing.services.presence import presence_status_set
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(db):
    return UserFactory(role=Role.MANAGER, name="Mo Manager")


def browser_for(user) -> Browser:
    browser = Browser()
    browser.force_login(user)
    return browser


def test_staff_are_counted_by_presence_not_by_log_in(manager, agreement):
    now = clock_now()
    ana = UserFactory(role=Role.AGENT, name="Ana")
    bo = UserFactory(role=Role.AGENT, name="Bo")
    UserFactory(role=Role.AGENT, name="Cy")  # never set a presence: offline
    di = UserFactory(role=Role.AGENT, name="Di")
    di.is_active = False  # not counted
    di.save(update_fields=["is_active"])
    UserFactory(role=Role.CLIENT_ADMIN, client=agreement.client)  # not staff
    presence_status_set(actor=bo, status="away", now=now)
    presence_status_set(actor=ana, status="available", now=now)
    browser_for(manager)  # logged in, still offline

    with CaptureQueriesContext(connection) as queries:
        staff = staff_presence()
    assert len(queries) == 1
    assert {str(k): v for k, v in staff.counts.items()} == {
        "available": 1,
        "away": 1,
        "offline": 2,
    }
    assert [(p.user.name, p.status) for p in staff.present] == [
        ("Ana", "available"),
        ("Bo", "away"),
    ]

    html = browser_for(manager).get("/desk/dashboard/panel/").content.decode()
    board = html.split('id="staff-presence"')[1]
    counts = re.findall(r'presence-(\w+)">\w+</span> (\d+)', board)
    assert counts == [("available", "1"), ("away", "1"), ("offline", "2")]
    assert "Ana <span" in board
    assert "Mo Manager" not in board  # signed in, but offline


def test_the_presence_list_keeps_the_dashboards_query_count(manager, agreement):
    browser = browser_for(manager)
    counts = []
    for extra in (0, 8):
        for n in range(extra):
            agent = UserFactory(role=Role.AGENT, name=f"Agent {n}")
            presence_status_set(actor=agent, status="available", now=clock_now())
        with CaptureQueriesContext(connection) as queries:
            assert browser.get("/desk/dashboard/panel/").status_code == 200
        counts.append(len(queries))
    assert counts == [11, 11], counts


def test_a_target_with_nothing_in_flight_is_not_red_and_says_so(manager, agreement, lodge):
    """Every ticket decided: the budget is 0 because nothing can be missed any more."""
    html = browser_for(manager).get("/desk/dashboard/").content.decode()
    rows = re.findall(r'<tr class="(alarm|ok)" data-client="northwind">(.*?)</tr>', html, re.S)
    assert [kind for kind, _ in rows] == ["ok"] * len(rows)
    assert all("nothing in flight" in row for _, row in rows)
    lodge(subject="Printer on fire")  # one in flight, budget 0: it must be met
    html = browser_for(manager).get("/desk/dashboard/").content.decode()
    rows = re.findall(r'<tr class="(alarm|ok)" data-client="northwind">(.*?)</tr>', html, re.S)
    first = rows[0][1]
    assert rows[0][0] == "alarm"
    assert '<td class="budget">0 <span class="muted">of 1 in flight</span></td>' in first
    assert '<div class="scroll-x"><table class="attainment">' in html


def test_a_client_without_an_agreement_gets_its_page_not_a_500(db):
    """Found by the break test: the live report raised `no_agreement` (a 500)."""
    from tests.factories import ClientFactory, client_user

    newco = ClientFactory(name="Newco", slug="newco", support_email="s@newco.test")
    page = browser_for(client_user(newco, Role.CLIENT_ADMIN)).get("/reports/newco/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Newco has no agreement by" in html
    assert "No monthly report yet" in html


def test_a_breached_ticket_says_so_though_another_clock_still_runs(manager, lodge):
    """Found by the break test: a ticket whose first response breached read only "3h
    29m left" (its effective answer's countdown) in the dashboard's at-risk list."""
    from datetime import timedelta

    from pactdesk.desk.services.changes import ticket_sla_refresh

    now = clock_now()
    ticket = lodge(subject="Printer on fire", now=now - timedelta(minutes=45))
    ticket_sla_refresh(ticket=ticket, now=now)
    assert (ticket.sla_first_response_state, ticket.sla_next_due_at > now) == ("breached", True)

    html = browser_for(manager).get("/desk/dashboard/").content.decode()
    row = html.split('id="at-risk"')[1].split(f"/desk/tickets/{ticket.pk}/", 1)[1].split("</tr>")[0]
    assert '<span class="overdue">Breached</span> <span class="muted">· next</span> <time' in row
