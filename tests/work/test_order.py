"""The work order: one ranked list per dedicated client, new tickets placed by the
client's rule, leavers gone, reorders refused when stale or wrong, nothing moved."""

from __future__ import annotations

import pytest

from pactdesk.desk.services import ticket_mark_invalid
from pactdesk.domain.work import EntryRule, ItemRef, TaskStatus, WorkKind
from pactdesk.platform.errors import Conflict, PermissionDenied, ValidationFailed
from pactdesk.work.error_codes import WorkErrorCode
from pactdesk.work.models import WorkItem, WorkOrder
from pactdesk.work.order import (
    work_order_move,
    work_order_read,
    work_order_reorder,
    work_order_settings_set,
    work_order_settle,
)
from pactdesk.work.services import TaskFields, task_create, task_status_set
from tests.work.conftest import NOW

pytestmark = pytest.mark.django_db


def T(pk: int) -> ItemRef:  # noqa: N802
    return ItemRef(WorkKind.TICKET, pk)


def K(pk: int) -> ItemRef:  # noqa: N802
    return ItemRef(WorkKind.TASK, pk)


def _task(world, title: str = "Migrate the reports"):
    return task_create(
        actor=world.thames.admin, client=world.thames.client, fields=TaskFields(title), now=NOW
    )


def test_new_tickets_enter_at_the_bottom_by_default_and_tasks_below_them(world, lodge) -> None:
    first = lodge(world.thames.client, subject="First")
    task = _task(world)
    second = lodge(world.thames.client, subject="Second")

    view = work_order_read(client=world.thames.client)

    assert view.refs == [T(first.pk), K(task.pk), T(second.pk)]
    assert [e.ranked for e in view.entries] == [True, True, False]
    assert view.version == 1


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (EntryRule.TOP, ["urgent", "low", "normal", "task"]),
        (EntryRule.BOTTOM, ["task", "normal", "low", "urgent"]),
        (EntryRule.BY_PRIORITY, ["task", "urgent", "normal", "low"]),
    ],
)
def test_the_entry_rule_places_new_tickets(world, lodge, rule, expected) -> None:
    thames = world.thames
    work_order_settings_set(
        actor=thames.admin,
        client=thames.client,
        entry_rule=rule,
        members_may_create_tasks=False,
        members_may_reorder=False,
    )
    _task(world, "task")
    for priority in ("normal", "low", "urgent"):
        lodge(thames.client, subject=priority, priority=priority)

    titles = [e.title for e in work_order_read(client=thames.client).entries]

    assert titles == expected


def test_settling_writes_arrivals_and_bumps_the_version_once(world, lodge) -> None:
    ticket = lodge(world.thames.client)

    view = work_order_settle(client=world.thames.client)
    again = work_order_settle(client=world.thames.client)

    assert view.refs == [T(ticket.pk)]
    assert (view.version, again.version) == (1, 1)
    assert list(WorkItem.objects.values_list("ticket_id", "rank")) == [(ticket.pk, 0)]


def test_a_reorder_with_the_current_version_replaces_the_order(world, lodge) -> None:
    a, b = lodge(world.thames.client, subject="a"), lodge(world.thames.client, subject="b")
    task = _task(world)
    seen = work_order_settle(client=world.thames.client)

    view = work_order_reorder(
        actor=world.thames.admin,
        client=world.thames.client,
        version=seen.version,
        items=[K(task.pk), T(b.pk), T(a.pk)],
    )

    assert view.refs == [K(task.pk), T(b.pk), T(a.pk)]
    assert view.version == seen.version + 1
    assert work_order_read(client=world.thames.client).refs == view.refs


def _refused_reorder(world, items, version=None):
    client = world.thames.client
    before = work_order_settle(client=client)
    rows = list(WorkItem.objects.values_list("ticket_id", "task_id", "rank"))
    with pytest.raises((Conflict, ValidationFailed)) as refused:
        work_order_reorder(
            actor=world.thames.admin,
            client=client,
            version=before.version if version is None else version,
            items=items,
        )
    assert list(WorkItem.objects.values_list("ticket_id", "task_id", "rank")) == rows
    assert WorkOrder.objects.get(client=client).version == before.version
    return refused.value


def test_a_stale_version_is_refused_and_nothing_moves(world, lodge) -> None:
    a, b = lodge(world.thames.client), lodge(world.thames.client)
    work_order_settle(client=world.thames.client)

    error = _refused_reorder(world, [T(b.pk), T(a.pk)], version=0)

    assert (error.http_status, error.code) == (409, WorkErrorCode.STALE_ORDER)


def test_a_ticket_lodged_after_the_read_makes_the_read_stale(world, lodge) -> None:
    a = lodge(world.thames.client)
    seen = work_order_settle(client=world.thames.client)
    lodge(world.thames.client)

    with pytest.raises(Conflict) as refused:
        work_order_reorder(
            actor=world.thames.admin,
            client=world.thames.client,
            version=seen.version,
            items=[T(a.pk)],
        )

    assert refused.value.code == WorkErrorCode.STALE_ORDER


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("duplicate", WorkErrorCode.DUPLICATE_ITEM),
        ("unknown", WorkErrorCode.UNKNOWN_ITEM),
        ("other_client", WorkErrorCode.UNKNOWN_ITEM),
        ("missing", WorkErrorCode.MISSING_ITEM),
    ],
)
def test_a_wrong_list_is_refused_and_nothing_moves(world, lodge, case, code) -> None:
    a, b = lodge(world.thames.client), lodge(world.thames.client)
    theirs = lodge(world.other.client)
    items = {
        "duplicate": [T(a.pk), T(a.pk), T(b.pk)],
        "unknown": [T(a.pk), T(b.pk), K(999_999)],
        "other_client": [T(a.pk), T(b.pk), T(theirs.pk)],
        "missing": [T(a.pk)],
    }[case]

    error = _refused_reorder(world, items)

    assert (error.http_status, error.code) == (422, code)


def test_members_reorder_only_when_their_admin_allows(world, lodge) -> None:
    thames = world.thames
    a, b = lodge(thames.client), lodge(thames.client)
    seen = work_order_settle(client=thames.client)

    with pytest.raises(PermissionDenied) as refused:
        work_order_reorder(
            actor=thames.member,
            client=thames.client,
            version=seen.version,
            items=[T(b.pk), T(a.pk)],
        )
    work_order_settings_set(
        actor=thames.admin,
        client=thames.client,
        entry_rule=EntryRule.BOTTOM,
        members_may_create_tasks=False,
        members_may_reorder=True,
    )
    view = work_order_reorder(
        actor=thames.member, client=thames.client, version=seen.version, items=[T(b.pk), T(a.pk)]
    )

    assert refused.value.code == WorkErrorCode.NOT_ALLOWED
    assert view.refs == [T(b.pk), T(a.pk)]


def test_leavers_leave_the_list(world, lodge) -> None:
    thames = world.thames
    gone, stays = lodge(thames.client), lodge(thames.client)
    task = _task(world)
    work_order_settle(client=thames.client)

    ticket_mark_invalid(actor=world.manager, ticket=gone, reason="spam", now=NOW)
    task_status_set(actor=thames.techs[0], task=task, status=TaskStatus.DOING, now=NOW)
    task_status_set(actor=thames.techs[0], task=task, status=TaskStatus.DONE, now=NOW)

    assert work_order_read(client=thames.client).refs == [T(stays.pk)]
    assert work_order_settle(client=thames.client).refs == [T(stays.pk)]
    assert WorkItem.objects.count() == 1


def test_moving_one_item_up_and_down(world, lodge) -> None:
    thames = world.thames
    a, b, c = (lodge(thames.client) for _ in range(3))
    seen = work_order_settle(client=thames.client)

    up = work_order_move(
        actor=thames.admin, client=thames.client, version=seen.version, item=T(c.pk), by=-1
    )
    top = work_order_move(
        actor=thames.admin, client=thames.client, version=up.version, item=T(c.pk), by=-5
    )

    assert up.refs == [T(a.pk), T(c.pk), T(b.pk)]
    assert top.refs == [T(c.pk), T(a.pk), T(b.pk)]


def test_reading_the_list_takes_three_queries_whatever_its_length(
    world, lodge, django_assert_num_queries
) -> None:
    thames = world.thames
    for _ in range(3):
        lodge(thames.client)
        _task(world)
    work_order_settle(client=thames.client)
    for _ in range(5):
        lodge(thames.client)
        _task(world)

    with django_assert_num_queries(3):
        view = work_order_read(client=thames.client)

    assert len(view.entries) == 16
