"""The promise in words: target durations and opening hours, exact strings."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pactdesk.domain.errors import CalendarError
from pactdesk.domain.sla.promises import duration_words, opening_hours_words

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


@pytest.mark.parametrize(
    ("duration", "business", "words"),
    [
        (timedelta(minutes=30), False, "30 minutes"),
        (timedelta(minutes=30), True, "30 business minutes"),
        (timedelta(minutes=1), False, "1 minute"),
        (timedelta(seconds=90), False, "2 minutes"),  # rounded up
        (timedelta(seconds=1), True, "1 business minute"),
        (timedelta(hours=1), True, "1 business hour"),
        (timedelta(hours=4), True, "4 business hours"),
        (timedelta(hours=2), False, "2 hours"),
        (timedelta(minutes=90), False, "90 minutes"),
        (timedelta(minutes=90), True, "90 business minutes"),
        (timedelta(hours=24), False, "24 hours"),
        (timedelta(hours=36), False, "36 hours"),
        (timedelta(days=2), False, "2 days"),
        (timedelta(days=3), True, "72 business hours"),  # business days vary in length
    ],
)
def test_duration_words(duration, business, words) -> None:
    assert duration_words(duration, business_hours=business) == words


def test_weekdays_are_grouped_and_the_zone_named() -> None:
    hours = {day: [["09:00", "17:30"]] for day in WEEKDAYS}
    assert (
        opening_hours_words(hours, timezone="Europe/London", public_holidays=True)
        == "Monday–Friday 09:00–17:30 (Europe/London), except public holidays"
    )


def test_closed_days_break_groups_and_two_days_read_with_and() -> None:
    hours = {
        "mon": [["09:00", "17:00"]],
        "tue": [["09:00", "17:00"]],
        "wed": [],
        "thu": [["09:00", "17:00"]],
        "fri": [["09:00", "17:00"]],
        "sat": [["10:00", "14:00"]],
    }
    assert opening_hours_words(hours, timezone="America/New_York") == (
        "Monday and Tuesday 09:00–17:00; Thursday and Friday 09:00–17:00; "
        "Saturday 10:00–14:00 (America/New_York)"
    )


def test_a_split_day_lists_both_spans_in_order() -> None:
    hours = {"mon": [["13:00", "17:00"], ["08:00", "12:00"]], "tue": [["08:00", "12:00"]]}
    assert opening_hours_words(hours, timezone="Europe/Paris", closing_days=True) == (
        "Monday 08:00–12:00 and 13:00–17:00; Tuesday 08:00–12:00 (Europe/Paris), "
        "except closing days"
    )


def test_24_hour_days_read_all_day() -> None:
    hours = {**{day: [["08:00", "20:00"]] for day in WEEKDAYS}, "sat": [["00:00", "24:00"]]}
    assert opening_hours_words(hours, timezone="UTC", public_holidays=True, closing_days=True) == (
        "Monday–Friday 08:00–20:00; Saturday, all day (UTC), "
        "except public holidays and other closing days"
    )


def test_seven_equal_days_are_every_day() -> None:
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    assert opening_hours_words({d: [["00:00", "24:00"]] for d in days}, timezone="UTC") == (
        "every day, all day (UTC)"
    )
    assert opening_hours_words({d: [["07:00", "19:00"]] for d in days}, timezone="UTC") == (
        "every day 07:00–19:00 (UTC)"
    )


def test_hours_the_domain_refuses_are_refused_here_too() -> None:
    with pytest.raises(CalendarError) as raised:
        opening_hours_words({"mon": [["17:00", "09:00"]]}, timezone="UTC")
    assert raised.value.code == "reversed_span"
