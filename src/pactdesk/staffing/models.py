"""What the staffing layer keeps: each computed seat advice, and the notices it sent.

`SeatAdvice` is one computation for one dedicated agreement (the latest is what the
pages show; computing takes seconds of simulation, so pages never do it). A row whose
`notice_week` is set is one that was announced to the client's admins and the managers;
the unique (client, notice_week) pair is the lock that keeps two jobs running at once
from announcing twice in a week. `StaffingNotice` is the in-app copy of an
announcement, one per recipient.
"""

from __future__ import annotations

from django.db import models

from pactdesk.platform.models import ClientOwned
from pactdesk.staffing.words import ADVICE_CHOICES


class SeatAdvice(ClientOwned):
    """One seat advice: the recommendation and its figures (`figures`: the JSON of
    `pactdesk.staffing.formats.advice_as_dict`)."""

    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.CASCADE, related_name="+"
    )
    computed_at = models.DateTimeField()
    kind = models.CharField(max_length=10, choices=ADVICE_CHOICES)
    seats = models.PositiveSmallIntegerField()
    recommended_seats = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=400)
    figures = models.JSONField(default=dict)
    notice_week = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-computed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "notice_week"],
                condition=models.Q(notice_week__isnull=False),
                name="seat_advice_notice_once_a_week",
            ),
        ]
        indexes = [
            models.Index(fields=["agreement", "-computed_at"], name="seat_advice_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for client {self.client_id}: {self.text}"


class StaffingNotice(ClientOwned):
    """A changed seat advice in one reader's view (a client admin or a manager)."""

    recipient = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    advice = models.ForeignKey(SeatAdvice, on_delete=models.CASCADE, related_name="notices")
    text = models.CharField(max_length=400)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="staffing_notice_unread"),
        ]

    def __str__(self) -> str:
        return f"notice for {self.recipient_id}: {self.text}"


class PoolRoster(models.Model):
    """The shared pool's roster of one week (Monday `week` in the pool's time zone).

    `requirement` is the 168 agents required per hour; `shifts` the rostered shifts as
    ``[user id, start hour of week, hours, break hour or null]``; `uncovered` the
    agent-hours short. The pool spans clients: no client key. One row per week; a new
    build replaces it."""

    week = models.DateField(unique=True)
    computed_at = models.DateTimeField()
    status = models.CharField(max_length=10)  # optimal | feasible
    requirement = models.JSONField(default=list)
    shifts = models.JSONField(default=list)
    uncovered = models.PositiveIntegerField()
    solve_seconds = models.FloatField()

    class Meta:
        ordering = ["-week"]

    def __str__(self) -> str:
        return f"pool roster of {self.week.isoformat()} ({self.uncovered} uncovered)"
