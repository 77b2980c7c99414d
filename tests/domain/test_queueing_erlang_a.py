"""Erlang A against a truncated Markov chain, and the two-class priority variant."""

from __future__ import annotations

import math
import time
from datetime import timedelta
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.linalg import expm

from pactdesk.domain.errors import QueueingError
from pactdesk.domain.queueing import (
    average_wait,
    erlang_a_abandonment,
    erlang_a_required_agents,
    erlang_a_service_level,
    erlang_a_wait_probability,
    erlang_c,
    priority_average_wait,
    priority_service_level,
    service_level,
)

EXAMPLES = settings(max_examples=60, deadline=None)
MINUTES_3 = timedelta(minutes=3)
SECONDS_20 = timedelta(seconds=20)


def chain(n: int, per_hour: float, handle: timedelta, patience: timedelta) -> np.ndarray:
    """Stationary distribution of the M/M/n+M birth-death chain, truncated far out."""
    lam = per_hour / 3600
    mu = 1 / handle.total_seconds()
    theta = 1 / patience.total_seconds()
    size = n + 160
    weights = np.ones(size)
    for j in range(1, size):
        death = min(j, n) * mu + max(j - n, 0) * theta
        weights[j] = weights[j - 1] * lam / death
    return weights / weights.sum()


def reference_a(
    n: int, per_hour: float, handle: timedelta, patience: timedelta, within: timedelta
) -> tuple[float, float, float]:
    """``(service level, abandonment, wait probability)`` from the chain.

    A waiting arrival with ``k`` ahead is followed as its own absorbing chain (ahead
    count, then served or gone) through the matrix exponential of its generator.
    """
    mu = 1 / handle.total_seconds()
    theta = 1 / patience.total_seconds()
    pi = chain(n, per_hour, handle, patience)
    depth = len(pi) - n
    served, gone = depth, depth + 1
    generator = np.zeros((depth + 2, depth + 2))
    for ahead in range(depth):
        move = n * mu + ahead * theta
        generator[ahead, ahead - 1 if ahead else served] += move
        generator[ahead, gone] += theta
        generator[ahead, ahead] = -(move + theta)
    answered = expm(generator * within.total_seconds())[:depth, served]
    waiting = pi[n:]
    level = pi[:n].sum() + float(waiting @ answered)
    queue = float(np.arange(depth) @ waiting)
    abandonment = theta * queue / (per_hour / 3600)
    return level, abandonment, float(waiting.sum())


@pytest.mark.parametrize("n", [3, 6, 8, 10, 11, 14])
@pytest.mark.parametrize(
    ("patience", "within"),
    [
        (timedelta(minutes=1), SECONDS_20),
        (timedelta(minutes=5), timedelta(minutes=2)),
        (timedelta(seconds=30), timedelta(0)),
        (timedelta(minutes=10), timedelta(minutes=30)),
    ],
)
def test_erlang_a_matches_the_markov_chain(n: int, patience: timedelta, within: timedelta) -> None:
    level, abandonment, waits = reference_a(n, 200, MINUTES_3, patience, within)
    args = {"agents": n, "arrivals_per_hour": 200, "handle": MINUTES_3, "patience": patience}

    assert erlang_a_service_level(**args, within=within) == pytest.approx(level, rel=1e-9)
    assert erlang_a_abandonment(**args) == pytest.approx(abandonment, rel=1e-9)
    assert erlang_a_wait_probability(**args) == pytest.approx(waits, rel=1e-9)


def test_erlang_a_staffs_below_the_load_when_callers_give_up() -> None:
    # 10 Erlangs, patience 1 minute: 8 agents answer half the callers within 20 s.
    args = {"arrivals_per_hour": 200, "handle": MINUTES_3, "patience": timedelta(minutes=1)}

    needed = erlang_a_required_agents(**args, within=SECONDS_20, goal=0.5)

    assert needed == 8 < 10
    brute = next(
        n
        for n in range(1, 50)
        if reference_a(n, 200, MINUTES_3, args["patience"], SECONDS_20)[0] >= 0.5
    )
    assert needed == brute


def test_erlang_a_with_endless_patience_is_erlang_c() -> None:
    patience = timedelta(days=365 * 100)

    level = erlang_a_service_level(
        agents=12, arrivals_per_hour=200, handle=MINUTES_3, patience=patience, within=SECONDS_20
    )

    expected = service_level(agents=12, arrivals_per_hour=200, handle=MINUTES_3, within=SECONDS_20)
    assert level == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("hours", [1, 4, 8, 24, 24 * 30])
def test_targets_of_hours_stay_finite_and_equal_everyone_not_given_up(hours: int) -> None:
    # patience 30 s against a target of hours: e^-(target/patience) is far below 1e-308.
    args = {
        "arrivals_per_hour": 200,
        "handle": MINUTES_3,
        "patience": timedelta(seconds=30),
        "agents": 8,
    }

    level = erlang_a_service_level(**args, within=timedelta(hours=hours))

    assert math.isfinite(level)
    assert 0.0 < level < 1.0
    assert level == pytest.approx(1 - erlang_a_abandonment(**args), rel=1e-12)


def test_long_targets_have_a_least_staffing_too() -> None:
    needed = erlang_a_required_agents(
        arrivals_per_hour=200,
        handle=MINUTES_3,
        patience=timedelta(minutes=2),
        within=timedelta(hours=4),
        goal=0.9,
    )

    def level(n: int) -> float:
        return erlang_a_service_level(
            agents=n,
            arrivals_per_hour=200,
            handle=MINUTES_3,
            patience=timedelta(minutes=2),
            within=timedelta(hours=4),
        )

    assert level(needed) >= 0.9 > level(needed - 1)


def test_erlang_a_at_100_000_erlangs_is_finite_and_fast() -> None:
    args = {
        "arrivals_per_hour": 2_000_000,
        "handle": MINUTES_3,
        "patience": timedelta(minutes=2),
        "within": SECONDS_20,
    }

    started = time.perf_counter()
    needed = erlang_a_required_agents(**args, goal=0.8)
    elapsed = time.perf_counter() - started

    assert elapsed < 0.5
    assert erlang_a_service_level(agents=needed, **args) >= 0.8
    assert erlang_a_service_level(agents=needed - 1, **args) < 0.8


def test_zero_arrivals_need_no_agents_in_erlang_a() -> None:
    args = {"arrivals_per_hour": 0, "handle": MINUTES_3, "patience": timedelta(minutes=1)}

    assert erlang_a_required_agents(**args, within=SECONDS_20, goal=0.9) == 0
    assert erlang_a_service_level(agents=1, **args, within=SECONDS_20) == 1.0
    assert erlang_a_abandonment(agents=1, **args) == 0.0


@pytest.mark.parametrize("patience", [timedelta(0), timedelta(seconds=-1), 60])
def test_patience_must_be_a_positive_timedelta(patience: object) -> None:
    with pytest.raises(QueueingError) as caught:
        erlang_a_abandonment(
            agents=3,
            arrivals_per_hour=10,
            handle=MINUTES_3,
            patience=patience,  # type: ignore[arg-type]
        )

    assert (caught.value.code, caught.value.field) == ("invalid_patience", "patience")


@EXAMPLES
@given(
    agents=st.integers(1, 400),
    per_hour=st.floats(1.0, 5_000.0),
    patience=st.integers(1, 3 * 3600).map(lambda s: timedelta(seconds=s)),
    within=st.integers(0, 12 * 3600).map(lambda s: timedelta(seconds=s)),
)
def test_erlang_a_service_level_rises_with_agents(
    agents: int, per_hour: float, patience: timedelta, within: timedelta
) -> None:
    args = {"arrivals_per_hour": per_hour, "handle": MINUTES_3, "patience": patience}

    here = erlang_a_service_level(agents=agents, **args, within=within)
    more = erlang_a_service_level(agents=agents + 1, **args, within=within)

    assert 0.0 <= here <= more + 1e-12 <= 1.0 + 1e-12
    assert 0.0 <= erlang_a_abandonment(agents=agents, **args) <= 1.0


# --- priorities ------------------------------------------------------------------------


def test_priority_classes_reduce_to_erlang_c_when_the_other_is_empty() -> None:
    common = {"agents": 12, "handle": MINUTES_3, "within": SECONDS_20}
    fcfs = service_level(agents=12, arrivals_per_hour=200, handle=MINUTES_3, within=SECONDS_20)

    urgent_only = priority_service_level(
        **common, arrivals_per_hour_urgent=200, arrivals_per_hour_normal=0
    )
    normal_only = priority_service_level(
        **common, arrivals_per_hour_urgent=0, arrivals_per_hour_normal=200
    )

    assert urgent_only[0] == pytest.approx(fcfs, rel=1e-12)
    assert normal_only[1] == pytest.approx(fcfs, rel=1e-12)


def test_cobham_waits_against_exact_values_and_the_conservation_law() -> None:
    # 12 agents, 3 minutes, 50 urgent + 150 normal an hour (A = 10).
    urgent, normal = priority_average_wait(
        agents=12, arrivals_per_hour_urgent=50, arrivals_per_hour_normal=150, handle=MINUTES_3
    )

    wait = Fraction(float(erlang_c(agents=12, traffic=10.0)))
    n_mu = Fraction(12, 180)
    rho_1, rho = Fraction(50 * 3, 60 * 12), Fraction(10, 12)
    assert urgent.total_seconds() == pytest.approx(float(wait / (n_mu * (1 - rho_1))), abs=2e-6)
    assert normal.total_seconds() == pytest.approx(
        float(wait / (n_mu * (1 - rho_1) * (1 - rho))), abs=2e-6
    )
    # Work conservation: the arrival-weighted mean equals the first-come wait.
    fcfs = average_wait(agents=12, arrivals_per_hour=200, handle=MINUTES_3).total_seconds()
    mixed = (50 * urgent.total_seconds() + 150 * normal.total_seconds()) / 200
    assert mixed == pytest.approx(fcfs, abs=2e-6)


def test_urgent_tickets_are_answered_sooner_and_normal_ones_starve_when_overloaded() -> None:
    common = {"handle": MINUTES_3, "within": SECONDS_20}

    urgent, normal = priority_service_level(
        agents=12, arrivals_per_hour_urgent=50, arrivals_per_hour_normal=150, **common
    )
    overloaded = priority_service_level(
        agents=10, arrivals_per_hour_urgent=50, arrivals_per_hour_normal=200, **common
    )

    fcfs = service_level(agents=12, arrivals_per_hour=200, **common)
    assert normal < fcfs < urgent
    # 10 agents, 12.5 Erlangs: urgent tickets still see an M/M/1 of rate n mu.
    assert overloaded == (pytest.approx(-math.expm1(-(10 - 2.5) * 20 / 180)), 0.0)
    with pytest.raises(QueueingError) as caught:
        priority_average_wait(
            agents=10, arrivals_per_hour_urgent=50, arrivals_per_hour_normal=200, handle=MINUTES_3
        )
    assert caught.value.code == "unstable_queue"


def test_absurd_patience_at_huge_loads_is_answered_in_bounded_time() -> None:
    # patience of 2,700 years at a billion Erlangs: the series is capped, not walked.
    started = time.perf_counter()
    needed = erlang_a_required_agents(
        arrivals_per_hour=1e9,
        handle=timedelta(hours=1),
        patience=timedelta(days=999_999),
        within=timedelta(hours=8),
        goal=0.5,
    )

    assert time.perf_counter() - started < 20
    assert 0.99e9 < needed < 1.01e9
