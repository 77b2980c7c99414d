"""Benchmark: least staffing with pactdesk's queueing maths against pyworkforce.

Run from the repository root::

    python bench/queueing_bench.py            # a few seconds, most in the peer at 100,000 Erlangs
    python bench/queueing_bench.py --quick    # skips the peer at 100,000 Erlangs

Workload: arrivals at 10, 100, 1,000, 10,000 and 100,000 Erlangs, 3-minute handle time,
80 % answered within 20 seconds (Erlang C). For each load, ``required_agents`` (ours)
and ``ErlangC.required_positions`` (the peer), the best of ``--repeats`` timings, the
ratio and whether the answers agree; then loads whose fraction is at least 0.5, where
the peer's search (it starts at ``round(A + 1)``) over-staffs by one, each checked by a
brute-force linear search; then a week of hourly requirements (168 calls). See
bench/README.md.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

try:
    from pactdesk.domain.queueing import required_agents, service_level
except ImportError:  # running from a checkout without an installed package
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    from pactdesk.domain.queueing import required_agents, service_level

from pyworkforce.queuing import ErlangC

HANDLE = timedelta(minutes=3)
WITHIN = timedelta(seconds=20)
GOAL = 0.8
LOADS = (10, 100, 1_000, 10_000, 100_000)


def best_of(repeats: int, work: Callable[[], int]) -> tuple[float, int]:
    """The best wall time of ``repeats`` runs of ``work`` and its answer."""
    best, answer = math.inf, 0
    for _ in range(repeats):
        started = time.perf_counter()
        answer = work()
        best = min(best, time.perf_counter() - started)
    return best, answer


def ours(per_hour: float, within: timedelta = WITHIN, goal: float = GOAL) -> int:
    return required_agents(arrivals_per_hour=per_hour, handle=HANDLE, within=within, goal=goal)


def peer(per_hour: float, within: timedelta = WITHIN, goal: float = GOAL) -> int:
    erlang = ErlangC(
        transactions=per_hour,
        aht=HANDLE / timedelta(minutes=1),
        asa=within / timedelta(minutes=1),
        interval=60,
    )
    return int(erlang.required_positions(service_level=goal)["raw_positions"])


def brute_force(per_hour: float, within: timedelta, goal: float) -> int:
    """A linear search from one agent over our service level."""
    n = 1
    while service_level(agents=n, arrivals_per_hour=per_hour, handle=HANDLE, within=within) < goal:
        n += 1
    return n


def loads_table(repeats: int, quick: bool) -> None:
    print("Erlangs      ours (s)   peer (s)    ratio   ours   peer")
    for load in LOADS:
        per_hour = load * 20.0  # 3-minute handle: 20 arrivals an hour make an Erlang
        ours_s, ours_n = best_of(repeats, lambda per_hour=per_hour: ours(per_hour))
        if quick and load >= 100_000:
            print(f"{load:>7,}  {ours_s:10.6f}   (skipped: --quick)      {ours_n:>6}")
            continue
        peer_s, peer_n = best_of(1 if load >= 10_000 else repeats, lambda p=per_hour: peer(p))
        note = "" if ours_n == peer_n else f"   disagree by {peer_n - ours_n:+d}"
        ratio = peer_s / ours_s
        figures = f"{ours_s:10.6f} {peer_s:10.6f} {ratio:8,.0f}x {ours_n:>6} {peer_n:>6}"
        print(f"{load:>7,}  {figures}{note}")


def over_staffing_table() -> None:
    print("\nLoads with a fraction >= 0.5 (peer starts at round(A + 1)):")
    print("  A (Erlangs)  within  goal    ours  peer  brute force")
    cases = [
        (212.0, timedelta(minutes=5), 0.5),  # A = 10.6
        (213.0, timedelta(minutes=3), 0.35),  # A = 10.65
        (1_010.0, timedelta(minutes=10), 0.5),  # A = 50.5
        (2_014.0, timedelta(minutes=30), 0.9),  # A = 100.7
        (19.0, timedelta(hours=4), 0.95),  # A = 0.95
        (10_010.0, timedelta(minutes=10), 0.8),  # A = 500.5
        (20_010.0, timedelta(minutes=60), 0.99),  # A = 1,000.5
        (213.0, timedelta(minutes=3), 0.5),  # A = 10.65, but 11 agents miss: no trap here
    ]
    for per_hour, within, goal in cases:
        load = per_hour * (HANDLE / timedelta(hours=1))
        ours_n, peer_n = ours(per_hour, within, goal), peer(per_hour, within, goal)
        exact = brute_force(per_hour, within, goal)
        verdict = "peer over-staffs" if peer_n > exact else ""
        minutes = int(within / timedelta(minutes=1))
        print(
            f"  {load:11.2f}  {minutes:4d} m  {goal:4.2f}  {ours_n:>6}  {peer_n:>4}  {exact:>11}"
            f"  {verdict}"
        )


def week_table(repeats: int) -> None:
    # 168 hours of a shared pool: a daily wave between 5 and 400 arrivals an hour.
    rates = [5 + 395 * (1 - math.cos(2 * math.pi * (hour % 24) / 24)) / 2 for hour in range(168)]

    def week() -> int:
        return sum(
            required_agents(
                arrivals_per_hour=rate,
                handle=HANDLE,
                within=timedelta(minutes=30),
                goal=0.9,
                max_occupancy=0.85,
            )
            for rate in rates
        )

    seconds, agent_hours = best_of(repeats, week)
    print(
        f"\nA week of hourly requirements (168 calls): {seconds * 1000:.2f} ms "
        f"(target < 50 ms), {agent_hours:,} agent-hours"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="skip the peer at 100,000 Erlangs")
    arguments = parser.parse_args()
    loads_table(arguments.repeats, arguments.quick)
    over_staffing_table()
    week_table(arguments.repeats)


if __name__ == "__main__":
    main()
