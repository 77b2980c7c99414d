"""A roster's shifts as CSV and as iCalendar (RFC 5545) for one agent and one ISO week."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Event

from pactdesk.domain.errors import RosterCode, RosterError

if TYPE_CHECKING:
    from pactdesk.domain.rosters import RosterShift

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
CSV_HEADER = ("agent", "day", "start", "end", "break")


def clock(hour_of_week: int) -> str:
    """``HH:00`` of an hour of the week (modulo a day)."""
    return f"{hour_of_week % 24:02d}:00"


def shifts_csv(shifts: Iterable[RosterShift]) -> str:
    """``agent,day,start,end,break`` rows, a header first, CRLF line ends (RFC 4180)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for shift in shifts:
        brk = "" if shift.break_start is None else clock(shift.break_start)
        writer.writerow(
            (shift.agent, WEEKDAYS[shift.weekday], clock(shift.start), clock(shift.end), brk)
        )
    return out.getvalue()


def unknown_agent(agent: str) -> RosterError:
    return RosterError(
        RosterCode.UNKNOWN_AGENT, f"{agent!r} is not an agent of this roster", field="agent"
    )


def agent_ical(
    shifts: Iterable[RosterShift], *, agent: str, week_start: date, tz: str, stamp: datetime
) -> bytes:
    """One ``VCALENDAR`` with a ``VEVENT`` per shift; see :meth:`Roster.to_ical`."""
    if isinstance(week_start, datetime) or not isinstance(week_start, date):
        raise RosterError(
            RosterCode.INVALID_WEEK_START,
            f"week_start must be a date, not {week_start!r}",
            field="week_start",
        )
    if week_start.isoweekday() != 1:
        raise RosterError(
            RosterCode.INVALID_WEEK_START,
            f"week_start must be the Monday of an ISO week, not a {week_start:%A}",
            field="week_start",
        )
    zone = _zone(tz)
    if not isinstance(stamp, datetime) or stamp.utcoffset() is None:
        raise RosterError(
            RosterCode.NAIVE_DATETIME, "stamp must be a timezone-aware datetime", field="stamp"
        )
    calendar = Calendar()
    calendar.add("prodid", "-//Pactdesk//Rosters//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Shifts of {agent}")
    iso_year, iso_week, _ = week_start.isocalendar()
    monday = datetime(week_start.year, week_start.month, week_start.day, tzinfo=zone)
    for shift in shifts:
        # Wall-clock arithmetic on an aware datetime keeps the clock times across DST.
        start = monday + timedelta(hours=shift.start)
        event = Event()
        event.add("uid", f"{iso_year}-W{iso_week:02d}-{shift.start:03d}-{agent}@pactdesk")
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(hours=shift.hours))
        event.add("summary", f"Shift {clock(shift.start)}–{clock(shift.end)}")
        if shift.break_start is not None:
            event.add(
                "description",
                f"Break {clock(shift.break_start)}–{clock(shift.break_start + 1)}",
            )
        calendar.add_component(event)
    calendar.add_missing_timezones(
        first_date=week_start - timedelta(days=1), last_date=week_start + timedelta(days=9)
    )
    text: bytes = calendar.to_ical()
    return text


def _zone(tz: object) -> ZoneInfo:
    if not isinstance(tz, str) or not tz:
        raise RosterError(
            RosterCode.INVALID_TIMEZONE, f"tz must be a zone name, not {tz!r}", field="tz"
        )
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise RosterError(
            RosterCode.INVALID_TIMEZONE, f"{tz!r} is not a known time zone", field="tz"
        ) from error
