"""Scalar calendar arithmetic: add, elapsed, is_open, next_open — exact tables."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from pactdesk.domain.calendars import BusinessCalendar
from pactdesk.domain.errors import DomainError

NY = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
OFFICE = BusinessCalendar.from_spec(
    {
        "timezone": "America/New_York",
        "hours": {day: [["09:00", "17:00"]] for day in WEEKDAYS},
        "closed": ["2026-12-25", "2027-01-01"],
    }
)
SPLIT = BusinessCalendar.from_spec(
    {
        "timezone": "Europe/London",
        "hours": {
            "mon": [["08:00", "12:00"], ["13:00", "17:30"]],
            "sat": [["10:00", "24:00"]],
            "sun": [["00:00", "02:00"]],
        },
    }
)
ALWAYS = BusinessCalendar.from_spec({"timezone": "UTC", "always_open": True})


def ny(*args: int) -> datetime:
    return datetime(*args, tzinfo=NY)  # type: ignore[misc]


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)  # type: ignore[misc]


H = timedelta(hours=1)
M = timedelta(minutes=1)


@pytest.mark.parametrize(
    ("start", "duration", "expected"),
    [
        pytest.param(ny(2026, 3, 2, 10), 30 * M, ny(2026, 3, 2, 10, 30), id="inside-open-time"),
        pytest.param(ny(2026, 3, 2, 9), 8 * H, ny(2026, 3, 2, 17), id="ends-at-closing"),
        pytest.param(ny(2026, 3, 2, 17), 30 * M, ny(2026, 3, 3, 9, 30), id="start-at-closing"),
        pytest.param(ny(2026, 3, 2, 9), 30 * M, ny(2026, 3, 2, 9, 30), id="start-at-opening"),
        pytest.param(ny(2026, 3, 2, 7), H, ny(2026, 3, 2, 10), id="before-opening"),
        pytest.param(ny(2026, 3, 6, 16, 45), 30 * M, ny(2026, 3, 9, 9, 15), id="over-weekend"),
        pytest.param(ny(2026, 3, 7, 12), 30 * M, ny(2026, 3, 9, 9, 30), id="from-saturday"),
        pytest.param(ny(2026, 3, 2, 9), 40 * H, ny(2026, 3, 6, 17), id="whole-week"),
        pytest.param(ny(2026, 3, 2, 9), 41 * H, ny(2026, 3, 9, 10), id="week-and-an-hour"),
        pytest.param(ny(2026, 12, 24, 16, 30), H, ny(2026, 12, 28, 9, 30), id="christmas"),
        pytest.param(ny(2026, 12, 31, 16), 2 * H, ny(2027, 1, 4, 10), id="year-end-holiday"),
        pytest.param(
            ny(2026, 3, 2, 16, 59, 59, 999_999),
            timedelta(microseconds=2),
            ny(2026, 3, 3, 9, 0, 0, 1),
            id="microseconds",
        ),
        pytest.param(ny(2026, 3, 2, 10), timedelta(0), ny(2026, 3, 2, 10), id="zero-when-open"),
        pytest.param(ny(2026, 3, 2, 9), timedelta(0), ny(2026, 3, 2, 9), id="zero-at-opening"),
        pytest.param(ny(2026, 3, 2, 17), timedelta(0), ny(2026, 3, 3, 9), id="zero-at-closing"),
        pytest.param(ny(2026, 12, 25, 10), timedelta(0), ny(2026, 12, 28, 9), id="zero-holiday"),
        pytest.param(ny(1970, 1, 5, 16), 2 * H, ny(1970, 1, 6, 10), id="year-1970"),
        pytest.param(ny(2200, 6, 2, 16), 2 * H, ny(2200, 6, 3, 10), id="year-2200"),
    ],
)
def test_add_on_office_hours(start: datetime, duration: timedelta, expected: datetime) -> None:
    due = OFFICE.add(start, duration)

    assert due == expected
    assert due.tzinfo is UTC


@pytest.mark.parametrize(
    ("start", "duration", "expected"),
    [
        pytest.param(london(2026, 3, 2, 11, 30), H, london(2026, 3, 2, 13, 30), id="lunch-gap"),
        pytest.param(london(2026, 3, 2, 11), H, london(2026, 3, 2, 12), id="ends-at-lunch"),
        pytest.param(london(2026, 3, 2, 12), timedelta(0), london(2026, 3, 2, 13), id="zero-lunch"),
        pytest.param(london(2026, 3, 7, 23, 30), H, london(2026, 3, 8, 0, 30), id="past-24:00"),
        pytest.param(london(2026, 3, 8, 1), 2 * H, london(2026, 3, 9, 9), id="sun-to-mon"),
        pytest.param(london(2026, 3, 2, 17), 15 * H, london(2026, 3, 8, 0, 30), id="to-sunday"),
    ],
)
def test_add_on_split_spans_and_midnight(
    start: datetime, duration: timedelta, expected: datetime
) -> None:
    assert SPLIT.add(start, duration) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        pytest.param(ny(2026, 3, 2, 10), ny(2026, 3, 2, 12), 2 * H, id="inside"),
        pytest.param(ny(2026, 3, 6, 16), ny(2026, 3, 9, 10), 2 * H, id="over-weekend"),
        pytest.param(ny(2026, 3, 7, 1), ny(2026, 3, 8, 23), timedelta(0), id="weekend-only"),
        pytest.param(ny(2026, 3, 2, 12), ny(2026, 3, 2, 10), timedelta(0), id="reversed"),
        pytest.param(ny(2026, 3, 2, 12), ny(2026, 3, 2, 12), timedelta(0), id="equal"),
        pytest.param(ny(2026, 12, 24, 9), ny(2027, 1, 4, 9), 40 * H, id="holidays-year-end"),
        pytest.param(ny(2026, 3, 2, 17), ny(2026, 3, 3, 9), timedelta(0), id="closing-to-opening"),
        pytest.param(
            datetime(2026, 3, 2, 16, tzinfo=timezone(timedelta(hours=2))),
            datetime(2026, 3, 2, 23, tzinfo=UTC),
            8 * H,
            id="mixed-offsets",
        ),
    ],
)
def test_elapsed_on_office_hours(start: datetime, end: datetime, expected: timedelta) -> None:
    assert OFFICE.elapsed(start, end) == expected


def test_elapsed_across_midnight_spans() -> None:
    assert SPLIT.elapsed(london(2026, 3, 7, 22), london(2026, 3, 8, 3)) == 4 * H
    assert SPLIT.elapsed(london(2026, 3, 2, 7), london(2026, 3, 2, 18)) == 8 * H + 30 * M


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (ny(2026, 3, 2, 9), True),
        (ny(2026, 3, 2, 16, 59, 59, 999_999), True),
        (ny(2026, 3, 2, 17), False),
        (ny(2026, 3, 2, 8, 59, 59, 999_999), False),
        (ny(2026, 3, 7, 12), False),
        (ny(2026, 12, 25, 12), False),
    ],
)
def test_is_open_is_half_open(moment: datetime, expected: bool) -> None:
    assert OFFICE.is_open(moment) is expected


def test_is_open_at_midnight_between_touching_days() -> None:
    assert SPLIT.is_open(london(2026, 3, 8, 0)) is True
    assert SPLIT.is_open(london(2026, 3, 8, 2)) is False


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (ny(2026, 3, 2, 10, 15), ny(2026, 3, 2, 10, 15)),
        (ny(2026, 3, 2, 9), ny(2026, 3, 2, 9)),
        (ny(2026, 3, 6, 17), ny(2026, 3, 9, 9)),
        (ny(2026, 12, 24, 18), ny(2026, 12, 28, 9)),
        (ny(2026, 12, 31, 17), ny(2027, 1, 4, 9)),
    ],
)
def test_next_open(moment: datetime, expected: datetime) -> None:
    opening = OFFICE.next_open(moment)

    assert opening == expected
    assert opening.tzinfo is UTC


def test_next_open_crosses_a_year_of_closed_days() -> None:
    mondays = [date(2026, 1, 5) + timedelta(weeks=week) for week in range(52)]
    calendar = BusinessCalendar.from_spec(
        {
            "timezone": "UTC",
            "hours": {"mon": [["09:00", "10:00"]]},
            "closed": [day.isoformat() for day in mondays],
        }
    )

    assert calendar.next_open(datetime(2026, 1, 1, tzinfo=UTC)) == datetime(
        2027, 1, 4, 9, tzinfo=UTC
    )
    assert calendar.add(datetime(2026, 1, 1, tzinfo=UTC), H) == datetime(2027, 1, 4, 10, tzinfo=UTC)


def test_add_grows_the_horizon_over_years() -> None:
    weekdays_utc = BusinessCalendar.from_spec(
        {"timezone": "UTC", "hours": {day: [["00:00", "24:00"]] for day in WEEKDAYS}}
    )
    start = datetime(2026, 1, 5, tzinfo=UTC)

    due = weekdays_utc.add(start, timedelta(days=5 * 100))

    assert due == datetime(2027, 12, 4, tzinfo=UTC)
    assert weekdays_utc.elapsed(start, due) == timedelta(days=500)


def test_always_open_is_wall_clock_arithmetic() -> None:
    start = datetime(2026, 3, 8, 1, 30, tzinfo=NY)

    assert ALWAYS.add(start, H) == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)
    assert ALWAYS.elapsed(start, datetime(2026, 3, 8, 3, 30, tzinfo=NY)) == H
    assert ALWAYS.elapsed(start, start - H) == timedelta(0)
    assert ALWAYS.is_open(start) is True
    assert ALWAYS.next_open(start) == datetime(2026, 3, 8, 6, 30, tzinfo=UTC)
    assert ALWAYS.add(start, timedelta(0)).tzinfo is UTC


NAIVE = datetime(2026, 3, 2, 10)  # noqa: DTZ001 - deliberately naive input
AWARE = ny(2026, 3, 2, 10)


@pytest.mark.parametrize("calendar", [OFFICE, ALWAYS], ids=["office", "always"])
@pytest.mark.parametrize(
    ("call", "code", "field"),
    [
        (lambda c: c.add(NAIVE, H), "naive_datetime", "start"),
        (lambda c: c.add(AWARE, -H), "negative_duration", "duration"),
        (lambda c: c.add(AWARE, 5), "invalid_type", "duration"),
        (lambda c: c.add("2026-03-02", H), "invalid_type", "start"),
        (lambda c: c.elapsed(NAIVE, AWARE), "naive_datetime", "start"),
        (lambda c: c.elapsed(AWARE, NAIVE), "naive_datetime", "end"),
        (lambda c: c.is_open(NAIVE), "naive_datetime", "moment"),
        (lambda c: c.next_open(NAIVE), "naive_datetime", "moment"),
    ],
)
def test_bad_arguments_are_refused(
    calendar: BusinessCalendar, call: object, code: str, field: str
) -> None:
    with pytest.raises(DomainError) as caught:
        call(calendar)  # type: ignore[operator]

    assert (caught.value.code, caught.value.field) == (code, field)


def test_results_beyond_the_supported_years_are_refused() -> None:
    with pytest.raises(DomainError) as caught:
        OFFICE.add(datetime(9999, 6, 1, tzinfo=UTC), H)
    assert caught.value.code == "out_of_range"

    with pytest.raises(DomainError) as caught:
        ALWAYS.add(datetime(9999, 12, 31, tzinfo=UTC), timedelta(days=2))
    assert caught.value.code == "out_of_range"
