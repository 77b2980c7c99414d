"""The simulation's rules on small scenarios checked by hand, to the second."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

from pactdesk.domain.simulation import (
    Answer,
    FixedHandle,
    Headcount,
    Roster,
    Scenario,
    ScheduledArrivals,
    Seats,
    Shift,
    Target,
    TicketClass,
    WeekHours,
    simulate,
)
from pactdesk.domain.simulation._staffing import on_duty

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
WEEK_S = 7 * 86_400.0


def scheduled(
    name: str, *at: timedelta, handle: timedelta = 20 * MINUTE, answer: Answer = Answer.FIRST_REPLY
) -> TicketClass:
    return TicketClass(
        name,
        ScheduledArrivals(at=at),
        FixedHandle(handle),
        Target(30 * MINUTE, goal=0.9, answer=answer),
    )


def test_a_busy_agent_finishes_the_ticket_in_hand_when_the_shift_ends_then_leaves() -> None:
    # Given Ana on Monday 00:00-01:00 and Ben on 02:00-03:00, 20-minute tickets at 00:50 and 00:55
    roster = Roster(
        shifts=(Shift("ana", timedelta(0), HOUR), Shift("ben", 2 * HOUR, 3 * HOUR)),
    )
    tickets = scheduled("all", 50 * MINUTE, 55 * MINUTE)
    scenario = Scenario(classes=(tickets,), staffing=roster, warmup=timedelta(0))

    # When simulated
    result = simulate(scenario=scenario, seed=1, replications=2)

    # Then Ana takes the first at 00:50 and works to 01:10, past her shift, and leaves:
    # the second waits for Ben at 02:00 and is answered at 02:20, 85 minutes after lodging.
    run = result.replications[0]
    assert run.pick_up.tolist() == [3000.0, 7200.0]
    assert run.agent.tolist() == [0, 1]
    assert run.response.tolist() == [1200.0, 5100.0]
    assert run.attained.tolist() == [True, False]
    assert result.attainment().samples == (0.5, 0.5)
    assert result.utilisation().mean == pytest.approx(2400 / 7200)  # 40 busy of 120 on-duty minutes


def test_an_agent_idle_at_the_end_of_the_shift_leaves_and_takes_nothing_after() -> None:
    # Given Ana on 00:00-01:00 idle at 01:00, and a ticket at 01:00 exactly; Ben from 02:00
    roster = Roster(shifts=(Shift("ana", timedelta(0), HOUR), Shift("ben", 2 * HOUR, 3 * HOUR)))
    scenario = Scenario(classes=(scheduled("all", HOUR),), staffing=roster, warmup=timedelta(0))

    run = simulate(scenario=scenario, seed=1, replications=2).replications[0]

    assert run.pick_up.tolist() == [7200.0]
    assert run.agent.tolist() == [1]


def test_urgent_tickets_are_taken_first_without_interrupting_the_ticket_in_hand() -> None:
    # Given one seat around the clock; normal tickets at 0 and 60 s, an urgent one at 120 s
    urgent = scheduled("urgent", 2 * MINUTE, handle=10 * MINUTE, answer=Answer.PICK_UP)
    normal = scheduled("normal", timedelta(0), MINUTE, handle=10 * MINUTE, answer=Answer.PICK_UP)
    scenario = Scenario(classes=(urgent, normal), staffing=Seats(1), warmup=timedelta(0))

    run = simulate(scenario=scenario, seed=3, replications=2).replications[0]

    # Then the first normal ticket is finished (0-600 s), the urgent one goes next though
    # it arrived after the second normal one, which waits until 1200 s.
    assert run.arrival.tolist() == [0.0, 60.0, 120.0]
    assert run.kind.tolist() == [1, 1, 0]
    assert run.pick_up.tolist() == [0.0, 1200.0, 600.0]
    assert run.response.tolist() == [0.0, 1140.0, 480.0]


def test_response_time_runs_in_the_plans_open_hours_only() -> None:
    # Given a Monday-Friday 09:00-17:00 plan, one seat on those hours, 10-minute tickets
    # at Friday 16:55 and Saturday 10:00
    office = WeekHours.weekdays(opens=9 * HOUR, closes=17 * HOUR)
    friday, saturday = 4 * DAY + 16 * HOUR + 55 * MINUTE, 5 * DAY + 10 * HOUR
    tickets = scheduled("all", friday, saturday, handle=10 * MINUTE)
    scenario = Scenario(
        classes=(tickets,), staffing=Seats(1, hours=office), hours=office, warmup=timedelta(0)
    )

    run = simulate(scenario=scenario, seed=1, replications=2).replications[0]

    # Then the Friday reply goes at 17:05: five open minutes; the Saturday ticket is
    # picked up at next Monday 09:00 and its reply counts ten open minutes.
    assert run.pick_up.tolist() == [friday.total_seconds(), WEEK_S + 9 * 3600]
    assert run.response.tolist() == [300.0, 600.0]
    assert run.hour.tolist() == [4 * 24 + 16, 5 * 24 + 10]
    assert run.day.tolist() == [4, 5]


def test_nobody_on_duty_answers_nothing_and_the_run_ends() -> None:
    # Given tickets all week and a headcount of zero at every hour
    tickets = TicketClass(
        "all",
        ScheduledArrivals(at=(HOUR, 30 * HOUR)),
        FixedHandle(10 * MINUTE),
        Target(30 * MINUTE, goal=0.9),
    )
    scenario = Scenario(classes=(tickets,), staffing=Headcount(per_hour=(0,) * 168))

    result = simulate(scenario=scenario, seed=1, replications=2)

    # Then attainment is 0 (not a hang, not a silent 1.0) and response times are infinite
    attainment = result.attainment()
    assert attainment is not None
    assert (attainment.mean, attainment.low, attainment.high) == (0.0, 0.0, 0.0)
    p90 = result.response_percentile(0.9)
    assert p90 is not None
    assert p90.mean == float("inf")
    assert result.replications[0].pick_up.tolist() == [float("inf")] * 2
    assert result.replications[0].abandoned.tolist() == [False, False]
    assert result.shortfalls() == (1, 30)


def test_headcount_agents_leave_highest_number_first() -> None:
    # Two agents on Monday, one the rest of the week
    agents = Headcount(per_hour=(2,) * 24 + (1,) * 144).agents()

    assert agents == (
        ("agent 1", ((0.0, WEEK_S),)),
        ("agent 2", ((0.0, 86_400.0),)),
    )


def test_duty_repeats_weekly_and_touching_intervals_merge_across_the_week_end() -> None:
    # A night shift Sunday 22:00 to Monday 06:00 and a Monday 06:00-08:00 shift
    week = ((6 * 86_400.0 + 22 * 3600, 7 * 86_400.0 + 6 * 3600), (6 * 3600.0, 8 * 3600.0))

    assert on_duty(week, 0.0, WEEK_S) == [
        (-7_200.0, 28_800.0),
        (6 * 86_400.0 + 22 * 3600, WEEK_S + 6 * 3600),  # next Monday's 06:00 is past the end
    ]


def test_windows_summarise_the_same_values_as_the_single_statistics() -> None:
    tickets = scheduled("all", *(k * 7 * MINUTE for k in range(1, 400)))
    result = simulate(
        scenario=Scenario(classes=(tickets,), staffing=Seats(1)), seed=5, replications=3
    )

    hour_9, tuesday = result.hourly()[9], result.daily()[1]

    assert hour_9.attainment == result.attainment(hour=9)
    assert hour_9.p90 == result.response_percentile(0.9, hour=9)
    assert hour_9.count == result.count(hour=9)
    assert tuesday.p50 == result.response_percentile(0.5, day=1)
    assert tuesday.p95 == result.response_percentile(0.95, day=1)
    assert result.hourly()[100].attainment is None  # nothing arrives after 46 hours
    assert result.count(hour=100).mean == 0.0


def test_percentiles_are_order_statistics_without_interpolation() -> None:
    # Ten tickets 1 h apart, one seat, handles so that responses are 60 s * k
    tickets = [
        TicketClass(
            f"c{k}",
            ScheduledArrivals(at=(k * HOUR,)),
            FixedHandle(k * MINUTE),
            Target(30 * MINUTE, goal=0.9),
        )
        for k in range(1, 11)
    ]
    result = simulate(
        scenario=Scenario(classes=tuple(tickets), staffing=Seats(1)), seed=1, replications=2
    )

    def at(q: float) -> float:
        estimate = result.response_percentile(q)
        assert estimate is not None
        return estimate.mean

    assert [at(0.5), at(0.9), at(0.95), at(1.0), at(0.05)] == [300.0, 540.0, 600.0, 600.0, 60.0]
    assert np.array_equal(result.replications[0].response, np.arange(1, 11) * 60.0)
