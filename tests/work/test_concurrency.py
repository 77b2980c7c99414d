"""Eight admins reordering the same version at once: one wins, the others are told
the list is stale, and the list is exactly the winner's (these tests commit for real,
on SQLite through a shared file and on PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from pactdesk.domain.work import ItemRef
from pactdesk.platform.errors import Conflict
from pactdesk.work.error_codes import WorkErrorCode
from pactdesk.work.models import WorkItem, WorkOrder
from pactdesk.work.order import work_order_read, work_order_reorder, work_order_settle
from tests.alerts.test_concurrency import threads_on_a_file

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 8


def test_one_of_eight_reorders_of_one_version_wins(world, lodge, tmp_path) -> None:
    client, admin = world.thames.client, world.thames.admin
    for n in range(THREADS):
        lodge(client, subject=f"Ticket {n}")
    seen = work_order_settle(client=client)
    # Thread n moves item n to the top.
    orders = [[seen.refs[n], *(r for r in seen.refs if r != seen.refs[n])] for n in range(THREADS)]
    start = threading.Barrier(THREADS)
    won: list[list[ItemRef]] = []
    stale: list[str] = []
    errors: list[BaseException] = []

    def reorder(order: list[ItemRef]) -> None:
        try:
            start.wait()
            work_order_reorder(actor=admin, client=client, version=seen.version, items=order)
            won.append(order)
        except Conflict as refused:
            stale.append(refused.code)
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    with threads_on_a_file(tmp_path / "shared.sqlite3"):
        threads = [threading.Thread(target=reorder, args=(o,)) for o in orders]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert errors == []
    assert len(won) == 1
    assert stale == [WorkErrorCode.STALE_ORDER] * (THREADS - 1)
    assert work_order_read(client=client).refs == won[0]
    assert WorkOrder.objects.get(client=client).version == seen.version + 1
    assert sorted(WorkItem.objects.values_list("rank", flat=True)) == list(range(THREADS))
