"""The simulation against the closed forms of domain.queueing on stationary cases.

Each case runs independent replications of whole weeks at constant rates with
exponential handle times, so that Erlang C (or Cobham's priority waits, or Erlang A)
is exact for the long run, and checks that the closed-form value lies in the
simulation's 99 % confidence interval over replications. Seeded: deterministic.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from pactdesk.domain import queueing
from pactdesk.domain.simulation import (
    Answer,
    Estimate,
    ExponentialHandle,
    HourlyArrivals,
    Scenario,
    Seats,
    SimulationResult,
    Target,
    TaskLoad,
    TicketClass,
    simulate,
)

MINUTE = timedelta(minutes=1)


def stream(
    name: str,
    per_hour: float,
    *,
    handle: timedelta,
    within: timedelta,
    patience: timedelta | None = None,
) -> TicketClass:
    """Poisson arrivals, exponential handle, answered at pick-up (as Erlang C counts)."""
    return TicketClass(
        name,
        HourlyArrivals.constant(per_hour),
        ExponentialHandle(handle),
        Target(within, goal=0.8, answer=Answer.PICK_UP),
        patience=patience,
    )


def known(estimate: Estimate | None) -> Estimate:
    assert estimate is not None
    return estimate


@pytest.mark.parametrize(
    ("agents", "per_hour", "handle_minutes", "within_minutes", "weeks"),
    [
        (20, 50, 20, 2, 1),  # the desk: 16.7 Erlangs, 83 % busy
        (5, 12, 20, 10, 4),  # 4 Erlangs on 5 agents
        (2, 2, 30, 15, 4),  # half busy
        (1, 1.5, 30, 10, 4),  # M/M/1 at 75 %
    ],
)
def test_mmn_service_level_and_mean_wait_lie_in_the_confidence_interval(
    agents: int, per_hour: float, handle_minutes: int, within_minutes: int, weeks: int
) -> None:
    handle, within = handle_minutes * MINUTE, within_minutes * MINUTE
    scenario = Scenario(
        classes=(stream("all", per_hour, handle=handle, within=within),),
        staffing=Seats(agents),
        weeks=weeks,
    )

    result = simulate(scenario=scenario, seed=11, replications=10)

    level = queueing.service_level(
        agents=agents, arrivals_per_hour=per_hour, handle=handle, within=within
    )
    wait = queueing.average_wait(agents=agents, arrivals_per_hour=per_hour, handle=handle)
    assert level in known(result.attainment(confidence=0.99))
    assert wait.total_seconds() in known(result.mean_response(confidence=0.99))
    occupancy = queueing.occupancy(agents=agents, arrivals_per_hour=per_hour, handle=handle)
    assert occupancy in result.utilisation(confidence=0.99)


def test_priority_mean_waits_match_cobham_and_urgent_waits_less() -> None:
    handle = 20 * MINUTE
    urgent = stream("urgent", 3, handle=handle, within=10 * MINUTE)
    normal = stream("normal", 9, handle=handle, within=10 * MINUTE)
    scenario = Scenario(classes=(urgent, normal), staffing=Seats(5), weeks=4)

    result = simulate(scenario=scenario, seed=21, replications=10)

    urgent_wait, normal_wait = queueing.priority_average_wait(
        agents=5, arrivals_per_hour_urgent=3, arrivals_per_hour_normal=9, handle=handle
    )
    urgent_estimate = known(result.mean_response(ticket_class="urgent", confidence=0.99))
    normal_estimate = known(result.mean_response(ticket_class="normal", confidence=0.99))
    assert urgent_wait.total_seconds() in urgent_estimate
    assert normal_wait.total_seconds() in normal_estimate
    assert urgent_estimate.high < normal_estimate.low


def test_abandonment_matches_erlang_a() -> None:
    # 4 Erlangs on 4 agents: unstable without abandonment, stable with a 10-minute patience
    handle, patience, within = 20 * MINUTE, 10 * MINUTE, 5 * MINUTE
    scenario = Scenario(
        classes=(stream("all", 12, handle=handle, within=within, patience=patience),),
        staffing=Seats(4),
        weeks=4,
    )

    result = simulate(scenario=scenario, seed=31, replications=10)

    level = queueing.erlang_a_service_level(
        agents=4, arrivals_per_hour=12, handle=handle, patience=patience, within=within
    )
    gave_up = queueing.erlang_a_abandonment(
        agents=4, arrivals_per_hour=12, handle=handle, patience=patience
    )
    assert level in known(result.attainment(confidence=0.99))
    assert gave_up in known(result.abandonment(confidence=0.99))


def run_seats(seats: Seats) -> SimulationResult:
    tickets = stream("all", 3, handle=20 * MINUTE, within=30 * MINUTE)
    scenario = Scenario(classes=(tickets,), staffing=seats, weeks=2)
    return simulate(scenario=scenario, seed=41, replications=10)


def test_seat_holders_with_half_their_time_on_tasks_behave_like_half_as_many_agents() -> None:
    # Given four seat holders whose client's 5-minute tasks take half their time
    half_time = run_seats(Seats(4, tasks=TaskLoad(0.5, ExponentialHandle(5 * MINUTE))))
    two, three = run_seats(Seats(2)), run_seats(Seats(3))

    # Then tasks take half of their time, and tickets see about what two agents give:
    # the intervals overlap, and three full agents do clearly better.
    assert 0.5 in half_time.task_share(confidence=0.99)
    half_attainment, two_attainment = known(half_time.attainment()), known(two.attainment())
    assert half_attainment.low <= two_attainment.high
    assert two_attainment.low <= half_attainment.high
    half_wait, two_wait = known(half_time.mean_response()), known(two.mean_response())
    assert half_wait.low <= two_wait.high
    assert two_wait.low <= half_wait.high
    assert known(three.attainment()).low > half_attainment.high
