"""Open time of a calendar as sorted UTC intervals with prefix sums.

The table holds, for a contiguous range of *local* years, every open interval as
``[start, end)`` in UTC microseconds (int64), sorted and non-overlapping, with the
cumulative open time before and after each interval. Then for any covered instant
``t`` the open time since the table's origin is ``C(t)``, and

* elapsed open time between ``a`` and ``b`` is ``C(b) - C(a)``;
* adding ``d`` of open time to ``a`` is the earliest instant ``r`` with
  ``C(r) = C(a) + d`` (a search on the cumulative ends).

Local span boundaries become UTC by one monotone rule: a local wall time maps to the
*first instant at which the wall clock reads that time or later*. For an ambiguous
time (autumn) that is its first occurrence; for a nonexistent time (spring gap) it is
the transition instant. So ``01:00-03:00`` lasts one real hour on a spring-forward
day and three on a fall-back day, and touching spans never overlap in UTC.

Tables grow on demand (a new snapshot is published under a lock; readers keep using
the snapshot they took), so a calendar can serve any year from 2 to 9998.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from pactdesk.domain._calendar_spec import CalendarSpec
from pactdesk.domain._time import from_us, to_us
from pactdesk.domain.errors import CalendarError

MIN_YEAR = 2
MAX_YEAR = 9998
Int64Array = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Table:
    """An immutable snapshot of open intervals for local years ``first_year..last_year``."""

    first_year: int
    last_year: int
    lo_us: int
    hi_us: int
    starts: Int64Array
    ends: Int64Array
    cum_before: Int64Array
    cum_end: Int64Array
    starts_list: list[int]
    ends_list: list[int]
    cum_before_list: list[int]
    cum_end_list: list[int]

    @property
    def total(self) -> int:
        """All open time in the table, in microseconds."""
        return self.cum_end_list[-1] if self.cum_end_list else 0

    def covers(self, lo_us: int, hi_us: int) -> bool:
        """Whether every instant in ``[lo_us, hi_us]`` lies inside the table's window."""
        return self.lo_us <= lo_us and hi_us < self.hi_us


class OpenTimeTable:
    """Lazily grown open-time table for one calendar spec (thread-safe)."""

    def __init__(self, spec: CalendarSpec) -> None:
        """Prepare an empty table for ``spec`` (nothing is computed until needed)."""
        self._spec = spec
        self._zone = ZoneInfo(spec.timezone)
        self._lock = threading.Lock()
        self._years: dict[int, tuple[list[int], list[int]]] = {}
        self._table: Table | None = None

    def covering(self, lo_us: int, hi_us: int) -> Table:
        """A snapshot whose window contains every instant in ``[lo_us, hi_us]``."""
        table = self._table
        if table is not None and table.covers(lo_us, hi_us):
            return table
        first, last = self._local_year(lo_us), self._local_year(hi_us)
        if table is not None:
            first, last = min(first, table.first_year), max(last, table.last_year)
        return self._publish(first, last)

    def grow(self, table: Table) -> Table:
        """A snapshot reaching further forward than ``table`` (doubling its years).

        The returned snapshot covers at least ``table``'s window; it may start earlier
        if another thread grew the table backwards, so callers recompute positions.
        """
        if table.last_year >= MAX_YEAR:
            raise CalendarError(
                "out_of_range", f"result lies beyond the year {MAX_YEAR}", field="duration"
            )
        span = table.last_year - table.first_year + 1
        return self._publish(table.first_year, min(MAX_YEAR, table.last_year + span))

    def _local_year(self, micros: int) -> int:
        try:
            year = from_us(micros).astimezone(self._zone).year
        except OverflowError:
            year = MAX_YEAR + 1
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise CalendarError(
                "out_of_range", f"instants must fall in the years {MIN_YEAR}-{MAX_YEAR}"
            )
        return year

    def _publish(self, first: int, last: int) -> Table:
        with self._lock:
            current = self._table
            if current is not None and current.first_year <= first and last <= current.last_year:
                return current
            for year in range(first, last + 1):
                if year not in self._years:
                    self._years[year] = _build_year(self._spec, self._zone, year)
            table = _assemble(self._years, first, last, self._zone)
            self._table = table
            return table


def _assemble(
    years: dict[int, tuple[list[int], list[int]]], first: int, last: int, zone: ZoneInfo
) -> Table:
    starts_list = [s for year in range(first, last + 1) for s in years[year][0]]
    ends_list = [e for year in range(first, last + 1) for e in years[year][1]]
    starts = np.array(starts_list, dtype=np.int64)
    ends = np.array(ends_list, dtype=np.int64)
    cum_end = np.cumsum(ends - starts, dtype=np.int64)
    cum_before = cum_end - (ends - starts)
    return Table(
        first_year=first,
        last_year=last,
        lo_us=local_to_utc_us(_wall(date(first, 1, 1)), zone),
        hi_us=local_to_utc_us(_wall(date(last + 1, 1, 1)), zone),
        starts=starts,
        ends=ends,
        cum_before=cum_before,
        cum_end=cum_end,
        starts_list=starts_list,
        ends_list=ends_list,
        cum_before_list=[int(v) for v in cum_before.tolist()],
        cum_end_list=[int(v) for v in cum_end.tolist()],
    )


def _build_year(spec: CalendarSpec, zone: ZoneInfo, year: int) -> tuple[list[int], list[int]]:
    """Open intervals (UTC µs) of every local day of ``year``, merged where they touch."""
    starts: list[int] = []
    ends: list[int] = []
    day = date(year, 1, 1)
    one_day = timedelta(days=1)
    while day.year == year:
        spans = () if day in spec.closed else spec.hours[day.weekday()]
        midnight = _wall(day)
        for start_min, end_min in spans:
            start = local_to_utc_us(midnight + timedelta(minutes=start_min), zone)
            end = local_to_utc_us(midnight + timedelta(minutes=end_min), zone)
            if end <= start:
                continue  # the whole span fell inside a DST gap
            if ends and ends[-1] == start:
                ends[-1] = end
            else:
                starts.append(start)
                ends.append(end)
        day += one_day
    return starts, ends


def local_to_utc_us(wall: datetime, zone: ZoneInfo) -> int:
    """UTC µs of the first instant at which the local wall clock reads ``wall`` or later.

    Ordinary times map directly; an ambiguous time maps to its first occurrence
    (``fold=0``); a nonexistent time maps to the transition that skipped it.
    """
    first = to_us(wall.replace(tzinfo=zone, fold=0))
    second = to_us(wall.replace(tzinfo=zone, fold=1))
    if first <= second:
        return first
    low, high = second, first  # wall clock reads < wall at low and >= wall at high
    while high - low > 1:
        middle = (low + high) // 2
        if from_us(middle).astimezone(zone).replace(tzinfo=None) >= wall:
            high = middle
        else:
            low = middle
    return high


def _wall(day: date) -> datetime:
    """Local (naive) wall-clock midnight starting ``day``."""
    return datetime.combine(day, time())
