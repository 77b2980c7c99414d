"""The demo's dedicated client has tasks, an order and logged time."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import pairwise

import pytest
from django.db import transaction

from pactdesk.accounts.models import Client
from pactdesk.cli.demo import demo_load
from pactdesk.cli.demo_history import history_load
from pactdesk.cli.demo_work import TASKS, work_demo_load
from pactdesk.domain.work import WorkKind
from pactdesk.work.models import Task, TimeEntry
from pactdesk.work.order import work_order_read

pytestmark = pytest.mark.django_db


def test_thames_has_tasks_an_order_and_logged_time() -> None:
    now = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)  # a Thursday
    with transaction.atomic():
        demo_load()
        history_load(now=now, weeks=2, seed=7)
        made = work_demo_load(now=now, seed=7)
    thames = Client.objects.get(slug="thames")

    view = work_order_read(client=thames)
    kinds = [entry.kind for entry in view.entries]
    urgent = [e for e in view.entries if e.priority == "urgent"]
    entries = list(TimeEntry.objects.order_by("person_id", "started_at"))

    assert Task.objects.filter(client=thames).count() == len(TASKS)
    assert view.settled
    assert kinds[len(urgent) : len(urgent) + 3] == [WorkKind.TASK] * 3  # the open ones
    assert view.entries[: len(urgent)] == tuple(urgent)
    assert made == len(entries) > 20
    assert {e.client_id for e in entries} == {thames.pk}
    assert all(e.ended_at <= now for e in entries)
    for first, second in pairwise(entries):  # no overlaps per person
        if first.person_id == second.person_id:
            assert first.ended_at <= second.started_at
