"""Sums of the work capability for the managers' workload page (`routing.selectors.
workload`): open tasks per assignee, time logged today per person (on tickets and on
tasks), and each dedicated client's seat utilisation this week. Each is one SQL
aggregation (GROUP BY), however many people, clients and entries: no query per row.

Time counts in the day (or week) it started, as `selectors.time_split` counts it; a
running timer counts up to `now`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import reduce
from operator import or_
from zoneinfo import ZoneInfo

from django.db.models import BooleanField, Case, Count, Min, Q, Sum, Value, When

from pactdesk.agreements.models import Agreement, PlanKind
from pactdesk.agreements.selectors import agreement_calendar
from pactdesk.domain.work import TaskStatus
from pactdesk.work.models import Task, TimeEntry

OPEN_TASK_STATUSES = (TaskStatus.TODO, TaskStatus.DOING)


@dataclass(frozen=True)
class Logged:
    """Seconds one person logged in a period, on tickets and on tasks."""

    ticket_seconds: int = 0
    task_seconds: int = 0

    @property
    def total_seconds(self) -> int:
        return self.ticket_seconds + self.task_seconds


@dataclass(frozen=True)
class Utilisation:
    """A dedicated client's seats this week so far: `logged_seconds` (its entries
    started since Monday 00:00 in the agreement's zone), `seat_seconds` (seats times
    the open time of the agreement's calendar from that Monday to now), and their
    ratio (None when no seat hour has passed yet)."""

    seats: int
    logged_seconds: int
    seat_seconds: int

    @property
    def ratio(self) -> float | None:
        return self.logged_seconds / self.seat_seconds if self.seat_seconds > 0 else None


def open_tasks_by_assignee(*, person_ids: Iterable[int]) -> dict[int, int]:
    """person id -> their tasks to do or doing (absent: none). One query."""
    return dict(
        Task.objects.filter(assignee_id__in=list(person_ids), status__in=OPEN_TASK_STATUSES)
        .order_by()
        .values("assignee_id")
        .annotate(n=Count("id"))
        .values_list("assignee_id", "n")
    )


def logged_today(*, zones: Mapping[int, str], now: datetime) -> dict[int, Logged]:
    """person id -> what they logged today, "today" being the day of `now` in the
    person's zone (`zones`: person id -> IANA zone). People without time are absent.
    One query (one WHERE term per distinct zone)."""
    by_zone: dict[str, list[int]] = defaultdict(list)
    for person_id, zone in zones.items():
        by_zone[zone].append(person_id)
    terms = [
        Q(person_id__in=ids, started_at__gte=_midnight(now, zone), started_at__lte=now)
        for zone, ids in by_zone.items()
    ]
    if not terms:
        return {}
    sums: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for person_id, on_ticket, seconds, running in _sums(reduce(or_, terms), ("person_id",)):
        sums[person_id][0 if on_ticket else 1] += _seconds(seconds, running, now)
    return {pk: Logged(ticket, task) for pk, (ticket, task) in sums.items()}


def seat_utilisation(*, client_ids: Iterable[int], now: datetime) -> dict[int, Utilisation]:
    """client id -> its seat utilisation this week so far, for the clients with a
    dedicated agreement in force today (in the agreement's zone). Two queries (the
    agreements with their calendars; the time sums), whatever the number of clients."""
    agreements: dict[int, Agreement] = {}
    for agreement in (
        Agreement.objects.filter(client_id__in=list(client_ids), plan__kind=PlanKind.DEDICATED)
        .select_related("calendar", "plan")
        .order_by("client_id", "-start_date", "-id")
    ):
        on = now.astimezone(ZoneInfo(agreement.timezone)).date()
        in_force = agreement.start_date <= on and (
            agreement.end_date is None or agreement.end_date > on
        )
        if in_force and agreement.client_id not in agreements:
            agreements[agreement.client_id] = agreement
    if not agreements:
        return {}
    mondays = {pk: _monday(now, a.timezone) for pk, a in agreements.items()}
    where = reduce(or_, (Q(client_id=pk, started_at__gte=monday) for pk, monday in mondays.items()))
    logged: dict[int, int] = defaultdict(int)
    for client_id, _, seconds, running in _sums(
        where & Q(started_at__lte=now), ("client_id", "person_id")
    ):
        logged[client_id] += _seconds(seconds, running, now)
    found = {}
    for pk, agreement in agreements.items():
        calendar = agreement_calendar(
            agreement=agreement, years=sorted({mondays[pk].year, now.year})
        )
        open_time = calendar.elapsed(mondays[pk], now)
        found[pk] = Utilisation(
            seats=agreement.seat_count,
            logged_seconds=logged[pk],
            seat_seconds=agreement.seat_count * int(open_time.total_seconds()),
        )
    return found


def _sums(where: Q, keys: tuple[str, ...]) -> list[tuple[int, bool, int | None, datetime | None]]:
    """(first key, on a ticket?, finished seconds, start of the running timer) per group
    of `keys` and kind: one GROUP BY query. Each person runs one timer at most, so
    grouping by person makes `running` that timer's start."""
    rows = (
        TimeEntry.objects.filter(where)
        .order_by()
        .annotate(
            on_ticket=Case(
                When(ticket__isnull=False, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .values(*keys, "on_ticket")
        .annotate(
            seconds=Sum("seconds"),
            running=Min("started_at", filter=Q(ended_at__isnull=True)),
        )
        .values_list(keys[0], "on_ticket", "seconds", "running")
    )
    return [(key, bool(on_ticket), seconds, running) for key, on_ticket, seconds, running in rows]


def _seconds(finished: int | None, running: datetime | None, now: datetime) -> int:
    return int(finished or 0) + (int((now - running).total_seconds()) if running else 0)


def _midnight(now: datetime, zone: str) -> datetime:
    tz = ZoneInfo(zone)
    return datetime.combine(now.astimezone(tz).date(), datetime.min.time(), tzinfo=tz)


def _monday(now: datetime, zone: str) -> datetime:
    tz = ZoneInfo(zone)
    today: date = now.astimezone(tz).date()
    monday = today - timedelta(days=today.weekday())
    return datetime.combine(monday, datetime.min.time(), tzinfo=tz)
