"""Reads of the platform: the health report behind /healthz."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Max

from pactdesk.platform.models import WorkerHeartbeat


@dataclass(frozen=True)
class Health:
    database: bool
    migrations_applied: bool
    pending_migrations: int
    worker_heartbeat_age: float | None
    worker_max_age: float

    @property
    def healthy(self) -> bool:
        return (
            self.database
            and self.migrations_applied
            and self.worker_heartbeat_age is not None
            and self.worker_heartbeat_age <= self.worker_max_age
        )


def health_check(*, now: datetime, worker_max_age: float) -> Health:
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        return Health(False, False, -1, None, worker_max_age)
    try:
        last = WorkerHeartbeat.objects.aggregate(last=Max("beat_at"))["last"]
    except DatabaseError:
        last = None
    age = None if last is None else max(0.0, (now - last).total_seconds())
    return Health(True, not plan, len(plan), age, worker_max_age)
