"""What payments keeps: the ids of the webhook notifications already applied."""

from __future__ import annotations

from django.db import models


class WebhookEvent(models.Model):
    """A PayPal notification applied once: a replay of its `event_id` changes nothing.

    Ids come from PayPal (`WH-2WR32451HC0233532-67976317FL4543714`), after the
    signature is verified; they are kept whole (text, unique)."""

    event_id = models.TextField(unique=True)
    event_type = models.TextField()
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["received_at", "id"]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"
