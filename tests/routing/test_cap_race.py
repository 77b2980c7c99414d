"""One agent pressing "next" many times at once never goes past their cap: the open
count is taken inside the claiming transaction, behind the lock on their presence
row. Commits for real (transaction=True); SQLite by default, PostgreSQL with
PACTDESK_DATABASE_URL."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection

from pactdesk.desk.models import Ticket, TicketEvent
from pactdesk.domain.vocabulary import EventKind
from pactdesk.platform.errors import Conflict
from pactdesk.routing.error_codes import RoutingErrorCode
from pactdesk.routing.services import queue_next
from tests.alerts.test_concurrency import threads_on_a_file
from tests.routing.conftest import MONDAY_10AM

MIN = timedelta(minutes=1)
PRESSES = 8


@pytest.mark.django_db(transaction=True)
def test_eight_simultaneous_presses_at_cap_one_give_exactly_one_ticket(
    northwind, people, available, lodge, tmp_path
) -> None:
    ana = people["ana"]
    available(ana, cap=1)
    tickets = [lodge(northwind, subject=f"T{n}", now=MONDAY_10AM + n * MIN) for n in range(20)]
    start = threading.Barrier(PRESSES)
    given: list[int | None] = []
    refused: list[str] = []
    errors: list[BaseException] = []

    def press() -> None:
        try:
            start.wait()
            given.append(queue_next(actor=ana, now=MONDAY_10AM + 30 * MIN))
        except Conflict as conflict:
            refused.append(conflict.code)
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    with threads_on_a_file(tmp_path / "shared.sqlite3"):
        threads = [threading.Thread(target=press) for _ in range(PRESSES)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert errors == []
    assert given == [tickets[0].pk]
    assert refused == [RoutingErrorCode.AT_CAP] * (PRESSES - 1)
    assert list(Ticket.objects.filter(assignee=ana).values_list("pk", flat=True)) == [tickets[0].pk]
    assert TicketEvent.objects.filter(kind=EventKind.ASSIGNED).count() == 1
