"""Writes of the platform: the worker heartbeat."""

from __future__ import annotations

from datetime import datetime

from pactdesk.platform.models import WorkerHeartbeat


def heartbeat_record(*, name: str, now: datetime) -> None:
    WorkerHeartbeat.objects.update_or_create(name=name, defaults={"beat_at": now})
