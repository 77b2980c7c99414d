"""Simulation inputs: every bad value refused with a code, seeds reproducible, work bounded."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import timedelta

import numpy as np
import pytest

from pactdesk.domain.errors import DomainError, SimulationCode, SimulationError
from pactdesk.domain.simulation import (
    EmpiricalHandle,
    ExponentialHandle,
    FixedHandle,
    Headcount,
    HourlyArrivals,
    LognormalHandle,
    Roster,
    Scenario,
    ScheduledArrivals,
    Seats,
    Shift,
    SimulationResult,
    Target,
    TaskLoad,
    TicketClass,
    WeekHours,
    simulate,
)

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
TARGET = Target(30 * MINUTE, goal=0.9)


def tickets(per_hour: float = 4.0, name: str = "all") -> TicketClass:
    return TicketClass(
        name, HourlyArrivals.constant(per_hour), ExponentialHandle(10 * MINUTE), TARGET
    )


def scenario(**changes: object) -> Scenario:
    values: dict[str, object] = {"classes": (tickets(),), "staffing": Seats(1)}
    values.update(changes)
    return Scenario(**values)  # type: ignore[arg-type]


BAD_INPUTS: list[tuple[str, Callable[[], object], SimulationCode, str | None]] = [
    (
        "negative rate",
        lambda: HourlyArrivals.constant(-1),
        SimulationCode.INVALID_ARRIVALS,
        "per_hour",
    ),
    (
        "NaN rate",
        lambda: HourlyArrivals.constant(math.nan),
        SimulationCode.INVALID_ARRIVALS,
        "per_hour",
    ),
    (
        "167 rates",
        lambda: HourlyArrivals(per_hour=(1.0,) * 167),
        SimulationCode.INVALID_ARRIVALS,
        "per_hour",
    ),
    (
        "a negative hour",
        lambda: HourlyArrivals.of([1.0] * 167 + [-2.0]),
        SimulationCode.INVALID_ARRIVALS,
        "per_hour[167]",
    ),
    (
        "arrival before Monday",
        lambda: ScheduledArrivals(at=(-MINUTE,)),
        SimulationCode.INVALID_ARRIVALS,
        "at[0]",
    ),
    ("zero handle", lambda: ExponentialHandle(timedelta(0)), SimulationCode.INVALID_HANDLE, "mean"),
    ("negative handle", lambda: FixedHandle(-MINUTE), SimulationCode.INVALID_HANDLE, "value"),
    ("zero spread", lambda: LognormalHandle(MINUTE, cv=0.0), SimulationCode.INVALID_HANDLE, "cv"),
    ("no samples", lambda: EmpiricalHandle(samples=()), SimulationCode.INVALID_HANDLE, "samples"),
    (
        "a zero sample",
        lambda: EmpiricalHandle(samples=(MINUTE, timedelta(0))),
        SimulationCode.INVALID_HANDLE,
        "samples[1]",
    ),
    ("goal 0", lambda: Target(MINUTE, goal=0.0), SimulationCode.INVALID_GOAL, "goal"),
    ("goal 1", lambda: Target(MINUTE, goal=1.0), SimulationCode.INVALID_GOAL, "goal"),
    ("goal 90", lambda: Target(MINUTE, goal=90), SimulationCode.INVALID_GOAL, "goal"),
    ("negative target", lambda: Target(-MINUTE, goal=0.9), SimulationCode.INVALID_TARGET, "within"),
    (
        "zero patience",
        lambda: TicketClass(
            "a", HourlyArrivals.constant(1), FixedHandle(MINUTE), TARGET, patience=timedelta(0)
        ),
        SimulationCode.INVALID_PATIENCE,
        "patience",
    ),
    ("empty roster", lambda: Roster(shifts=()), SimulationCode.EMPTY_ROSTER, "shifts"),
    (
        "shift ending before it starts",
        lambda: Shift("ana", 2 * HOUR, HOUR),
        SimulationCode.INVALID_SHIFT,
        "end",
    ),
    (
        "shift starting after the week",
        lambda: Shift("ana", 7 * DAY, 8 * DAY),
        SimulationCode.INVALID_SHIFT,
        "end",
    ),
    (
        "overlap across the week end",
        lambda: Roster(
            shifts=(
                Shift("ana", 6 * DAY + 22 * HOUR, 7 * DAY + 6 * HOUR),
                Shift("ana", 2 * HOUR, 8 * HOUR),
            )
        ),
        SimulationCode.OVERLAPPING_SHIFTS,
        "shifts",
    ),
    (
        "negative headcount",
        lambda: Headcount(per_hour=(-1,) + (1,) * 167),
        SimulationCode.INVALID_HEADCOUNT,
        "per_hour[0]",
    ),
    (
        "fractional headcount",
        lambda: Headcount(per_hour=(1.5,) * 168),
        SimulationCode.INVALID_HEADCOUNT,
        "per_hour[0]",
    ),  # type: ignore[arg-type]
    ("no seats", lambda: Seats(0), SimulationCode.NO_SEATS, "count"),
    (
        "task share 1",
        lambda: TaskLoad(1.0, FixedHandle(MINUTE)),
        SimulationCode.INVALID_TASK_SHARE,
        "share",
    ),
    (
        "negative task share",
        lambda: TaskLoad(-0.1, FixedHandle(MINUTE)),
        SimulationCode.INVALID_TASK_SHARE,
        "share",
    ),
    ("calendar never open", lambda: WeekHours(open=()), SimulationCode.INVALID_CALENDAR, "open"),
    (
        "calendar out of order",
        lambda: WeekHours(open=((2 * HOUR, 3 * HOUR), (HOUR, 2 * HOUR))),
        SimulationCode.INVALID_CALENDAR,
        "open[1]",
    ),
    (
        "no ticket classes",
        lambda: scenario(classes=()),
        SimulationCode.NO_TICKET_CLASSES,
        "classes",
    ),
    (
        "two classes of one name",
        lambda: scenario(classes=(tickets(), tickets())),
        SimulationCode.DUPLICATE_CLASS,
        "classes[1]",
    ),
    ("zero weeks", lambda: scenario(weeks=0), SimulationCode.INVALID_HORIZON, "weeks"),
    (
        "warm-up over a week",
        lambda: scenario(warmup=8 * DAY),
        SimulationCode.INVALID_HORIZON,
        "warmup",
    ),
    (
        "one replication",
        lambda: simulate(scenario=scenario(), seed=1, replications=1),
        SimulationCode.INVALID_REPLICATIONS,
        "replications",
    ),
    (
        "negative seed",
        lambda: simulate(scenario=scenario(), seed=-1),
        SimulationCode.INVALID_SEED,
        "seed",
    ),
    (
        "a million an hour",
        lambda: simulate(scenario=scenario(classes=(tickets(1e6),)), seed=1),
        SimulationCode.TOO_MUCH_WORK,
        "scenario",
    ),
]


@pytest.mark.parametrize(
    ("make", "code", "field"), [row[1:] for row in BAD_INPUTS], ids=[row[0] for row in BAD_INPUTS]
)
def test_bad_input_is_refused_with_a_code_and_the_field(
    make: Callable[[], object], code: SimulationCode, field: str | None
) -> None:
    with pytest.raises(SimulationError) as caught:
        make()

    assert caught.value.code == code
    assert caught.value.field == field
    assert isinstance(caught.value, DomainError)


@pytest.fixture(scope="module")
def result() -> SimulationResult:
    return simulate(scenario=scenario(), seed=7, replications=3)


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda r: r.attainment(ticket_class="vip"), SimulationCode.UNKNOWN_CLASS),
        (lambda r: r.attainment(hour=168), SimulationCode.INVALID_WINDOW),
        (lambda r: r.attainment(hour=1, day=1), SimulationCode.INVALID_WINDOW),
        (lambda r: r.count(day=7), SimulationCode.INVALID_WINDOW),
        (lambda r: r.response_percentile(0.0), SimulationCode.INVALID_QUANTILE),
        (lambda r: r.response_percentile(1.5), SimulationCode.INVALID_QUANTILE),
        (lambda r: r.attainment(confidence=1.0), SimulationCode.INVALID_CONFIDENCE),
    ],
)
def test_bad_result_questions_are_refused(
    result: SimulationResult, call: Callable[[SimulationResult], object], code: SimulationCode
) -> None:
    with pytest.raises(SimulationError) as caught:
        call(result)

    assert caught.value.code == code


def arrays(result: SimulationResult) -> list[np.ndarray]:
    return [
        array
        for r in result.replications
        for array in (r.arrival, r.pick_up, r.handle, r.response, r.agent)
    ]


def test_the_same_seed_gives_identical_results_and_another_seed_does_not() -> None:
    first = simulate(scenario=scenario(), seed=7, replications=3)
    again = simulate(scenario=scenario(), seed=7, replications=3)
    other = simulate(scenario=scenario(), seed=8, replications=3)

    assert all(np.array_equal(a, b) for a, b in zip(arrays(first), arrays(again), strict=True))
    assert first.attainment() == again.attainment()
    assert first.replications[0].arrival.size != other.replications[0].arrival.size or not (
        np.array_equal(first.replications[0].arrival, other.replications[0].arrival)
    )


def test_a_replication_does_not_depend_on_how_many_are_run() -> None:
    two = simulate(scenario=scenario(), seed=7, replications=2)
    five = simulate(scenario=scenario(), seed=7, replications=5)

    assert all(np.array_equal(a, b) for a, b in zip(arrays(two), arrays(five)[:10], strict=True))


def test_handle_draws_have_the_asked_mean_and_spread() -> None:
    rng = np.random.default_rng(1)
    lognormal = LognormalHandle(10 * MINUTE, cv=1.5).draw(rng, 400_000)
    empirical = EmpiricalHandle(samples=(MINUTE, 3 * MINUTE)).draw(rng, 1000)

    assert lognormal.mean() == pytest.approx(600, rel=0.02)
    assert lognormal.std() / lognormal.mean() == pytest.approx(1.5, rel=0.05)
    assert set(empirical.tolist()) == {60.0, 180.0}
    assert FixedHandle(MINUTE).draw(rng, 3).tolist() == [60.0, 60.0, 60.0]


def test_hourly_arrivals_follow_the_hour_of_week() -> None:
    # Given tickets only on Monday 09:00-10:00, 1,000 an hour, over four weeks
    rates = [0.0] * 168
    rates[9] = 1000.0
    times = HourlyArrivals.of(rates).draw(np.random.default_rng(2), 0.0, 4 * 7 * 86_400.0)

    hours = np.unique((times % (7 * 86_400.0)) // 3600)
    assert hours.tolist() == [9.0]
    assert times.size == pytest.approx(4000, rel=0.05)
