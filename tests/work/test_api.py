"""GET and PUT /api/clients/{id}/work-order: the list with its version; a stale
version is a 409, a wrong list a 422, another client a 404, and nothing moves."""

from __future__ import annotations

import pytest

from pactdesk.api.services import api_key_create
from pactdesk.work.models import WorkItem, WorkOrder
from pactdesk.work.order import work_order_settings_set
from pactdesk.work.services import TaskFields, task_create
from tests.api.conftest import Api
from tests.work.conftest import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def apis(world, django_capture_on_commit_callbacks):
    def key(**owner):
        return Api(api_key_create(now=NOW, **owner).secret, django_capture_on_commit_callbacks)

    return {
        "manager": key(staff_email=world.manager.email),
        "agent": key(staff_email=world.pool_agent.email),
        "thames": key(client_slug="thames"),
        "other": key(client_slug="other"),
        "shared": key(client_slug="shared"),
    }


@pytest.fixture
def listed(world, lodge):
    """Thames: two tickets and a task, in that order; Other: one ticket."""
    first = lodge(world.thames.client, subject="First", priority="high")
    second = lodge(world.thames.client, subject="Second")
    task = task_create(
        actor=world.thames.admin,
        client=world.thames.client,
        fields=TaskFields("Export", assignee_id=world.thames.techs[0].pk),
        now=NOW,
    )
    theirs = lodge(world.other.client, subject="Theirs")
    return first, second, task, theirs


def _path(client) -> str:
    return f"/api/clients/{client.pk}/work-order"


def test_get_answers_the_list_with_its_version(world, apis, listed) -> None:
    first, second, task, _ = listed

    answer = apis["thames"].get(_path(world.thames.client))

    assert answer.status == 200
    body = answer.body
    assert (body["client_id"], body["version"], body["entry_rule"]) == (
        world.thames.client.pk,
        1,
        "bottom",
    )
    assert [(i["kind"], i["id"], i["reference"], i["title"]) for i in body["items"]] == [
        ("ticket", first.pk, f"PD-{first.pk}", "First"),
        ("ticket", second.pk, f"PD-{second.pk}", "Second"),
        ("task", task.pk, f"T-{task.pk}", "Export"),
    ]
    assert body["items"][0]["priority"] == "high"
    assert body["items"][2]["assignee_id"] == world.thames.techs[0].pk


def test_a_manager_reorders_with_the_version_read(world, apis, listed) -> None:
    first, second, task, _ = listed
    api, path = apis["manager"], _path(world.thames.client)
    version = api.get(path).body["version"]
    items = [
        {"kind": "task", "id": task.pk},
        {"kind": "ticket", "id": second.pk},
        {"kind": "ticket", "id": first.pk},
    ]

    answer = api.call("PUT", path, {"version": version, "items": items})

    assert answer.status == 200
    assert answer.body["version"] == version + 1
    assert [(i["kind"], i["id"]) for i in answer.body["items"]] == [
        (i["kind"], i["id"]) for i in items
    ]
    assert api.get(path).body["items"][0]["id"] == task.pk


def _unmoved(world):
    return (
        list(WorkItem.objects.order_by("pk").values_list("ticket_id", "task_id", "rank")),
        WorkOrder.objects.get(client=world.thames.client).version,
    )


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("stale", 409, "stale_order"),
        ("duplicate", 422, "duplicate_item"),
        ("unknown", 422, "unknown_item"),
        ("theirs", 422, "unknown_item"),
        ("missing", 422, "missing_item"),
        ("bad_kind", 422, "invalid_request"),
        ("extra_field", 422, "invalid_request"),
    ],
)
def test_a_refused_reorder_moves_nothing(world, apis, listed, case, status, code) -> None:
    first, second, task, theirs = listed
    api, path = apis["manager"], _path(world.thames.client)
    version = api.get(path).body["version"]
    mine = [
        {"kind": "ticket", "id": second.pk},
        {"kind": "ticket", "id": first.pk},
        {"kind": "task", "id": task.pk},
    ]
    body = {
        "stale": {"version": version - 1, "items": mine},
        "duplicate": {"version": version, "items": [*mine, mine[0]]},
        "unknown": {"version": version, "items": [*mine, {"kind": "task", "id": 99_999}]},
        "theirs": {"version": version, "items": [*mine, {"kind": "ticket", "id": theirs.pk}]},
        "missing": {"version": version, "items": mine[:2]},
        "bad_kind": {"version": version, "items": [{"kind": "chore", "id": 1}]},
        "extra_field": {"version": version, "items": mine, "force": True},
    }[case]
    before = _unmoved(world)

    answer = api.call("PUT", path, body)

    assert (answer.status, answer.body["code"]) == (status, code)
    assert _unmoved(world) == before


def test_another_client_is_not_found_for_a_client_key(world, apis, listed) -> None:
    thames_path = _path(world.thames.client)
    before = apis["manager"].get(thames_path).body
    rows = _unmoved(world)

    read = apis["other"].get(thames_path)
    write = apis["other"].call("PUT", thames_path, {"version": before["version"], "items": []})

    assert (read.status, write.status) == (404, 404)
    assert "First" not in str(read.body) + str(write.body)
    assert _unmoved(world) == rows


def test_a_shared_plan_client_has_no_work_order(world, apis) -> None:
    answer = apis["shared"].get(_path(world.shared.client))

    assert (answer.status, answer.body["code"]) == (422, "not_dedicated")


def test_a_client_key_reorders_only_when_members_may(world, apis, listed) -> None:
    first, second, task, _ = listed
    api, path = apis["thames"], _path(world.thames.client)
    version = api.get(path).body["version"]
    items = [
        {"kind": "ticket", "id": second.pk},
        {"kind": "task", "id": task.pk},
        {"kind": "ticket", "id": first.pk},
    ]

    refused = api.call("PUT", path, {"version": version, "items": items})
    work_order_settings_set(
        actor=world.thames.admin,
        client=world.thames.client,
        entry_rule="bottom",
        members_may_create_tasks=False,
        members_may_reorder=True,
    )
    allowed = api.call("PUT", path, {"version": version, "items": items})
    by_agent = apis["agent"].call("PUT", path, {"version": version + 1, "items": items})

    assert (refused.status, refused.body["code"]) == (403, "not_allowed")
    assert allowed.status == 200
    assert (by_agent.status, by_agent.body["code"]) == (403, "not_allowed")
