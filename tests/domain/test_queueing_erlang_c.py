"""Erlang C, service level, wait, occupancy and least staffing against exact references."""

from __future__ import annotations

import math
import time
from datetime import timedelta
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pactdesk.domain.errors import QueueingCode, QueueingError
from pactdesk.domain.queueing import (
    average_wait,
    erlang_c,
    occupancy,
    required_agents,
    service_level,
)

EXAMPLES = settings(max_examples=120, deadline=None)
MINUTES_3 = timedelta(minutes=3)
SECONDS_20 = timedelta(seconds=20)


def exact_erlang_c(n: int, load: Fraction) -> Fraction:
    """Erlang C in exact rationals: Erlang B's recursion ``B_k = A B_(k-1) / (k + A B_(k-1))``."""
    b = Fraction(1)
    for k in range(1, n + 1):
        b = load * b / (k + load * b)
    return n * b / (n - load * (1 - b))


def exact_load(per_hour: Fraction | int, handle: timedelta) -> Fraction:
    return Fraction(per_hour) * Fraction(handle.total_seconds()) / 3600


def reference_level(n: int, per_hour: int, handle: timedelta, within: timedelta) -> float:
    """``1 - C e^(-(n - A) t / h)`` with C exact; 0 for an unstable queue."""
    load = exact_load(per_hour, handle)
    if n <= load:
        return 0.0
    tail = float(exact_erlang_c(n, load)) * math.exp(-float((n - load) * Fraction(within / handle)))
    return 1.0 - tail


def brute_force_agents(
    per_hour: int, handle: timedelta, within: timedelta, goal: float, cap: float = 1.0
) -> int:
    """A linear search from 1 agent over the exact reference."""
    load = exact_load(per_hour, handle)
    n = 1
    while not (reference_level(n, per_hour, handle, within) >= goal and load / n <= cap):
        n += 1
    return n


# --- exact values ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("agents", "traffic", "expected"),
    [
        (1, 0.5, 0.5),  # M/M/1: P(wait) = rho
        (2, 1.0, 1 / 3),  # M/M/2: 2 rho^2 / (1 + rho) = 1/3 at rho = 1/2
        (11, 10.0, 0.6821182046893),  # the textbook 10 Erlangs, 11 agents: 68.21 %
        (14, 10.0, 0.1741319335950),  # same load, 14 agents: 17.41 %
    ],
)
def test_erlang_c_matches_published_and_closed_form_values(
    agents: int, traffic: float, expected: float
) -> None:
    assert erlang_c(agents=agents, traffic=traffic) == pytest.approx(expected, rel=1e-11)


@pytest.mark.parametrize("agents", [1, 2, 5, 11, 13, 20, 40, 80])
@pytest.mark.parametrize("traffic", ["0.25", "0.9", "4.5", "10", "10.6", "37.3", "79.99"])
def test_erlang_c_equals_the_exact_rational_recursion(agents: int, traffic: str) -> None:
    load = Fraction(traffic)
    expected = 1.0 if agents <= load else float(exact_erlang_c(agents, load))

    assert erlang_c(agents=agents, traffic=float(load)) == pytest.approx(expected, rel=1e-12)


def test_service_level_of_the_textbook_example() -> None:
    # 100 calls per half hour (200 an hour), 3 minutes each, answered within 20 seconds.
    levels = [
        service_level(agents=n, arrivals_per_hour=200, handle=MINUTES_3, within=SECONDS_20)
        for n in (11, 12, 13, 14, 15)
    ]

    assert levels == pytest.approx([0.3896, 0.6402, 0.7956, 0.8884, 0.9415], abs=5e-5)
    for n, level in zip((11, 12, 13, 14, 15), levels, strict=True):
        assert level == pytest.approx(reference_level(n, 200, MINUTES_3, SECONDS_20), rel=1e-12)


def test_required_agents_of_the_textbook_example_is_14_for_80_percent() -> None:
    needed = required_agents(arrivals_per_hour=200, handle=MINUTES_3, within=SECONDS_20, goal=0.8)

    assert needed == 14
    assert needed == brute_force_agents(200, MINUTES_3, SECONDS_20, 0.8)


def test_average_wait_and_occupancy_of_the_textbook_example() -> None:
    wait = average_wait(agents=14, arrivals_per_hour=200, handle=MINUTES_3)
    expected = float(exact_erlang_c(14, Fraction(10))) * 180 / 4

    assert wait.total_seconds() == pytest.approx(expected, abs=1e-6)
    assert occupancy(agents=14, arrivals_per_hour=200, handle=MINUTES_3) == pytest.approx(10 / 14)


def test_fraction_of_load_at_least_half_is_not_over_staffed() -> None:
    # A = 10.6 Erlangs: 11 agents give 55.6 % within 5 minutes. A search that starts at
    # round(A + 1) = 12, as pyworkforce's does, answers 12.
    within = timedelta(minutes=5)
    needed = required_agents(arrivals_per_hour=212, handle=MINUTES_3, within=within, goal=0.5)

    assert needed == 11
    assert needed == brute_force_agents(212, MINUTES_3, within, 0.5)


@pytest.mark.parametrize(
    ("per_hour", "handle_s", "within_s", "goal", "cap"),
    [
        (212, 180, 300, 0.5, 1.0),
        (212, 180, 20, 0.8, 1.0),
        (30, 300, 60, 0.9, 1.0),
        (30, 300, 60, 0.9, 0.5),
        (1, 600, 0, 0.5, 1.0),
        (7, 3600, 1800, 0.95, 0.85),
        (1000, 90, 15, 0.99, 0.85),
        (450, 240, 0, 0.2, 1.0),
    ],
)
def test_required_agents_equals_a_brute_force_linear_search(
    per_hour: int, handle_s: int, within_s: int, goal: float, cap: float
) -> None:
    handle, within = timedelta(seconds=handle_s), timedelta(seconds=within_s)

    needed = required_agents(
        arrivals_per_hour=per_hour, handle=handle, within=within, goal=goal, max_occupancy=cap
    )

    assert needed == brute_force_agents(per_hour, handle, within, goal, cap)


def test_occupancy_cap_binds_exactly_at_its_boundary() -> None:
    # A = 8.5 Erlangs; at most 0.85 busy needs exactly 10 agents (8.5 / 10 = 0.85).
    needed = required_agents(
        arrivals_per_hour=170,
        handle=MINUTES_3,
        within=timedelta(hours=1),
        goal=0.5,
        max_occupancy=0.85,
    )

    assert needed == 10


# --- conventions ---------------------------------------------------------------------


def test_zero_arrivals_need_no_agents_and_nobody_waits() -> None:
    assert required_agents(arrivals_per_hour=0, handle=MINUTES_3, within=SECONDS_20, goal=0.8) == 0
    assert erlang_c(agents=1, traffic=0.0) == 0.0
    assert service_level(agents=1, arrivals_per_hour=0, handle=MINUTES_3, within=SECONDS_20) == 1.0
    assert average_wait(agents=1, arrivals_per_hour=0, handle=MINUTES_3) == timedelta(0)
    assert occupancy(agents=3, arrivals_per_hour=0, handle=MINUTES_3) == 0.0


def test_an_unstable_queue_waits_always_and_answers_nothing_in_time() -> None:
    assert erlang_c(agents=10, traffic=10.0) == 1.0
    assert erlang_c(agents=3, traffic=12.5) == 1.0
    assert service_level(agents=10, arrivals_per_hour=200, handle=MINUTES_3, within=SECONDS_20) == 0
    assert occupancy(agents=5, arrivals_per_hour=200, handle=MINUTES_3) == 1.0
    with pytest.raises(QueueingError) as caught:
        average_wait(agents=10, arrivals_per_hour=200, handle=MINUTES_3)
    assert caught.value.code == QueueingCode.UNSTABLE_QUEUE == "unstable_queue"


def test_a_target_of_zero_is_answered_only_without_waiting() -> None:
    level = service_level(agents=12, arrivals_per_hour=200, handle=MINUTES_3, within=timedelta(0))

    assert level == pytest.approx(1 - float(exact_erlang_c(12, Fraction(10))), rel=1e-12)


# --- bad input -----------------------------------------------------------------------

GOOD = {"arrivals_per_hour": 200, "handle": MINUTES_3, "within": SECONDS_20, "goal": 0.8}


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"arrivals_per_hour": -1}, "invalid_arrivals", "arrivals_per_hour"),
        ({"arrivals_per_hour": math.nan}, "invalid_arrivals", "arrivals_per_hour"),
        ({"arrivals_per_hour": math.inf}, "invalid_arrivals", "arrivals_per_hour"),
        ({"arrivals_per_hour": "200"}, "invalid_arrivals", "arrivals_per_hour"),
        ({"handle": timedelta(0)}, "invalid_handle", "handle"),
        ({"handle": timedelta(seconds=-5)}, "invalid_handle", "handle"),
        ({"handle": 180}, "invalid_handle", "handle"),
        ({"within": timedelta(seconds=-1)}, "invalid_within", "within"),
        ({"goal": 0}, "invalid_goal", "goal"),
        ({"goal": 1}, "invalid_goal", "goal"),
        ({"goal": 1.5}, "invalid_goal", "goal"),
        ({"goal": math.nan}, "invalid_goal", "goal"),
        ({"max_occupancy": 0}, "invalid_max_occupancy", "max_occupancy"),
        ({"max_occupancy": 1.01}, "invalid_max_occupancy", "max_occupancy"),
    ],
)
def test_required_agents_refuses_bad_input_with_a_code(
    changes: dict[str, object], code: str, field: str
) -> None:
    with pytest.raises(QueueingError) as caught:
        required_agents(**{**GOOD, **changes})  # type: ignore[arg-type]

    assert (caught.value.code, caught.value.field) == (code, field)


@pytest.mark.parametrize("agents", [0, -1, 2.0, True, None])
def test_agents_must_be_a_whole_number_of_at_least_one(agents: object) -> None:
    with pytest.raises(QueueingError) as caught:
        erlang_c(agents=agents, traffic=1.0)  # type: ignore[arg-type]

    assert caught.value.code == "invalid_agents"


@pytest.mark.parametrize("traffic", [-0.1, math.nan, math.inf, "3"])
def test_traffic_must_be_finite_and_not_negative(traffic: object) -> None:
    with pytest.raises(QueueingError) as caught:
        erlang_c(agents=3, traffic=traffic)  # type: ignore[arg-type]

    assert caught.value.code == "invalid_traffic"


def test_the_contract_is_keyword_only() -> None:
    with pytest.raises(TypeError):
        erlang_c(3, 1.0)  # type: ignore[misc]


# --- big traffic ---------------------------------------------------------------------


@pytest.mark.parametrize("traffic", [1_000.0, 10_000.0, 100_000.0, 1_000_000.0])
def test_big_traffic_is_finite_and_in_range(traffic: float) -> None:
    n = math.ceil(traffic + 2 * math.sqrt(traffic))
    wait = erlang_c(agents=n, traffic=traffic)

    assert 0.0 < wait < 1.0
    assert erlang_c(agents=n + 50, traffic=traffic) < wait
    assert erlang_c(agents=10 * n, traffic=traffic) == 0.0  # e^-(millions): underflows to 0


def test_required_agents_at_100_000_erlangs_is_exact_and_fast() -> None:
    per_hour, handle = 2_000_000, MINUTES_3  # 100,000 Erlangs

    best = math.inf
    for _ in range(3):
        started = time.perf_counter()
        needed = required_agents(
            arrivals_per_hour=per_hour, handle=handle, within=SECONDS_20, goal=0.8
        )
        best = min(best, time.perf_counter() - started)

    assert best < 0.05
    at = service_level(agents=needed, arrivals_per_hour=per_hour, handle=handle, within=SECONDS_20)
    below = service_level(
        agents=needed - 1, arrivals_per_hour=per_hour, handle=handle, within=SECONDS_20
    )
    assert below < 0.8 <= at
    assert 100_000 < needed < 100_100


# --- properties ------------------------------------------------------------------------

loads = st.floats(min_value=0.01, max_value=5_000.0, allow_nan=False)
per_hours = st.floats(min_value=0.1, max_value=20_000.0, allow_nan=False)
handles = st.integers(1, 4 * 3600).map(lambda s: timedelta(seconds=s))
withins = st.integers(0, 8 * 3600).map(lambda s: timedelta(seconds=s))
goals = st.floats(min_value=0.01, max_value=0.999)
caps = st.floats(min_value=0.3, max_value=1.0)


@EXAMPLES
@given(agents=st.integers(1, 6_000), traffic=loads)
def test_erlang_c_is_a_probability_that_falls_as_agents_are_added(
    agents: int, traffic: float
) -> None:
    wait = erlang_c(agents=agents, traffic=traffic)

    assert 0.0 <= wait <= 1.0
    assert erlang_c(agents=agents + 1, traffic=traffic) <= wait


@EXAMPLES
@given(agents=st.integers(1, 6_000), per_hour=per_hours, handle=handles, within=withins)
def test_service_level_rises_with_agents(
    agents: int, per_hour: float, handle: timedelta, within: timedelta
) -> None:
    here = service_level(agents=agents, arrivals_per_hour=per_hour, handle=handle, within=within)
    more = service_level(
        agents=agents + 1, arrivals_per_hour=per_hour, handle=handle, within=within
    )

    assert 0.0 <= here <= more <= 1.0


@EXAMPLES
@given(per_hour=per_hours, handle=handles, within=withins, goal=goals, cap=caps)
def test_required_agents_is_the_least_that_meets_goal_and_cap(
    per_hour: float, handle: timedelta, within: timedelta, goal: float, cap: float
) -> None:
    needed = required_agents(
        arrivals_per_hour=per_hour, handle=handle, within=within, goal=goal, max_occupancy=cap
    )

    def meets(n: int) -> bool:
        level = service_level(agents=n, arrivals_per_hour=per_hour, handle=handle, within=within)
        busy = occupancy(agents=n, arrivals_per_hour=per_hour, handle=handle)
        return level >= goal and busy <= cap

    assert meets(needed)
    assert needed == 1 or not meets(needed - 1)


@EXAMPLES
@given(
    per_hour=st.integers(1, 400),
    handle=st.integers(30, 1800).map(lambda s: timedelta(seconds=s)),
    within=st.integers(0, 1800).map(lambda s: timedelta(seconds=s)),
    goal=goals,
)
def test_required_agents_equals_the_exact_brute_force(
    per_hour: int, handle: timedelta, within: timedelta, goal: float
) -> None:
    reference = brute_force_agents(per_hour, handle, within, goal)
    # Skip the measure-zero ties where float rounding may decide either way.
    assume(abs(reference_level(reference, per_hour, handle, within) - goal) > 1e-9)
    assume(abs(reference_level(reference - 1, per_hour, handle, within) - goal) > 1e-9)

    assert (
        required_agents(arrivals_per_hour=per_hour, handle=handle, within=within, goal=goal)
        == reference
    )


@EXAMPLES
@given(per_hour=per_hours, handle=handles, within=withins, goals=st.tuples(goals, goals))
def test_required_agents_never_falls_as_the_goal_rises(
    per_hour: float, handle: timedelta, within: timedelta, goals: tuple[float, float]
) -> None:
    low, high = sorted(goals)

    def needed(goal: float) -> int:
        return required_agents(arrivals_per_hour=per_hour, handle=handle, within=within, goal=goal)

    assert needed(low) <= needed(high)


@EXAMPLES
@given(rates=st.tuples(per_hours, per_hours), handle=handles, within=withins, goal=goals)
def test_required_agents_never_falls_as_arrivals_rise(
    rates: tuple[float, float], handle: timedelta, within: timedelta, goal: float
) -> None:
    low, high = sorted(rates)

    def needed(per_hour: float) -> int:
        return required_agents(arrivals_per_hour=per_hour, handle=handle, within=within, goal=goal)

    assert needed(low) <= needed(high)


@pytest.mark.parametrize(
    ("per_hour", "handle"),
    [(1e20, timedelta(seconds=1)), (1e9, timedelta(days=999_999)), (1e300, MINUTES_3)],
)
def test_loads_beyond_a_billion_erlangs_are_refused_not_mis_answered(
    per_hour: float, handle: timedelta
) -> None:
    with pytest.raises(QueueingError) as caught:
        required_agents(arrivals_per_hour=per_hour, handle=handle, within=SECONDS_20, goal=0.8)

    assert (caught.value.code, caught.value.field) == ("traffic_too_large", "arrivals_per_hour")
    with pytest.raises(QueueingError) as direct:
        erlang_c(agents=10, traffic=2e9)
    assert direct.value.code == "traffic_too_large"


def test_a_billion_erlangs_is_still_exact() -> None:
    per_hour = 1e9 * 20  # 3-minute handle

    needed = required_agents(
        arrivals_per_hour=per_hour, handle=MINUTES_3, within=SECONDS_20, goal=0.8
    )

    def level(n: int) -> float:
        return service_level(
            agents=n, arrivals_per_hour=per_hour, handle=MINUTES_3, within=SECONDS_20
        )

    assert level(needed - 1) < 0.8 <= level(needed)
    assert erlang_c(agents=10**15, traffic=3.0) == 0.0
