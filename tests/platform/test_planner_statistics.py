"""SQLite gets planner statistics (bounded ANALYZE); PostgreSQL keeps its own."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection

from pactdesk.platform.jobs import planner_statistics_job
from pactdesk.platform.services import planner_statistics_refresh
from tests.factories import ClientFactory, shared_agreement, ticket_lodged

pytestmark = pytest.mark.django_db
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's statistics")


@pytest.fixture
def tickets(django_capture_on_commit_callbacks) -> None:
    client = shared_agreement(ClientFactory(slug="northwind")).client
    for minute in range(3):
        ticket_lodged(
            capture=django_capture_on_commit_callbacks,
            client=client,
            channel="api",
            now=datetime(2026, 3, 2, 15, minute, tzinfo=UTC),
        )


def _ticket_statistics() -> dict[str, str]:
    """Index name -> its sqlite_stat1 line, for desk_ticket (none before ANALYZE)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return {}
        cursor.execute("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'desk_ticket'")
        return dict(cursor.fetchall())


@sqlite_only
def test_sqlite_gets_statistics_for_the_ticket_indexes(tickets) -> None:
    refreshed = planner_statistics_refresh()

    after = _ticket_statistics()
    assert refreshed is True
    # three tickets, one agreement: the report's covering index says so
    assert after["ticket_agreement_report"].split()[:2] == ["3", "3"]


@sqlite_only
def test_the_nightly_job_refreshes_them(tickets) -> None:
    planner_statistics_job.call_local()

    assert _ticket_statistics()["ticket_agreement_report"].split()[0] == "3"


@pytest.mark.skipif(connection.vendor == "sqlite", reason="PostgreSQL's autovacuum")
def test_postgresql_is_left_to_autovacuum() -> None:
    assert planner_statistics_refresh() is False
