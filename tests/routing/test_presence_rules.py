"""What sets presence besides a click: 30 minutes (configurable) without activity, and
signing out, make available staff `away`; a return time over the API must carry its
offset; the wait notice a dedicated client's customer reads on the portal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client as Browser

from pactdesk.routing.models import Presence
from pactdesk.routing.services import (
    PresenceIn,
    activity_note,
    presence_set,
    presence_sign_out,
    routing_sweep,
)
from tests.routing.conftest import MONDAY_10AM
from tests.web.test_portal import signed_in

MIN = timedelta(minutes=1)


def _status(user) -> tuple[str, object]:
    presence = Presence.objects.get(user=user)
    return presence.status, presence.changed_at


# -- idle and signing out ------------------------------------------------------------


def test_thirty_minutes_without_activity_make_an_available_agent_away(people, available) -> None:
    available(people["ana"], people["bo"])  # at 10:00
    activity_note(user_id=people["bo"].pk, now=MONDAY_10AM + 20 * MIN)

    routing_sweep(now=MONDAY_10AM + 29 * MIN)
    assert _status(people["ana"]) == ("available", MONDAY_10AM)

    routing_sweep(now=MONDAY_10AM + 30 * MIN)
    assert _status(people["ana"]) == ("away", MONDAY_10AM + 30 * MIN)
    assert _status(people["bo"]) == ("available", MONDAY_10AM)  # active at 10:20

    routing_sweep(now=MONDAY_10AM + 50 * MIN)
    assert _status(people["bo"]) == ("away", MONDAY_10AM + 50 * MIN)


def test_the_idle_limit_is_a_setting(people, available, settings) -> None:
    settings.PACTDESK_PRESENCE_IDLE_MINUTES = 5
    available(people["ana"])

    routing_sweep(now=MONDAY_10AM + 4 * MIN)
    assert _status(people["ana"])[0] == "available"
    routing_sweep(now=MONDAY_10AM + 5 * MIN)
    assert _status(people["ana"])[0] == "away"


def test_a_page_the_agent_opens_counts_as_activity(people, available, monkeypatch) -> None:
    available(people["ana"])
    monkeypatch.setattr("pactdesk.routing.middleware.clock_now", lambda: MONDAY_10AM + 25 * MIN)
    browser = Browser()
    browser.force_login(people["ana"])
    assert browser.get("/desk/list/mine/").status_code == 200

    routing_sweep(now=MONDAY_10AM + 54 * MIN)
    assert _status(people["ana"])[0] == "available"
    routing_sweep(now=MONDAY_10AM + 55 * MIN)
    assert _status(people["ana"])[0] == "away"


def test_away_and_offline_staff_are_left_as_they_are(people, available) -> None:
    presence_set(actor=people["bo"], given=PresenceIn(status="offline"), now=MONDAY_10AM)
    presence_set(actor=people["sam"], given=PresenceIn(status="away"), now=MONDAY_10AM)

    routing_sweep(now=MONDAY_10AM + 120 * MIN)
    signed_out = presence_sign_out(user=people["bo"], now=MONDAY_10AM + 121 * MIN)

    assert signed_out is False
    assert _status(people["bo"]) == ("offline", MONDAY_10AM)
    assert _status(people["sam"]) == ("away", MONDAY_10AM)


def test_signing_out_makes_an_available_agent_away(people, available, monkeypatch) -> None:
    available(people["ana"])
    monkeypatch.setattr("pactdesk.web.presence.clock_now", lambda: MONDAY_10AM + 3 * MIN)
    browser = Browser()
    browser.force_login(people["ana"])

    answer = browser.post("/logout/")

    assert answer.status_code == 302
    assert _status(people["ana"]) == ("away", MONDAY_10AM + 3 * MIN)
    assert browser.get("/desk/list/mine/").status_code == 302  # signed out too


# -- the return time over the API ----------------------------------------------------


def test_an_aware_return_time_is_kept_as_that_instant(people, api) -> None:
    status, answer = api({"status": "away", "back_at": "2026-03-03T14:30:00+05:30"})

    assert status == 200
    assert answer["back_at"] == "2026-03-03T09:00:00Z"
    stored = Presence.objects.get(user=people["sam"])
    assert (stored.status, stored.back_at) == ("away", MONDAY_10AM + timedelta(hours=18))


@pytest.mark.parametrize(
    ("back_at", "code"),
    [
        ("2026-03-03T09:00:00", "back_at_naive"),
        ("tomorrow morning", "invalid_request"),
        ("2026-02-30T09:00:00Z", "invalid_request"),
        (17, "invalid_request"),
        ("2026-03-03", "invalid_request"),
    ],
)
def test_a_naive_or_garbled_return_time_is_refused_with_a_code(people, api, back_at, code) -> None:
    presence_set(actor=people["sam"], given=PresenceIn(status="available"), now=MONDAY_10AM)

    status, answer = api({"status": "away", "back_at": back_at})

    assert (status, answer["code"]) == (422, code)
    assert _status(people["sam"]) == ("available", MONDAY_10AM)


# -- the wait notice on the portal ---------------------------------------------------


@pytest.fixture
def at(monkeypatch):
    def set_now(now):
        monkeypatch.setattr("pactdesk.web.portal.clock_now", lambda: now)

    return set_now


def test_the_portal_tells_a_dedicated_clients_customer_why_the_ticket_waits(
    lotus, people, lodge, at
) -> None:
    """Lotus works 9 to 5 in London (GMT in early March). Its technicians said they are
    back on Tuesday at 09:00; while the office is open the notice names the day, and
    on Tuesday morning, before the opening, the hour alone."""
    ticket = lodge(lotus)
    back = MONDAY_10AM + timedelta(hours=18)  # Tuesday 09:00 in London
    for who in ("sam", "sue"):
        presence_set(
            actor=people[who], given=PresenceIn(status="away", back_at=back), now=MONDAY_10AM
        )
    browser = signed_in("lotus", "jo@shop.test")
    page = f"/portal/lotus/tickets/{ticket.pk}/"

    at(MONDAY_10AM)  # Monday 15:00 in London, open
    monday = browser.get(page).content.decode()
    at(MONDAY_10AM + timedelta(hours=16, minutes=30))  # Tuesday 07:30 in London: closed
    tuesday = browser.get(page).content.decode()

    assert "Your technician is away until Tue 03 Mar 09:00 GMT." in monday
    assert "Your technician is away until 09:00 GMT." in tuesday


def test_the_notice_is_in_the_clients_time_zone_and_goes_when_someone_is_there(
    lotus, people, lodge, at, available
) -> None:
    lotus.timezone = "Asia/Kolkata"
    lotus.save(update_fields=["timezone"])
    ticket = lodge(lotus)
    back = MONDAY_10AM + timedelta(hours=2)  # 17:00 UTC, 22:30 in Kolkata
    for who in ("sam", "sue"):
        presence_set(
            actor=people[who], given=PresenceIn(status="away", back_at=back), now=MONDAY_10AM
        )
    browser = signed_in("lotus", "jo@shop.test")
    page = f"/portal/lotus/tickets/{ticket.pk}/"
    at(MONDAY_10AM)

    away = browser.get(page).content.decode()
    available(people["sue"])
    there = browser.get(page).content.decode()

    assert "Your technician is away until 22:30 IST." in away
    assert 'id="wait-reason"' not in there


def test_a_shared_clients_customer_reads_no_notice(northwind, lodge, at) -> None:
    ticket = lodge(northwind)
    at(MONDAY_10AM)

    page = signed_in("northwind", "jo@shop.test").get(f"/portal/northwind/tickets/{ticket.pk}/")

    assert page.status_code == 200
    assert 'id="wait-reason"' not in page.content.decode()
