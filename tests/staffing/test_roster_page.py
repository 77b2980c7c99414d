"""The roster page's list of hours short: consecutive hours with the same shortfall read
as one span ("Mon 00:00–09:00 (0 of 2)"), not 168 separate hours."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.test import Client as Browser

from pactdesk.accounts.models import Role
from pactdesk.staffing.models import PoolRoster
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_hours_short_are_listed_as_spans() -> None:
    agent = UserFactory(role=Role.AGENT, name="Solo")
    requirement = [2] * 168
    requirement[24 * 6 + 23] = 3  # Sun 23:00 needs one more: a span of its own
    PoolRoster.objects.create(
        week=date(2026, 11, 30),
        computed_at=datetime(2026, 11, 30, 6, tzinfo=UTC),
        status="feasible",
        requirement=requirement,
        # Mon 09:00-17:00 and Sun 22:00-Mon 06:00 (wrapping: its break is Mon 01:00)
        shifts=[[agent.pk, 9, 8, 13], [agent.pk, 24 * 6 + 22, 8, 1]],
        uncovered=0,
        solve_seconds=1.0,
    )
    browser = Browser()
    browser.force_login(UserFactory(role=Role.MANAGER))
    page = browser.get("/desk/staffing/roster/2026-W49/").content.decode()
    short = page.split("<h2>Hours short</h2>")[1].split("</p>")[0]
    spans = [s.strip() for s in short.removeprefix("\n  <p>").split(", ")]
    assert spans == [
        "Mon 00:00 (1 of 2)",
        "Mon 01:00 (0 of 2)",
        "Mon 02:00–06:00 (1 of 2)",
        "Mon 06:00–09:00 (0 of 2)",
        "Mon 09:00–13:00 (1 of 2)",
        "Mon 13:00 (0 of 2)",  # the break
        "Mon 14:00–17:00 (1 of 2)",
        "Mon 17:00–Sun 22:00 (0 of 2)",
        "Sun 22:00 (1 of 2)",
        "Sun 23:00 (1 of 3)",
    ]
