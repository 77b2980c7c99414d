"""Business calendars: open time arithmetic on timezone-aware instants.

A :class:`BusinessCalendar` answers, exactly to the microsecond and in UTC:

* ``add(start, duration)`` — the instant when ``duration`` of open time has passed
  after ``start``. A start outside opening hours begins at the next opening. A
  positive duration that runs out exactly at a closing instant returns that closing
  instant ("due at 17:00"), not the next opening. A zero duration returns ``start``
  when it is open and the next opening when it is closed.
* ``elapsed(start, end)`` — open time between two instants (zero when ``end <= start``).
* ``is_open(t)`` — spans are half-open ``[start, end)``; ``next_open(t)`` is ``t``
  itself when open.
* ``add_many`` / ``elapsed_many`` — the same answers over NumPy ``datetime64[us]``
  arrays (naive NumPy datetimes are UTC). NumPy is imported by these alone, on first
  use: the scalar forms never load it.

Spans are local wall-clock times (see :mod:`pactdesk.domain.calendars._open_time` for the DST
rule); ``closed`` dates are local dates. Because ``add`` returns closing instants,
``add(add(s, a), b) == add(s, a + b)`` holds for ``b > 0`` but not for ``b == 0``
(a zero duration from a closing instant moves on to the next opening).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from pactdesk.domain._time import ZERO, duration_us, require_aware, require_duration
from pactdesk.domain.calendars._open_time import OpenTimeTable, ScalarIndex, Table
from pactdesk.domain.calendars.spec import CalendarSpec, parse_spec
from pactdesk.domain.error_codes import DomainErrorCode
from pactdesk.domain.errors import CalendarError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from pactdesk.domain.calendars._open_time import Int64Array

    DatetimeArray = npt.NDArray[np.datetime64]
    TimedeltaArray = npt.NDArray[np.timedelta64]


def __getattr__(name: str) -> Any:
    """``DatetimeArray`` and ``TimedeltaArray``, built (with NumPy) when first asked for."""
    if name in ("DatetimeArray", "TimedeltaArray"):
        import numpy as np
        import numpy.typing as npt

        if name == "DatetimeArray":
            return npt.NDArray[np.datetime64]
        return npt.NDArray[np.timedelta64]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class BusinessCalendar:
    """Opening hours in a time zone, with closed dates, or always open.

    Build one with :meth:`from_spec`; instances are immutable values (equal when
    their normalised specs are equal) and safe to share between threads.
    """

    __slots__ = ("_spec", "_table")

    def __init__(self, spec: CalendarSpec) -> None:
        """Wrap an already validated spec; prefer :meth:`from_spec`."""
        self._spec = spec
        self._table = OpenTimeTable(spec)

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any]) -> BusinessCalendar:
        """Validate a plain-data calendar spec and build the calendar.

        Raises:
            CalendarError: with ``code`` and ``field`` naming the first problem found.
        """
        return cls(parse_spec(spec))

    def to_spec(self) -> dict[str, Any]:
        """The normalised plain-data spec (``from_spec(cal.to_spec()) == cal``)."""
        return self._spec.to_spec()

    @property
    def timezone(self) -> str:
        """The IANA time zone name the opening hours are written in."""
        return self._spec.timezone

    @property
    def always_open(self) -> bool:
        """Whether the calendar is open every instant (24/7/365)."""
        return self._spec.always_open

    def __eq__(self, other: object) -> bool:
        """Calendars are equal when their normalised specs are."""
        return isinstance(other, BusinessCalendar) and other._spec == self._spec

    def __hash__(self) -> int:
        """Hash of the normalised spec."""
        return hash(self._spec)

    def __repr__(self) -> str:
        """Show the spec."""
        return f"BusinessCalendar.from_spec({self.to_spec()!r})"

    # -- scalar forms -------------------------------------------------------------

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The UTC instant when ``duration`` of open time has passed after ``start``."""
        moment = _utc(start, "start")
        require_duration(duration)
        if self._spec.always_open:
            return _shifted(moment, duration)
        index = self._table.covering_scalar(moment, moment)
        if not duration:
            return self._next_open_at(index, moment)
        target = _cum(index, moment) + duration
        while index.total < target:
            index = self._table.grow_scalar(index)
            target = _cum(index, moment) + duration
        position = bisect_left(index.cum_end, target)
        return index.starts[position] + (target - index.cum_before[position])

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """Open time between ``start`` and ``end``; zero when ``end <= start``."""
        first, last = _utc(start, "start"), _utc(end, "end")
        if last <= first:
            return ZERO
        if self._spec.always_open:
            return last - first
        index = self._table.covering_scalar(first, last)
        return _cum(index, last) - _cum(index, first)

    def is_open(self, moment: datetime) -> bool:
        """Whether the calendar is open at ``moment`` (spans are half-open)."""
        instant = _utc(moment, "moment")
        if self._spec.always_open:
            return True
        index = self._table.covering_scalar(instant, instant)
        position = bisect_right(index.starts, instant) - 1
        return position >= 0 and instant < index.ends[position]

    def next_open(self, moment: datetime) -> datetime:
        """``moment`` (in UTC) if the calendar is open then, else the next opening."""
        instant = _utc(moment, "moment")
        if self._spec.always_open:
            return instant
        return self._next_open_at(self._table.covering_scalar(instant, instant), instant)

    def _next_open_at(self, index: ScalarIndex, instant: datetime) -> datetime:
        while True:
            position = bisect_right(index.starts, instant) - 1
            if position >= 0 and instant < index.ends[position]:
                return instant
            if position + 1 < len(index.starts):
                return index.starts[position + 1]
            index = self._table.grow_scalar(index)

    # -- bulk forms ---------------------------------------------------------------

    def add_many(
        self, starts: npt.ArrayLike, duration: timedelta | np.timedelta64 | npt.ArrayLike
    ) -> DatetimeArray:
        """:meth:`add` over an array of ``datetime64`` starts (naive = UTC).

        ``duration`` is a timedelta, a ``timedelta64`` or an array broadcasting
        against ``starts``. Returns ``datetime64[us]`` UTC instants.
        """
        import numpy as np

        start_us = _us_array(starts, "starts")
        span = _duration_array(duration)
        if self._spec.always_open or start_us.size == 0:
            return np.asarray(start_us + span, dtype=np.int64).view("datetime64[us]")
        table = self._table.covering(int(start_us.min()), int(start_us.max()))
        start_us, span = np.broadcast_arrays(start_us, span)
        result = self._add_positive(table, start_us, np.maximum(span, 1))
        zero = span == 0
        if zero.any():
            result = np.where(zero, self._next_open_many(table, start_us), result)
        return np.asarray(result, dtype=np.int64).view("datetime64[us]")

    def elapsed_many(self, starts: npt.ArrayLike, ends: npt.ArrayLike) -> TimedeltaArray:
        """:meth:`elapsed` over arrays of ``datetime64`` instants (broadcasting)."""
        import numpy as np

        start_us, end_us = np.broadcast_arrays(_us_array(starts, "starts"), _us_array(ends, "ends"))
        if start_us.size == 0:
            return np.zeros(start_us.shape, dtype="timedelta64[us]")
        if self._spec.always_open:
            open_us = end_us - start_us
        else:
            lo = int(min(start_us.min(), end_us.min()))
            table = self._table.covering(lo, int(max(start_us.max(), end_us.max())))
            open_us = _cum_many(table, end_us) - _cum_many(table, start_us)
        return np.asarray(np.maximum(open_us, 0), dtype=np.int64).view("timedelta64[us]")

    def _add_positive(self, table: Table, start_us: Int64Array, span: Int64Array) -> Int64Array:
        while True:
            target = _cum_many(table, start_us) + span
            if int(target.max()) <= table.total:
                break
            table = self._table.grow(table)
        index = table.count_cum_ends_before(target)
        return table.starts[index] + (target - table.cum_before[index])

    def _next_open_many(self, table: Table, moments: Int64Array) -> Int64Array:
        import numpy as np

        while True:
            if table.starts.size:
                index = table.count_starts_at_or_before(moments) - 1
                is_open = (index >= 0) & (moments < table.ends[np.maximum(index, 0)])
                if bool((is_open | (index + 1 < table.starts.size)).all()):
                    break
            table = self._table.grow(table)
        following = table.starts[np.minimum(index + 1, table.starts.size - 1)]
        return np.where(is_open, moments, following)


def _cum(index: ScalarIndex, instant: datetime) -> timedelta:
    """Open time from the index's origin up to ``instant`` (aware UTC)."""
    position = bisect_right(index.starts, instant) - 1
    if position < 0:
        return ZERO
    inside = instant - index.starts[position]
    length = index.lengths[position]
    return index.cum_before[position] + (inside if inside < length else length)


def _cum_many(table: Table, micros: Int64Array) -> Int64Array:
    """Vectorised :func:`_cum`."""
    import numpy as np

    if table.starts.size == 0:
        return np.zeros(micros.shape, dtype=np.int64)
    index = table.count_starts_at_or_before(micros) - 1
    clipped = np.maximum(index, 0)
    starts = table.starts[clipped]
    inside = np.minimum(micros - starts, table.ends[clipped] - starts)
    return np.where(index >= 0, table.cum_before[clipped] + inside, 0)


def _utc(moment: object, field: str) -> datetime:
    """An aware datetime converted to UTC (DomainError when naive or not a datetime)."""
    if type(moment) is datetime and moment.tzinfo is UTC:
        return moment  # fast path: already aware UTC
    return require_aware(moment, field).astimezone(UTC)


def _shifted(instant: datetime, duration: timedelta) -> datetime:
    try:
        return instant + duration
    except OverflowError as exc:
        raise CalendarError(
            DomainErrorCode.OUT_OF_RANGE, "result lies beyond the year 9999"
        ) from exc


def _us_array(values: npt.ArrayLike, field: str) -> Int64Array:
    import numpy as np

    array = np.asarray(values)
    if array.dtype.kind != "M":
        raise CalendarError(
            DomainErrorCode.INVALID_TYPE, f"{field} must hold datetime64 values", field=field
        )
    array = array.astype("datetime64[us]")
    if bool(np.isnat(array).any()):
        raise CalendarError(DomainErrorCode.NOT_A_TIME, f"{field} holds NaT", field=field)
    return array.view(np.int64)


def _duration_array(duration: timedelta | np.timedelta64 | npt.ArrayLike) -> Int64Array:
    import numpy as np

    if isinstance(duration, timedelta):
        return np.asarray(duration_us(require_duration(duration)), dtype=np.int64)
    array = np.asarray(duration)
    if array.dtype.kind != "m":
        raise CalendarError(
            DomainErrorCode.INVALID_TYPE, "duration must be a timedelta", field="duration"
        )
    array = array.astype("timedelta64[us]")
    if bool(np.isnat(array).any()):
        raise CalendarError(DomainErrorCode.NOT_A_TIME, "duration holds NaT", field="duration")
    micros = array.view(np.int64)
    if bool((micros < 0).any()):
        raise CalendarError(
            DomainErrorCode.NEGATIVE_DURATION, "duration must not be negative", field="duration"
        )
    return micros
