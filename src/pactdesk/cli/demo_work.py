"""The demo's client work (issue 13 §4): Thames Analytics, the dedicated client, has
tasks for its two seated technicians, a work order (two tasks above the tickets, one
urgent ticket first of all) and two weeks of logged time on tickets and tasks. Made
through the work services with a seeded generator, after the ticket history."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pactdesk.accounts.models import Client, Role, User
from pactdesk.desk.models import Ticket
from pactdesk.domain.work import ItemRef, TaskStatus, WorkKind
from pactdesk.platform.errors import ApplicationError
from pactdesk.work.order import work_order_reorder, work_order_settle
from pactdesk.work.services import TaskFields, task_create, task_status_set, time_log

TASKS = [
    ("Migrate the nightly ETL to the new warehouse", 480, 10, TaskStatus.DOING),
    ("Review access to the finance dashboards", 120, 3, TaskStatus.TODO),
    ("Document the churn model's inputs", 240, 14, TaskStatus.TODO),
    ("Rotate the BI service account keys", 60, 1, TaskStatus.DONE),
]
DAYS = 14


def work_demo_load(*, now: datetime, seed: int = 2026) -> int:
    """Tasks, an order and logged time for Thames; returns the time entries made."""
    client = Client.objects.get(slug="thames")
    admin = User.objects.get(client=client, role=Role.CLIENT_ADMIN)
    techs = list(User.objects.filter(seats__client=client).order_by("seats__number").distinct())
    if not techs:
        return 0
    rng = random.Random(seed)
    zone = ZoneInfo("Europe/London")
    today = now.astimezone(zone).date()
    tasks = []
    for n, (title, estimate, due_in, status) in enumerate(TASKS):
        task = task_create(
            actor=admin,
            client=client,
            fields=TaskFields(
                title=title,
                description=f"{title}. Ask the data team for anything you need.",
                estimate_minutes=estimate,
                due_on=today + timedelta(days=due_in),
                assignee_id=techs[n % len(techs)].pk,
            ),
            now=now - timedelta(days=DAYS),
        )
        for step in _steps_to(status):
            task_status_set(actor=techs[n % len(techs)], task=task, status=step, now=now)
        tasks.append(task)
    _order(client=client, admin=admin)
    tickets = list(
        Ticket.objects.filter(client=client, lodged_at__gte=now - timedelta(days=DAYS))
        .order_by("lodged_at")
        .values_list("pk", flat=True)
    )
    items = [ItemRef(WorkKind.TASK, t.pk) for t in tasks]
    return _time(techs=techs, items=items, tickets=tickets, today=today, now=now, rng=rng)


def _steps_to(status: TaskStatus) -> list[TaskStatus]:
    return {
        TaskStatus.TODO: [],
        TaskStatus.DOING: [TaskStatus.DOING],
        TaskStatus.DONE: [TaskStatus.DOING, TaskStatus.DONE],
    }[status]


def _order(*, client: Client, admin: User) -> None:
    """The client's order: urgent tickets first, then the open tasks, then the rest."""
    view = work_order_settle(client=client)
    urgent = [e.ref for e in view.entries if e.priority == "urgent"]
    open_tasks = [e.ref for e in view.entries if e.kind == WorkKind.TASK]
    rest = [r for r in view.refs if r not in urgent and r not in open_tasks]
    work_order_reorder(
        actor=admin, client=client, version=view.version, items=[*urgent, *open_tasks, *rest]
    )


def _time(
    *,
    techs: list[User],
    items: list[ItemRef],
    tickets: list[int],
    today: date,
    now: datetime,
    rng: random.Random,
) -> int:
    """Working days of the last two weeks: each technician logs 3 to 6 blocks of 20 to
    90 minutes from 09:00 London, on a ticket or a task."""
    zone = ZoneInfo("Europe/London")
    made = 0
    for back in range(DAYS, -1, -1):
        day = today - timedelta(days=back)
        if day.weekday() >= 5:
            continue
        for tech in techs:
            at = datetime.combine(day, time(9, 0), tzinfo=zone)
            for _ in range(rng.randint(3, 6)):
                length = timedelta(minutes=rng.choice([20, 30, 45, 60, 90]))
                on_ticket = tickets and rng.random() < 0.55
                item = (
                    ItemRef(WorkKind.TICKET, rng.choice(tickets))
                    if on_ticket
                    else rng.choice(items)
                )
                try:
                    time_log(actor=tech, item=item, started_at=at, duration=length, now=now)
                except ApplicationError:
                    break  # the rest of this day is still to come
                made += 1
                at += length + timedelta(minutes=rng.choice([0, 10, 15]))
    return made
