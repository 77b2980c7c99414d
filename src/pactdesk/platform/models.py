"""Base models: tenant-owned rows and the worker heartbeat."""

from __future__ import annotations

from typing import Any

from django.db import models


class TenantQuerySet(models.QuerySet):
    """Rows that belong to one client. `for_actor` is the only way a client user's
    request reads them: provider staff see every client, a client user only their own."""

    def for_actor(self, actor: Any) -> TenantQuerySet:
        if getattr(actor, "is_provider_staff", False):
            return self.all()
        client_id = getattr(actor, "client_id", None)
        if client_id is None:
            return self.none()
        return self.filter(client_id=client_id)


class ClientOwned(models.Model):
    """Every client-owned row carries its client; the key is required."""

    client = models.ForeignKey("accounts.Client", on_delete=models.PROTECT, related_name="+")

    objects = TenantQuerySet.as_manager()

    class Meta:
        abstract = True


class WorkerHeartbeat(models.Model):
    """The last instant each background worker proved it was alive."""

    name = models.CharField(max_length=100, primary_key=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} @ {self.beat_at.isoformat()}"


class ReferenceStamp(models.Model):
    """One row: a random token rewritten whenever reference data (clients, agreements,
    calendars, SLA policies, API keys, users) changes, in the same transaction as the
    change. Processes keep what they read of that data for as long as the token stays
    the same (see `pactdesk.platform.refcache`)."""

    token = models.BigIntegerField()

    def __str__(self) -> str:
        return f"reference stamp {self.token}"
