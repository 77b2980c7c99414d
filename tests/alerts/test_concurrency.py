"""Two workers sweeping at once send each alert once; a worker killed mid-sweep loses
none (these tests commit for real: transaction=True)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction

from pactdesk.alerts.models import Notification, SlaAlert
from pactdesk.alerts.services import SweepResult, sla_alerts_sweep
from pactdesk.desk.models import TicketEvent
from pactdesk.notify.models import OutboundMail
from tests.alerts.conftest import MONDAY_10AM

pytestmark = pytest.mark.django_db(transaction=True)
AT = MONDAY_10AM + timedelta(minutes=20)


@contextmanager
def threads_on_a_file(path: Path) -> Iterator[None]:
    """New threads' connections open a file copy of the test database, as the worker
    processes of a real deployment share one file (the in-memory test database's
    shared cache answers a second writer "table is locked" instead of queueing it);
    on leaving, the file's rows are copied back."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield  # PostgreSQL: threads share the test database itself
        return
    connection.ensure_connection()
    disk = sqlite3.connect(path)
    connection.connection.backup(disk)
    disk.close()
    saved = connections.settings[DEFAULT_DB_ALIAS]["NAME"]
    connections.settings[DEFAULT_DB_ALIAS]["NAME"] = str(path)
    try:
        yield
    finally:
        connections.settings[DEFAULT_DB_ALIAS]["NAME"] = saved
        disk = sqlite3.connect(path)
        disk.backup(connection.connection)
        disk.close()


def run_at_once(count: int, work: Callable[[], SweepResult]) -> list[SweepResult]:
    start = threading.Barrier(count)
    results: list[SweepResult] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            results.append(work())
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


def test_two_sweeps_at_once_warn_once(lodge, people, tmp_path) -> None:
    tickets = [lodge(subject=f"Printer {n}") for n in range(3)]
    with threads_on_a_file(tmp_path / "shared.sqlite3"):
        results = run_at_once(2, lambda: sla_alerts_sweep(now=AT))
    assert sorted(results, key=lambda r: r.warned) == [
        SweepResult(0, 0, 0, 0),
        SweepResult(warned=3, escalated=0, notifications=6, mails=6),
    ]
    assert SlaAlert.objects.count() == 3
    assert Notification.objects.count() == 6
    assert OutboundMail.objects.filter(kind="sla_warning").count() == 6
    assert TicketEvent.objects.filter(kind="sla_warning", ticket__in=tickets).count() == 3


class Killed(Exception):
    """The worker dies before its transaction commits."""


def test_a_sweep_killed_before_commit_leaves_nothing_and_the_next_one_sends(lodge, people) -> None:
    lodge()

    def killed_after_sweeping() -> None:
        with transaction.atomic():
            assert sla_alerts_sweep(now=AT).warned == 1
            raise Killed

    with pytest.raises(Killed):
        killed_after_sweeping()
    assert (SlaAlert.objects.count(), Notification.objects.count()) == (0, 0)
    assert OutboundMail.objects.filter(kind="sla_warning").count() == 0
    assert sla_alerts_sweep(now=AT + timedelta(minutes=1)) == SweepResult(1, 0, 2, 2)
    assert (SlaAlert.objects.count(), Notification.objects.count()) == (1, 2)
