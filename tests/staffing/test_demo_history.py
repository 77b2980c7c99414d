"""Staffing on the demo's history: six seeded weeks made through the desk services."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pytest
from django.db import transaction

from pactdesk.agreements.models import Agreement
from pactdesk.cli.demo import demo_load
from pactdesk.cli.demo_history import history_load
from pactdesk.desk.models import Ticket
from pactdesk.staffing.advice import seat_advice_compute
from pactdesk.staffing.forecast import forecast, held_out_error
from pactdesk.staffing.history import client_history
from pactdesk.staffing.pool import pool_plan
from pactdesk.staffing.words import AdviceKind

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)  # a Monday morning


@pytest.fixture
def demo() -> None:
    with transaction.atomic():
        demo_load()
        history_load(now=NOW, weeks=6, seed=2026)


def test_history_forecast_advice_and_pool_on_the_demo(
    demo: None, django_assert_max_num_queries
) -> None:
    thames = Agreement.objects.select_related("client", "calendar", "plan").get(
        client__slug="thames"
    )
    with django_assert_max_num_queries(4):
        history = client_history(agreement=thames, now=NOW)
    # Given: the complete London weeks after the first ticket, valid tickets only
    assert history.weeks == tuple(
        date(2026, m, d) for m, d in ((10, 19), (10, 26), (11, 2), (11, 9), (11, 16), (11, 23))
    )
    valid = Ticket.objects.filter(
        agreement=thames,
        is_valid=True,
        merged_into__isnull=True,
        lodged_at__gte=datetime(2026, 10, 18, 23, 0, tzinfo=UTC),
        lodged_at__lt=datetime(2026, 11, 30, 0, 0, tzinfo=UTC),
    ).count()
    assert history.tickets == valid
    assert history.weekly().sum(axis=1).tolist() == [20, 23, 20, 24, 24, 21]
    assert history.first_touch[""].samples > 100
    assert 5 < history.first_touch[""].mean.total_seconds() / 60 < 15

    # The forecast's error on the two held-out demo weeks, beside last-week-again
    predicted = forecast(history.weekly())
    error = held_out_error(history.weekly())
    assert predicted.error == error
    assert error.held_out == 2
    assert error.weekly_mape == pytest.approx(0.0929, abs=1e-4)
    assert error.hourly_mae == pytest.approx(0.2191, abs=1e-4)
    assert error.hourly_mae < error.naive_hourly_mae == pytest.approx(0.2411, abs=1e-4)
    assert np.allclose(predicted.weeks.sum(axis=1), [23.200, 23.543, 23.886, 24.229], atol=1e-3)

    # The dedicated client's advice, from its history, signed off by the simulation
    advice = seat_advice_compute(agreement=thames, now=NOW)
    rec = advice.recommendation
    assert (rec.kind, rec.seats, rec.recommended) == (AdviceKind.KEEP, 2, 2)
    assert rec.text.startswith("keep 2 seats: p90 first response 28 minutes, attainment 98%")
    assert [o.seats for o in rec.options] == [1, 2, 3]
    assert [c.monday for c in advice.backtest] == list(history.weeks)
    assert [round(c.actual, 4) for c in advice.backtest] == [0.95, 1.0, 0.9474, 1.0, 1.0, 0.9474]
    assert all(c.error == c.predicted - c.actual for c in advice.backtest)

    # The shared pool: lotus is round the clock, northwind New York office hours
    plan = pool_plan(week=date(2026, 11, 30), now=NOW)
    assert [s.slug for s in plan.sources] == ["lotus", "northwind"]
    assert all("lotus" in hour.clients for hour in plan.requirement.hours)
    northwind_hours = [h.hour for h in plan.requirement.hours if "northwind" in h.clients]
    assert northwind_hours[:8] == list(range(14, 22))  # 09:00-17:00 New York is 14-22 UTC
    assert len(northwind_hours) == 40
    assert min(plan.requirement.agents) == 1
