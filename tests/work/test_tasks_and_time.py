"""Tasks of dedicated clients (their steps and history) and logged time (timers and
durations; future and overlapping time refused), with the client's time split."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from pactdesk.domain.work import ItemRef, TaskStatus, WorkKind
from pactdesk.platform.errors import ApplicationError, Conflict, PermissionDenied, ValidationFailed
from pactdesk.work.error_codes import WorkErrorCode
from pactdesk.work.models import Task, TaskEvent, TimeEntry
from pactdesk.work.order import work_order_settings_set
from pactdesk.work.selectors import TimeSplit, time_split
from pactdesk.work.services import (
    TaskFields,
    task_create,
    task_status_set,
    task_update,
    time_log,
    time_timer_start,
    time_timer_stop,
)
from tests.work.conftest import NOW

pytestmark = pytest.mark.django_db

H = timedelta(hours=1)
M = timedelta(minutes=1)


def _task(world, **fields):
    values = {"title": "Quarterly export", **fields}
    return task_create(
        actor=world.thames.admin,
        client=world.thames.client,
        fields=TaskFields(**values),
        now=NOW,
    )


def test_a_client_admin_creates_a_task_for_a_seat_holder(world) -> None:
    sam = world.thames.techs[0]

    task = _task(
        world,
        title="  Quarterly\nexport ",
        description="All of it.",
        estimate_minutes=90,
        due_on=date(2026, 3, 6),
        assignee_id=sam.pk,
    )

    stored = Task.objects.get()
    assert (stored.title, stored.status, stored.assignee_id) == ("Quarterly export", "todo", sam.pk)
    assert (stored.estimate_minutes, stored.due_on) == (90, date(2026, 3, 6))
    assert list(TaskEvent.objects.filter(task=task).values_list("kind", "value")) == [
        ("created", ""),
        ("assigned", "Sam Seat"),
    ]


@pytest.mark.parametrize(
    ("who", "fields", "error", "code"),
    [
        ("shared_admin", {}, ValidationFailed, WorkErrorCode.NOT_DEDICATED),
        ("thames_admin", {"assignee_id": "uma"}, ValidationFailed, WorkErrorCode.NOT_A_SEAT_HOLDER),
        (
            "thames_admin",
            {"assignee_id": "pool"},
            ValidationFailed,
            WorkErrorCode.NOT_A_SEAT_HOLDER,
        ),
        ("thames_admin", {"title": " "}, ValidationFailed, WorkErrorCode.REQUIRED),
        ("thames_admin", {"title": "x" * 201}, ValidationFailed, WorkErrorCode.TOO_LONG),
        ("thames_admin", {"estimate_minutes": 0}, ValidationFailed, WorkErrorCode.BAD_DURATION),
        ("thames_member", {}, PermissionDenied, WorkErrorCode.NOT_ALLOWED),
        ("pool_agent", {}, PermissionDenied, WorkErrorCode.NOT_ALLOWED),
    ],
)
def test_refused_tasks_change_nothing(world, who, fields, error, code) -> None:
    actor, client = {
        "shared_admin": (world.shared.admin, world.shared.client),
        "thames_admin": (world.thames.admin, world.thames.client),
        "thames_member": (world.thames.member, world.thames.client),
        "pool_agent": (world.pool_agent, world.thames.client),
    }[who]
    people = {"uma": world.other.techs[0].pk, "pool": world.pool_agent.pk}
    values = {"title": "A task", **fields}
    if "assignee_id" in values:
        values["assignee_id"] = people[values["assignee_id"]]

    with pytest.raises(error) as refused:
        task_create(actor=actor, client=client, fields=TaskFields(**values), now=NOW)

    assert refused.value.code == code
    assert (Task.objects.count(), TaskEvent.objects.count()) == (0, 0)


def test_a_member_creates_tasks_once_allowed(world) -> None:
    thames = world.thames
    work_order_settings_set(
        actor=thames.admin,
        client=thames.client,
        entry_rule="bottom",
        members_may_create_tasks=True,
        members_may_reorder=False,
    )

    task = task_create(
        actor=thames.member, client=thames.client, fields=TaskFields("Mine"), now=NOW
    )

    assert task.created_by == thames.member


def test_task_steps_are_todo_doing_done_and_back_from_doing(world) -> None:
    task, sam = _task(world), world.thames.techs[0]

    task_status_set(actor=sam, task=task, status=TaskStatus.DOING, now=NOW)
    task_status_set(actor=sam, task=task, status=TaskStatus.TODO, now=NOW + M)
    task_status_set(actor=sam, task=task, status=TaskStatus.DOING, now=NOW + 2 * M)
    task_status_set(actor=sam, task=task, status=TaskStatus.DONE, now=NOW + 3 * M)

    task.refresh_from_db()
    assert (task.status, task.done_at) == ("done", NOW + 3 * M)
    assert list(task.events.filter(kind="status").values_list("value", flat=True)) == [
        "doing",
        "todo",
        "doing",
        "done",
    ]


@pytest.mark.parametrize(
    ("start", "to", "code"),
    [
        ("todo", "done", WorkErrorCode.STEP_NOT_ALLOWED),
        ("done", "doing", WorkErrorCode.STEP_NOT_ALLOWED),
        ("todo", "todo", WorkErrorCode.STEP_NOT_ALLOWED),
        ("todo", "finished", WorkErrorCode.UNKNOWN_STATUS),
    ],
)
def test_a_step_out_of_order_is_refused(world, start, to, code) -> None:
    task, sam = _task(world), world.thames.techs[0]
    Task.objects.filter(pk=task.pk).update(status=start)
    task.refresh_from_db()

    with pytest.raises(ValidationFailed) as refused:
        task_status_set(actor=sam, task=task, status=to, now=NOW)

    task.refresh_from_db()
    assert (refused.value.code, task.status) == (code, start)


def test_editing_a_task_records_the_edit_and_the_new_assignee(world) -> None:
    task = _task(world)
    tia = world.thames.techs[1]

    task_update(
        actor=world.thames.admin,
        task=task,
        fields=TaskFields("Renamed", assignee_id=tia.pk),
        now=NOW + H,
    )

    task.refresh_from_db()
    assert (task.title, task.assignee_id, task.updated_at) == ("Renamed", tia.pk, NOW + H)
    assert list(task.events.values_list("kind", "value")) == [
        ("created", ""),
        ("edited", ""),
        ("assigned", "Tia Seat"),
    ]


# --- Logged time ---------------------------------------------------------------------


def test_time_logged_as_a_duration_and_with_a_timer(world, lodge) -> None:
    sam, task = world.thames.techs[0], _task(world)
    ticket = lodge(world.thames.client)

    logged = time_log(
        actor=sam,
        item=ItemRef(WorkKind.TASK, task.pk),
        started_at=NOW - 3 * H,
        duration=90 * M,
        now=NOW,
    )
    time_timer_start(actor=sam, item=ItemRef(WorkKind.TICKET, ticket.pk), now=NOW - H)
    stopped = time_timer_stop(actor=sam, now=NOW - 15 * M)

    assert (logged.seconds, logged.ended_at, logged.client_id) == (
        5400,
        NOW - 90 * M,
        world.thames.client.pk,
    )
    assert stopped is not None
    assert (stopped.seconds, stopped.ticket_id, stopped.ended_at) == (2700, ticket.pk, NOW - 15 * M)


@pytest.mark.parametrize(
    ("start", "duration", "code"),
    [
        (NOW - 10 * M, 11 * M, WorkErrorCode.FUTURE_TIME),
        (NOW + H, 10 * M, WorkErrorCode.FUTURE_TIME),
        (NOW - 4 * H - 30 * M, H, WorkErrorCode.OVERLAPPING_TIME),  # ends inside
        (NOW - 3 * H, 10 * M, WorkErrorCode.OVERLAPPING_TIME),  # inside
        (NOW - 5 * H, 3 * H, WorkErrorCode.OVERLAPPING_TIME),  # around
        (NOW - 2 * H, 0 * M, WorkErrorCode.BAD_DURATION),
        (NOW - 30 * H, 25 * H, WorkErrorCode.BAD_DURATION),
    ],
)
def test_future_overlapping_and_odd_time_is_refused(world, start, duration, code) -> None:
    sam, task = world.thames.techs[0], _task(world)
    item = ItemRef(WorkKind.TASK, task.pk)
    time_log(actor=sam, item=item, started_at=NOW - 4 * H, duration=2 * H, now=NOW)

    with pytest.raises(ValidationFailed) as refused:
        time_log(actor=sam, item=item, started_at=start, duration=duration, now=NOW)

    assert refused.value.code == code
    assert TimeEntry.objects.count() == 1


def test_touching_spans_and_other_people_do_not_overlap(world) -> None:
    sam, tia, task = *world.thames.techs, _task(world)
    item = ItemRef(WorkKind.TASK, task.pk)
    time_log(actor=sam, item=item, started_at=NOW - 4 * H, duration=2 * H, now=NOW)

    time_log(actor=sam, item=item, started_at=NOW - 2 * H, duration=H, now=NOW)
    time_log(actor=sam, item=item, started_at=NOW - 5 * H, duration=H, now=NOW)
    time_log(actor=tia, item=item, started_at=NOW - 4 * H, duration=2 * H, now=NOW)

    assert TimeEntry.objects.count() == 4


def test_one_timer_at_a_time_and_none_to_stop(world) -> None:
    sam, task = world.thames.techs[0], _task(world)
    item = ItemRef(WorkKind.TASK, task.pk)
    with pytest.raises(Conflict) as nothing:
        time_timer_stop(actor=sam, now=NOW)
    time_timer_start(actor=sam, item=item, now=NOW - H)

    with pytest.raises(Conflict) as twice:
        time_timer_start(actor=sam, item=item, now=NOW)
    with pytest.raises(ValidationFailed) as over:  # logged time inside the running timer
        time_log(actor=sam, item=item, started_at=NOW - 30 * M, duration=10 * M, now=NOW)

    assert (nothing.value.code, twice.value.code) == (
        WorkErrorCode.TIMER_NOT_RUNNING,
        WorkErrorCode.TIMER_RUNNING,
    )
    assert over.value.code == WorkErrorCode.OVERLAPPING_TIME
    assert TimeEntry.objects.count() == 1


def test_client_users_log_no_time_and_staff_none_on_unknown_items(world, lodge) -> None:
    ticket = lodge(world.thames.client)
    with pytest.raises(PermissionDenied):
        time_log(
            actor=world.thames.admin,
            item=ItemRef(WorkKind.TICKET, ticket.pk),
            started_at=NOW - H,
            duration=M,
            now=NOW,
        )
    with pytest.raises(ApplicationError) as unknown:
        time_timer_start(actor=world.thames.techs[0], item=ItemRef(WorkKind.TASK, 999_999), now=NOW)

    assert unknown.value.code == WorkErrorCode.TASK_NOT_FOUND
    assert TimeEntry.objects.count() == 0


def test_the_time_split_sums_per_day_and_week_in_the_clients_zone(world, lodge) -> None:
    """London is on GMT in early March: days are UTC days."""
    sam, tia, task = *world.thames.techs, _task(world)
    ticket = lodge(world.thames.client)
    on_task, on_ticket = ItemRef(WorkKind.TASK, task.pk), ItemRef(WorkKind.TICKET, ticket.pk)
    monday = NOW.replace(hour=9)  # 2 March 2026
    time_log(actor=sam, item=on_task, started_at=monday, duration=2 * H, now=NOW)
    time_log(actor=tia, item=on_ticket, started_at=monday, duration=30 * M, now=NOW)
    time_log(actor=sam, item=on_ticket, started_at=monday - 3 * 24 * H, duration=H, now=NOW)
    theirs = world.other.client
    other_task = task_create(
        actor=world.other.admin, client=theirs, fields=TaskFields("Theirs"), now=NOW
    )
    time_log(
        actor=world.other.techs[0],
        item=ItemRef(WorkKind.TASK, other_task.pk),
        started_at=monday,
        duration=H,
        now=NOW,
    )

    days = time_split(
        client=world.thames.client,
        zone="Europe/London",
        first=date(2026, 2, 27),
        last=date(2026, 3, 2),
    )
    weeks = time_split(
        client=world.thames.client,
        zone="Europe/London",
        first=date(2026, 2, 23),
        last=date(2026, 3, 2),
        by="week",
    )

    assert days == [
        TimeSplit(date(2026, 2, 27), 3600, 0),
        TimeSplit(date(2026, 2, 28), 0, 0),
        TimeSplit(date(2026, 3, 1), 0, 0),
        TimeSplit(date(2026, 3, 2), 1800, 7200),
    ]
    assert weeks == [TimeSplit(date(2026, 2, 23), 3600, 0), TimeSplit(date(2026, 3, 2), 1800, 7200)]
