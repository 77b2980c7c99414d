"""Bulk calendar forms over NumPy datetime64 arrays give the scalar answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pactdesk.domain.calendars import BusinessCalendar
from pactdesk.domain.errors import DomainError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
OFFICE = BusinessCalendar.from_spec(
    {
        "timezone": "America/New_York",
        "hours": {day: [["09:00", "17:00"]] for day in WEEKDAYS},
        "closed": ["2026-12-25", "2027-01-01"],
    }
)
NIGHTS = BusinessCalendar.from_spec(
    {
        "timezone": "Australia/Sydney",
        "hours": {"sat": [["20:00", "24:00"]], "sun": [["00:00", "03:00"]]},
    }
)
ALWAYS = BusinessCalendar.from_spec({"timezone": "UTC", "always_open": True})


def us(*stamps: str) -> np.ndarray:
    return np.array(stamps, dtype="datetime64[us]")


def test_add_many_matches_exact_deadlines() -> None:
    starts = us("2026-03-02T15:00", "2026-03-06T21:45", "2026-12-24T21:30", "2026-03-07T12:00")

    due = OFFICE.add_many(starts, timedelta(minutes=30))

    assert due.dtype == np.dtype("datetime64[us]")
    assert due.tolist() == [
        datetime(2026, 3, 2, 15, 30),  # noqa: DTZ001 - numpy datetimes are naive UTC
        datetime(2026, 3, 9, 13, 15),  # noqa: DTZ001
        datetime(2026, 12, 24, 22),  # noqa: DTZ001
        datetime(2026, 3, 9, 13, 30),  # noqa: DTZ001
    ]


def test_add_many_zero_duration_gives_next_opening_or_start() -> None:
    starts = us("2026-03-02T15:00", "2026-03-02T22:00", "2026-12-31T22:00")

    due = OFFICE.add_many(starts, timedelta(0))

    assert due.tolist() == [
        datetime(2026, 3, 2, 15),  # noqa: DTZ001
        datetime(2026, 3, 3, 14),  # noqa: DTZ001
        datetime(2027, 1, 4, 14),  # noqa: DTZ001
    ]


def test_add_many_takes_an_array_of_durations_and_other_units() -> None:
    starts = np.array(["2026-03-02T14:00:00", "2026-03-02T21:00:00"], dtype="datetime64[s]")
    spans = np.array([0, 3_600_000_000_000], dtype="timedelta64[ns]")

    due = OFFICE.add_many(starts, spans)

    assert due.tolist() == [datetime(2026, 3, 2, 14), datetime(2026, 3, 2, 22)]  # noqa: DTZ001


def test_elapsed_many_broadcasts_and_floors_at_zero() -> None:
    starts = us("2026-03-06T21:00", "2026-03-09T15:00")
    ends = us("2026-03-09T15:00")

    open_time = OFFICE.elapsed_many(starts, ends)

    assert open_time.dtype == np.dtype("timedelta64[us]")
    assert open_time.tolist() == [timedelta(hours=3), timedelta(0)]


def test_shapes_are_kept_and_empty_arrays_work() -> None:
    grid = us("2026-03-02T14:00", "2026-03-02T20:00", "2026-03-03T14:00", "2026-03-03T20:00")
    grid = grid.reshape(2, 2)

    assert OFFICE.add_many(grid, timedelta(hours=1)).shape == (2, 2)
    assert OFFICE.elapsed_many(grid, grid).shape == (2, 2)
    assert OFFICE.add_many(us(), timedelta(hours=1)).shape == (0,)
    assert OFFICE.elapsed_many(us(), us()).shape == (0,)


def test_always_open_bulk_is_plain_arithmetic() -> None:
    starts = us("2026-03-08T06:30", "2026-12-31T23:59:59.999999")

    assert ALWAYS.add_many(starts, timedelta(hours=1)).tolist() == [
        datetime(2026, 3, 8, 7, 30),  # noqa: DTZ001
        datetime(2027, 1, 1, 0, 59, 59, 999_999),  # noqa: DTZ001
    ]
    assert ALWAYS.elapsed_many(starts, starts[::-1]).tolist() == [
        timedelta(days=298, seconds=62_999, microseconds=999_999),
        timedelta(0),
    ]


@pytest.mark.parametrize(
    ("call", "code", "field"),
    [
        (lambda: OFFICE.add_many(us("NaT"), timedelta(hours=1)), "not_a_time", "starts"),
        (lambda: OFFICE.add_many([1, 2], timedelta(hours=1)), "invalid_type", "starts"),
        (
            lambda: OFFICE.add_many(us("2026-03-02"), -timedelta(hours=1)),
            "negative_duration",
            "duration",
        ),
        (
            lambda: OFFICE.add_many(us("2026-03-02"), np.array([-1], dtype="timedelta64[us]")),
            "negative_duration",
            "duration",
        ),
        (lambda: OFFICE.add_many(us("2026-03-02"), 5), "invalid_type", "duration"),
        (
            lambda: OFFICE.add_many(us("2026-03-02"), np.timedelta64("NaT")),
            "not_a_time",
            "duration",
        ),
        (lambda: OFFICE.elapsed_many(us("2026-03-02"), us("NaT")), "not_a_time", "ends"),
        (lambda: ALWAYS.elapsed_many(["x"], us("2026-03-02")), "invalid_type", "starts"),
    ],
)
def test_bad_bulk_arguments_are_refused(call: object, code: str, field: str) -> None:
    with pytest.raises(DomainError) as caught:
        call()  # type: ignore[operator]

    assert (caught.value.code, caught.value.field) == (code, field)


micros = st.integers(
    int(np.datetime64("2025-06-01", "us").astype(np.int64)),
    int(np.datetime64("2027-06-01", "us").astype(np.int64)),
)
spans = st.integers(0, 100 * 3_600_000_000)


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from([OFFICE, NIGHTS, ALWAYS]),
    st.lists(micros, min_size=1, max_size=40),
    st.lists(micros, min_size=1, max_size=40),
    spans,
)
def test_bulk_equals_scalar(
    calendar: BusinessCalendar, starts: list[int], ends: list[int], span_us: int
) -> None:
    size = min(len(starts), len(ends))
    start_array = np.array(starts[:size], dtype=np.int64).view("datetime64[us]")
    end_array = np.array(ends[:size], dtype=np.int64).view("datetime64[us]")
    span = timedelta(microseconds=span_us)

    def aware(value: datetime) -> datetime:
        return value.replace(tzinfo=UTC)

    scalar_due = [aware(calendar.add(aware(s), span)) for s in start_array.tolist()]
    scalar_open = [
        calendar.elapsed(aware(s), aware(e))
        for s, e in zip(start_array.tolist(), end_array.tolist(), strict=True)
    ]

    bulk_due = [aware(value) for value in calendar.add_many(start_array, span).tolist()]
    assert bulk_due == scalar_due
    assert calendar.elapsed_many(start_array, end_array).tolist() == scalar_open
