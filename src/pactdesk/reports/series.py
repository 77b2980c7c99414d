"""The series behind a report's charts, aggregated in SQL like the report itself.

Four grouped queries, whatever the number of tickets (plus one for the seats of a
dedicated client):

* per local day of lodging and priority, each metric's states counted (the report's
  own conditions, `selectors.state_conditions`), folded into the policy's targets: the
  daily attainment and the breach budget burning down (below);
* per bucket of first-response open time (a sixth of the default target wide; the
  last bucket holds everything from three targets on): the distribution;
* per local ISO weekday and hour of lodging: the volume heat map;
* per assignee: the tickets each dedicated seat's technician took.

Days, weekdays and hours are read in the agreement's time zone (`Period.timezone`);
every series counts the valid tickets of the report's period as of its instant, so its
totals are the report's.

The burn-down: the month may miss `allowance = floor((100 - goal)/100 x N)` tickets of
a target and still reach its goal, N being the target's tickets of the month (the
counted ones of a past month; the projected total of the current one). Each day's
point is the allowance less the misses among the tickets lodged up to that day's end
(a ticket belongs to the day it was lodged, as it belongs to the month). Once nothing
is in flight, the last point is what the month could still have absorbed
(allowance - missed): more than the report's breach budget, which counts only the
tickets still in flight (0 when nothing is), equal to it when negative (the goal lost).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypedDict, cast
from zoneinfo import ZoneInfo

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Count, F, Func, IntegerField, QuerySet
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncDate
from django.db.models.sql.compiler import SQLCompiler

from pactdesk.agreements.models import Seat
from pactdesk.agreements.selectors import sla_policy_value
from pactdesk.desk.models import Ticket
from pactdesk.domain.sla import Policy, Target
from pactdesk.reports.figures import breach_budget, percent_of
from pactdesk.reports.selectors import (
    AttainmentReport,
    period_tickets,
    policy_targets,
    responded_condition,
    state_conditions,
)

BUCKETS_PER_TARGET = 6
TARGETS_SHOWN = 3  # the histogram's last bucket starts at three targets
STATES = ("met", "missed", "in_flight")


class DayJson(TypedDict):
    day: str  # YYYY-MM-DD, local
    met: int
    missed: int
    in_flight: int
    percent: float | None
    remaining: int


class TargetJson(TypedDict):
    metric: str
    priority: str | None
    goal: float
    duration_seconds: int
    allowance: int
    days: list[DayJson]


class SeriesJson(TypedDict):
    """`Series.as_dict()`: what a monthly report stores and the charts draw."""

    timezone: str
    targets: list[TargetJson]
    bucket_seconds: int
    first_response_target_seconds: int | None
    first_response: list[list[int]]  # [bucket, tickets]
    hour_of_week: list[list[int]]  # [ISO weekday, hour, tickets]
    seats: list[list[int | str]]  # [seat number, technician, tickets]


@dataclass(frozen=True)
class DayPoint:
    """One target on one local day: the tickets lodged that day, and the month so far."""

    day: date
    met: int
    missed: int
    in_flight: int
    remaining: int  # the allowance less the misses lodged up to this day's end

    @property
    def percent(self) -> float | None:
        value = percent_of(met=self.met, missed=self.missed)
        return None if value is None else float(value)


@dataclass(frozen=True)
class TargetSeries:
    metric: str
    priority: str | None
    goal: float
    duration_seconds: int
    allowance: int
    days: tuple[DayPoint, ...]


@dataclass(frozen=True)
class Series:
    """Everything the charts draw; `as_dict` is the JSON stored with a monthly report."""

    timezone: str
    targets: tuple[TargetSeries, ...]
    bucket_seconds: int  # width of a first-response bucket
    first_response_target_seconds: int | None
    first_response: tuple[tuple[int, int], ...]  # (bucket index, tickets)
    hour_of_week: tuple[tuple[int, int, int], ...]  # (ISO weekday 1-7, hour 0-23, tickets)
    seats: tuple[tuple[int, str, int], ...]  # (seat number, technician, tickets)

    def as_dict(self) -> SeriesJson:
        return {
            "timezone": self.timezone,
            "targets": [
                {
                    "metric": t.metric,
                    "priority": t.priority,
                    "goal": t.goal,
                    "duration_seconds": t.duration_seconds,
                    "allowance": t.allowance,
                    "days": [
                        {
                            "day": p.day.isoformat(),
                            "met": p.met,
                            "missed": p.missed,
                            "in_flight": p.in_flight,
                            "percent": p.percent,
                            "remaining": p.remaining,
                        }
                        for p in t.days
                    ],
                }
                for t in self.targets
            ],
            "bucket_seconds": self.bucket_seconds,
            "first_response_target_seconds": self.first_response_target_seconds,
            "first_response": [list(row) for row in self.first_response],
            "hour_of_week": [list(row) for row in self.hour_of_week],
            "seats": [list(row) for row in self.seats],
        }


def report_series(*, report: AttainmentReport) -> Series:
    """The chart series of `report` (its client, period and instant)."""
    policy = sla_policy_value(policy=report.agreement.sla_policy)
    zone = ZoneInfo(report.period.timezone)
    valid = period_tickets(
        agreement_ids=[report.agreement.pk], period=report.period, now=report.now
    ).filter(is_valid=True, merged_into__isnull=True)
    days = _days(report)
    by_day = _day_counts(valid, policy=policy, report=report, zone=zone)
    totals = {
        (t.metric, t.priority): (t.projection.expected_total if t.projection else t.counted)
        for t in report.targets
    }
    targets = tuple(
        _target_series(
            target,
            policy=policy,
            days=days,
            by_day=by_day,
            total=totals.get((target.metric, target.priority), 0),
        )
        for target in policy_targets(policy)
    )
    default = next(
        (t for t in policy.targets if t.metric == "first_response" and t.priority is None), None
    )
    bucket = _bucket_width(default)
    return Series(
        timezone=report.period.timezone,
        targets=targets,
        bucket_seconds=int(bucket.total_seconds()),
        first_response_target_seconds=(
            None if default is None else int(default.duration.total_seconds())
        ),
        first_response=_first_response(valid, report=report, bucket=bucket)
        if default is not None
        else (),
        hour_of_week=_hour_of_week(valid, zone=zone),
        seats=_seats(valid, report=report),
    )


def _days(report: AttainmentReport) -> list[date]:
    """The period's local days up to the report's instant."""
    zone = ZoneInfo(report.period.timezone)
    last = min(report.period.spec.last, report.now.astimezone(zone).date())
    first = report.period.spec.first
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _day_counts(
    tickets: QuerySet[Ticket], *, policy: Policy, report: AttainmentReport, zone: ZoneInfo
) -> dict[date, dict[str, dict[str, int]]]:
    """{local day: {priority: {"<metric>.<state>": count}}} in one query."""
    aggregates = {
        f"{metric}.{name}": Count("id", filter=condition)
        for metric in policy.metrics
        for name, condition in state_conditions(metric, report.now).items()
        if name in STATES
    }
    rows = (
        tickets.annotate(day=TruncDate("lodged_at", tzinfo=zone))
        .order_by()
        .values("day", "priority")
        .annotate(**aggregates)
    )
    result: dict[date, dict[str, dict[str, int]]] = defaultdict(dict)
    for row in rows:
        values = cast("dict[str, Any]", row)
        result[values["day"]][values["priority"]] = {name: values[name] for name in aggregates}
    return result


def _target_series(
    target: Target,
    *,
    policy: Policy,
    days: list[date],
    by_day: dict[date, dict[str, dict[str, int]]],
    total: int,
) -> TargetSeries:
    allowance = misses_allowed(total=total, goal=target.goal)
    points = []
    missed = 0
    for day in days:
        counts = dict.fromkeys(STATES, 0)
        for priority, values in by_day.get(day, {}).items():
            if policy.target_for(target.metric, priority) is target:
                for state in STATES:
                    counts[state] += values[f"{target.metric}.{state}"]
        missed += counts["missed"]
        points.append(
            DayPoint(day, counts["met"], counts["missed"], counts["in_flight"], allowance - missed)
        )
    return TargetSeries(
        metric=target.metric,
        priority=target.priority,
        goal=float(target.goal),
        duration_seconds=int(target.duration.total_seconds()),
        allowance=allowance,
        days=tuple(points),
    )


def misses_allowed(*, total: int, goal: Decimal) -> int:
    """floor((100 - goal)/100 x total), exactly: the misses `total` tickets may have with
    the goal still reached (the breach budget with every ticket in flight)."""
    return breach_budget(met=0, missed=0, in_flight=total, goal=goal)


def _bucket_width(target: Target | None) -> timedelta:
    if target is None:
        return timedelta(minutes=5)
    return max(timedelta(minutes=1), target.duration / BUCKETS_PER_TARGET)


class DurationBucket(Func):
    """floor(duration / width), at most `last`: the stored duration is microseconds on
    SQLite and an interval on PostgreSQL."""

    output_field = IntegerField()

    def __init__(self, expression: Any, *, width: timedelta, last: int) -> None:
        self.width_us = int(width / timedelta(microseconds=1))
        self.last = int(last)
        self.template = f"MIN(CAST(%(expressions)s / {self.width_us} AS INTEGER), {self.last})"
        super().__init__(expression)

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **_: object
    ) -> tuple[str, tuple[object, ...]]:
        template = (
            f"LEAST(FLOOR(EXTRACT(EPOCH FROM %(expressions)s) * 1000000 / {self.width_us})"
            f"::integer, {self.last})"
        )
        sql, params = self.as_sql(compiler, connection, template=template)
        return sql, tuple(params)


def _first_response(
    tickets: QuerySet[Ticket], *, report: AttainmentReport, bucket: timedelta
) -> tuple[tuple[int, int], ...]:
    """(bucket, tickets) of first-response open time, every target's tickets, one query."""
    last = BUCKETS_PER_TARGET * TARGETS_SHOWN
    rows = (
        tickets.filter(responded_condition("first_response", report.now))
        .filter(sla_first_response_open__isnull=False)
        .annotate(bucket=DurationBucket(F("sla_first_response_open"), width=bucket, last=last))
        .order_by()
        .values("bucket")
        .annotate(n=Count("id"))
        .order_by("bucket")
    )
    return tuple((row["bucket"], row["n"]) for row in rows)


def _hour_of_week(tickets: QuerySet[Ticket], *, zone: ZoneInfo) -> tuple[tuple[int, int, int], ...]:
    rows = (
        tickets.annotate(
            weekday=ExtractIsoWeekDay("lodged_at", tzinfo=zone),
            hour=ExtractHour("lodged_at", tzinfo=zone),
        )
        .order_by()
        .values("weekday", "hour")
        .annotate(n=Count("id"))
        .order_by("weekday", "hour")
    )
    return tuple((row["weekday"], row["hour"], row["n"]) for row in rows)


def _seats(
    tickets: QuerySet[Ticket], *, report: AttainmentReport
) -> tuple[tuple[int, str, int], ...]:
    """A dedicated client's seats and the tickets each seat's technician took in the
    period (assigned now); nothing for a shared plan. Two queries."""
    seats = list(
        Seat.objects.filter(agreement=report.agreement)
        .order_by("number")
        .values_list("number", "agent_id", "agent__name")
    )
    if not seats:
        return ()
    counts = dict(
        tickets.filter(assignee_id__in=[agent for _, agent, _ in seats if agent])
        .order_by()
        .values_list("assignee_id")
        .annotate(n=Count("id"))
        .values_list("assignee_id", "n")
    )
    return tuple(
        (number, name or "— vacant —", counts.get(agent, 0) if agent else 0)
        for number, agent, name in seats
    )
