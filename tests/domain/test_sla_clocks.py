"""SLA rules for first response, effective answer and waiting pauses — exact times.

Given a ticket history, when it is evaluated at ``now``, then each metric's result is
checked field by field. Most tables use an always-open calendar so times read simply.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from pactdesk.domain.calendars import BusinessCalendar
from pactdesk.domain.sla import Event, Policy, TargetResult, evaluate

ALWAYS = BusinessCalendar.from_spec({"timezone": "UTC", "always_open": True})
NY = ZoneInfo("America/New_York")
OFFICE = BusinessCalendar.from_spec(
    {
        "timezone": "America/New_York",
        "hours": {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
    }
)
SHARED = Policy.default_shared()
PAUSING = Policy(targets=SHARED.targets, pause_while_waiting=True)
M = timedelta(minutes=1)
H = timedelta(hours=1)
WINDOW = timedelta(hours=72)


def t(hour: int, minute: int = 0, *, day: int = 2) -> datetime:
    """An instant on (by default) Monday 2 March 2026, UTC."""
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def ev(at: datetime, kind: str, value: str | None = None) -> Event:
    return Event(at, kind, value)


def fields(result: TargetResult) -> tuple[object, ...]:
    return (
        result.state,
        result.due_at,
        result.met_at,
        result.breached_at,
        result.used,
        result.remaining,
    )


def check(
    events: list[Event],
    now: datetime,
    metric: str,
    policy: Policy = SHARED,
    calendar: BusinessCalendar = ALWAYS,
) -> tuple[object, ...]:
    return fields(evaluate(events=events, policy=policy, calendar=calendar, now=now)[metric])


LODGED = ev(t(9), "lodged")

# -- first response -------------------------------------------------------------------


def test_first_response_is_not_met_by_notes_acknowledgements_or_status_changes() -> None:
    events = [
        LODGED,
        ev(t(9, 1), "auto_reply"),
        ev(t(9, 5), "note"),
        ev(t(9, 10), "status", "waiting"),
        ev(t(9, 15), "status", "solved"),
        ev(t(9, 20), "status", "closed"),
    ]

    assert check(events, t(9, 40), "first_response") == (
        "breached",
        t(9, 30),
        None,
        t(9, 30),
        40 * M,
        timedelta(0),
    )


def test_first_response_running_before_due() -> None:
    assert check([LODGED, ev(t(9, 5), "note")], t(9, 10), "first_response") == (
        "running",
        t(9, 30),
        None,
        None,
        10 * M,
        20 * M,
    )


def test_first_response_met_by_first_staff_reply() -> None:
    events = [
        LODGED,
        ev(t(9, 5), "auto_reply"),
        ev(t(9, 20), "staff_reply"),
        ev(t(9, 50), "staff_reply"),
    ]

    assert check(events, t(10), "first_response") == (
        "met",
        t(9, 30),
        t(9, 20),
        None,
        20 * M,
        10 * M,
    )


def test_first_response_exactly_at_due_is_met() -> None:
    assert check([LODGED, ev(t(9, 30), "staff_reply")], t(10), "first_response") == (
        "met",
        t(9, 30),
        t(9, 30),
        None,
        30 * M,
        timedelta(0),
    )


def test_first_response_after_due_is_breached_with_both_times() -> None:
    assert check([LODGED, ev(t(9, 45), "staff_reply")], t(10), "first_response") == (
        "breached",
        t(9, 30),
        t(9, 45),
        t(9, 30),
        45 * M,
        timedelta(0),
    )


def test_first_response_counts_only_open_time() -> None:
    lodged = datetime(2026, 3, 6, 16, 50, tzinfo=NY)  # Friday, 10 open minutes left
    events = [Event(lodged, "lodged")]

    saturday = datetime(2026, 3, 7, 12, tzinfo=NY)
    assert check(events, saturday, "first_response", calendar=OFFICE) == (
        "running",
        datetime(2026, 3, 9, 13, 20, tzinfo=UTC),
        None,
        None,
        10 * M,
        20 * M,
    )


def test_events_after_now_are_ignored() -> None:
    events = [LODGED, ev(t(9, 40), "staff_reply")]

    assert check(events, t(9, 35), "first_response") == (
        "breached",
        t(9, 30),
        None,
        t(9, 30),
        35 * M,
        timedelta(0),
    )


def test_events_are_sorted_stably_by_instant() -> None:
    reply_first = [ev(t(10), "status", "solved"), LODGED, ev(t(10), "staff_reply")]
    reply_then_solve = [LODGED, ev(t(10), "staff_reply"), ev(t(10), "status", "solved")]

    assert check(reply_first, t(11), "effective_answer") == (
        "running",
        t(13),
        None,
        None,
        2 * H,
        2 * H,
    )
    assert check(reply_then_solve, t(11), "effective_answer") == (
        "paused",
        None,
        None,
        None,
        H,
        3 * H,
    )


# -- effective answer -----------------------------------------------------------------

ANSWERED = [LODGED, ev(t(9, 20), "staff_reply"), ev(t(10), "status", "solved")]


def test_solve_after_staff_reply_pauses_until_confirmed() -> None:
    assert check(ANSWERED, t(12), "effective_answer") == ("paused", None, None, None, H, 3 * H)


def test_solve_is_confirmed_when_the_window_passes() -> None:
    assert check(ANSWERED, t(10) + WINDOW, "effective_answer") == (
        "met",
        t(13),
        t(10),
        None,
        H,
        3 * H,
    )


def test_closed_confirms_the_solve_at_once() -> None:
    events = [*ANSWERED, ev(t(11), "status", "closed")]

    assert check(events, t(11, 30), "effective_answer") == ("met", t(13), t(10), None, H, 3 * H)


def test_closed_straight_after_a_staff_reply_is_solve_and_confirmation() -> None:
    events = [LODGED, ev(t(9, 20), "staff_reply"), ev(t(10), "status", "closed")]

    assert check(events, t(10, 30), "effective_answer") == ("met", t(13), t(10), None, H, 3 * H)


def test_solve_without_staff_reply_does_not_stop_the_clock() -> None:
    events = [LODGED, ev(t(9, 20), "note"), ev(t(10), "status", "solved")]

    assert check(events, t(14), "effective_answer") == (
        "breached",
        t(13),
        None,
        t(13),
        5 * H,
        timedelta(0),
    )


def test_reopen_inside_window_withdraws_and_clock_runs_from_where_it_stood() -> None:
    events = [*ANSWERED, ev(t(11), "reopened")]

    assert check(events, t(12), "effective_answer") == ("running", t(14), None, None, 2 * H, 2 * H)

    answered_again = [*events, ev(t(12, 30), "staff_reply"), ev(t(13), "status", "solved")]
    assert check(answered_again, t(13) + WINDOW, "effective_answer") == (
        "met",
        t(14),
        t(13),
        None,
        3 * H,
        H,
    )


def test_customer_reply_on_solved_ticket_is_a_reopen() -> None:
    events = [*ANSWERED, ev(t(11), "customer_reply")]

    assert check(events, t(12), "effective_answer") == ("running", t(14), None, None, 2 * H, 2 * H)


def test_status_back_to_open_inside_window_withdraws() -> None:
    events = [*ANSWERED, ev(t(11), "status", "open")]

    assert check(events, t(12), "effective_answer") == ("running", t(14), None, None, 2 * H, 2 * H)


def test_after_a_reopen_a_new_staff_reply_is_needed() -> None:
    events = [*ANSWERED, ev(t(11), "reopened"), ev(t(11, 30), "status", "solved")]

    assert check(events, t(12), "effective_answer") == ("running", t(14), None, None, 2 * H, 2 * H)


def test_reopen_at_or_after_the_window_end_changes_nothing() -> None:
    late = [*ANSWERED, ev(t(10) + WINDOW, "reopened")]
    just_inside = [*ANSWERED, ev(t(10) + WINDOW - timedelta(microseconds=1), "reopened")]
    now = t(10) + WINDOW + H

    assert check(late, now, "effective_answer") == ("met", t(13), t(10), None, H, 3 * H)
    assert check(just_inside, now, "effective_answer")[:4] == (
        "running",
        t(13) + WINDOW - timedelta(microseconds=1),
        None,
        None,
    )


def test_solve_after_due_is_breached_then_keeps_met_at_once_confirmed() -> None:
    events = [LODGED, ev(t(9, 20), "staff_reply"), ev(t(14), "status", "solved")]

    assert check(events, t(15), "effective_answer") == (
        "breached",
        t(13),
        None,
        t(13),
        5 * H,
        timedelta(0),
    )
    assert check(events, t(14) + WINDOW, "effective_answer") == (
        "breached",
        t(13),
        t(14),
        t(13),
        5 * H,
        timedelta(0),
    )


# -- pause while waiting --------------------------------------------------------------

WAITED = [LODGED, ev(t(9, 10), "status", "waiting"), ev(t(9, 40), "status", "open")]


def test_waiting_time_moves_the_due_time_out() -> None:
    assert check(WAITED, t(9, 50), "first_response", PAUSING) == (
        "running",
        t(10),
        None,
        None,
        20 * M,
        10 * M,
    )
    assert check(WAITED, t(9, 50), "effective_answer", PAUSING) == (
        "running",
        t(13, 30),
        None,
        None,
        20 * M,
        220 * M,
    )


def test_clock_is_paused_while_waiting() -> None:
    assert check(WAITED[:2], t(9, 30), "first_response", PAUSING) == (
        "paused",
        None,
        None,
        None,
        10 * M,
        20 * M,
    )


def test_without_the_option_waiting_counts() -> None:
    assert check(WAITED, t(9, 50), "first_response") == (
        "breached",
        t(9, 30),
        None,
        t(9, 30),
        50 * M,
        timedelta(0),
    )


def test_customer_reply_ends_waiting() -> None:
    events = [LODGED, ev(t(9, 10), "status", "waiting"), ev(t(9, 40), "customer_reply")]

    assert check(events, t(9, 50), "first_response", PAUSING) == (
        "running",
        t(10),
        None,
        None,
        20 * M,
        10 * M,
    )


def test_paused_after_due_stays_breached() -> None:
    events = [LODGED, ev(t(9, 40), "status", "waiting")]

    assert check(events, t(10), "first_response", PAUSING) == (
        "breached",
        t(9, 30),
        None,
        t(9, 30),
        40 * M,
        timedelta(0),
    )


def test_waiting_counts_only_its_open_time_on_the_calendar() -> None:
    events = [
        Event(datetime(2026, 3, 2, 16, tzinfo=NY), "lodged"),
        Event(datetime(2026, 3, 2, 16, 30, tzinfo=NY), "status", "waiting"),
        Event(datetime(2026, 3, 3, 10, tzinfo=NY), "status", "open"),
    ]

    now = datetime(2026, 3, 3, 11, tzinfo=NY)
    assert check(events, now, "effective_answer", PAUSING, OFFICE) == (
        "running",
        datetime(2026, 3, 3, 18, 30, tzinfo=UTC),
        None,
        None,
        90 * M,
        150 * M,
    )
