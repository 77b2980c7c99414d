"""What we promise a customer, in words: a target duration and the opening hours.

Pure text from values, for the acknowledgement mail:

* :func:`duration_words` — ``timedelta(minutes=30)`` → ``"30 minutes"``; on business
  hours ``timedelta(hours=4)`` → ``"4 business hours"``.
* :func:`opening_hours_words` — a calendar's weekly hours → ``"Monday–Friday
  09:00–17:30 (Europe/London), except public holidays"``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import timedelta

from pactdesk.domain.calendars.spec import MINUTES_PER_DAY, Span, parse_spec

ROUND_THE_CLOCK_WORDS = "around the clock, every day of the year"
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def duration_words(duration: timedelta, *, business_hours: bool) -> str:
    """A target duration in words, rounded up to whole minutes (a promise rounded up
    still holds).

    Whole hours are said in hours, anything else in minutes (90 minutes, not 1.5
    hours); on round-the-clock time two or more whole days are said in days. On
    business hours every unit says so ("4 business hours", "30 business minutes") and
    days are never used: a business day's length depends on the calendar.
    """
    minutes = max(1, math.ceil(duration / timedelta(minutes=1)))
    qualifier = "business " if business_hours else ""
    if not business_hours and minutes % MINUTES_PER_DAY == 0 and minutes >= 2 * MINUTES_PER_DAY:
        return _count(minutes // MINUTES_PER_DAY, "day")
    if minutes % 60 == 0:
        return _count(minutes // 60, f"{qualifier}hour")
    return _count(minutes, f"{qualifier}minute")


def opening_hours_words(
    hours: Mapping[str, object],
    *,
    timezone: str,
    public_holidays: bool = False,
    closing_days: bool = False,
) -> str:
    """A week of opening hours in words, in the calendar's own time zone.

    `hours` is the calendar spec's weekly map (``{"mon": [["09:00", "17:00"]], ...}``;
    validated as the domain validates it, CalendarError otherwise). Consecutive days
    with the same spans are grouped ("Monday–Friday"; two days are "Saturday and
    Sunday"; all seven "every day"); closed days are left out; a day of two spans
    reads "09:00–12:00 and 13:00–17:00", a 24-hour day "all day". Groups are joined by
    "; ", then the zone is named and the exceptions (public holidays, other closing
    days) follow.
    """
    week = parse_spec({"timezone": timezone, "hours": dict(hours)}).hours
    groups: list[tuple[int, int, tuple[Span, ...]]] = []
    for index, spans in enumerate(week):
        if groups and groups[-1][2] == spans and groups[-1][1] == index - 1:
            groups[-1] = (groups[-1][0], index, spans)
        elif spans:
            groups.append((index, index, spans))
    text = "; ".join(_group_words(first, last, spans) for first, last, spans in groups)
    exception = {
        (True, True): ", except public holidays and other closing days",
        (True, False): ", except public holidays",
        (False, True): ", except closing days",
        (False, False): "",
    }[(public_holidays, closing_days)]
    return f"{text} ({timezone}){exception}"


def _group_words(first: int, last: int, spans: tuple[Span, ...]) -> str:
    if first == 0 and last == 6:
        days = "every day"
    elif first == last:
        days = DAY_NAMES[first]
    elif last == first + 1:
        days = f"{DAY_NAMES[first]} and {DAY_NAMES[last]}"
    else:
        days = f"{DAY_NAMES[first]}–{DAY_NAMES[last]}"
    if spans == ((0, MINUTES_PER_DAY),):
        return f"{days}, all day"
    return f"{days} " + " and ".join(f"{_hhmm(a)}–{_hhmm(b)}" for a, b in spans)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _count(number: int, unit: str) -> str:
    return f"{number} {unit}{'' if number == 1 else 's'}"
