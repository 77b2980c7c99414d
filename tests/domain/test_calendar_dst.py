"""Spans are local wall-clock times: DST changes stretch or shrink them, both ways.

Rule: a span boundary is the first instant the local clock reads that time, so an
ambiguous time is its first occurrence and a skipped time is the transition instant.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from pactdesk.domain.calendars import BusinessCalendar

H = timedelta(hours=1)
M = timedelta(minutes=1)


def sundays(zone: str, *spans: tuple[str, str]) -> BusinessCalendar:
    return BusinessCalendar.from_spec(
        {"timezone": zone, "hours": {"sun": [list(span) for span in spans]}}
    )


def office(zone: str) -> BusinessCalendar:
    days = ("mon", "tue", "wed", "thu", "fri")
    return BusinessCalendar.from_spec(
        {"timezone": zone, "hours": {day: [["09:00", "17:00"]] for day in days}}
    )


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("zone", "spans", "day", "expected"),
    [
        pytest.param("America/New_York", [("01:00", "03:00")], (2026, 3, 8), H, id="ny-spring"),
        pytest.param("America/New_York", [("01:00", "03:00")], (2026, 11, 1), 3 * H, id="ny-fall"),
        pytest.param("America/New_York", [("01:00", "03:00")], (2026, 3, 15), 2 * H, id="ny-plain"),
        pytest.param(
            "America/New_York", [("00:00", "02:30")], (2026, 3, 8), 2 * H, id="ny-end-in-gap"
        ),
        pytest.param(
            "America/New_York", [("02:30", "05:00")], (2026, 3, 8), 2 * H, id="ny-start-in-gap"
        ),
        pytest.param(
            "America/New_York",
            [("02:00", "02:30"), ("09:00", "10:00")],
            (2026, 3, 8),
            H,
            id="ny-span-inside-gap",
        ),
        pytest.param("Europe/London", [("00:00", "03:00")], (2026, 3, 29), 2 * H, id="ldn-spring"),
        pytest.param("Europe/London", [("00:00", "03:00")], (2026, 10, 25), 4 * H, id="ldn-fall"),
        pytest.param(
            "Europe/London", [("01:00", "02:00")], (2026, 10, 25), 2 * H, id="ldn-ambiguous-hour"
        ),
        pytest.param(
            "Europe/London", [("01:00", "01:30")], (2026, 10, 25), 30 * M, id="ldn-first-occurrence"
        ),
        pytest.param(
            "Europe/London", [("01:30", "02:30")], (2026, 3, 29), 30 * M, id="ldn-gap-start"
        ),
        pytest.param(
            "Australia/Sydney", [("02:00", "03:00")], (2026, 4, 5), 2 * H, id="syd-fall-back"
        ),
        pytest.param(
            "Australia/Sydney", [("01:00", "04:00")], (2026, 10, 4), 2 * H, id="syd-spring-forward"
        ),
        pytest.param(
            "Australia/Sydney", [("00:00", "24:00")], (2026, 4, 5), 25 * H, id="syd-25-hour-day"
        ),
        pytest.param(
            "Australia/Sydney", [("00:00", "24:00")], (2026, 10, 4), 23 * H, id="syd-23-hour-day"
        ),
    ],
)
def test_open_time_of_a_dst_day(
    zone: str, spans: list[tuple[str, str]], day: tuple[int, int, int], expected: timedelta
) -> None:
    calendar = sundays(zone, *spans)
    tz = ZoneInfo(zone)
    start = datetime(*day, tzinfo=tz) - 2 * H
    end = datetime(*day, tzinfo=tz) + 26 * H

    assert calendar.elapsed(start, end) == expected


def test_ny_spring_forward_span_ends_at_three_daylight_time() -> None:
    calendar = sundays("America/New_York", ("01:00", "03:00"))

    assert calendar.add(utc(2026, 3, 8, 6), H) == utc(2026, 3, 8, 7)
    assert calendar.add(utc(2026, 3, 8, 6, 30), 30 * M) == utc(2026, 3, 8, 7)
    assert calendar.next_open(utc(2026, 3, 8, 4)) == utc(2026, 3, 8, 6)


def test_ny_fall_back_span_starts_at_first_one_oclock() -> None:
    calendar = sundays("America/New_York", ("01:00", "03:00"))

    assert calendar.next_open(utc(2026, 11, 1, 4)) == utc(2026, 11, 1, 5)
    assert calendar.add(utc(2026, 11, 1, 5), 2 * H) == utc(2026, 11, 1, 7)
    assert calendar.add(utc(2026, 11, 1, 5), 3 * H) == utc(2026, 11, 1, 8)


def test_ambiguous_span_covers_only_the_first_occurrence() -> None:
    calendar = sundays("America/New_York", ("01:00", "01:30"))

    assert calendar.is_open(utc(2026, 11, 1, 5, 15)) is True  # 01:15 EDT
    assert calendar.is_open(utc(2026, 11, 1, 6, 15)) is False  # 01:15 EST


@pytest.mark.parametrize(
    ("zone", "start", "duration", "expected"),
    [
        pytest.param(
            "America/New_York", utc(2026, 3, 6, 21), 2 * H, utc(2026, 3, 9, 14), id="ny-weekend"
        ),
        pytest.param(
            "America/New_York", utc(2026, 10, 30, 20), 2 * H, utc(2026, 11, 2, 15), id="ny-fall"
        ),
        pytest.param(
            "Europe/London", utc(2026, 3, 27, 16), 2 * H, utc(2026, 3, 30, 9), id="ldn-spring"
        ),
        pytest.param(
            "Europe/London", utc(2026, 10, 23, 15), 2 * H, utc(2026, 10, 26, 10), id="ldn-fall"
        ),
        pytest.param("Australia/Sydney", utc(2026, 4, 3, 5), 2 * H, utc(2026, 4, 6), id="syd-fall"),
        pytest.param(
            "Australia/Sydney", utc(2026, 10, 2, 6), 2 * H, utc(2026, 10, 4, 23), id="syd-spring"
        ),
    ],
)
def test_office_hours_follow_the_local_offset_across_dst(
    zone: str, start: datetime, duration: timedelta, expected: datetime
) -> None:
    calendar = office(zone)

    due = calendar.add(start, duration)

    assert due == expected
    assert calendar.elapsed(start, due) == duration
