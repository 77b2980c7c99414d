"""Writes of the platform: the worker heartbeat, the query planner's statistics."""

from __future__ import annotations

from datetime import datetime

from django.db import connection

from pactdesk.platform.models import WorkerHeartbeat

# Rows ANALYZE samples per index on SQLite: approximate statistics at a bounded cost
# (tens of milliseconds at a million tickets), enough for the planner's choice.
ANALYSIS_LIMIT = 1000


def heartbeat_record(*, name: str, now: datetime) -> None:
    WorkerHeartbeat.objects.update_or_create(name=name, defaults={"beat_at": now})


def planner_statistics_refresh() -> bool:
    """Give SQLite's query planner statistics (``ANALYZE`` with ``analysis_limit``).

    Without ``sqlite_stat1`` SQLite guesses every index equally selective and plans the
    warning sweep through ``desk_ticket``'s ``merged_into`` index, walking every ticket
    (found by ``bench/report_bench.py`` at a million tickets); with statistics it takes
    the due-time indexes. PostgreSQL's autovacuum keeps its own statistics: nothing is
    done there. Returns True when statistics were refreshed (SQLite).
    """
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
        cursor.execute("ANALYZE")
    return True
