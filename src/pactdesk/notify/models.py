"""The outbox: every mail we send is a row first, committed with the change that caused
it, then delivered by a task; a failed delivery is retried with backoff, never lost."""

from __future__ import annotations

from django.db import models

from pactdesk.platform.models import ClientOwned


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed for good"
    SUPPRESSED = "suppressed", "Not sent (demo history)"


class OutboundMail(ClientOwned):
    kind = models.CharField(max_length=30)  # acknowledgement, reply, status_notice
    ticket_id_ref = models.BigIntegerField(null=True, blank=True, db_index=True)
    from_address = models.TextField()  # "Client name <support address>"
    to_address = models.EmailField(max_length=320)
    subject = models.CharField(max_length=320)  # "Re: [PD-n] " + a 250-character subject
    body = models.TextField()
    message_id = models.CharField(max_length=250, unique=True)
    in_reply_to = models.TextField(blank=True)  # a customer's Message-ID, of any length
    references = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to_address} ({self.status})"
