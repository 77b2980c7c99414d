"""The breach budget as the dashboards and the monthly report show it (break test of
issue 11): "nothing can be missed any more" is no alarm, and a past month's allowance
is (100% - goal) of its tickets, not the misses plus the in-flight budget."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from pactdesk.reports.dashboard import target_alarm
from pactdesk.reports.figures import TargetFigures
from pactdesk.reports.monthly import monthly_context


def figures(met: int, missed: int, in_flight: int, goal: str = "90") -> TargetFigures:
    return TargetFigures(
        metric="first_response",
        priority=None,
        duration=timedelta(minutes=30),
        goal=Decimal(goal),
        met=met,
        missed=missed,
        in_flight=in_flight,
        not_applicable=0,
    )


@pytest.mark.parametrize(
    ("met", "missed", "in_flight", "goal", "budget", "alarm"),
    [
        (0, 0, 0, "90", 0, False),  # no ticket yet
        (123, 6, 0, "90", 0, False),  # every ticket decided, goal reached (demo's Lotus)
        (2, 0, 0, "100", 0, False),  # a 100% target fully met
        (75, 1, 1, "90", 1, False),  # the one in flight may miss: nothing at stake
        (0, 0, 1, "90", 0, True),  # the one in flight must be met
        (19, 1, 5, "90", 1, True),  # five in flight, one may miss
        (18, 2, 5, "90", 0, True),  # five in flight, none may miss (at 90% now)
        (20, 0, 5, "90", 2, False),  # five in flight, two may miss
        (20, 0, 5, "80", 5, False),  # every one in flight may miss
        (3, 0, 3, "100", 0, True),  # a 100% target with tickets in flight: none may miss
        (8, 2, 0, "90", -1, True),  # below the goal, nothing in flight: lost
        (80, 10, 100, "90", 9, True),  # below the goal for now (88.89%): red
    ],
)
def test_the_alarm_is_a_lost_goal_or_a_tight_budget_among_tickets_in_flight(
    met, missed, in_flight, goal, budget, alarm
):
    given = figures(met, missed, in_flight, goal)
    assert (given.breach_budget, target_alarm(given)) == (budget, alarm)


def document(targets: list[dict], excluded: list[dict]) -> dict:
    return {
        "report": {
            "timezone": "America/New_York",
            "as_of": "2026-11-01T05:00:00+00:00",
            "period": {"first_day": "2026-10-01"},
            "targets": targets,
            "excluded": excluded,
        },
        "charts": {},
        "series": {"seats": []},
    }


def target(met: int, missed: int, in_flight: int, budget: int) -> dict:
    return {
        "metric": "first_response",
        "priority": None,
        "target_seconds": 3600,
        "goal": "90.00",
        "met": met,
        "missed": missed,
        "in_flight": in_flight,
        "reached": met / (met + missed) >= 0.9,
        "breach_budget": budget,
        "open_time": {"p50": 600, "p90": 1200},
    }


def test_a_past_months_allowance_is_its_share_of_tickets_not_the_in_flight_budget():
    """Thames, October in the demo: 117 met, 1 missed, nothing in flight. The month
    could miss floor(10% x 118) = 11; it read "1 of 1 misses used · 0 left"."""
    context = monthly_context(
        figures=document(
            [target(117, 1, 0, 0), target(30, 4, 6, 2), target(10, 5, 0, -4)], excluded=[]
        )
    )
    shown = [(t["misses_allowed"], t["misses_left"], t["over_by"]) for t in context["targets"]]
    assert shown == [(11, 10, 0), (4, 0, 0), (1, 0, 4)]


def test_the_excluded_tickets_show_the_day_of_lodging_in_the_agreements_zone():
    """Lodged 23:30 on 31 October in New York: 03:30 on 1 November in UTC."""
    spam = {"ticket": "PD-7", "lodged_at": "2026-11-01T03:30:00+00:00", "subject": "Win"}
    context = monthly_context(figures=document([], excluded=[spam]))
    assert [str(item["lodged_on"]) for item in context["excluded"]] == ["2026-10-31"]
