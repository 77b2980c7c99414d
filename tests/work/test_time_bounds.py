"""Logged time that cannot be right is refused with a code and writes nothing: a start
near year 1 or 9999 (which was a 500 from the form), more than a year back, and
time on a dedicated client's ticket or task by someone who holds none of its seats
(it would count in that client's seat time)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client as Browser

from pactdesk.domain.work import ItemRef, WorkKind
from pactdesk.platform.errors import PermissionDenied, ValidationFailed
from pactdesk.work.error_codes import WorkErrorCode
from pactdesk.work.models import TimeEntry
from pactdesk.work.services import TaskFields, task_create, time_log, time_timer_start
from tests.work.conftest import NOW

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)


def _task(world, side="thames", **fields):
    side = getattr(world, side)
    return task_create(
        actor=side.admin, client=side.client, fields=TaskFields("Export", **fields), now=NOW
    )


@pytest.mark.parametrize(
    ("started_at", "message"),
    [
        ("9999-12-31T23:59", "started_at: the time would end in the future"),
        ("0001-01-01T00:00+05:00", "started_at: time is logged at most 366 days back"),
        ("0001-01-01T00:00", "started_at: time is logged at most 366 days back"),
    ],
)
def test_the_form_refuses_a_start_at_the_ends_of_the_calendar(world, started_at, message) -> None:
    browser = Browser()
    browser.force_login(world.thames.techs[0])
    task = _task(world)

    answer = browser.post(
        "/desk/time/log/",
        {"item": f"task:{task.pk}", "started_at": started_at, "minutes": "30"},
        follow=True,
    )

    assert answer.status_code == 200
    assert [str(m) for m in answer.context["messages"]] == [message]
    assert not TimeEntry.objects.exists()


def test_time_more_than_a_year_back_is_refused(world) -> None:
    sam, task = world.thames.techs[0], _task(world)
    item = ItemRef(WorkKind.TASK, task.pk)

    with pytest.raises(ValidationFailed) as old:
        time_log(actor=sam, item=item, started_at=NOW - 367 * 24 * H, duration=H, now=NOW)
    year = time_log(actor=sam, item=item, started_at=NOW - 366 * 24 * H, duration=H, now=NOW)

    assert (old.value.code, old.value.field) == (WorkErrorCode.TIME_TOO_OLD, "started_at")
    assert list(TimeEntry.objects.values_list("pk", flat=True)) == [year.pk]


@pytest.mark.parametrize("who", ["other_tech", "pool_agent", "manager"])
def test_only_the_clients_technicians_log_time_on_its_task(world, who) -> None:
    person = world.other.techs[0] if who == "other_tech" else getattr(world, who)
    item = ItemRef(WorkKind.TASK, _task(world).pk)

    with pytest.raises(PermissionDenied) as logged:
        time_log(actor=person, item=item, started_at=NOW - 2 * H, duration=H, now=NOW)
    with pytest.raises(PermissionDenied) as timed:
        time_timer_start(actor=person, item=item, now=NOW)

    assert logged.value.code == timed.value.code == WorkErrorCode.NOT_A_SEAT_HOLDER
    assert not TimeEntry.objects.exists()


def test_only_the_clients_technicians_log_time_on_its_ticket(world, lodge) -> None:
    ticket = lodge(world.thames.client)
    item = ItemRef(WorkKind.TICKET, ticket.pk)

    with pytest.raises(PermissionDenied) as refused:
        time_log(actor=world.other.techs[0], item=item, started_at=NOW - 2 * H, duration=H, now=NOW)

    assert refused.value.code == WorkErrorCode.NOT_A_SEAT_HOLDER
    assert not TimeEntry.objects.exists()


def test_seat_holders_and_anyone_on_a_shared_ticket_log_time(world, lodge) -> None:
    sam, ana = world.thames.techs[0], world.pool_agent
    task, shared = _task(world), lodge(world.shared.client)

    on_task = time_log(
        actor=sam, item=ItemRef(WorkKind.TASK, task.pk), started_at=NOW - 2 * H, duration=H, now=NOW
    )
    on_shared = time_log(
        actor=ana,
        item=ItemRef(WorkKind.TICKET, shared.pk),
        started_at=NOW - 2 * H,
        duration=H,
        now=NOW,
    )

    assert (on_task.client_id, on_shared.client_id) == (world.thames.client.pk, shared.client_id)
