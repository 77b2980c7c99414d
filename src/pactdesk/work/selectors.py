"""Reads on a client's tasks, its logged time, its seats and a technician's work,
always scoped by the actor (another client's row is NotFound)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Case, CharField, QuerySet, Sum, Value, When
from django.db.models.functions import TruncDate, TruncWeek

from pactdesk.accounts.models import Client, User
from pactdesk.agreements.models import Seat
from pactdesk.domain.work import WorkKind
from pactdesk.platform.errors import NotFound
from pactdesk.work.error_codes import WorkErrorCode
from pactdesk.work.models import Task, TaskEvent, TimeEntry


def task_list(*, actor: User) -> QuerySet[Task]:
    return Task.objects.for_actor(actor).select_related("assignee", "client")


def task_get(*, actor: User, task_id: int) -> Task:
    """Errors: NotFound TASK_NOT_FOUND (none, or another client's)."""
    task = task_list(actor=actor).filter(pk=task_id).first()
    if task is None:
        raise NotFound(f"Task {task_id} was not found.", code=WorkErrorCode.TASK_NOT_FOUND)
    return task


def task_history(*, task: Task) -> QuerySet[TaskEvent]:
    return TaskEvent.objects.filter(task=task).select_related("actor")


def task_time_entries(*, task: Task) -> QuerySet[TimeEntry]:
    return TimeEntry.objects.filter(task=task).select_related("person")


def time_running(*, person: User) -> TimeEntry | None:
    """The person's running timer, with its ticket or task."""
    return (
        TimeEntry.objects.filter(person=person, ended_at__isnull=True)
        .select_related("ticket", "task")
        .first()
    )


def seat_list_of(*, client: Client) -> QuerySet[Seat]:
    """Every seat of the client's agreements, with who holds it."""
    return (
        Seat.objects.filter(client=client)
        .select_related("agreement__plan", "agent")
        .order_by("agreement__start_date", "number")
    )


def seated_client(*, agent: User) -> Client | None:
    """The client whose seat the agent holds (an agent holds seats of one client)."""
    seat = Seat.objects.filter(agent=agent).select_related("client").first()
    return seat.client if seat else None


@dataclass(frozen=True)
class TimeSplit:
    """Seconds on tickets and on tasks in one period (a day, or the week starting
    `start`, Monday)."""

    start: date
    ticket_seconds: int
    task_seconds: int

    @property
    def total_seconds(self) -> int:
        return self.ticket_seconds + self.task_seconds


def time_split(
    *, client: Client, zone: str, first: date, last: date, by: str = "day"
) -> list[TimeSplit]:
    """The client's finished time entries started from `first` to `last` (days in
    `zone`, both included), summed per day (`by="day"`) or per ISO week ("week") and
    per kind, in SQL (one query). An entry counts in the day it started; periods
    without time are 0. Rows are in date order, one per period."""
    tz = ZoneInfo(zone)
    start = datetime.combine(first, datetime.min.time(), tzinfo=tz)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    trunc = (
        TruncDate("started_at", tzinfo=tz) if by == "day" else TruncWeek("started_at", tzinfo=tz)
    )
    kind = Case(
        When(ticket__isnull=False, then=Value(WorkKind.TICKET.value)),
        default=Value(WorkKind.TASK.value),
        output_field=CharField(),
    )
    rows = (
        TimeEntry.objects.filter(
            client=client, started_at__gte=start, started_at__lt=end, seconds__isnull=False
        )
        .annotate(period=trunc, item_kind=kind)
        .values("period", "item_kind")
        .annotate(seconds=Sum("seconds"))
        .order_by("period", "item_kind")
    )
    sums: dict[tuple[date, str], int] = {}
    for row in rows:
        period = row["period"]
        day = period.date() if isinstance(period, datetime) else period
        sums[(day, row["item_kind"])] = int(row["seconds"] or 0)
    return [
        TimeSplit(
            day,
            sums.get((day, WorkKind.TICKET.value), 0),
            sums.get((day, WorkKind.TASK.value), 0),
        )
        for day in _periods(first, last, by)
    ]


def _periods(first: date, last: date, by: str) -> list[date]:
    if by == "day":
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]
    monday = first - timedelta(days=first.weekday())
    weeks = []
    while monday <= last:
        weeks.append(monday)
        monday += timedelta(days=7)
    return weeks
