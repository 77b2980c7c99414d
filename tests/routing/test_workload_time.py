"""The workload's columns from client work: open tasks and time logged today per
agent, seat utilisation this week per dedicated client (exact values), and the page
showing them."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client as Browser

from pactdesk.domain.work import ItemRef, WorkKind
from pactdesk.routing.selectors import workload
from pactdesk.routing.services import PresenceIn, presence_set
from pactdesk.work.load import Logged, Utilisation
from pactdesk.work.services import (
    TaskFields,
    task_create,
    task_status_set,
    time_log,
    time_timer_start,
)
from tests.routing.conftest import MONDAY_10AM

H = timedelta(hours=1)
MIN = timedelta(minutes=1)
# MONDAY_10AM is 15:00 in London: Lotus's 9-to-5 calendar has been open 6 hours
# this week, so its two seats have had 12 seat hours.


def _log(world, who, item, start, duration):
    time_log(actor=world[who], item=item, started_at=start, duration=duration, now=MONDAY_10AM)


def test_open_tasks_time_today_and_seat_utilisation(lotus, people, available, lodge) -> None:
    sam, sue, cy = people["sam"], people["sue"], people["cy"]
    available(sam, sue)
    ticket = lodge(lotus, now=MONDAY_10AM - 6 * H)
    fields = TaskFields(title="Migrate the printers", assignee_id=sam.pk)
    tasks = [
        task_create(actor=cy, client=lotus.client, fields=fields, now=MONDAY_10AM - 7 * H)
        for _ in range(3)
    ]
    for status in ("doing", "done"):
        task_status_set(actor=cy, task=tasks[2], status=status, now=MONDAY_10AM - 7 * H)
    on_ticket, on_task = ItemRef(WorkKind.TICKET, ticket.pk), ItemRef(WorkKind.TASK, tasks[0].pk)
    _log(people, "sam", on_ticket, MONDAY_10AM - 5 * H, H)  # 10:00 today
    _log(people, "sam", on_task, MONDAY_10AM - 3 * H, 30 * MIN)
    _log(people, "sam", on_task, MONDAY_10AM - 20 * H, 2 * H)  # Sunday: not today
    time_timer_start(actor=sue, item=on_ticket, now=MONDAY_10AM - 45 * MIN)  # running

    view = workload(actor=people["mo"], now=MONDAY_10AM)

    rows = {row.agent.name: row for row in view.agents}
    assert (rows["Sam"].open_tasks, rows["Sam"].logged_today) == (2, Logged(3600, 1800))
    assert (rows["Sue"].open_tasks, rows["Sue"].logged_today) == (0, Logged(2700, 0))
    assert (rows["Ana"].open_tasks, rows["Ana"].logged_today) == (0, Logged(0, 0))
    (row,) = view.clients
    # 1 h + 30 min + 45 min running; Sunday's 2 h were last week.
    assert row.utilisation == Utilisation(seats=2, logged_seconds=8100, seat_seconds=43200)
    assert row.utilisation.ratio == 8100 / 43200


def test_today_is_the_agents_own_day(lotus, people, available, lodge) -> None:
    """Sam works in Kolkata (UTC+5:30): at 15:00 UTC his day began at 18:30 UTC the
    day before, so time from 19:00 UTC Sunday counts as his today."""
    sam = people["sam"]
    presence_set(
        actor=sam, given=PresenceIn(status="available", timezone="Asia/Kolkata"), now=MONDAY_10AM
    )
    ticket = lodge(lotus, now=MONDAY_10AM - 21 * H)
    item = ItemRef(WorkKind.TICKET, ticket.pk)
    _log(people, "sam", item, MONDAY_10AM - 20 * H, H)  # 19:00 UTC Sunday: his Monday
    _log(people, "sam", item, MONDAY_10AM - 21 * H, 30 * MIN)  # 18:00 UTC: his Sunday

    rows = {row.agent.name: row for row in workload(actor=people["mo"], now=MONDAY_10AM).agents}

    assert rows["Sam"].logged_today == Logged(3600, 0)


def test_the_page_shows_the_columns_and_says_what_utilisation_divides_by(
    lotus, people, available, lodge, monkeypatch
) -> None:
    monkeypatch.setattr("pactdesk.web.presence.clock_now", lambda: MONDAY_10AM)
    available(people["sam"])
    ticket = lodge(lotus, now=MONDAY_10AM - 6 * H)
    _log(people, "sam", ItemRef(WorkKind.TICKET, ticket.pk), MONDAY_10AM - 5 * H, 90 * MIN)
    browser = Browser()
    browser.force_login(people["mo"])

    page = browser.get("/desk/workload/").content.decode()

    assert "<td>1 h 30 min</td>" in page
    assert '<td>12 h 00 min <span class="muted">(2 seats)</span></td><td>13 %</td>' in page
    assert (
        "seats \N{MULTIPLICATION SIGN} the hours its calendar has been open since that Monday"
        in page
    )
