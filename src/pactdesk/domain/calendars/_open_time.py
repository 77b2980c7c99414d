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

A table is built as Python lists (what the scalar, bisect path reads); its NumPy arrays
are made on first use by the bulk path. NumPy is imported there and only there, so a
process that never asks for a bulk answer (a web worker, the mail receiver) does not
load it (~11 MiB).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property
from itertools import accumulate
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from pactdesk.domain._time import ZERO, from_us, to_us
from pactdesk.domain.calendars.spec import CalendarSpec
from pactdesk.domain.error_codes import DomainErrorCode
from pactdesk.domain.errors import CalendarError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Int64Array = npt.NDArray[np.int64]

MIN_YEAR = 2
MAX_YEAR = 9998


def __getattr__(name: str) -> object:
    """``Int64Array``, built (with NumPy) when first asked for."""
    if name == "Int64Array":
        import numpy as np
        import numpy.typing as npt

        return npt.NDArray[np.int64]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class Table:
    """An immutable snapshot of open intervals for local years ``first_year..last_year``."""

    first_year: int
    last_year: int
    lo_us: int
    hi_us: int
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

    @cached_property
    def starts(self) -> Int64Array:
        """``starts_list`` as an int64 array (the bulk path's form)."""
        return _int64(self.starts_list)

    @cached_property
    def ends(self) -> Int64Array:
        """``ends_list`` as an int64 array."""
        return _int64(self.ends_list)

    @cached_property
    def cum_before(self) -> Int64Array:
        """``cum_before_list`` as an int64 array."""
        return _int64(self.cum_before_list)

    @cached_property
    def cum_end(self) -> Int64Array:
        """``cum_end_list`` as an int64 array."""
        return _int64(self.cum_end_list)

    @cached_property
    def scalar(self) -> ScalarIndex:
        """The same intervals as aware UTC datetimes and timedeltas, for bisect lookups."""
        return ScalarIndex(
            lo=from_us(self.lo_us),
            hi=from_us(self.hi_us),
            starts=[from_us(value) for value in self.starts_list],
            ends=[from_us(value) for value in self.ends_list],
            lengths=[
                timedelta(microseconds=e - s)
                for s, e in zip(self.starts_list, self.ends_list, strict=True)
            ],
            cum_before=[timedelta(microseconds=value) for value in self.cum_before_list],
            cum_end=[timedelta(microseconds=value) for value in self.cum_end_list],
        )

    @cached_property
    def _shift(self) -> int:
        """Bucket width (as a power of two µs) keeping bucket tables near 2**20 entries."""
        span = max(self.hi_us - self.lo_us, self.total, 1)
        return max(32, span.bit_length() - 20)

    @cached_property
    def _start_guess(self) -> Int64Array:
        import numpy as np

        edges = self.lo_us + (
            np.arange((self.hi_us - self.lo_us >> self._shift) + 2) << self._shift
        )
        return np.searchsorted(self.starts, edges, side="right").astype(np.int64)

    @cached_property
    def _cum_guess(self) -> Int64Array:
        import numpy as np

        edges = np.arange((self.total >> self._shift) + 2, dtype=np.int64) << self._shift
        return np.searchsorted(self.cum_end, edges, side="left").astype(np.int64)

    def count_starts_at_or_before(self, moments: Int64Array) -> Int64Array:
        """``searchsorted(starts, moments, "right")`` for covered moments, via buckets."""
        guess = self._start_guess[(moments - self.lo_us) >> self._shift]
        return _advance(self.starts, guess, moments, inclusive=True)

    def count_cum_ends_before(self, targets: Int64Array) -> Int64Array:
        """``searchsorted(cum_end, targets, "left")`` for 0 <= targets <= total."""
        guess = self._cum_guess[targets >> self._shift]
        return _advance(self.cum_end, guess, targets, inclusive=False)


@dataclass(frozen=True)
class ScalarIndex:
    """Open intervals as Python objects: bisect and arithmetic stay in C-level types."""

    lo: datetime
    hi: datetime
    starts: list[datetime]
    ends: list[datetime]
    lengths: list[timedelta]
    cum_before: list[timedelta]
    cum_end: list[timedelta]

    @property
    def total(self) -> timedelta:
        """All open time in the index."""
        return self.cum_end[-1] if self.cum_end else ZERO


def _advance(
    ordered: Int64Array, guess: Int64Array, keys: Int64Array, *, inclusive: bool
) -> Int64Array:
    """Move each bucket guess up to the exact count of ``ordered`` values ``<=``/``<`` key.

    A guess never exceeds the answer; usually it is exact or one short, so after one
    full pass only the few keys that moved are revisited.
    """
    import numpy as np

    size = ordered.size
    shape = keys.shape
    count = np.array(guess, dtype=np.int64).ravel()
    keys = keys.ravel()
    if size == 0:
        return count.reshape(shape)
    probe = ordered[np.minimum(count, size - 1)]
    step = (count < size) & ((probe <= keys) if inclusive else (probe < keys))
    count += step
    active = np.flatnonzero(step)
    while active.size:
        current = count[active]
        probe = ordered[np.minimum(current, size - 1)]
        wanted = keys[active]
        step = (current < size) & ((probe <= wanted) if inclusive else (probe < wanted))
        active = active[step]
        count[active] += 1
    return count.reshape(shape)


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

    def covering_scalar(self, lo: datetime, hi: datetime) -> ScalarIndex:
        """Scalar index whose window contains ``[lo, hi]`` (aware UTC datetimes)."""
        table = self._table
        if table is not None:
            index = table.scalar
            if index.lo <= lo and hi < index.hi:
                return index
        return self.covering(to_us(lo), to_us(hi)).scalar

    def grow_scalar(self, index: ScalarIndex) -> ScalarIndex:
        """:meth:`grow` for a scalar index."""
        return self.grow(self.covering(to_us(index.lo), to_us(index.hi) - 1)).scalar

    def grow(self, table: Table) -> Table:
        """A snapshot reaching further forward than ``table`` (doubling its years).

        The returned snapshot covers at least ``table``'s window; it may start earlier
        if another thread grew the table backwards, so callers recompute positions.
        """
        if table.last_year >= MAX_YEAR:
            raise CalendarError(
                DomainErrorCode.OUT_OF_RANGE,
                f"result lies beyond the year {MAX_YEAR}",
                field="duration",
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
                DomainErrorCode.OUT_OF_RANGE,
                f"instants must fall in the years {MIN_YEAR}-{MAX_YEAR}",
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
    cum_end_list = list(accumulate(e - s for s, e in zip(starts_list, ends_list, strict=True)))
    cum_before_list = [0, *cum_end_list[:-1]]
    return Table(
        first_year=first,
        last_year=last,
        lo_us=local_to_utc_us(_wall(date(first, 1, 1)), zone),
        hi_us=local_to_utc_us(_wall(date(last + 1, 1, 1)), zone),
        starts_list=starts_list,
        ends_list=ends_list,
        cum_before_list=cum_before_list if starts_list else [],
        cum_end_list=cum_end_list,
    )


def _int64(values: list[int]) -> Int64Array:
    import numpy as np

    return np.array(values, dtype=np.int64)


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
