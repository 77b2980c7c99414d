"""Rosters: bad input is refused with a code (never a hang), and the iCalendar export."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from pactdesk.domain.errors import DomainError, RosterCode, RosterError
from pactdesk.domain.rosters import (
    HOURS_IN_WEEK,
    Roster,
    RosterAgent,
    ShiftRules,
    build_roster,
)

STAMP = datetime(2025, 1, 1, 12, tzinfo=UTC)
A = RosterAgent(name="a")


@pytest.mark.parametrize(
    ("arguments", "code", "field"),
    [
        ({"requirement": [1] * 167}, RosterCode.INVALID_REQUIREMENT, "requirement"),
        ({"requirement": "1" * 168}, RosterCode.INVALID_REQUIREMENT, "requirement"),
        (
            {"requirement": [1] * 5 + [-1] + [1] * 162},
            RosterCode.INVALID_REQUIREMENT,
            "requirement[5]",
        ),
        ({"requirement": [1.5] * 168}, RosterCode.INVALID_REQUIREMENT, "requirement[0]"),
        ({"requirement": [True] * 168}, RosterCode.INVALID_REQUIREMENT, "requirement[0]"),
        ({"agents": [A, RosterAgent(name="a")]}, RosterCode.DUPLICATE_AGENT, "agents[1].name"),
        ({"agents": [RosterAgent(name=" ")]}, RosterCode.INVALID_AGENT, "agents[0]"),
        (
            {"agents": [RosterAgent(name="b", cost_per_hour=Decimal(-1))]},
            RosterCode.INVALID_COST,
            "agents[0].cost_per_hour",
        ),
        (
            {"agents": [RosterAgent(name="b", cost_per_hour=Decimal("0.00001"))]},
            RosterCode.INVALID_COST,
            "agents[0].cost_per_hour",
        ),
        (
            {"agents": [RosterAgent(name="b", leave_days=frozenset({7}))]},
            RosterCode.INVALID_LEAVE,
            "agents[0].leave_days",
        ),
        (
            {"agents": [RosterAgent(name="b", leave_hours=frozenset({168}))]},
            RosterCode.INVALID_LEAVE,
            "agents[0].leave_hours",
        ),
        (
            {"agents": [RosterAgent(name="b", max_shifts=6)]},
            RosterCode.INVALID_MAX_SHIFTS,
            "agents[0].max_shifts",
        ),
        (
            {"rules": ShiftRules(min_rest_hours=161)},
            RosterCode.INVALID_RULES,
            "rules.min_rest_hours",
        ),
        ({"rules": ShiftRules(start_hours=())}, RosterCode.INVALID_RULES, "rules.start_hours"),
        (
            {"rules": ShiftRules(break_offsets=(7,))},
            RosterCode.INVALID_RULES,
            "rules.break_offsets",
        ),
        ({"rules": ShiftRules(shift_hours=25)}, RosterCode.INVALID_RULES, "rules.shift_hours"),
        ({"week_index": 1.0}, RosterCode.INVALID_WEEK_INDEX, "week_index"),
        ({"time_limit": 0}, RosterCode.INVALID_TIME_LIMIT, "time_limit"),
        ({"time_limit": -1.0}, RosterCode.INVALID_TIME_LIMIT, "time_limit"),
        ({"time_limit": float("nan")}, RosterCode.INVALID_TIME_LIMIT, "time_limit"),
        ({"time_limit": float("inf")}, RosterCode.INVALID_TIME_LIMIT, "time_limit"),
        ({"workers": 0}, RosterCode.INVALID_WORKERS, "workers"),
    ],
)
def test_bad_input_is_refused_with_a_code_and_field(
    arguments: dict[str, object], code: RosterCode, field: str
) -> None:
    call: dict[str, object] = {"requirement": [1] * HOURS_IN_WEEK, "agents": [A], "time_limit": 1}

    with pytest.raises(RosterError) as caught:
        build_roster(**(call | arguments))  # type: ignore[arg-type]

    assert caught.value.code == code
    assert caught.value.field == field
    assert isinstance(caught.value, DomainError)


@pytest.fixture(scope="module")
def nights() -> Roster:
    """One agent, cover needed Sunday 22:00 - Monday 06:00 and Wednesday 09:00 - 17:00."""
    requirement = [0] * HOURS_IN_WEEK
    for hour in (166, 167, *range(6), *range(2 * 24 + 9, 2 * 24 + 17)):
        requirement[hour] = 1
    return build_roster(requirement=requirement, agents=[RosterAgent(name="ana")], time_limit=3)


def test_ical_has_one_event_per_shift_in_the_zone_of_the_roster(nights: Roster) -> None:
    # When the agent's shifts of ISO week 2025-W02 (Monday 6 January) are exported
    text = nights.to_ical(agent="ana", week_start=date(2025, 1, 6), tz="Europe/London", stamp=STAMP)

    calendar = Calendar.from_ical(text)
    events = sorted(calendar.walk("VEVENT"), key=lambda event: event.decoded("dtstart"))
    london = ZoneInfo("Europe/London")
    # Then the Wednesday shift and the Sunday-night shift into the next Monday are there
    assert [(e.decoded("dtstart"), e.decoded("dtend")) for e in events] == [
        (datetime(2025, 1, 8, 9, tzinfo=london), datetime(2025, 1, 8, 17, tzinfo=london)),
        (datetime(2025, 1, 12, 22, tzinfo=london), datetime(2025, 1, 13, 6, tzinfo=london)),
    ]
    assert [str(e["summary"]) for e in events] == ["Shift 09:00–17:00", "Shift 22:00–06:00"]
    assert str(events[0]["uid"]) == "2025-W02-057-ana@pactdesk"
    assert events[0].decoded("dtstamp") == STAMP
    assert b"DTSTART;TZID=Europe/London:20250108T090000" in text
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]


def test_an_agent_without_shifts_gets_an_empty_calendar() -> None:
    roster = build_roster(
        requirement=[0] * HOURS_IN_WEEK, agents=[RosterAgent(name="idle")], time_limit=1
    )

    text = roster.to_ical(agent="idle", week_start=date(2025, 1, 6), tz="UTC", stamp=STAMP)

    assert Calendar.from_ical(text).walk("VEVENT") == []


@pytest.mark.parametrize(
    ("arguments", "code", "field"),
    [
        ({"agent": "nobody"}, RosterCode.UNKNOWN_AGENT, "agent"),
        ({"week_start": date(2025, 1, 7)}, RosterCode.INVALID_WEEK_START, "week_start"),
        (
            {"week_start": datetime(2025, 1, 6, tzinfo=UTC)},
            RosterCode.INVALID_WEEK_START,
            "week_start",
        ),
        ({"tz": "Mars/Olympus"}, RosterCode.INVALID_TIMEZONE, "tz"),
        ({"tz": "../etc/passwd"}, RosterCode.INVALID_TIMEZONE, "tz"),
        ({"stamp": datetime(2025, 1, 1)}, RosterCode.NAIVE_DATETIME, "stamp"),  # noqa: DTZ001
    ],
)
def test_bad_ical_arguments_are_refused(
    nights: Roster, arguments: dict[str, object], code: RosterCode, field: str
) -> None:
    call: dict[str, object] = {
        "agent": "ana",
        "week_start": date(2025, 1, 6),
        "tz": "Europe/London",
        "stamp": STAMP,
    }

    with pytest.raises(RosterError) as caught:
        nights.to_ical(**(call | arguments))  # type: ignore[arg-type]

    assert (caught.value.code, caught.value.field) == (code, field)
