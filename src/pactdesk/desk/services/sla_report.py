"""The SLA columns the attainment reports aggregate (`pactdesk.reports`).

For the first response and the effective answer: the met instant and how long it took,
in open time on the agreement's calendar (the clock's `used` at the met instant) and in
wall-clock time from lodging. A solve awaiting confirmation is met by time alone once
the confirmation window has passed; its future met instant is found by replaying the
same history at `now + confirmation_window` (no event can happen later than `now`), so
the report can count it as met from `sla_effective_answer_confirm_at` on without
another evaluation.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from pactdesk.domain.sla import TargetResult, TicketSla

REPORTED_METRICS = ("first_response", "effective_answer")


def sla_report_columns(
    *,
    sla: TicketSla,
    lodged_at: datetime,
    confirmation_window: timedelta,
    evaluate_at: Callable[[datetime], TicketSla],
) -> dict[str, object]:
    """The `sla_<metric>_met_at/_open/_wall` columns and `sla_effective_answer_confirm_at`.

    `evaluate_at(instant)` replays the ticket's history at `instant`; it is called only
    for a solved ticket whose effective answer is not met yet.
    """
    columns: dict[str, object] = {}
    for metric in REPORTED_METRICS:
        columns.update(_met_columns(metric, sla.get(metric), lodged_at=lodged_at))
    columns["sla_effective_answer_confirm_at"] = None
    effective = sla.get("effective_answer")
    if sla.status == "solved" and effective is not None and effective.met_at is None:
        # in UTC: an aware datetime plus a timedelta is wall-clock time in its own zone
        confirmed = sla.evaluated_at.astimezone(UTC) + confirmation_window
        future = evaluate_at(confirmed).get("effective_answer")
        if future is not None and future.met_at is not None:
            pending = _met_columns("effective_answer", future, lodged_at=lodged_at)
            pending["sla_effective_answer_met_at"] = None
            columns.update(pending)
            columns["sla_effective_answer_confirm_at"] = (
                future.met_at.astimezone(UTC) + confirmation_window
            )
    return columns


def _met_columns(
    metric: str, result: TargetResult | None, *, lodged_at: datetime
) -> dict[str, object]:
    met_at = None if result is None else result.met_at
    return {
        f"sla_{metric}_met_at": met_at,
        f"sla_{metric}_open": None if met_at is None or result is None else result.used,
        f"sla_{metric}_wall": None if met_at is None else met_at - lodged_at,
    }
