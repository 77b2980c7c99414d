"""Benchmark: a week-cyclic roster for 40 agents over 168 hours (pactdesk.domain.rosters).

Run from the repository root::

    python bench/staffing_bench.py                   # one roster, time limit 25 s
    python bench/staffing_bench.py --time-limit 10   # the library's default limit

Workload: a round-the-clock shared pool. Arrivals per hour follow a daily wave (low at
03:00, high at 15:00: 3 to 33 tickets an hour on weekdays, half that at weekends), a
20-minute handle time, 90 % picked up within 30 minutes at most 85 % occupancy; the
agents needed each hour of the week come from ``required_agents`` (1,158 agent-hours).
40 agents at the same cost, 8-hour shifts with a one-hour break, at least 11 hours of
rest, at most 5 shifts a week (1,400 working hours at most). Target: under 30 s. Prints
the wall time, the solver status, the uncovered agent-hours, the shifts, the stage-1
lower bound on shifts, and the spread of weekend shifts. See bench/README.md.

(The other rows of issue 14's staffing benchmark, seat advice and the week of shared
requirements, are added with those parts.)
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from datetime import timedelta
from pathlib import Path

try:
    from pactdesk.domain.queueing import required_agents
    from pactdesk.domain.rosters import HOURS_IN_WEEK, RosterAgent, build_roster
except ImportError:  # running from a checkout without an installed package
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    from pactdesk.domain.queueing import required_agents
    from pactdesk.domain.rosters import HOURS_IN_WEEK, RosterAgent, build_roster

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--time-limit", type=float, default=25.0)
    parser.add_argument("--workers", type=int, default=2)
    arguments = parser.parse_args()
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
