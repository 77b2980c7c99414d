"""The work order: one ranked list per dedicated client of its open tickets and tasks.

Reading (`work_order_read`, three queries whatever the length): the ranked rows whose
ticket or task is still open, then the open tickets that have no row yet (lodged
since the list was last written), placed by the client's entry rule in lodging order
(`domain.work.order_with_arrivals`). So lodging a ticket costs nothing here: the
lodging path is untouched, and the list a reader sees is the one an insert at
lodging would have made. A ticket leaves when it is solved, closed, marked invalid
or merged; a task when it is done.

Writing (`work_order_reorder`, `work_order_move`, and task creation): in one
transaction, the version is bumped by a conditional UPDATE (`version = seen`), which
refuses a stale version on SQLite and PostgreSQL alike (409 `stale_order`, nothing
moves); then the list as read is written back whole (leavers deleted, arrivals
inserted, ranks rewritten). Any write therefore also settles the arrivals, and
changes the version, so a client that read before a new ticket arrived must read
again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from pactdesk.accounts.models import Client, User
from pactdesk.desk.models import Ticket
from pactdesk.domain.vocabulary import Priority, Status
from pactdesk.domain.work import (
    EntryRule,
    ItemRef,
    OrderProblemKind,
    Ranked,
    TaskStatus,
    WorkKind,
    moved,
    order_problem,
    order_with_arrivals,
)
from pactdesk.platform.errors import Conflict, ValidationFailed
from pactdesk.work.access import may_administer, may_reorder, require, work_order_settings
from pactdesk.work.error_codes import WorkErrorCode
from pactdesk.work.models import Task, WorkItem, WorkOrder

OPEN_STATUSES = (Status.NEW, Status.OPEN, Status.WAITING)
# A ticket whose next SLA clock falls due within this is flagged on work lists.
NEAR_DUE = timedelta(hours=2)
OPEN_TICKET = Q(status__in=OPEN_STATUSES, is_valid=True, merged_into__isnull=True)
PROBLEM_CODES = {
    OrderProblemKind.DUPLICATE: WorkErrorCode.DUPLICATE_ITEM,
    OrderProblemKind.UNKNOWN: WorkErrorCode.UNKNOWN_ITEM,
    OrderProblemKind.MISSING: WorkErrorCode.MISSING_ITEM,
}
TICKET_FIELDS = (
    "id",
    "client_id",
    "subject",
    "status",
    "priority",
    "assignee__name",
    "assignee_id",
    "lodged_at",
    "sla_next_due_at",
)


@dataclass(frozen=True)
class WorkEntry:
    """One line of the list as pages and the API show it."""

    ref: ItemRef
    title: str
    status: str
    priority: Priority | None  # tickets only
    assignee_id: int | None
    assignee_name: str
    due_at: datetime | None  # a ticket's next SLA clock
    due_on: str  # a task's due date, ISO, or ""
    ranked: bool  # False: a new ticket placed by the rule, not yet written

    @property
    def kind(self) -> WorkKind:
        return self.ref.kind

    @property
    def reference(self) -> str:
        return f"PD-{self.ref.id}" if self.ref.kind == WorkKind.TICKET else f"T-{self.ref.id}"

    def near_due(self, now: datetime) -> bool:
        """A ticket whose SLA clock falls due within NEAR_DUE (or is past due)."""
        return self.due_at is not None and self.due_at - now <= NEAR_DUE


@dataclass(frozen=True)
class WorkOrderView:
    client: Client
    settings: WorkOrder
    entries: tuple[WorkEntry, ...]

    @property
    def version(self) -> int:
        return self.settings.version

    @property
    def refs(self) -> list[ItemRef]:
        return [entry.ref for entry in self.entries]

    @property
    def settled(self) -> bool:
        """Whether every line is written (no arrival to place)."""
        return all(entry.ranked for entry in self.entries)


def work_order_read(*, client: Client, settings: WorkOrder | None = None) -> WorkOrderView:
    """The client's list, best first (see the module docstring). Three queries (two
    when `settings` is given)."""
    settings = settings or work_order_settings(client=client)
    rows = (
        WorkItem.objects.filter(client=client)
        .filter(
            Q(task__isnull=True, ticket__in=Ticket.objects.filter(OPEN_TICKET))
            | Q(ticket__isnull=True, task__status__in=[TaskStatus.TODO, TaskStatus.DOING])
        )
        .select_related("ticket__assignee", "task__assignee")
        .order_by("rank", "id")
    )
    entries: dict[ItemRef, WorkEntry] = {}
    ranked: list[Ranked] = []
    for row in rows:
        entry = _ticket_entry(row.ticket, True) if row.ticket else _task_entry(row.task)
        entries[entry.ref] = entry
        ranked.append(Ranked(entry.ref, entry.priority))
    arrivals = (
        Ticket.objects.filter(OPEN_TICKET, client=client)
        .filter(~Exists(WorkItem.objects.filter(ticket=OuterRef("pk"))))
        .select_related("assignee")
        .order_by("lodged_at", "id")
    )
    new: list[Ranked] = []
    for ticket in arrivals:
        entry = _ticket_entry(ticket, False)
        entries[entry.ref] = entry
        new.append(Ranked(entry.ref, entry.priority))
    order = order_with_arrivals(ranked=ranked, arrivals=new, rule=EntryRule(settings.entry_rule))
    return WorkOrderView(client, settings, tuple(entries[item.ref] for item in order))


def _ticket_entry(ticket: Ticket, ranked: bool) -> WorkEntry:
    return WorkEntry(
        ref=ItemRef(WorkKind.TICKET, ticket.pk),
        title=ticket.subject,
        status=ticket.status,
        priority=Priority(ticket.priority),
        assignee_id=ticket.assignee_id,
        assignee_name=ticket.assignee.name if ticket.assignee else "",
        due_at=ticket.sla_next_due_at,
        due_on="",
        ranked=ranked,
    )


def _task_entry(task: Task | None) -> WorkEntry:
    assert task is not None  # a row is a ticket or a task (work_item_ticket_or_task)
    return WorkEntry(
        ref=ItemRef(WorkKind.TASK, task.pk),
        title=task.title,
        status=task.status,
        priority=None,
        assignee_id=task.assignee_id,
        assignee_name=task.assignee.name if task.assignee else "",
        due_at=None,
        due_on=task.due_on.isoformat() if task.due_on else "",
        ranked=True,
    )


def work_order_reorder(
    *, actor: User, client: Client, version: int, items: Sequence[ItemRef]
) -> WorkOrderView:
    """Replace the client's list by `items` (every item of the list, each once, best
    first), if `version` is still the list's. Errors: PermissionDenied NOT_ALLOWED;
    Conflict STALE_ORDER (the list changed since `version` was read: a reorder, a
    new task, a ticket that arrived or left); ValidationFailed DUPLICATE_ITEM,
    UNKNOWN_ITEM (not in the list: another client's, closed, or no such item),
    MISSING_ITEM. Nothing moves on any error."""
    settings = work_order_settings(client=client)
    require(may_reorder(actor=actor, client=client, settings=settings), _NOT_ALLOWED)
    with transaction.atomic():
        current = _claim(client=client, seen=version)
        problem = order_problem(current=current.refs, proposed=items)
        if problem is not None:
            raise ValidationFailed(
                f"items: {problem.ref} is {_PROBLEM_WORDS[problem.kind]}",
                code=PROBLEM_CODES[problem.kind],
                field="items",
            )
        _write(client=client, order=items)
    return work_order_read(client=client)


def work_order_move(
    *, actor: User, client: Client, version: int, item: ItemRef, by: int
) -> WorkOrderView:
    """Move one item `by` places (negative: up), the keyboard's way to reorder.
    Errors as `work_order_reorder` (UNKNOWN_ITEM for an item not in the list)."""
    settings = work_order_settings(client=client)
    require(may_reorder(actor=actor, client=client, settings=settings), _NOT_ALLOWED)
    with transaction.atomic():
        current = _claim(client=client, seen=version)
        if item not in current.refs:
            raise ValidationFailed(
                f"item: {item} is not in the list", code=WorkErrorCode.UNKNOWN_ITEM, field="item"
            )
        _write(client=client, order=moved(order=current.refs, ref=item, by=by))
    return work_order_read(client=client)


def work_order_append(*, client: Client, item: ItemRef) -> None:
    """Put a new item (a task just made) at the bottom, settling arrivals too; inside
    the caller's transaction. Never stale: it takes whatever version is current."""
    settings = WorkOrder.objects.select_for_update().get(pk=work_order_settings(client=client).pk)
    WorkOrder.objects.filter(pk=settings.pk).update(version=settings.version + 1)
    current = work_order_read(client=client, settings=settings)
    _write(client=client, order=[*current.refs, item])


def work_order_settle(*, client: Client) -> WorkOrderView:
    """Write the arrivals and leavers the list holds (a new version) when there are
    any; the list as read otherwise. Called before a client's list is shown for
    reordering, so the version it shows covers what it shows."""
    view = work_order_read(client=client)
    stored = WorkItem.objects.filter(client=client).count()
    if view.settled and stored == len(view.entries):
        return view
    with transaction.atomic():
        try:
            current = _claim(client=client, seen=view.version, strict=False)
        except Conflict:
            return work_order_read(client=client)  # another writer settled it meanwhile
        _write(client=client, order=current.refs)
    return work_order_read(client=client)


def _claim(*, client: Client, seen: int, strict: bool = True) -> WorkOrderView:
    """Take the next version if `seen` is current (conditional UPDATE), and read the
    list inside the transaction. `strict`: the list must also be as it was written at
    `seen` (no ticket arrived or left since). Errors: Conflict STALE_ORDER."""
    settings = work_order_settings(client=client)
    taken = WorkOrder.objects.filter(pk=settings.pk, version=seen).update(version=seen + 1)
    if not taken:
        raise _stale(f"the list is at version {settings.version}, not {seen}")
    settings.version = seen + 1
    view = work_order_read(client=client, settings=settings)
    if strict and (
        not view.settled or WorkItem.objects.filter(client=client).count() != len(view.entries)
    ):
        raise _stale("tickets arrived in the list or left it since it was read")
    return view


def _stale(why: str) -> Conflict:
    return Conflict(
        f"version: {why}; read it again", code=WorkErrorCode.STALE_ORDER, field="version"
    )


def _write(*, client: Client, order: Sequence[ItemRef]) -> None:
    """Store `order` as the client's rows: others deleted, new ones made, ranks set."""
    rows = {
        (WorkKind.TICKET, r.ticket_id) if r.ticket_id else (WorkKind.TASK, r.task_id): r
        for r in WorkItem.objects.filter(client=client)
    }
    keep = {(ref.kind, ref.id) for ref in order}
    WorkItem.objects.filter(pk__in=[r.pk for k, r in rows.items() if k not in keep]).delete()
    changed, new = [], []
    for rank, ref in enumerate(order):
        row = rows.get((ref.kind, ref.id))
        if row is None:
            ticket_id = ref.id if ref.kind == WorkKind.TICKET else None
            task_id = ref.id if ref.kind == WorkKind.TASK else None
            new.append(WorkItem(client=client, ticket_id=ticket_id, task_id=task_id, rank=rank))
        elif row.rank != rank:
            row.rank = rank
            changed.append(row)
    WorkItem.objects.bulk_update(changed, ["rank"])
    WorkItem.objects.bulk_create(new)


def work_order_settings_set(
    *,
    actor: User,
    client: Client,
    entry_rule: str,
    members_may_create_tasks: bool,
    members_may_reorder: bool,
) -> WorkOrder:
    """The client admin's choices. Errors: PermissionDenied NOT_ALLOWED,
    ValidationFailed (an unknown rule)."""
    require(may_administer(actor=actor, client=client), "Only the client's admins may do this.")
    if entry_rule not in set(EntryRule):
        raise ValidationFailed(
            f"entry_rule: {entry_rule!r} is not one of {', '.join(EntryRule)}",
            code=WorkErrorCode.UNKNOWN_RULE,
            field="entry_rule",
        )
    settings = work_order_settings(client=client)
    settings.entry_rule = entry_rule
    settings.members_may_create_tasks = members_may_create_tasks
    settings.members_may_reorder = members_may_reorder
    settings.save(update_fields=["entry_rule", "members_may_create_tasks", "members_may_reorder"])
    return settings


_NOT_ALLOWED = "Only the client's admins (or members they allow) may reorder its work."
_PROBLEM_WORDS = {
    OrderProblemKind.DUPLICATE: "given twice",
    OrderProblemKind.UNKNOWN: "not in the list (read the list again)",
    OrderProblemKind.MISSING: "left out: send every item of the list",
}
