"""Writes on a dedicated client's tasks and on logged time.

Every refusal is an ApplicationError with a `WorkErrorCode` and changes nothing (each
write runs in one transaction, after its checks).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction

from pactdesk.accounts.models import Client, User
from pactdesk.agreements.models import PlanKind, Seat
from pactdesk.desk.selectors import ticket_get
from pactdesk.domain.work import ItemRef, TaskStatus, WorkKind, overlap, task_step_allowed
from pactdesk.platform.errors import Conflict, PermissionDenied, ValidationFailed
from pactdesk.platform.text import single_line
from pactdesk.work.access import (
    dedicated_agreement_of,
    may_manage_tasks,
    require,
    seat_holders,
    work_order_settings,
)
from pactdesk.work.error_codes import WorkErrorCode
from pactdesk.work.models import (
    MAX_DESCRIPTION,
    MAX_NOTE,
    MAX_TITLE,
    TASK_STATUS_LABELS,
    Task,
    TaskEvent,
    TaskEventKind,
    TimeEntry,
)
from pactdesk.work.order import work_order_append
from pactdesk.work.selectors import task_get

MAX_ESTIMATE_MINUTES = 60 * 24 * 365  # a year of minutes
MAX_ENTRY = timedelta(hours=24)
# Time may be logged up to a year back; older is a typo (and near year 1 the instant
# does not even convert to UTC for the database).
MAX_AGE = timedelta(days=366)


@dataclass(frozen=True)
class TaskFields:
    """What a client admin types for a task. `estimate_minutes` and `due_on` may be
    None; `assignee_id` None leaves it unassigned (must hold a seat of the client)."""

    title: str
    description: str = ""
    estimate_minutes: int | None = None
    due_on: date | None = None
    assignee_id: int | None = None


def task_create(*, actor: User, client: Client, fields: TaskFields, now: datetime) -> Task:
    """A new `todo` task of a dedicated client, at the bottom of its work order.
    Errors: ValidationFailed NOT_DEDICATED, NOT_A_SEAT_HOLDER, REQUIRED-like title and
    length checks (PlatformErrorCode via field names); PermissionDenied NOT_ALLOWED."""
    dedicated_agreement_of(client=client, now=now)
    settings = work_order_settings(client=client)
    require(
        may_manage_tasks(actor=actor, client=client, settings=settings),
        "Only the client's admins (or members they allow) may create tasks.",
    )
    clean = _checked(fields, client=client, now=now)
    with transaction.atomic():
        task = Task.objects.create(
            client=client,
            title=clean.title,
            description=clean.description,
            estimate_minutes=clean.estimate_minutes,
            due_on=clean.due_on,
            assignee_id=clean.assignee_id,
            created_by=_who(actor),
            created_at=now,
            updated_at=now,
        )
        events = [
            TaskEvent(
                client=client, task=task, actor=_who(actor), kind=TaskEventKind.CREATED, at=now
            )
        ]
        if task.assignee_id:
            events.append(_assigned_event(task, actor, now))
        TaskEvent.objects.bulk_create(events)
        work_order_append(client=client, item=ItemRef(WorkKind.TASK, task.pk))
    return task


def task_update(*, actor: User, task: Task, fields: TaskFields, now: datetime) -> Task:
    """Edit a task's fields; an event records the edit (and a new assignee)."""
    client = task.client
    settings = work_order_settings(client=client)
    require(
        may_manage_tasks(actor=actor, client=client, settings=settings),
        "Only the client's admins (or members they allow) may edit tasks.",
    )
    clean = _checked(fields, client=client, now=now)
    reassigned = clean.assignee_id != task.assignee_id
    task.title, task.description = clean.title, clean.description
    task.estimate_minutes, task.due_on = clean.estimate_minutes, clean.due_on
    task.assignee_id, task.updated_at = clean.assignee_id, now
    with transaction.atomic():
        task.save()
        events = [
            TaskEvent(
                client=client, task=task, actor=_who(actor), kind=TaskEventKind.EDITED, at=now
            )
        ]
        if reassigned:
            events.append(_assigned_event(task, actor, now))
        TaskEvent.objects.bulk_create(events)
    return task


def task_status_set(*, actor: User, task: Task, status: str, now: datetime) -> Task:
    """Move a task along `todo` → `doing` → `done` (or `doing` back to `todo`); a done
    task leaves the work order. Who: its client's task managers, and provider staff
    (the technicians doing it). Errors: ValidationFailed UNKNOWN_STATUS,
    STEP_NOT_ALLOWED; PermissionDenied NOT_ALLOWED."""
    settings = work_order_settings(client=task.client)
    require(
        actor.is_provider_staff
        or may_manage_tasks(actor=actor, client=task.client, settings=settings),
        "Only the technicians and the client's task managers may move a task.",
    )
    if status not in set(TaskStatus):
        raise ValidationFailed(
            f"status: {status!r} is not one of {', '.join(TaskStatus)}",
            code=WorkErrorCode.UNKNOWN_STATUS,
            field="status",
        )
    target, current = TaskStatus(status), TaskStatus(task.status)
    if not task_step_allowed(current=current, to=target):
        raise ValidationFailed(
            f"status: a task that is {TASK_STATUS_LABELS[current].lower()} cannot become "
            f"{TASK_STATUS_LABELS[target].lower()}",
            code=WorkErrorCode.STEP_NOT_ALLOWED,
            field="status",
        )
    task.status, task.updated_at = target, now
    task.done_at = now if target == TaskStatus.DONE else None
    with transaction.atomic():
        task.save(update_fields=["status", "updated_at", "done_at"])
        TaskEvent.objects.create(
            client=task.client,
            task=task,
            actor=_who(actor),
            kind=TaskEventKind.STATUS,
            value=target,
            at=now,
        )
    return task


def _who(actor: User) -> User | None:
    return actor if actor.pk else None  # an API key's stand-in is no row


def _assigned_event(task: Task, actor: User, now: datetime) -> TaskEvent:
    name = task.assignee.name if task.assignee else ""
    return TaskEvent(
        client=task.client,
        task=task,
        actor=_who(actor),
        kind=TaskEventKind.ASSIGNED,
        value=name[:MAX_NOTE],
        at=now,
    )


def _checked(fields: TaskFields, *, client: Client, now: datetime) -> TaskFields:
    title = single_line(fields.title)
    if not title:
        raise ValidationFailed(
            "title: must not be empty", code=WorkErrorCode.REQUIRED, field="title"
        )
    if len(title) > MAX_TITLE:
        raise ValidationFailed(
            f"title: {len(title)} characters; the limit is {MAX_TITLE}",
            code=WorkErrorCode.TOO_LONG,
            field="title",
        )
    if len(fields.description) > MAX_DESCRIPTION:
        raise ValidationFailed(
            f"description: {len(fields.description)} characters; the limit is {MAX_DESCRIPTION}",
            code=WorkErrorCode.TOO_LONG,
            field="description",
        )
    estimate = fields.estimate_minutes
    if estimate is not None and not 0 < estimate <= MAX_ESTIMATE_MINUTES:
        raise ValidationFailed(
            f"estimate_minutes: must be 1 to {MAX_ESTIMATE_MINUTES}",
            code=WorkErrorCode.BAD_DURATION,
            field="estimate_minutes",
        )
    if fields.assignee_id is not None:
        holders = seat_holders(client=client, now=now)
        if not holders.filter(pk=fields.assignee_id).exists():
            raise ValidationFailed(
                "assignee_id: not a technician holding a seat of this client",
                code=WorkErrorCode.NOT_A_SEAT_HOLDER,
                field="assignee_id",
            )
    return TaskFields(
        title=title,
        description=fields.description,
        estimate_minutes=estimate,
        due_on=fields.due_on,
        assignee_id=fields.assignee_id,
    )


# --- Logged time ------------------------------------------------------------------------


def time_log(
    *,
    actor: User,
    item: ItemRef,
    started_at: datetime,
    duration: timedelta,
    now: datetime,
    note: str = "",
) -> TimeEntry:
    """Time the actor spent on a ticket or a task: `duration` from `started_at`.
    Errors: PermissionDenied NOT_ALLOWED (not provider staff), NOT_A_SEAT_HOLDER (a
    dedicated client's item, and the actor holds none of its seats nor the ticket);
    NotFound (no such item); ValidationFailed BAD_DURATION (not 1 s to 24 h),
    FUTURE_TIME (it would end after `now`), TIME_TOO_OLD (it starts more than
    MAX_AGE before `now`), OVERLAPPING_TIME (the actor logged time then already)."""
    client_id = _time_item_client(actor=actor, item=item)
    seconds = int(duration.total_seconds())
    if not 0 < seconds <= MAX_ENTRY.total_seconds():
        raise ValidationFailed(
            "duration: must be 1 second to 24 hours",
            code=WorkErrorCode.BAD_DURATION,
            field="duration",
        )
    if started_at > now - timedelta(seconds=seconds):  # compared so: no overflow near 9999
        raise ValidationFailed(
            "started_at: the time would end in the future",
            code=WorkErrorCode.FUTURE_TIME,
            field="started_at",
        )
    if started_at < now - MAX_AGE:
        raise ValidationFailed(
            f"started_at: time is logged at most {MAX_AGE.days} days back",
            code=WorkErrorCode.TIME_TOO_OLD,
            field="started_at",
        )
    ended_at = started_at + timedelta(seconds=seconds)
    with transaction.atomic():
        _check_free(person=actor, start=started_at, end=ended_at, now=now)
        return TimeEntry.objects.create(
            client_id=client_id,
            person=actor,
            ticket_id=item.id if item.kind == WorkKind.TICKET else None,
            task_id=item.id if item.kind == WorkKind.TASK else None,
            started_at=started_at,
            ended_at=ended_at,
            seconds=seconds,
            note=single_line(note)[:MAX_NOTE],
        )


def time_timer_start(*, actor: User, item: ItemRef, now: datetime) -> TimeEntry:
    """Start the actor's timer on a ticket or a task. Errors: Conflict TIMER_RUNNING
    (one timer at a time: stop it first), and as `time_log`."""
    client_id = _time_item_client(actor=actor, item=item)
    if TimeEntry.objects.filter(person=actor, ended_at__isnull=True).exists():
        raise _timer_running()
    try:
        with transaction.atomic():
            _check_free(person=actor, start=now, end=now + timedelta(seconds=1), now=now)
            return TimeEntry.objects.create(
                client_id=client_id,
                person=actor,
                ticket_id=item.id if item.kind == WorkKind.TICKET else None,
                task_id=item.id if item.kind == WorkKind.TASK else None,
                started_at=now,
            )
    except IntegrityError:  # another start won the race (time_entry_one_running)
        raise _timer_running() from None


def time_timer_stop(*, actor: User, now: datetime) -> TimeEntry | None:
    """Stop the actor's running timer: the entry, or None when it ran under a second
    (nothing is kept). Errors: Conflict TIMER_NOT_RUNNING."""
    with transaction.atomic():
        entry = (
            TimeEntry.objects.select_for_update()
            .filter(person=actor, ended_at__isnull=True)
            .first()
        )
        if entry is None:
            raise Conflict("No timer of yours is running.", code=WorkErrorCode.TIMER_NOT_RUNNING)
        seconds = int((now - entry.started_at).total_seconds())
        if seconds < 1:
            entry.delete()
            return None
        seconds = min(seconds, int(MAX_ENTRY.total_seconds()))
        entry.ended_at = entry.started_at + timedelta(seconds=seconds)
        entry.seconds = seconds
        entry.save(update_fields=["ended_at", "seconds"])
        return entry


def _time_item_client(*, actor: User, item: ItemRef) -> int:
    if not actor.is_provider_staff or not actor.pk:
        raise PermissionDenied(
            "Only provider staff log time on tickets and tasks.", code=WorkErrorCode.NOT_ALLOWED
        )
    if item.kind == WorkKind.TICKET:
        ticket = ticket_get(actor=actor, ticket_id=item.id)
        dedicated = ticket.agreement.plan.kind == PlanKind.DEDICATED
        if dedicated and ticket.assignee_id != actor.pk:
            _check_seated(actor=actor, client_id=ticket.client_id)
        return ticket.client_id
    task = task_get(actor=actor, task_id=item.id)
    if task.assignee_id != actor.pk:
        _check_seated(actor=actor, client_id=task.client_id)
    return task.client_id


def _check_seated(*, actor: User, client_id: int) -> None:
    """A dedicated client's time is its seats' time (its time split, its seat
    utilisation): only its technicians log it — or whoever holds the ticket or task."""
    if not Seat.objects.filter(client_id=client_id, agent=actor).exists():
        raise PermissionDenied(
            "Only the client's technicians (the agents holding its seats) log time on its "
            "tickets and tasks.",
            code=WorkErrorCode.NOT_A_SEAT_HOLDER,
        )


def _check_free(*, person: User, start: datetime, end: datetime, now: datetime) -> None:
    """OVERLAPPING_TIME when `person` logged time sharing an instant with [start, end)
    (a running timer counts up to `now`). The person's row is locked first, so two
    writes for one person are checked one after the other (PostgreSQL)."""
    User.objects.select_for_update().filter(pk=person.pk).first()
    clashes = TimeEntry.objects.filter(person=person, started_at__lt=end).exclude(
        ended_at__lte=start
    )
    for other in clashes.only("started_at", "ended_at")[:1]:
        other_end = other.ended_at or now
        if overlap(start=start, end=end, other_start=other.started_at, other_end=other_end):
            raise ValidationFailed(
                f"started_at: you logged time from {other.started_at:%Y-%m-%d %H:%M} to "
                f"{other_end:%H:%M} UTC already",
                code=WorkErrorCode.OVERLAPPING_TIME,
                field="started_at",
            )


def _timer_running() -> Conflict:
    return Conflict(
        "Your timer is running: stop it before you log more time.",
        code=WorkErrorCode.TIMER_RUNNING,
    )
