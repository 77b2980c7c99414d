"""The figures of an attainment report, and the pure arithmetic behind them.

Definitions (the same as `pactdesk.domain.sla.attainment`, to which the tests compare):

* met / missed / in flight / not applicable count the valid tickets of the period whose
  ticket-level target is this one (the ticket's priority's own target, else the
  metric's default), by their clock's state as of the report's instant. Invalid and
  merged tickets are listed apart and counted nowhere.
* percent = 100 x met / (met + missed); None when nothing is decided yet.
* breach budget = how many of the in-flight tickets may still miss with the period
  still reaching the goal, assuming the others are met:
  min(in_flight, floor(met + in_flight - goal/100 x (met + missed + in_flight))).
  Negative when the goal is lost even if every in-flight ticket is met.
* response times: over the tickets whose metric has been met (on time or late), the
  nearest-rank percentiles (p50 is the value at rank ceil(n/2) of the ascending
  durations, p90 at ceil(9n/10), max at n), in open time on the agreement's calendar
  and in wall-clock time from lodging.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

PROJECTION_MIN_ELAPSED = Fraction(1, 10)
PROJECTION_MIN_DECIDED = 10
PROJECTION_HELP = (
    "Month-end projection (current month only). It is shown once a tenth of the month "
    f"has gone and at least {PROJECTION_MIN_DECIDED} of its tickets are decided (met or "
    "missed); before that "
    'the report says "too early to project" (a pace taken from a few hours or a '
    "rate taken from a few tickets would promise nothing). Pace: the valid tickets lodged so far, "
    "divided by the fraction of the month's wall-clock time gone, gives the month's "
    "expected total; the difference, rounded, is the expected number still to come. "
    "Expected attainment: the tickets decided so far keep their results; the in-flight "
    "ones and those still to come are met at the rate observed so far (met / decided). "
    "Range: the same with the rate's 95% Wilson score interval (z = 1.96) in its place. "
    "Budget: how many of the in-flight and still-to-come tickets may miss with the month "
    "still reaching the goal (the breach budget with those counted as in flight)."
)
WILSON_Z = 1.96


@dataclass(frozen=True)
class Times:
    """Nearest-rank percentiles of one duration; None when nothing was met."""

    p50: timedelta | None = None
    p90: timedelta | None = None
    max: timedelta | None = None


@dataclass(frozen=True)
class Projection:
    """Where the current month is heading; see PROJECTION_HELP."""

    elapsed: Decimal  # fraction of the month gone, 0-1
    expected_total: int
    expected_remaining: int
    percent: Decimal
    percent_low: Decimal
    percent_high: Decimal
    breach_budget: int


@dataclass(frozen=True)
class TargetFigures:
    """One SLA target (metric x priority; priority None = the metric's default)."""

    metric: str
    priority: str | None
    duration: timedelta
    goal: Decimal
    met: int
    missed: int
    in_flight: int
    not_applicable: int
    responded: int = 0
    open_time: Times = field(default_factory=Times)
    wall_time: Times = field(default_factory=Times)
    projection: Projection | None = None

    @property
    def counted(self) -> int:
        return self.met + self.missed + self.in_flight

    @property
    def percent(self) -> Decimal | None:
        return percent_of(met=self.met, missed=self.missed)

    @property
    def reached(self) -> bool | None:
        value = self.percent
        return None if value is None else value >= self.goal

    @property
    def breach_budget(self) -> int:
        return breach_budget(
            met=self.met, missed=self.missed, in_flight=self.in_flight, goal=self.goal
        )


def percent_of(*, met: int, missed: int) -> Decimal | None:
    """100 x met / (met + missed), exactly as the domain computes it; None when 0/0."""
    decided = met + missed
    return None if decided == 0 else Decimal(100 * met) / Decimal(decided)


def breach_budget(*, met: int, missed: int, in_flight: int, goal: Decimal) -> int:
    """min(in_flight, floor(met + in_flight - goal/100 x total)), computed exactly."""
    total = met + missed + in_flight
    slack = Fraction(met + in_flight) - Fraction(goal) / 100 * total
    return min(in_flight, math.floor(slack))


def nearest_ranks(count: int) -> tuple[int, int, int]:
    """The 1-based ranks of p50, p90 and max among `count` ascending values."""
    return -(-count // 2), -(-9 * count // 10), count


def projection(*, figures: TargetFigures, elapsed: Fraction) -> Projection | None:
    """The month-end projection of `figures` with `elapsed` (0 <= elapsed <= 1) of the
    month gone; None ("too early to project") while elapsed < PROJECTION_MIN_ELAPSED or
    fewer than PROJECTION_MIN_DECIDED of the target's tickets are met or missed.

    The range (percent_low..percent_high) holds the expected percent, which is the
    attainment so far (the rate carried forward), and lies between the month's worst
    and best outcomes (every undecided ticket missed / met): all within 0-100."""
    lodged = figures.counted
    decided = figures.met + figures.missed
    if elapsed < PROJECTION_MIN_ELAPSED or decided < PROJECTION_MIN_DECIDED:
        return None
    expected_total = max(lodged, round(Fraction(lodged) / elapsed))
    remaining = expected_total - lodged
    undecided = figures.in_flight + remaining
    budget = breach_budget(
        met=figures.met, missed=figures.missed, in_flight=undecided, goal=figures.goal
    )
    rate = Fraction(figures.met, decided)
    low, high = wilson(successes=figures.met, trials=decided)
    low, high = min(low, rate), max(high, rate)  # the float interval, never past its centre

    def final(at_rate: Fraction) -> Decimal:
        value = (figures.met + at_rate * undecided) / (decided + undecided) * 100
        return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"))

    return Projection(
        elapsed=(Decimal(elapsed.numerator) / Decimal(elapsed.denominator)).quantize(
            Decimal("0.0001")
        ),
        expected_total=expected_total,
        expected_remaining=remaining,
        percent=final(rate),
        percent_low=final(low),
        percent_high=final(high),
        breach_budget=budget,
    )


def wilson(*, successes: int, trials: int) -> tuple[Fraction, Fraction]:
    """The 95% Wilson score interval of a binomial proportion (trials > 0)."""
    p = successes / trials
    z2 = WILSON_Z * WILSON_Z
    centre = (p + z2 / (2 * trials)) / (1 + z2 / trials)
    spread = WILSON_Z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials))
    spread /= 1 + z2 / trials
    low, high = max(0.0, centre - spread), min(1.0, centre + spread)
    return Fraction(low), Fraction(high)
