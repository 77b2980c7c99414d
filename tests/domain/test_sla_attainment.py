"""Period attainment and breach budget, computed exactly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from pactdesk.domain.calendars import BusinessCalendar
from pactdesk.domain.errors import DomainError
from pactdesk.domain.sla import Event, Policy, Target, TargetResult, attainment, evaluate

TARGET = Target("first_response", timedelta(minutes=30))


def results(
    met: int = 0, missed: int = 0, running: int = 0, paused: int = 0, not_applicable: int = 0
) -> list[TargetResult]:
    states = (
        ["met"] * met
        + ["breached"] * missed
        + ["running"] * running
        + ["paused"] * paused
        + ["not_applicable"] * not_applicable
    )
    return [
        TargetResult("first_response", state, None, None, None, timedelta(0), timedelta(0), TARGET)  # type: ignore[arg-type]
        for state in states
    ]


def test_counts_percent_and_budget() -> None:
    summary = attainment(
        results=results(met=18, missed=1, running=2, paused=1, not_applicable=4), goal=90
    )

    assert (summary.met, summary.missed, summary.in_flight, summary.not_applicable) == (18, 1, 3, 4)
    assert summary.percent == Decimal(1800) / Decimal(19)
    assert summary.goal == Decimal(90)
    assert summary.breach_budget == 1  # floor(21 - 0.9 * 22) = floor(1.2)
    assert summary.reached is True


@pytest.mark.parametrize(
    ("met", "missed", "in_flight", "goal", "budget"),
    [
        (100, 0, 2, 90, 2),  # safe even if every in-flight ticket misses: capped
        (9, 1, 0, 90, 0),  # exactly on the goal
        (8, 2, 0, 90, -1),  # lost: one more met ticket was needed
        (80, 20, 0, 90, -10),
        (5, 5, 2, 90, -4),  # floor(7 - 10.8)
        (7, 3, 0, 70, 0),  # 0.7 * 10 is exactly 7 (no float error)
        (7, 3, 10, Decimal("66.7"), 3),  # floor(17 - 13.34)
        (0, 0, 0, 90, 0),
        (0, 3, 5, 0, 5),
        (10, 0, 1, 100, 0),
        (10, 1, 1, 100, -1),
    ],
)
def test_breach_budget(met: int, missed: int, in_flight: int, goal: object, budget: int) -> None:
    summary = attainment(results=results(met=met, missed=missed, running=in_flight), goal=goal)  # type: ignore[arg-type]

    assert summary.breach_budget == budget


def test_nothing_decided_has_no_percent() -> None:
    summary = attainment(results=results(running=3, not_applicable=1), goal=Decimal("92.5"))

    assert (summary.percent, summary.reached, summary.breach_budget) == (None, None, 0)
    assert summary.goal == Decimal("92.5")


def test_missing_the_goal_is_reported() -> None:
    summary = attainment(results=results(met=8, missed=2), goal=90)

    assert (summary.percent, summary.reached) == (Decimal(80), False)


@pytest.mark.parametrize("goal", [-1, 100.5, "x"])
def test_goal_outside_range_is_refused(goal: object) -> None:
    with pytest.raises(DomainError) as caught:
        attainment(results=[], goal=goal)  # type: ignore[arg-type]

    assert (caught.value.code, caught.value.field) == ("invalid_goal", "goal")


def test_non_results_are_refused() -> None:
    with pytest.raises(DomainError) as caught:
        attainment(results=["met"], goal=90)  # type: ignore[list-item]

    assert (caught.value.code, caught.value.field) == ("invalid_type", "results")


def test_attainment_over_evaluated_tickets() -> None:
    calendar = BusinessCalendar.from_spec({"timezone": "UTC", "always_open": True})
    lodged = datetime(2026, 3, 2, 9, tzinfo=UTC)
    now = lodged + timedelta(hours=1)
    histories = [
        [Event(lodged, "lodged"), Event(lodged + timedelta(minutes=10), "staff_reply")],
        [Event(lodged, "lodged"), Event(lodged + timedelta(minutes=45), "staff_reply")],
        [Event(lodged + timedelta(minutes=50), "lodged")],
        [Event(lodged, "lodged"), Event(lodged, "invalid", "spam")],
    ]
    first_responses = [
        evaluate(events=events, policy=Policy.default_shared(), calendar=calendar, now=now)[
            "first_response"
        ]
        for events in histories
    ]

    summary = attainment(results=first_responses, goal=90)

    assert (summary.met, summary.missed, summary.in_flight, summary.not_applicable) == (1, 1, 1, 1)
    assert (summary.percent, summary.breach_budget) == (Decimal(50), -1)
