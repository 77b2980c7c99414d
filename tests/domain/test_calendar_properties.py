"""Hypothesis properties of calendar arithmetic over varied calendars and instants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from pactdesk.domain.calendars import BusinessCalendar

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
CALENDARS = [
    BusinessCalendar.from_spec(
        {
            "timezone": "America/New_York",
            "hours": {day: [["09:00", "17:00"]] for day in WEEKDAYS},
            "closed": ["2025-12-25", "2026-01-01", "2026-07-03", "2026-12-25", "2027-01-01"],
        }
    ),
    BusinessCalendar.from_spec(
        {
            "timezone": "Europe/London",
            "hours": {
                "mon": [["08:00", "12:00"], ["13:00", "17:30"]],
                "wed": [["00:00", "01:30"], ["22:00", "24:00"]],
                "thu": [["00:00", "06:00"]],
                "sat": [["10:00", "24:00"]],
                "sun": [["00:00", "02:00"]],
            },
        }
    ),
    BusinessCalendar.from_spec(
        {
            "timezone": "Australia/Sydney",
            "hours": {"sun": [["01:00", "04:00"]], "fri": [["00:00", "24:00"]]},
        }
    ),
    BusinessCalendar.from_spec(
        {"timezone": "America/New_York", "hours": {"sun": [["00:30", "03:00"]]}}
    ),
]
ALWAYS = BusinessCalendar.from_spec({"timezone": "Europe/London", "always_open": True})
ZONES = [UTC, ZoneInfo("America/New_York"), ZoneInfo("Australia/Sydney")]

calendars = st.sampled_from([*CALENDARS, ALWAYS])
zoned = st.datetimes(
    min_value=datetime(2025, 1, 1),  # noqa: DTZ001 - hypothesis bounds are naive by API
    max_value=datetime(2027, 12, 31),  # noqa: DTZ001
    timezones=st.sampled_from(ZONES),
    allow_imaginary=False,
)
# Python compares and subtracts same-zone datetimes on the wall clock; order in UTC.
instants = zoned.map(lambda moment: moment.astimezone(UTC))
durations = st.integers(0, 300 * 3_600_000_000).map(lambda us: timedelta(microseconds=us))
positive = st.integers(1, 300 * 3_600_000_000).map(lambda us: timedelta(microseconds=us))
EXAMPLES = settings(max_examples=150, deadline=None)


@EXAMPLES
@given(calendars, zoned, durations)
def test_elapsed_inverts_add(calendar: BusinessCalendar, start: datetime, span: timedelta) -> None:
    assert calendar.elapsed(start, calendar.add(start, span)) == span


@EXAMPLES
@given(calendars, zoned, durations, positive)
def test_add_is_associative_for_positive_second_step(
    calendar: BusinessCalendar, start: datetime, first: timedelta, second: timedelta
) -> None:
    assert calendar.add(calendar.add(start, first), second) == calendar.add(start, first + second)


@EXAMPLES
@given(calendars, instants, instants, durations, durations)
def test_add_and_elapsed_are_monotonic(
    calendar: BusinessCalendar, one: datetime, two: datetime, small: timedelta, big: timedelta
) -> None:
    early, late = sorted((one, two))
    small, big = sorted((small, big))

    assert calendar.add(early, small) <= calendar.add(late, small)
    assert calendar.add(early, small) <= calendar.add(early, big)
    assert calendar.elapsed(early, late) >= calendar.elapsed(late, late)
    assert calendar.elapsed(early, late) <= calendar.elapsed(early, late + big)
    assert calendar.elapsed(early, late) >= calendar.elapsed(early + small, late)


@EXAMPLES
@given(calendars, instants, instants, instants)
def test_elapsed_is_additive(
    calendar: BusinessCalendar, one: datetime, two: datetime, three: datetime
) -> None:
    first, middle, last = sorted((one, two, three))

    assert calendar.elapsed(first, last) == calendar.elapsed(first, middle) + calendar.elapsed(
        middle, last
    )


@EXAMPLES
@given(calendars, zoned)
def test_next_open_agrees_with_is_open_and_zero_add(
    calendar: BusinessCalendar, moment: datetime
) -> None:
    opening = calendar.next_open(moment)

    assert (opening == moment.astimezone(UTC)) is calendar.is_open(moment)
    assert calendar.is_open(opening) is True
    assert calendar.add(moment, timedelta(0)) == opening
    assert calendar.elapsed(moment, opening) == timedelta(0)


@EXAMPLES
@given(instants, instants, durations)
def test_always_open_is_wall_clock_arithmetic(
    start: datetime, end: datetime, span: timedelta
) -> None:
    assert ALWAYS.add(start, span) == start + span
    assert ALWAYS.elapsed(start, end) == max(end - start, timedelta(0))
    assert ALWAYS.is_open(start) is True
