"""The header's presence switch, next ticket, signing out, the wait reason a dedicated
client reads, and the workload page (its query count does not grow)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext

from pactdesk.accounts.models import Role
from pactdesk.agreements.services import seat_assign
from pactdesk.desk.models import Ticket
from pactdesk.domain.work import ItemRef, WorkKind
from pactdesk.routing.models import Pool, Presence
from pactdesk.routing.services import PresenceIn, presence_set
from pactdesk.work.services import TaskFields, task_create, time_log, time_timer_start
from tests.factories import ClientFactory, UserFactory, dedicated_agreement
from tests.routing.conftest import MONDAY_10AM

HOUR = timedelta(hours=1)


@pytest.fixture(autouse=True)
def now(monkeypatch):
    for where in ("web.presence", "web.ticket_page", "web.portal"):
        monkeypatch.setattr(f"pactdesk.{where}.clock_now", lambda: MONDAY_10AM)


def _as(user) -> Browser:
    browser = Browser()
    browser.force_login(user)
    return browser


def test_one_click_sets_presence_and_signing_out_makes_away(people) -> None:
    browser = _as(people["ana"])

    answer = browser.post(
        "/desk/presence/", {"status": "available"}, headers={"HX-Request": "true"}
    )
    assert answer.status_code == 200
    assert b'value="available" class="presence-available current"' in answer.content
    assert Presence.objects.get(user=people["ana"]).status == "available"

    assert browser.post("/desk/presence/", {"status": "asleep"}).status_code == 422
    browser.post("/logout/")
    assert Presence.objects.get(user=people["ana"]).status == "away"


def test_the_next_button_opens_the_ticket_it_took(northwind, people, available, lodge) -> None:
    ticket = lodge(northwind)
    available(people["ana"])

    answer = _as(people["ana"]).post("/desk/next/")

    assert answer.status_code == 302
    assert answer.url == f"/desk/tickets/{ticket.pk}/"
    assert Ticket.objects.get(pk=ticket.pk).assignee_id == people["ana"].pk


def test_a_dedicated_client_reads_why_its_ticket_waits(lotus, people, lodge) -> None:
    ticket = lodge(lotus)
    back = MONDAY_10AM + timedelta(hours=18)  # Tuesday 09:00 in London
    for who in ("sam", "sue"):
        presence_set(
            actor=people[who], given=PresenceIn(status="away", back_at=back), now=MONDAY_10AM
        )

    page = _as(people["cy"]).get(f"/desk/tickets/{ticket.pk}/")

    assert page.status_code == 200
    assert b"Your technician is away until Tue 03 Mar 09:00 GMT." in page.content


def test_workload_shows_everyone_in_a_fixed_number_of_queries(
    northwind, lotus, people, available, lodge
) -> None:
    available(people["ana"], people["sam"])
    lodge(northwind)
    lodge(lotus)
    browser = _as(people["mo"])
    browser.get("/desk/workload/")  # warm the per-process caches

    with CaptureQueriesContext(connection) as few:
        assert browser.get("/desk/workload/").status_code == 200
    for n in range(10):
        UserFactory(role=Role.AGENT, name=f"More {n}", email=f"more{n}@pactdesk.test")
        lodge(northwind, subject=f"More {n}")
    # Client work too: tasks and time entries (today's and this week's) of both seats.
    fields = TaskFields(title="Patch the servers", assignee_id=people["sue"].pk)
    for n in range(4):
        task = task_create(actor=people["cy"], client=lotus.client, fields=fields, now=MONDAY_10AM)
        ticket = lodge(lotus, subject=f"Lotus {n}", now=MONDAY_10AM - 6 * HOUR)
        for who, item in (
            ("sam", ItemRef(WorkKind.TICKET, ticket.pk)),
            ("sue", ItemRef(WorkKind.TASK, task.pk)),
        ):
            time_log(
                actor=people[who],
                item=item,
                started_at=MONDAY_10AM - (n + 1) * HOUR,
                duration=HOUR / 2,
                now=MONDAY_10AM,
            )
    for n in range(3):  # more dedicated clients, each with a seat held
        other = dedicated_agreement(
            ClientFactory(name=f"Dedicated {n}", slug=f"dedicated-{n}"), seats=1
        )
        holder = UserFactory(role=Role.AGENT, name=f"Holder {n}", email=f"holder{n}@pactdesk.test")
        seat_assign(seat=other.seats.get(), agent=holder)
    time_timer_start(actor=people["sam"], item=ItemRef(WorkKind.TICKET, ticket.pk), now=MONDAY_10AM)
    with CaptureQueriesContext(connection) as many:
        page = browser.get("/desk/workload/")

    assert len(many) == len(few)
    assert b"<td>2 h 00 min</td>" in page.content  # Sue's time on tasks today
    assert b"Shared pool" in page.content
    assert _as(people["ana"]).get("/desk/workload/").status_code == 403


def test_a_manager_chooses_a_pools_strategy(people) -> None:
    pool = Pool.objects.get(is_default=True)

    _as(people["mo"]).post(f"/desk/pools/{pool.pk}/strategy/", {"strategy": "round_robin"})
    _as(people["ana"]).post(f"/desk/pools/{pool.pk}/strategy/", {"strategy": "least_loaded"})

    assert Pool.objects.get(pk=pool.pk).strategy == "round_robin"
