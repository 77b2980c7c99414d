"""Presence of staff and the shared pools.

`Presence` is one row per member of staff who has ever set one (someone without a row
is `offline`, with no cap and the settings' time zone). `Pool` is a shared pool with
its strategy; a shared client belongs to the pool its `PoolClient` names, or else to
the default pool (the one with `is_default`, made by the migration). Every agent seated
for no client serves every pool; per-pool memberships come with the staffing rosters.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from pactdesk.domain.routing import (
    PRESENCE_LABELS,
    STRATEGY_LABELS,
    PresenceStatus,
    Strategy,
)

PRESENCE_CHOICES = [(status.value, PRESENCE_LABELS[status]) for status in PresenceStatus]
STRATEGY_CHOICES = [(strategy.value, STRATEGY_LABELS[strategy]) for strategy in Strategy]


class Presence(models.Model):
    """Whether a member of staff is there. `changed_at`: when `status` last changed;
    `back_at`: when an away agent said they will be back (shown to a dedicated client
    whose ticket waits); `cap`: the most open tickets routing gives them (None: no cap).
    Activity is noted in the cache, not here (see `routing.middleware`)."""

    user = models.OneToOneField(
        "accounts.User", primary_key=True, on_delete=models.CASCADE, related_name="presence"
    )
    status = models.CharField(max_length=10, choices=PRESENCE_CHOICES)
    cap = models.PositiveSmallIntegerField(null=True, blank=True)
    timezone = models.CharField(max_length=64)
    back_at = models.DateTimeField(null=True, blank=True)
    changed_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["status", "changed_at"], name="presence_status_changed")]
        constraints = [
            models.CheckConstraint(
                name="presence_cap_range", condition=Q(cap__isnull=True) | Q(cap__lte=1000)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.status}"


class Pool(models.Model):
    """A shared pool. `cursor` is the last agent round-robin gave a ticket to."""

    name = models.CharField(max_length=100, unique=True)
    strategy = models.CharField(
        max_length=20, choices=STRATEGY_CHOICES, default=Strategy.EARLIEST_DUE
    )
    is_default = models.BooleanField(default=False)
    cursor = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="pool_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PoolClient(models.Model):
    """A shared client served by a pool other than the default."""

    client = models.OneToOneField(
        "accounts.Client", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    pool = models.ForeignKey(Pool, on_delete=models.CASCADE, related_name="clients")

    def __str__(self) -> str:
        return f"{self.client_id} in {self.pool_id}"
