"""The demo's set-up builds the monthly reports of its history's ended months (the
break test found the client's report page empty after `make run`: the worker builds
last month only at seven past the next hour, and older months never)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction

from pactdesk.cli.demo import demo_load
from pactdesk.cli.demo_history import history_load
from pactdesk.reports.models import MonthlyReport
from pactdesk.reports.monthly import demo_months_build

pytestmark = pytest.mark.django_db


def test_the_demo_builds_the_ended_months_of_its_history_once():
    """Set up at 12:00 UTC on 10 November with five weeks of history (from 6 October):
    October for each of the three clients, November not (it has not ended)."""
    now = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
    with transaction.atomic():
        demo_load()
        history_load(now=now, weeks=5, seed=2026)
    since = now - timedelta(weeks=5)

    assert demo_months_build(now=now, since=since) == 3

    stored = MonthlyReport.objects.order_by("client__slug").values_list("client__slug", "month")
    assert [(slug, f"{month:%Y-%m}") for slug, month in stored] == [
        ("lotus", "2026-10"),
        ("northwind", "2026-10"),
        ("thames", "2026-10"),
    ]
    assert all(row.figures["report"]["tickets"] > 0 for row in MonthlyReport.objects.all())
    assert demo_months_build(now=now, since=since) == 0
