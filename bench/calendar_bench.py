"""Benchmark: business-hours deadlines with pactdesk's calendar against businesstimedelta.

Run from the repository root::

    python bench/calendar_bench.py            # defaults: 1,000,000 / 200,000 / 20,000
    python bench/calendar_bench.py --n 100000 --scalar-n 20000 --peer-n 2000   # quick

Workload: lodging instants spread uniformly over 2026 (fixed seed), deadlines at 30
open minutes and at 4 open hours on Mon-Fri 09:00-17:00 America/New_York, closed on
US federal holidays (``holidays.US``). Figures are deadlines per second (two per
lodging instant). See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

try:
    from pactdesk.domain.calendars import BusinessCalendar
except ImportError:  # running from a checkout without an installed package
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    from pactdesk.domain.calendars import BusinessCalendar

import businesstimedelta
import holidays
import pytz

ZONE = "America/New_York"
YEARS = range(2025, 2028)
DEADLINES = (dt.timedelta(minutes=30), dt.timedelta(hours=4))
START = np.datetime64("2026-01-01T00:00", "us")
END = np.datetime64("2027-01-01T00:00", "us")


def closed_dates() -> list[dt.date]:
    """US federal holidays (with observed days) around the benchmarked year."""
    return sorted(holidays.US(years=YEARS).keys())


def pactdesk_calendar(closed: list[dt.date]) -> BusinessCalendar:
    """The benchmarked calendar as a pactdesk spec."""
    weekdays = ("mon", "tue", "wed", "thu", "fri")
    return BusinessCalendar.from_spec(
        {
            "timezone": ZONE,
            "hours": {day: [["09:00", "17:00"]] for day in weekdays},
            "closed": [day.isoformat() for day in closed],
        }
    )


def peer_deltas(closed: list[dt.date]) -> list[Any]:
    """The same calendar in businesstimedelta: one BusinessTimeDelta per deadline."""
    tz = pytz.timezone(ZONE)
    workday = businesstimedelta.WorkDayRule(
        start_time=dt.time(9), end_time=dt.time(17), working_days=[0, 1, 2, 3, 4], tz=tz
    )
    rules = businesstimedelta.Rules([workday, businesstimedelta.HolidayRule(set(closed), tz=tz)])
    return [businesstimedelta.BusinessTimeDelta(rules, timedelta=span) for span in DEADLINES]


def lodging_instants(n: int, seed: int) -> np.ndarray:
    """``n`` instants (datetime64[us], UTC) uniform over 2026, from a fixed seed."""
    rng = np.random.default_rng(seed)
    span = int((END - START).astype(np.int64))
    return START + rng.integers(0, span, size=n).astype("timedelta64[us]")


def aware(instants: np.ndarray) -> list[dt.datetime]:
    """numpy UTC instants as aware datetimes (not timed)."""
    return [moment.replace(tzinfo=dt.UTC) for moment in instants.tolist()]


REPEATS = 3


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    """Best wall time of REPEATS runs (as timeit does) and the last result."""
    best, result = float("inf"), None
    for _ in range(REPEATS):
        began = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - began)
    return best, result


def current_rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def run_bulk(calendar: BusinessCalendar, starts: np.ndarray) -> dict[str, Any]:
    """Bulk deadlines for every instant: timed plainly, then re-run under tracemalloc."""
    calendar.add_many(starts[:10], DEADLINES[0])  # build the year tables before timing
    rss_before = current_rss_mb()
    seconds, due = timed(lambda: [calendar.add_many(starts, span) for span in DEADLINES])
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    tracemalloc.start()
    for span in DEADLINES:
        calendar.add_many(starts, span)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "seconds": seconds,
        "due": due,
        "traced_peak_mb": traced_peak / 2**20,
        "rss_delta_mb": max(0.0, peak_rss - rss_before),
    }


def run_scalar(calendar: BusinessCalendar, starts: list[dt.datetime]) -> tuple[float, list[Any]]:
    def work() -> list[list[dt.datetime]]:
        return [[calendar.add(start, span) for start in starts] for span in DEADLINES]

    return timed(work)


def run_peer(deltas: list[Any], starts: list[dt.datetime]) -> tuple[float, list[Any]]:
    def work() -> list[list[dt.datetime]]:
        return [[start + delta for start in starts] for delta in deltas]

    return timed(work)


def disagreements(ours: list[np.ndarray], theirs: list[list[dt.datetime]]) -> int:
    """Deadlines where the peer's instant (in UTC) differs from ours."""
    count = 0
    for our_due, their_due in zip(ours, theirs, strict=True):
        ours_utc = [moment.replace(tzinfo=dt.UTC) for moment in our_due.tolist()]
        count += sum(a != b for a, b in zip(ours_utc, their_due, strict=True))
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="bulk lodging instants")
    parser.add_argument("--scalar-n", type=int, default=200_000, help="scalar lodging instants")
    parser.add_argument("--peer-n", type=int, default=20_000, help="peer sample size")
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--repeats", type=int, default=3, help="best of N runs, every path")
    args = parser.parse_args()
    global REPEATS
    REPEATS = args.repeats

    closed = closed_dates()
    calendar = pactdesk_calendar(closed)
    starts = lodging_instants(args.n, args.seed)

    bulk = run_bulk(calendar, starts)
    scalar_starts = aware(starts[: args.scalar_n])
    scalar_seconds, scalar_due = run_scalar(calendar, scalar_starts)
    peer_starts = scalar_starts[: args.peer_n]
    peer_seconds, peer_due = run_peer(peer_deltas(closed), peer_starts)

    per_start = len(DEADLINES)
    bulk_rate = args.n * per_start / bulk["seconds"]
    scalar_rate = len(scalar_starts) * per_start / scalar_seconds
    peer_rate = len(peer_starts) * per_start / peer_seconds
    sample_bulk = [due[: len(peer_starts)] for due in bulk["due"]]
    scalar_vs_bulk = disagreements([due[: len(scalar_starts)] for due in bulk["due"]], scalar_due)

    rows = [
        ("pactdesk bulk (add_many)", args.n, bulk["seconds"], bulk_rate),
        ("pactdesk scalar (add)", len(scalar_starts), scalar_seconds, scalar_rate),
        ("businesstimedelta", len(peer_starts), peer_seconds, peer_rate),
    ]
    print(
        f"calendar: Mon-Fri 09:00-17:00 {ZONE}, {len(closed)} US holidays {YEARS.start}-"
        f"{YEARS.stop - 1}; deadlines +30 min and +4 h; seed {args.seed}"
    )
    print(f"{'path':<28}{'lodgings':>10}{'deadlines':>11}{'seconds':>10}{'deadlines/s':>15}")
    for name, count, seconds, rate in rows:
        print(f"{name:<28}{count:>10,}{count * per_start:>11,}{seconds:>10.3f}{rate:>15,.0f}")
    print(f"bulk / peer ratio:   {bulk_rate / peer_rate:>12,.0f}x   (target >= 1,000x)")
    print(f"scalar / peer ratio: {scalar_rate / peer_rate:>12,.0f}x   (target >= 50x)")
    print(
        f"peak memory of the {args.n:,} bulk run: RSS delta {bulk['rss_delta_mb']:.1f} MB, "
        f"tracemalloc peak {bulk['traced_peak_mb']:.1f} MB   (target < 400 MB)"
    )
    print(
        f"disagreements with businesstimedelta on {len(peer_starts) * per_start:,} deadlines: "
        f"{disagreements(sample_bulk, peer_due)}"
    )
    print(
        f"disagreements scalar vs bulk on {len(scalar_starts) * per_start:,} deadlines: "
        f"{scalar_vs_bulk}"
    )


if __name__ == "__main__":
    main()
