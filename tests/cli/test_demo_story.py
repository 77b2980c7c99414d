"""The demo's months tell their story by plan, not by chance: each month's late first
responses and answers are its planned share of its tickets, spread evenly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from pactdesk.cli.demo_history import DEDICATED, MONTH_PLAN, USUAL, Lateness

NEW_YORK = ZoneInfo("America/New_York")


def lateness(*, shared: bool) -> Lateness:
    return Lateness(NEW_YORK, (2026, 11), shared, {})


def late_counts(plan: Lateness, month: int, tickets: int) -> tuple[int, int]:
    start = datetime(2026, month, 2, 15, 0, tzinfo=UTC)
    decided = [plan.next(start + timedelta(minutes=n)) for n in range(tickets)]
    return sum(r for r, _ in decided), sum(a for _, a in decided)


def test_each_month_is_late_at_its_planned_rate() -> None:
    plan = lateness(shared=True)
    # November is the current month (usual), September two months back (missed),
    # August three back (a close call).
    assert late_counts(plan, 11, 200) == (8, 8)
    assert late_counts(plan, 9, 200) == (28, 26)
    assert late_counts(plan, 8, 200) == (12, 14)
    assert (USUAL, MONTH_PLAN[2], MONTH_PLAN[3]) == ((0.04, 0.04), (0.14, 0.13), (0.06, 0.07))


def test_late_tickets_are_spread_through_the_month_not_bunched() -> None:
    plan = lateness(shared=True)
    start = datetime(2026, 9, 2, 15, 0, tzinfo=UTC)
    late = [n for n in range(100) if plan.next(start + timedelta(minutes=n))[0]]
    # 14 in 100, one every 7 or 8 tickets.
    assert late == [3, 10, 17, 24, 32, 39, 46, 53, 60, 67, 74, 82, 89, 96]


def test_a_dedicated_client_keeps_its_usual_pace_every_month() -> None:
    plan = lateness(shared=False)
    assert late_counts(plan, 9, 100) == (3, 0)
    assert DEDICATED == (0.03, 0.0)


def test_the_month_is_read_in_the_agreements_zone() -> None:
    plan = lateness(shared=True)
    # 03:00 UTC on 1 October is still 30 September in New York: September's 1st ticket.
    plan.next(datetime(2026, 10, 1, 3, 0, tzinfo=UTC))
    assert plan.counts == {(2026, 9): 1}
