"""The staffing pages: who reads which advice, the roster page, CSV and calendars."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.test import Client as Browser

from pactdesk.accounts.models import Role
from pactdesk.staffing.models import PoolRoster, SeatAdvice, StaffingNotice
from tests.factories import (
    ClientFactory,
    UserFactory,
    client_user,
    dedicated_agreement,
    shared_agreement,
)

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
FIGURES = {
    "options": [
        {
            "seats": 2,
            "overloaded": False,
            "attainment": 0.95,
            "attainment_low": 0.9,
            "attainment_high": 0.99,
            "erlang_attainment": 0.97,
            "p50_minutes": 9.0,
            "p90_minutes": 52.0,
            "p95_minutes": 70.0,
            "utilisation": 0.8,
            "keeps_promise": True,
        }
    ],
    "history": {"tickets": 40, "weeks": ["2026-11-23"], "timezone": "Europe/London"},
    "forecast": {"tickets_per_week": [40.0, 41.0, 42.0, 43.0]},
    "backtest": [
        {"week": "2026-11-23", "tickets": 40, "predicted": 0.9, "actual": 0.8, "error": 0.1}
    ],
}


def browser_of(user) -> Browser:
    browser = Browser()
    browser.force_login(user)
    return browser


@pytest.fixture
def people(db):
    thames = ClientFactory(slug="thames", name="Thames Analytics")
    agreement = dedicated_agreement(thames, seats=2)
    row = SeatAdvice.objects.create(
        client=thames,
        agreement=agreement,
        computed_at=NOW,
        kind="add",
        seats=2,
        recommended_seats=3,
        text="add a seat: p90 first response from 52 to 14 minutes",
        figures=FIGURES,
    )
    other = ClientFactory(slug="other", name="Other Co")
    shared_agreement(ClientFactory(slug="lotus"), round_the_clock=True)
    return {
        "advice": row,
        "manager": UserFactory(role=Role.MANAGER),
        "agent": UserFactory(role=Role.AGENT, name="Ana Agent"),
        "admin": client_user(thames, Role.CLIENT_ADMIN),
        "member": client_user(thames, Role.CLIENT_MEMBER),
        "outsider": client_user(other, Role.CLIENT_ADMIN),
    }


def test_managers_and_the_clients_admins_read_the_advice(people, django_assert_num_queries) -> None:
    # session, user, unread notices, the latest advice, the weeks' rosters; staff also
    # the header's notification badge and the quarantine count
    for who, queries in (("manager", 7), ("admin", 5)):
        browser = browser_of(people[who])
        browser.get("/desk/staffing/")  # warm the session
        with django_assert_num_queries(queries):
            page = browser.get("/desk/staffing/").content.decode()
        assert "add a seat: p90 first response from 52 to 14 minutes" in page
        assert "52.0 min" in page
        assert "Thames Analytics" in page


def test_another_clients_admin_sees_none_of_it(people) -> None:
    page = browser_of(people["outsider"]).get("/desk/staffing/").content.decode()
    assert "Thames" not in page
    assert "52 to 14" not in page
    assert "Other Co has no agreement in force, so there is no seat advice" in page


@pytest.mark.parametrize("who", ["agent", "member"])
def test_agents_and_members_are_refused(people, who: str) -> None:
    assert browser_of(people[who]).get("/desk/staffing/").status_code == 403


def test_an_unread_notice_shows_once(people) -> None:
    StaffingNotice.objects.create(
        client=people["advice"].client,
        recipient=people["admin"],
        advice=people["advice"],
        text="add a seat: p90 first response from 52 to 14 minutes",
        created_at=NOW,
    )
    browser = browser_of(people["admin"])
    assert (
        "Seat advice changed for Thames Analytics"
        in browser.get("/desk/staffing/").content.decode()
    )
    assert "Seat advice changed" not in browser.get("/desk/staffing/").content.decode()


def test_a_manager_builds_the_roster_and_downloads_it(people) -> None:
    browser = browser_of(people["manager"])
    empty = browser.get("/desk/staffing/roster/2026-W49/")
    assert "No roster for this week yet" in empty.content.decode()
    built = browser.post("/desk/staffing/roster/2026-W49/", follow=True)
    page = built.content.decode()
    assert PoolRoster.objects.get().week == date(2026, 11, 30)
    assert "Roster built:" in page
    assert "<svg" in page
    assert "Ana Agent" in page
    assert "agent-hours cannot be covered" in page  # one agent, round the clock
    csv = browser.get("/desk/staffing/roster/2026-W49/roster.csv")
    assert csv["Content-Type"] == "text/csv"
    assert csv.content.decode().startswith("agent,day,start,end,break")
    agent = people["agent"]
    ics = browser_of(agent).get(f"/desk/staffing/roster/2026-W49/{agent.pk}.ics")
    assert ics.status_code == 200
    assert b"BEGIN:VCALENDAR" in ics.content
    assert (
        browser_of(people["admin"])
        .get(f"/desk/staffing/roster/2026-W49/{agent.pk}.ics")
        .status_code
        == 403
    )


@pytest.mark.parametrize("who", ["agent", "admin", "outsider"])
def test_only_operators_reach_the_roster(people, who: str) -> None:
    browser = browser_of(people[who])
    assert browser.get("/desk/staffing/roster/2026-W49/").status_code == 403
    assert browser.post("/desk/staffing/roster/2026-W49/").status_code == 403
    assert not PoolRoster.objects.exists()


def test_bad_weeks_are_not_found(people) -> None:
    browser = browser_of(people["manager"])
    assert browser.get("/desk/staffing/roster/2026-W60/").status_code == 404
    assert browser.get("/desk/staffing/roster/nonsense/roster.csv").status_code == 404
    assert browser.get("/desk/staffing/roster/2026-W49/roster.csv").status_code == 404
