"""A dedicated client's work: its tasks (with their history), the time its technicians
log, and its one ranked list of open tickets and tasks.

`WorkOrder` is one row per client: the list's `version` (bumped by every change of
the list, the optimistic lock of a reorder), the rule new tickets enter by, and what
the client's members may do. `WorkItem` is one ranked entry; tickets lodged since the
list was last written are not rows yet: the selectors place them by the rule (see
`pactdesk.work.order`).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from pactdesk.domain.work import EntryRule, TaskStatus, WorkKind
from pactdesk.platform.models import ClientOwned

MAX_TITLE = 200
MAX_DESCRIPTION = 10_000
MAX_NOTE = 200

ENTRY_RULE_LABELS = {
    EntryRule.TOP: "At the top",
    EntryRule.BOTTOM: "At the bottom",
    EntryRule.BY_PRIORITY: "By priority",
}
TASK_STATUS_LABELS = {
    TaskStatus.TODO: "To do",
    TaskStatus.DOING: "Doing",
    TaskStatus.DONE: "Done",
}


class TaskEventKind(models.TextChoices):
    CREATED = "created", "Created"
    EDITED = "edited", "Edited"
    ASSIGNED = "assigned", "Assigned"
    STATUS = "status", "Status"


class WorkOrder(ClientOwned):
    """A dedicated client's list settings and its version."""

    version = models.PositiveIntegerField(default=0)
    entry_rule = models.CharField(
        max_length=20,
        choices=[(rule.value, ENTRY_RULE_LABELS[rule]) for rule in EntryRule],
        default=EntryRule.BOTTOM,
    )
    members_may_create_tasks = models.BooleanField(default=False)
    members_may_reorder = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client"], name="work_order_per_client")]

    def __str__(self) -> str:
        return f"work order of client {self.client_id} v{self.version}"


class Task(ClientOwned):
    """Work a client admin gives its dedicated technicians."""

    title = models.CharField(max_length=MAX_TITLE)
    description = models.TextField(blank=True, max_length=MAX_DESCRIPTION)
    estimate_minutes = models.PositiveIntegerField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    assignee = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=10,
        choices=[(s.value, TASK_STATUS_LABELS[s]) for s in TaskStatus],
        default=TaskStatus.TODO,
    )
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["client", "status"], name="task_client_status")]

    def __str__(self) -> str:
        return f"T-{self.pk} {self.title}"

    @property
    def reference(self) -> str:
        return f"T-{self.pk}"

    @property
    def status_label(self) -> str:
        return TASK_STATUS_LABELS[TaskStatus(self.status)]


class TaskEvent(ClientOwned):
    """One line of a task's history: who did what, when."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=TaskEventKind.choices)
    value = models.CharField(max_length=MAX_NOTE, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.value} on task {self.task_id}"


class WorkItem(ClientOwned):
    """One ranked entry of a client's list: a ticket or a task, rank 0 first."""

    ticket = models.OneToOneField(
        "desk.Ticket", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    task = models.OneToOneField(
        Task, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    rank = models.PositiveIntegerField()

    class Meta:
        ordering = ["rank", "id"]
        indexes = [models.Index(fields=["client", "rank"], name="work_item_client_rank")]
        constraints = [
            models.CheckConstraint(
                name="work_item_ticket_or_task",
                condition=Q(ticket__isnull=False, task__isnull=True)
                | Q(ticket__isnull=True, task__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.item_id} at {self.rank}"

    @property
    def kind(self) -> WorkKind:
        return WorkKind.TICKET if self.ticket_id is not None else WorkKind.TASK

    @property
    def item_id(self) -> int:
        return self.ticket_id if self.ticket_id is not None else self.task_id  # type: ignore[return-value]


class TimeEntry(ClientOwned):
    """Time a member of staff spent on a ticket or a task: [started_at, ended_at);
    `ended_at` None is a running timer. `seconds` is stored when it ends, for the
    SQL sums of the client's time split."""

    person = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    ticket = models.ForeignKey(
        "desk.Ticket", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.CASCADE, related_name="time_entries"
    )
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    seconds = models.PositiveIntegerField(null=True, blank=True)
    note = models.CharField(max_length=MAX_NOTE, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["person", "started_at"], name="time_entry_person_start"),
            models.Index(fields=["client", "started_at"], name="time_entry_client_start"),
        ]
        constraints = [
            models.CheckConstraint(
                name="time_entry_ticket_or_task",
                condition=Q(ticket__isnull=False, task__isnull=True)
                | Q(ticket__isnull=True, task__isnull=False),
            ),
            models.CheckConstraint(
                name="time_entry_ends_after_start",
                condition=Q(ended_at__isnull=True) | Q(ended_at__gt=models.F("started_at")),
            ),
            # One running timer per person.
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(ended_at__isnull=True),
                name="time_entry_one_running",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} on {self.kind} from {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def kind(self) -> WorkKind:
        return WorkKind.TICKET if self.ticket_id is not None else WorkKind.TASK
