"""What the warning sweep has done, and the notifications staff read.

`SlaAlert` is the sweep's memory and its lock: one row per ticket, metric, clock cycle
and kind, unique, inserted in the same transaction as the notifications, the ticket
event and the mails it stands for. Two sweeps at once insert the same row; the
database keeps one and the other sweep skips it. A sweep killed before its commit
leaves nothing, and the next one does the work.
"""

from __future__ import annotations

from django.db import models

from pactdesk.domain.vocabulary import EventKind, Metric, choices
from pactdesk.platform.models import ClientOwned

# The kinds of alert: the ticket events they are recorded as.
ALERT_KINDS: tuple[EventKind, ...] = (EventKind.SLA_WARNING, EventKind.SLA_ESCALATED)
# What each kind is called in the notification centre and its e-mail settings.
ALERT_TITLES: dict[EventKind, str] = {
    EventKind.SLA_WARNING: "Breach warning",
    EventKind.SLA_ESCALATED: "Breach escalated",
}
ALERT_CHOICES = [(kind.value, ALERT_TITLES[kind]) for kind in ALERT_KINDS]


class SlaAlert(ClientOwned):
    """One warning or escalation of one clock cycle (`cycle`: see
    `pactdesk.alerts.services.clock_cycles`). `sweep` is the random token of the sweep
    that inserted it, so a sweep reads back exactly the rows it won."""

    ticket = models.ForeignKey("desk.Ticket", on_delete=models.CASCADE, related_name="+")
    metric = models.CharField(max_length=20, choices=choices(Metric))
    cycle = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=ALERT_CHOICES)
    due_at = models.DateTimeField()
    created_at = models.DateTimeField()
    sweep = models.CharField(max_length=32, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "metric", "cycle", "kind"], name="sla_alert_once_per_cycle"
            ),
        ]
        # The sweep asks which recent clocks were alerted (`services._sent`).
        indexes = [
            models.Index(fields=["metric", "kind", "due_at"], name="sla_alert_recent"),
            models.Index(fields=["ticket", "metric", "kind", "due_at"], name="sla_alert_of_clock"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.metric} #{self.cycle} of ticket {self.ticket_id}"


class Notification(ClientOwned):
    """An alert in one member of staff's notification centre (`client` is the
    ticket's: staff see every client, but the row stays tenant-owned)."""

    recipient = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey("desk.Ticket", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=ALERT_CHOICES)
    text = models.CharField(max_length=400)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}: {self.text}"


class NotificationMailOptOut(models.Model):
    """A member of staff who does not want alerts of `kind` by e-mail (they still
    appear in the notification centre). No row: mailed."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=ALERT_CHOICES)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="mail_opt_out_once"),
        ]

    def __str__(self) -> str:
        return f"no {self.kind} mail for {self.user_id}"
