"""The month-end projection: "too early to project" until a tenth of the month has gone
and 10 tickets are decided; after that, a range inside what the month can still become."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from pactdesk.reports.figures import (
    PROJECTION_HELP,
    PROJECTION_MIN_DECIDED,
    PROJECTION_MIN_ELAPSED,
    TargetFigures,
    projection,
)

CENT = Decimal("0.01")


def figures(*, met: int, missed: int, in_flight: int = 0, goal: str = "90") -> TargetFigures:
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


def test_one_ticket_five_minutes_into_the_month_is_too_early():
    # The break test: 00:05 on 1 November (30 days) used to project 8,640 tickets.
    elapsed = Fraction(5, 30 * 24 * 60)

    assert projection(figures=figures(met=1, missed=0), elapsed=elapsed) is None
    assert projection(figures=figures(met=0, missed=0, in_flight=1), elapsed=elapsed) is None


def test_the_rule_is_a_tenth_of_the_month_and_ten_decided_tickets():
    assert (PROJECTION_MIN_ELAPSED.numerator, PROJECTION_MIN_ELAPSED.denominator) == (1, 10)
    assert PROJECTION_MIN_DECIDED == 10
    ten = figures(met=9, missed=1)
    just_before = PROJECTION_MIN_ELAPSED - Fraction(1, 30 * 24 * 3600)

    assert projection(figures=ten, elapsed=just_before) is None
    assert (
        projection(figures=figures(met=9, missed=0, in_flight=50), elapsed=Fraction(1, 2)) is None
    )
    at_the_edge = projection(figures=ten, elapsed=PROJECTION_MIN_ELAPSED)
    assert at_the_edge is not None
    assert (at_the_edge.expected_total, at_the_edge.expected_remaining) == (100, 90)
    assert (at_the_edge.elapsed, at_the_edge.percent) == (Decimal("0.1000"), Decimal("90.00"))
    # floor(9 + 90 - 0.9 x 100) = 9 of the 90 still to decide may miss.
    assert at_the_edge.breach_budget == 9


def test_half_way_with_18_of_20_met():
    forecast = projection(figures=figures(met=18, missed=2), elapsed=Fraction(1, 2))

    assert forecast is not None
    assert (forecast.expected_total, forecast.expected_remaining) == (40, 20)
    # Wilson 95% for 18/20: 0.69896-0.97213; the 20 to come at those rates:
    # (18 + 20 x 0.69896) / 40 = 79.95 %, (18 + 20 x 0.97213) / 40 = 93.61 %.
    assert (forecast.percent_low, forecast.percent, forecast.percent_high) == (
        Decimal("79.95"),
        Decimal("90.00"),
        Decimal("93.61"),
    )
    assert forecast.breach_budget == 2  # floor(18 + 20 - 0.9 x 40)


def test_the_help_text_says_when_it_is_too_early():
    assert "too early to project" in PROJECTION_HELP
    assert "a tenth of the month" in PROJECTION_HELP
    assert "at least 10 of its tickets are decided" in PROJECTION_HELP


def _percent(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator) * 100).quantize(CENT)


@settings(deadline=None)  # exact Fractions; timing varies on a loaded machine
@given(
    met=st.integers(0, 400),
    missed=st.integers(0, 400),
    in_flight=st.integers(0, 400),
    elapsed=st.fractions(min_value=0, max_value=1, max_denominator=30 * 24 * 3600),
    goal=st.sampled_from(["0", "50", "90", "95.5", "99.99", "100"]),
)
def test_the_range_holds_the_attainment_so_far_and_stays_inside_what_is_possible(
    met, missed, in_flight, elapsed, goal
):
    given_figures = figures(met=met, missed=missed, in_flight=in_flight, goal=goal)

    forecast = projection(figures=given_figures, elapsed=elapsed)

    decided = met + missed
    if elapsed < Fraction(1, 10) or decided < 10:
        assert forecast is None
        return
    assert forecast is not None
    undecided = in_flight + forecast.expected_remaining
    month = decided + undecided
    worst, best = _percent(Fraction(met, month)), _percent(Fraction(met + undecided, month))
    so_far = _percent(Fraction(met, decided))
    assert forecast.percent == so_far
    assert Decimal(0) <= worst <= forecast.percent_low <= so_far <= forecast.percent_high
    assert forecast.percent_high <= best <= Decimal(100)
    assert forecast.expected_total >= met + missed + in_flight
    assert forecast.breach_budget <= undecided
