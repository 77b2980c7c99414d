"""BusinessCalendar.from_spec validates specs thoroughly (the API saves only valid ones)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from pactdesk.domain.calendars import BusinessCalendar
from pactdesk.domain.errors import CalendarError, DomainError

WEEKDAYS = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}


def spec(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"timezone": "America/New_York", "hours": dict(WEEKDAYS)}
    base.update(changes)
    return base


BAD_SPECS = [
    ("not a mapping", ["09:00"], "malformed_spec", None),
    ("unknown top-level key", spec(open=True), "unknown_field", "open"),
    ("unknown timezone", spec(timezone="Mars/Olympus"), "unknown_timezone", "timezone"),
    ("lower-case utc", spec(timezone="utc"), "unknown_timezone", "timezone"),
    ("path as timezone", spec(timezone="../etc/passwd"), "unknown_timezone", "timezone"),
    ("empty timezone", spec(timezone=""), "unknown_timezone", "timezone"),
    ("timezone not a string", spec(timezone=5), "unknown_timezone", "timezone"),
    ("missing timezone", {"hours": WEEKDAYS}, "missing_field", "timezone"),
    ("hours not a mapping", spec(hours=[["09:00", "17:00"]]), "malformed_spec", "hours"),
    (
        "unknown weekday",
        spec(hours={"monday": [["09:00", "17:00"]]}),
        "unknown_weekday",
        "hours.monday",
    ),
    ("day not a list", spec(hours={"mon": "09:00-17:00"}), "malformed_span", "hours.mon"),
    ("span not a pair", spec(hours={"mon": [["09:00"]]}), "malformed_span", "hours.mon[0]"),
    (
        "span of three",
        spec(hours={"mon": [["09:00", "12:00", "17:00"]]}),
        "malformed_span",
        "hours.mon[0]",
    ),
    ("span a string", spec(hours={"mon": ["09:00-17:00"]}), "malformed_span", "hours.mon[0]"),
    (
        "single-digit hour",
        spec(hours={"mon": [["9:00", "17:00"]]}),
        "malformed_span",
        "hours.mon[0]",
    ),
    ("seconds", spec(hours={"mon": [["09:00:00", "17:00"]]}), "malformed_span", "hours.mon[0]"),
    ("minute 60", spec(hours={"tue": [["09:60", "17:00"]]}), "malformed_span", "hours.tue[0]"),
    ("hour 25", spec(hours={"tue": [["09:00", "25:00"]]}), "malformed_span", "hours.tue[0]"),
    ("24:30 end", spec(hours={"tue": [["09:00", "24:30"]]}), "malformed_span", "hours.tue[0]"),
    ("24:00 start", spec(hours={"wed": [["24:00", "24:00"]]}), "malformed_span", "hours.wed[0]"),
    ("time not a string", spec(hours={"wed": [[900, 1700]]}), "malformed_span", "hours.wed[0]"),
    ("reversed span", spec(hours={"thu": [["17:00", "09:00"]]}), "reversed_span", "hours.thu[0]"),
    ("empty span", spec(hours={"thu": [["09:00", "09:00"]]}), "reversed_span", "hours.thu[0]"),
    ("across midnight", spec(hours={"fri": [["22:00", "02:00"]]}), "reversed_span", "hours.fri[0]"),
    (
        "overlapping spans",
        spec(hours={"fri": [["09:00", "13:00"], ["12:00", "17:00"]]}),
        "overlapping_spans",
        "hours.fri[1]",
    ),
    (
        "overlap given out of order",
        spec(hours={"sat": [["12:00", "17:00"], ["09:00", "12:30"]]}),
        "overlapping_spans",
        "hours.sat[0]",
    ),
    (
        "contained span",
        spec(hours={"sun": [["09:00", "17:00"], ["10:00", "11:00"]]}),
        "overlapping_spans",
        "hours.sun[1]",
    ),
    ("closed not a list", spec(closed="2026-12-25"), "malformed_spec", "closed"),
    ("closed day 32", spec(closed=["2026-12-25", "2026-12-32"]), "malformed_date", "closed[1]"),
    ("closed compact date", spec(closed=["20261225"]), "malformed_date", "closed[0]"),
    ("closed datetime text", spec(closed=["2026-12-25T00:00"]), "malformed_date", "closed[0]"),
    ("closed number", spec(closed=[20261225]), "malformed_date", "closed[0]"),
    ("no open time", spec(hours={}), "no_open_time", "hours"),
    ("only empty days", spec(hours={"mon": [], "sun": []}), "no_open_time", "hours"),
    ("always_open false and no hours", spec(hours={}, always_open=False), "no_open_time", "hours"),
    (
        "always_open not a bool",
        {"timezone": "UTC", "always_open": "yes"},
        "malformed_spec",
        "always_open",
    ),
    (
        "always open with hours",
        {"timezone": "UTC", "always_open": True, "hours": WEEKDAYS},
        "conflicting_fields",
        "hours",
    ),
    (
        "always open with closed",
        {"timezone": "UTC", "always_open": True, "closed": ["2026-01-01"]},
        "conflicting_fields",
        "closed",
    ),
]


@pytest.mark.parametrize(
    ("raw", "code", "field"),
    [case[1:] for case in BAD_SPECS],
    ids=[case[0] for case in BAD_SPECS],
)
def test_bad_spec_is_refused_with_code_and_field(raw: Any, code: str, field: str | None) -> None:
    with pytest.raises(DomainError) as caught:
        BusinessCalendar.from_spec(raw)

    assert isinstance(caught.value, CalendarError)
    assert (caught.value.code, caught.value.field) == (code, field)


def test_valid_spec_round_trips_normalised() -> None:
    raw = {
        "timezone": "Europe/London",
        "hours": {
            "mon": [["13:00", "17:30"], ["08:00", "12:00"]],
            "sat": [["10:00", "24:00"]],
            "sun": [["00:00", "02:00"]],
        },
        "closed": ["2026-12-26", date(2026, 12, 25), "2026-12-26"],
    }

    calendar = BusinessCalendar.from_spec(raw)

    assert calendar.to_spec() == {
        "timezone": "Europe/London",
        "hours": {
            "mon": [["08:00", "12:00"], ["13:00", "17:30"]],
            "tue": [],
            "wed": [],
            "thu": [],
            "fri": [],
            "sat": [["10:00", "24:00"]],
            "sun": [["00:00", "02:00"]],
        },
        "closed": ["2026-12-25", "2026-12-26"],
    }
    assert BusinessCalendar.from_spec(calendar.to_spec()) == calendar
    assert hash(BusinessCalendar.from_spec(calendar.to_spec())) == hash(calendar)
    assert calendar.timezone == "Europe/London"
    assert calendar.always_open is False


def test_touching_spans_are_allowed() -> None:
    calendar = BusinessCalendar.from_spec(
        spec(hours={"mon": [["09:00", "12:00"], ["12:00", "17:00"]]})
    )

    assert calendar.to_spec()["hours"]["mon"] == [["09:00", "12:00"], ["12:00", "17:00"]]


def test_always_open_needs_no_timezone_and_round_trips() -> None:
    calendar = BusinessCalendar.from_spec({"always_open": True})

    assert calendar.to_spec() == {"timezone": "UTC", "always_open": True}
    assert calendar.always_open is True
    assert calendar != BusinessCalendar.from_spec(spec())
    assert "always_open" in repr(calendar)


def test_always_open_accepts_empty_hours_and_closed() -> None:
    calendar = BusinessCalendar.from_spec(
        {"timezone": "Australia/Sydney", "always_open": True, "hours": {}, "closed": []}
    )

    assert calendar.to_spec() == {"timezone": "Australia/Sydney", "always_open": True}
