"""Benchmark: issue 14's staffing rows — a week of the shared pool's hourly requirements,
seat advice for one dedicated client with its simulation, and a week-cyclic roster for
40 agents over 168 hours (pactdesk.domain.rosters).

Run from the repository root::

    python bench/staffing_bench.py                   # one roster, time limit 25 s
    python bench/staffing_bench.py --time-limit 10   # the library's default limit
    python bench/staffing_bench.py --quick           # no peer at 100,000 Erlangs, no roster

First row (issue 14 §7): ``required_agents`` beside pyworkforce's
``ErlangC.required_positions`` at 10, 100, 1,000, 10,000 and 100,000 Erlangs (3-minute
handle, 80 % within 20 s), the ratio of their times and any disagreement — the table of
bench/queueing_bench.py. Without pyworkforce installed the row says so and prints our
side alone.

Workload: a round-the-clock shared pool. Arrivals per hour follow a daily wave (low at
03:00, high at 15:00: 3 to 33 tickets an hour on weekdays, half that at weekends), a
20-minute handle time, 90 % picked up within 30 minutes at most 85 % occupancy; the
agents needed each hour of the week come from ``required_agents`` (1,158 agent-hours).
40 agents at the same cost, 8-hour shifts with a one-hour break, at least 11 hours of
rest, at most 5 shifts a week (1,400 working hours at most). Target: under 30 s. Prints
the wall time, the solver status, the uncovered agent-hours, the shifts, the stage-1
lower bound on shifts, and the spread of weekend shifts. See bench/README.md.

Shared requirements (target < 50 ms): 20 shared clients, half round the clock and
half on weekday office hours in four time zones (New York, London, Kolkata, Tokyo, so
their hours fall at different hours of the pool's UTC week), each with its own daily
wave of arrivals; `pactdesk.staffing.planning.pool_requirement_of` pools them hour by
hour (closed-hour tickets land at the opening). Seat advice (target < 5 s): a client
with 2 seats on London office hours, 60 tickets a weekday, 12-minute first touch (cv
0.8) and 25 minutes of work a ticket, 1-hour target at 90 % and 15 minutes for urgent
(5 %): `advise_seats` runs Erlang C and the seeded simulation (10 replications) for 1,
2, 3 (and more if needed) seats.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))  # a checkout first
from pactdesk.domain.queueing import required_agents
from pactdesk.domain.rosters import HOURS_IN_WEEK, RosterAgent, build_roster
from pactdesk.staffing.planning import (
    PoolClient,
    Promise,
    SeatQuestion,
    Work,
    advise_seats,
    pool_requirement_of,
)

AGENTS = 40


def requirement() -> list[int]:
    """Agents needed per hour of the week (Monday 00:00 first)."""
    needed = []
    for hour_of_week in range(HOURS_IN_WEEK):
        day, hour = divmod(hour_of_week, 24)
        wave = (1 - math.cos(2 * math.pi * (hour - 3) / 24)) / 2
        rate = (3 + 30 * wave) * (0.5 if day >= 5 else 1.0)
        needed.append(
            required_agents(
                arrivals_per_hour=rate,
                handle=timedelta(minutes=20),
                within=timedelta(minutes=30),
                goal=0.9,
                max_occupancy=0.85,
            )
        )
    return needed


OFFSETS = (-5, 0, 5.5, 9)  # New York, London, Kolkata, Tokyo (winter), hours from UTC


def shared_clients(count: int = 20) -> list[PoolClient]:
    """Half round the clock, half weekday 09:00-17:00 local (a tenth of the tickets out of
    hours, landing at the opening), waves peaking at 11:00 local."""
    clients = []
    for i in range(count):
        offset = OFFSETS[i % len(OFFSETS)]
        office = i % 2 == 1
        rates, is_open = [], []
        for utc_hour in range(HOURS_IN_WEEK):
            local = (utc_hour + offset) % HOURS_IN_WEEK
            day, hour = divmod(int(local), 24)
            wave = (1 + math.cos(2 * math.pi * (hour - 11) / 24)) / 2
            opened = not office or (day < 5 and 9 <= hour < 17)
            quiet = 0.4 if day >= 5 else 1.0
            quiet *= 1.0 if opened else 0.1  # office clients hear little out of hours
            rates.append((1 + i % 5) * (0.3 + 2 * wave) * quiet)
            is_open.append(opened)
        clients.append(
            PoolClient(
                name=f"client-{i:02d}",
                arrivals=tuple(rates),
                open=tuple(is_open),
                work=Work(timedelta(minutes=8 + i % 7), 0.9, timedelta(minutes=20 + i % 11)),
                promise=Promise(timedelta(minutes=30), 0.9),
            )
        )
    return clients


def seat_question() -> SeatQuestion:
    day = timedelta(days=1)
    spans = tuple(
        (d * day + timedelta(hours=8, minutes=30), d * day + timedelta(hours=17, minutes=30))
        for d in range(5)
    )
    rates = [0.0] * HOURS_IN_WEEK
    for d in range(5):
        for hour in range(8, 18):
            rates[d * 24 + hour] = 6.0
    return SeatQuestion(
        seats=2,
        arrivals=tuple(rates),
        urgent_share=0.05,
        normal=Promise(timedelta(hours=1), 0.9),
        urgent=Promise(timedelta(minutes=15), 0.9),
        open=spans,
        work=Work(timedelta(minutes=12), 0.8, timedelta(minutes=25)),
    )


def bench_requirements() -> None:
    clients = shared_clients()
    pool_requirement_of(clients=clients, buffer=0.2)  # warm
    runs = []
    for _ in range(20):
        started = time.perf_counter()
        plan = pool_requirement_of(clients=clients, buffer=0.2)
        runs.append(time.perf_counter() - started)
    agents = plan.agents
    print(
        f"Shared pool: {len(clients)} clients x 168 hours -> {plan.agent_hours:,} agent-hours "
        f"(peak {max(agents)}, every hour >= {min(agents)})"
    )
    print(
        f"  time            {min(runs) * 1000:6.1f} ms best, {sorted(runs)[10] * 1000:.1f} ms "
        "median of 20 (target < 50 ms)"
    )


def bench_advice() -> None:
    question = seat_question()
    started = time.perf_counter()
    advice = advise_seats(question)
    seconds = time.perf_counter() - started
    print(f"Seat advice: 2 seats, {sum(question.arrivals):.0f} tickets a week, simulated")
    print(f"  time            {seconds:6.2f} s (target < 5 s)")
    print(f"  advice          {advice.kind}: {advice.text}")
    for option in advice.options:
        p90 = "never" if option.p90 is None else f"{option.p90:.1f} min"
        print(
            f"  {option.seats} seats         attainment {option.attainment:.1%} "
            f"(Erlang C {option.erlang:.1%}), p90 {p90}, utilisation {option.utilisation:.0%}"
        )


def bench_peer(*, quick: bool) -> None:
    """``required_agents`` against pyworkforce (the table of bench/queueing_bench.py)."""
    print("Least agents, ours against pyworkforce (3-minute handle, 80 % within 20 s):")
    try:
        from queueing_bench import loads_table  # bench/ is sys.path[0] when run as a script
    except ModuleNotFoundError as missing:
        if missing.name != "pyworkforce":
            raise
        print("  pyworkforce is not installed (pip install pyworkforce): ours alone")
        print("Erlangs      ours (s)   ours")
        for load in (10, 100, 1_000, 10_000, 100_000):
            per_hour = load * 20.0
            started = time.perf_counter()
            agents = required_agents(
                arrivals_per_hour=per_hour,
                handle=timedelta(minutes=3),
                within=timedelta(seconds=20),
                goal=0.8,
            )
            print(f"{load:>7,}  {time.perf_counter() - started:10.6f} {agents:>6}")
        return
    loads_table(repeats=3, quick=quick)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--time-limit", type=float, default=25.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-roster", action="store_true", help="skip the roster row")
    parser.add_argument(
        "--quick", action="store_true", help="skip the peer at 100,000 Erlangs and the roster"
    )
    arguments = parser.parse_args()
    bench_peer(quick=arguments.quick)
    bench_requirements()
    bench_advice()
    if arguments.no_roster or arguments.quick:
        return
    needed = requirement()
    agents = [RosterAgent(name=f"agent-{i:02d}") for i in range(AGENTS)]
    started = time.perf_counter()
    roster = build_roster(
        requirement=needed,
        agents=agents,
        time_limit=arguments.time_limit,
        workers=arguments.workers,
    )
    seconds = time.perf_counter() - started
    weekends = roster.weekend_shifts().values()
    lower_bound = math.ceil(sum(needed) / 7)
    print(
        f"Roster: {AGENTS} agents x {HOURS_IN_WEEK} hours, {sum(needed):,} agent-hours needed "
        f"(peak {max(needed)} agents)"
    )
    print(f"  time            {seconds:6.2f} s (limit {arguments.time_limit:g} s, target < 30 s)")
    print(f"  status          {roster.status}")
    print(f"  uncovered       {roster.uncovered_hours} agent-hours in {len(roster.gaps())} hours")
    print(f"  shifts          {len(roster.shifts)} (at least {lower_bound}: 7 working hours each)")
    print(f"  weekend shifts  {min(weekends)} to {max(weekends)} per agent")


if __name__ == "__main__":
    main()
