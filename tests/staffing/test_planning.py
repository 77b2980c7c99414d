"""Seat advice and the pool's requirement from given figures (no database)."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import timedelta

import pytest

from pactdesk.domain.queueing import required_agents
from pactdesk.platform.errors import ValidationFailed
from pactdesk.staffing.error_codes import StaffingErrorCode
from pactdesk.staffing.planning import (
    PoolClient,
    Promise,
    SeatQuestion,
    Work,
    advise_seats,
    open_share,
    pool_requirement_of,
    queued_to_opening,
)
from pactdesk.staffing.words import AdviceKind

DAY = timedelta(days=1)
OFFICE = tuple((d * DAY + timedelta(hours=9), d * DAY + timedelta(hours=17)) for d in range(5))
WORK = Work(timedelta(minutes=10), 0.6, timedelta(minutes=20))
HALF_HOUR = Promise(timedelta(minutes=30), 0.9)


def office_rates(per_hour: float) -> tuple[float, ...]:
    rates = [0.0] * 168
    for day in range(5):
        for hour in range(9, 17):
            rates[day * 24 + hour] = per_hour
    return tuple(rates)


def question(**changes: object) -> SeatQuestion:
    base = SeatQuestion(
        seats=2,
        arrivals=office_rates(5.0),
        urgent_share=0.0,
        normal=Promise(timedelta(hours=1), 0.9),
        urgent=None,
        open=OFFICE,
        work=WORK,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_a_busy_pair_of_seats_is_told_to_add_one_with_its_numbers() -> None:
    advice = advise_seats(question(seats=1, arrivals=office_rates(2.5)))
    assert advice.kind == AdviceKind.ADD
    assert advice.recommended == 2
    one, two = advice.option(1), advice.option(2)
    assert one is not None
    assert two is not None
    assert not one.keeps_promise
    assert two.keeps_promise
    assert one.p90 is not None
    assert two.p90 is not None
    assert two.p90 < one.p90
    assert (one.p90, two.p90) == (127.2, 21.8)
    assert advice.text == (
        "add a seat: p90 first response from 2.1 hours to 22 minutes; "
        "attainment from 66% to 99% (goal 90%)"
    )
    assert one.utilisation > two.utilisation
    assert advice.weekly_arrivals == pytest.approx(100.0)


def test_the_same_question_gets_the_same_advice() -> None:
    assert advise_seats(question()) == advise_seats(question())


def test_idle_seats_are_told_one_fewer_keeps_the_promise() -> None:
    advice = advise_seats(question(seats=3, arrivals=office_rates(0.5)))
    assert advice.kind == AdviceKind.REMOVE
    assert advice.recommended == 2
    assert [o.seats for o in advice.options] == [2, 3, 4]
    assert advice.text.startswith("one seat fewer would still keep the promise")


def test_follow_up_work_that_fills_the_seats_is_overloaded_not_simulated() -> None:
    heavy = Work(timedelta(minutes=10), 0.6, timedelta(hours=2))
    advice = advise_seats(question(seats=1, arrivals=office_rates(1.0), work=heavy))
    one = advice.option(1)
    assert one is not None
    assert one.overloaded
    assert one.attainment == 0.0
    assert one.p90 is None
    assert advice.kind == AdviceKind.ADD


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"seats": 0}, StaffingErrorCode.NO_SEATS, "seats"),
        ({"arrivals": (0.0,) * 168}, StaffingErrorCode.NO_HISTORY, "arrivals"),
        ({"arrivals": (-1.0,) * 168}, StaffingErrorCode.INVALID_ARRIVAL_RATE, "arrivals"),
        ({"arrivals": (float("nan"),) * 168}, StaffingErrorCode.INVALID_ARRIVAL_RATE, "arrivals"),
        ({"arrivals": (1.0,) * 24}, StaffingErrorCode.INVALID_ARRIVAL_RATE, "arrivals"),
        (
            {"work": Work(timedelta(0), 0.5, timedelta(minutes=5))},
            StaffingErrorCode.INVALID_HANDLE_TIME,
            "work",
        ),
        (
            {"work": Work(timedelta(minutes=-3), 0.5, timedelta(minutes=5))},
            StaffingErrorCode.INVALID_HANDLE_TIME,
            "work",
        ),
        (
            {"normal": Promise(timedelta(hours=1), 1.0)},
            StaffingErrorCode.INVALID_STAFFING_GOAL,
            "normal",
        ),
        (
            {"normal": Promise(timedelta(hours=1), 0.0)},
            StaffingErrorCode.INVALID_STAFFING_GOAL,
            "normal",
        ),
        (
            {"urgent": Promise(timedelta(hours=1), 1.5)},
            StaffingErrorCode.INVALID_STAFFING_GOAL,
            "urgent",
        ),
        ({"open": ()}, StaffingErrorCode.NO_SEATS, "open"),
    ],
)
def test_bad_figures_are_refused_with_a_code(changes: dict, code: str, field: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        advise_seats(question(**changes))
    assert (refused.value.code, refused.value.field) == (code, field)


def test_open_share_and_closed_hours_queue_to_the_opening() -> None:
    half_past = ((timedelta(hours=8, minutes=30), timedelta(hours=17, minutes=30)),)
    shares = open_share(half_past)
    assert shares[7:19] == (0.0, 0.5, 1, 1, 1, 1, 1, 1, 1, 1, 0.5, 0.0)
    rates = [1.0] * 168
    landed = queued_to_opening(rates, shares)
    assert landed[8] == 159.0  # 07:00 Monday back round the week to 18:00: 159 hours
    assert sum(landed) == 168.0
    assert queued_to_opening(rates, [0.0] * 168) == [0.0] * 168


def client(name: str, rates: tuple[float, ...], is_open: tuple[bool, ...]) -> PoolClient:
    return PoolClient(name=name, arrivals=rates, open=is_open, work=WORK, promise=HALF_HOUR)


ALWAYS = (True,) * 168
OFFICE_OPEN = tuple(r > 0 for r in office_rates(1.0))


def test_a_round_the_clock_client_needs_someone_every_hour_even_without_tickets() -> None:
    plan = pool_requirement_of(clients=[client("lotus", (0.0,) * 168, ALWAYS)])
    assert plan.agents == (1,) * 168
    assert plan.hours[3].clients == ("lotus",)


def test_business_hours_clients_are_staffed_in_their_hours_only() -> None:
    plan = pool_requirement_of(clients=[client("northwind", office_rates(6.0), OFFICE_OPEN)])
    expected = required_agents(
        arrivals_per_hour=6.0,
        handle=timedelta(minutes=20),
        within=timedelta(minutes=20),
        goal=0.9,
        max_occupancy=0.85,
    )
    assert plan.agents[10] == expected == 4
    assert plan.agents[0:9] == (0,) * 9
    assert plan.agents[17:33] == (0,) * 16
    assert plan.agents[5 * 24 :] == (0,) * 48


def test_the_pool_pools_clients_and_lands_the_night_at_the_opening() -> None:
    nightly = [0.0] * 168
    nightly[2] = 8.0  # Monday 02:00, before the office opens
    plan = pool_requirement_of(
        clients=[
            client("lotus", (2.0,) * 168, ALWAYS),
            client("northwind", tuple(nightly), OFFICE_OPEN),
        ],
        buffer=0.25,
    )
    assert plan.hours[2].arrivals == pytest.approx(2.5)  # northwind is closed
    assert plan.hours[9].arrivals == pytest.approx((2.0 + 8.0) * 1.25)
    assert plan.hours[9].clients == ("lotus", "northwind")
    assert plan.agents[9] > plan.agents[8] >= 1


def test_bad_pool_figures_are_refused() -> None:
    bad = client("x", (-1.0,) * 168, ALWAYS)
    with pytest.raises(ValidationFailed) as refused:
        pool_requirement_of(clients=[bad])
    assert refused.value.code == StaffingErrorCode.INVALID_ARRIVAL_RATE
    goal = replace(client("x", (1.0,) * 168, ALWAYS), promise=Promise(timedelta(minutes=30), 1.0))
    with pytest.raises(ValidationFailed) as refused:
        pool_requirement_of(clients=[goal])
    assert refused.value.code == StaffingErrorCode.INVALID_STAFFING_GOAL


def test_a_week_of_requirements_for_twenty_clients_takes_under_50_ms() -> None:
    clients = [client(f"c{i}", (3.0 + i,) * 168, ALWAYS) for i in range(20)]
    pool_requirement_of(clients=clients)  # warm
    started = time.perf_counter()
    plan = pool_requirement_of(clients=clients)
    assert time.perf_counter() - started < 0.05
    assert plan.agent_hours > 168
