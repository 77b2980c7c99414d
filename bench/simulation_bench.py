"""Benchmark: the staffing simulation (pactdesk.domain.simulation) on the issue's workloads.

Run from the repository root::

    python bench/simulation_bench.py

Three rows, each timed once (wall clock, including building the result's summaries):

1. **Desk**: a 24/7 week at 50 tickets an hour, 20 agents, lognormal 20-minute first
   touch (cv 1.0), 10 replications: the size issue 14 quotes for "a few seconds".
2. **Plan sign-off**: 168 hourly requirements from Erlang C (a daily wave of 5 to 60
   tickets an hour, 30-minute first reply with a pick-up budget of 30 minutes less the
   mean first touch, goal 90 %, occupancy at most 0.85), simulated with the 8-minute
   first touch's spread that Erlang C does not see (lognormal, cv 1.5), 10
   replications: the hours the simulation finds short of the goal.
3. **Seat advice**: a dedicated client (Monday-Friday 09:00-17:00, 3 tickets an hour,
   10-minute first touch cv 1.2, seat holders' tasks 30 % of their time) with 1, 2 and
   3 seats, 20 replications each: attainment and p90 first reply (target < 5 s in all).
"""

from __future__ import annotations

import math
import sys
import time
from datetime import timedelta
from pathlib import Path

try:
    from pactdesk.domain.queueing import required_agents
except ImportError:  # running from a checkout without an installed package
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    from pactdesk.domain.queueing import required_agents

from pactdesk.domain.simulation import (
    Headcount,
    HourlyArrivals,
    LognormalHandle,
    Scenario,
    Seats,
    SimulationResult,
    Target,
    TaskLoad,
    TicketClass,
    WeekHours,
    simulate,
)

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)


def tickets_of(result: SimulationResult) -> int:
    return sum(r.kind.size for r in result.replications)


def minutes(seconds: float) -> str:
    return "never" if math.isinf(seconds) else f"{seconds / 60:.1f} min"


def desk_row() -> None:
    ticket_class = TicketClass(
        "all",
        HourlyArrivals.constant(50),
        LognormalHandle(20 * MINUTE, cv=1.0),
        Target(30 * MINUTE, goal=0.9),
    )
    scenario = Scenario(classes=(ticket_class,), staffing=Seats(20))
    started = time.perf_counter()
    result = simulate(scenario=scenario, seed=1, replications=10)
    hourly = result.hourly()
    seconds = time.perf_counter() - started
    attainment, p90 = result.attainment(), result.response_percentile(0.9)
    assert attainment is not None
    assert p90 is not None
    print(
        f"desk: 50/h, 20 agents, 1 week x 10 replications: {seconds:.2f} s "
        f"({tickets_of(result):,} measured tickets; {len(hourly)} hourly windows)\n"
        f"      attainment {attainment.mean:.3f} [{attainment.low:.3f}, {attainment.high:.3f}], "
        f"p90 first reply {minutes(p90.mean)}, utilisation {result.utilisation().mean:.3f}"
    )


def plan_row() -> None:
    rates = [5 + 55 * (1 - math.cos(2 * math.pi * (hour % 24) / 24)) / 2 for hour in range(168)]
    handle = LognormalHandle(8 * MINUTE, cv=1.5)
    started = time.perf_counter()
    agents = [
        required_agents(
            arrivals_per_hour=rate,
            handle=handle.mean,
            within=30 * MINUTE - handle.mean,
            goal=0.9,
            max_occupancy=0.85,
        )
        for rate in rates
    ]
    ticket_class = TicketClass(
        "all", HourlyArrivals.of(rates), handle, Target(30 * MINUTE, goal=0.9)
    )
    scenario = Scenario(classes=(ticket_class,), staffing=Headcount.of(agents))
    result = simulate(scenario=scenario, seed=2, replications=10)
    short = result.shortfalls()
    seconds = time.perf_counter() - started
    attainment = result.attainment()
    assert attainment is not None
    print(
        f"plan: Erlang C's week ({sum(agents):,} agent-hours) signed off in {seconds:.2f} s: "
        f"attainment {attainment.mean:.3f}, {len(short)} of 168 hours below 90 %"
        + (
            f" (hours {', '.join(map(str, short[:12]))}{'…' if len(short) > 12 else ''})"
            if short
            else ""
        )
    )


def seats_row() -> None:
    office = WeekHours.weekdays(opens=9 * HOUR, closes=17 * HOUR)
    rates = [3.0 if office_hour(hour) else 0.0 for hour in range(168)]
    ticket_class = TicketClass(
        "northwind",
        HourlyArrivals.of(rates),
        LognormalHandle(10 * MINUTE, cv=1.2),
        Target(30 * MINUTE, goal=0.9),
    )
    tasks = TaskLoad(0.3, LognormalHandle(20 * MINUTE, cv=1.0))
    started = time.perf_counter()
    lines = []
    for count in (1, 2, 3):
        scenario = Scenario(
            classes=(ticket_class,), staffing=Seats(count, hours=office, tasks=tasks), hours=office
        )
        result = simulate(scenario=scenario, seed=3, replications=20)
        attainment, p90 = result.attainment(), result.response_percentile(0.9)
        assert attainment is not None
        assert p90 is not None
        lines.append(
            f"      {count} seat{'s' if count > 1 else ' '}: attainment {attainment.mean:.3f}, "
            f"p90 first reply {minutes(p90.mean)}, utilisation {result.utilisation().mean:.3f}"
        )
    seconds = time.perf_counter() - started
    print(f"seat advice: 1, 2 and 3 seats x 20 replications in {seconds:.2f} s (target < 5 s)")
    print("\n".join(lines))


def office_hour(hour: int) -> bool:
    return hour // 24 < 5 and 9 <= hour % 24 < 17


def main() -> None:
    desk_row()
    plan_row()
    seats_row()


if __name__ == "__main__":
    main()
