"""`/api/presence`, `/api/presence/staff` and `/api/queue/next`: staff tokens only,
bad input refused with a stable code and nothing changed."""

from __future__ import annotations

import pytest
from django.test import Client as Browser

from pactdesk.api.services import api_key_create
from pactdesk.routing.models import Presence
from tests.routing.conftest import MONDAY_10AM


@pytest.fixture(autouse=True)
def now(monkeypatch):
    monkeypatch.setattr("pactdesk.api.routing.clock_now", lambda: MONDAY_10AM)


def _call(user_or_slug, method, path, body=None):
    if isinstance(user_or_slug, str):
        secret = api_key_create(now=MONDAY_10AM, client_slug=user_or_slug).secret
    else:
        secret = api_key_create(now=MONDAY_10AM, staff_email=user_or_slug.email).secret
    send = getattr(Browser(), method)
    kwargs = {"headers": {"Authorization": f"Bearer {secret}"}}
    if body is not None:
        kwargs |= {"data": body, "content_type": "application/json"}
    answer = send(path, **kwargs)
    return answer.status_code, answer.json()


def test_an_agent_sets_and_reads_their_presence(people) -> None:
    body = {"status": "available", "cap": 4, "timezone": "Europe/London", "back_at": None}
    status, put = _call(people["ana"], "put", "/api/presence", body)
    _, got = _call(people["ana"], "get", "/api/presence")

    assert status == 200
    assert (
        put
        == got
        == {
            "user_id": people["ana"].pk,
            "name": "Ana",
            "status": "available",
            "cap": 4,
            "timezone": "Europe/London",
            "back_at": None,
            "changed_at": "2026-03-02T15:00:00Z",
        }
    )


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"status": "asleep"}, "unknown_presence", "status"),
        ({"status": "away", "cap": 0}, "cap_out_of_range", "cap"),
        ({"status": "away", "cap": 1001}, "cap_out_of_range", "cap"),
        ({"status": "away", "timezone": "Mars/Olympus"}, "unknown_time_zone", "timezone"),
        ({"status": "away", "back_at": "2026-03-03T09:00:00"}, "back_at_naive", "back_at"),
    ],
)
def test_bad_presence_is_refused_and_nothing_changes(people, body, code, field) -> None:
    status, answer = _call(people["ana"], "put", "/api/presence", body)

    assert (status, answer["code"], answer.get("field")) == (422, code, field)
    assert not Presence.objects.exists()


def test_only_managers_see_everyone(people) -> None:
    _call(people["bo"], "put", "/api/presence", {"status": "away"})

    status, rows = _call(people["mo"], "get", "/api/presence/staff")
    refused, answer = _call(people["ana"], "get", "/api/presence/staff")

    assert status == 200
    assert [(r["name"], r["status"]) for r in rows] == [
        ("Ana", "offline"),
        ("Bo", "away"),
        ("Mo", "offline"),
        ("Sam", "offline"),
        ("Sue", "offline"),
    ]
    assert (refused, answer["code"]) == (403, "not_manager")


def test_client_keys_are_refused(people) -> None:
    for method, path in (("get", "/api/presence"), ("post", "/api/queue/next")):
        status, answer = _call("lotus", method, path)
        assert (status, answer["code"]) == (403, "forbidden")


def test_next_over_the_api(northwind, people, available, lodge) -> None:
    ticket = lodge(northwind)
    available(people["ana"])

    status, first = _call(people["ana"], "post", "/api/queue/next")
    _, second = _call(people["ana"], "post", "/api/queue/next")
    refused, answer = _call(people["bo"], "post", "/api/queue/next")

    assert status == 200
    assert (first["ticket"]["id"], first["ticket"]["assignee"]["name"]) == (ticket.pk, "Ana")
    assert second == {"ticket": None}
    assert (refused, answer["code"]) == (409, "not_available")
