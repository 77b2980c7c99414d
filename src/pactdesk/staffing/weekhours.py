"""An agreement's opening hours as a repeating week, in its own time zone.

The staffing models count time by hour of week (Monday 00:00 local first, 168 hours).
The weekly pattern is the calendar's `hours`; public holidays and closed dates are left
out (a week's plan is for an ordinary week; the roster of a week with a holiday may
cover hours nobody needs).
"""

from __future__ import annotations

from datetime import timedelta

from pactdesk.agreements.models import Agreement
from pactdesk.domain.rosters import HOURS_IN_WEEK
from pactdesk.domain.simulation import WeekHours

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def open_spans(*, agreement: Agreement) -> tuple[tuple[timedelta, timedelta], ...]:
    """The open spans as offsets from Monday 00:00, sorted, touching spans merged.

    Shape: ``((start, end), …)`` with ``0 <= start < end <= 7 days``; ``()`` for a
    calendar with no hours (never open). Round-the-clock: one span, the whole week.
    """
    if agreement.is_round_the_clock or agreement.calendar.always_open:
        return ((timedelta(0), timedelta(days=7)),)
    spans: list[tuple[timedelta, timedelta]] = []
    hours = agreement.calendar.hours or {}
    for day, name in enumerate(DAYS):
        for opens, closes in hours.get(name, []):
            start = timedelta(days=day) + _clock(opens)
            end = timedelta(days=day) + _clock(closes)
            if end <= start:  # "22:00"-"02:00" or "00:00"-"00:00": runs past midnight
                end += timedelta(days=1)
            spans.append((start, min(end, timedelta(days=7))))
    merged: list[tuple[timedelta, timedelta]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def week_hours(*, agreement: Agreement) -> WeekHours | None:
    """The spans as the simulation's calendar; None when never open."""
    spans = open_spans(agreement=agreement)
    return WeekHours(open=spans) if spans else None


def open_share(*, agreement: Agreement) -> tuple[float, ...]:
    """For each hour of week, the share of it that is open (0.0 … 1.0; 0.5 for 08:30)."""
    share = [0.0] * HOURS_IN_WEEK
    hour = timedelta(hours=1)
    for start, end in open_spans(agreement=agreement):
        first, last = int(start / hour), int((end - timedelta(microseconds=1)) / hour)
        for h in range(first, min(last, HOURS_IN_WEEK - 1) + 1):
            lo, hi = max(start, h * hour), min(end, (h + 1) * hour)
            share[h] += max(0.0, (hi - lo) / hour)
    return tuple(min(1.0, s) for s in share)


def _clock(text: str) -> timedelta:
    hours, minutes = text.split(":")
    return timedelta(hours=int(hours), minutes=int(minutes))
