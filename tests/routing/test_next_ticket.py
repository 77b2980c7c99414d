"""Next ticket: the most urgent ticket the caller may take, given atomically. The
concurrency tests commit for real (transaction=True) and run on SQLite and, with
PACTDESK_DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection

from pactdesk.accounts.models import Role
from pactdesk.desk.models import Ticket, TicketEvent
from pactdesk.domain.vocabulary import EventKind
from pactdesk.platform.errors import Conflict, PermissionDenied
from pactdesk.routing.error_codes import RoutingErrorCode
from pactdesk.routing.services import presence_status_set, queue_next
from pactdesk.routing.services.queue import picks
from tests.alerts.test_concurrency import threads_on_a_file
from tests.factories import UserFactory
from tests.routing.conftest import MONDAY_10AM

MIN = timedelta(minutes=1)
NIGHT = MONDAY_10AM + timedelta(hours=11)  # 21:00 in New York


def test_next_gives_the_most_urgent_ticket_and_records_who_took_it(
    northwind, orbit, people, available, lodge
) -> None:
    # Lodged at 21:00 in New York, after hours: its first response is due at 09:30.
    later = lodge(northwind, subject="later", now=NIGHT)
    # Round the clock, lodged an hour after: due at 22:30, the most urgent.
    urgent = lodge(orbit, subject="urgent", now=NIGHT + 60 * MIN)
    available(people["ana"], at=NIGHT)

    got = queue_next(actor=people["ana"], now=NIGHT + 62 * MIN)

    assert got is not None
    assert got == urgent.pk
    stored = Ticket.objects.get(pk=urgent.pk)
    assert (stored.assignee_id, stored.updated_at) == (people["ana"].pk, NIGHT + 62 * MIN)
    event = TicketEvent.objects.filter(ticket=urgent, kind=EventKind.ASSIGNED).get()
    assert (event.value, event.actor_id) == ("Ana", people["ana"].pk)
    assert queue_next(actor=people["ana"], now=NIGHT + 63 * MIN) == later.pk
    assert queue_next(actor=people["ana"], now=NIGHT + 64 * MIN) is None


def test_a_seat_holder_gets_only_their_clients_tickets_and_the_pool_none_of_them(
    northwind, lotus, people, available, lodge
) -> None:
    available(people["ana"], people["sam"])
    shared = lodge(northwind, now=MONDAY_10AM - MIN)  # older and earlier due
    dedicated = lodge(lotus)

    assert queue_next(actor=people["sam"], now=MONDAY_10AM + MIN) == dedicated.pk
    assert queue_next(actor=people["sam"], now=MONDAY_10AM + MIN) is None
    assert queue_next(actor=people["ana"], now=MONDAY_10AM + MIN) == shared.pk


def test_the_pool_never_gets_a_dedicated_ticket(lotus, people, available, lodge) -> None:
    available(people["ana"], people["mo"])
    ticket = lodge(lotus)

    assert queue_next(actor=people["ana"], now=MONDAY_10AM + MIN) is None
    assert queue_next(actor=people["mo"], now=MONDAY_10AM + MIN) is None
    assert Ticket.objects.get(pk=ticket.pk).assignee_id is None


def test_refusals_change_nothing(northwind, people, available, lodge) -> None:
    ticket = lodge(northwind)
    with pytest.raises(Conflict) as away:
        queue_next(actor=people["ana"], now=MONDAY_10AM + MIN)  # offline: no presence yet
    available(people["ana"], cap=1)
    queue_next(actor=people["ana"], now=MONDAY_10AM + MIN)
    other = lodge(northwind, subject="second")
    with pytest.raises(Conflict) as full:
        queue_next(actor=people["ana"], now=MONDAY_10AM + 2 * MIN)
    with pytest.raises(PermissionDenied) as client:
        queue_next(actor=people["cy"], now=MONDAY_10AM + 2 * MIN)

    assert (away.value.code, full.value.code, client.value.code) == (
        RoutingErrorCode.NOT_AVAILABLE,
        RoutingErrorCode.AT_CAP,
        RoutingErrorCode.STAFF_ONLY,
    )
    assert Ticket.objects.get(pk=other.pk).assignee_id is None
    assert Ticket.objects.get(pk=ticket.pk).assignee_id == people["ana"].pk


@pytest.mark.django_db(transaction=True)
def test_sixteen_agents_pressing_at_once_never_get_the_same_ticket(
    northwind, lodge, tmp_path
) -> None:
    """16 threads, each its own agent and connection, press "next" until the pool is
    empty: every ticket is handed out exactly once, and all of them are."""
    agents = [
        UserFactory(role=Role.AGENT, name=f"Agent {n}", email=f"a{n}@pactdesk.test")
        for n in range(16)
    ]
    for agent in agents:
        presence_status_set(actor=agent, status="available", now=MONDAY_10AM)
    tickets = [lodge(northwind, subject=f"T{n}", now=MONDAY_10AM + n * MIN / 60) for n in range(80)]
    start = threading.Barrier(len(agents))
    taken: list[tuple[int, int]] = []
    errors: list[BaseException] = []

    def press(agent) -> None:
        try:
            start.wait()
            while (got := queue_next(actor=agent, now=MONDAY_10AM + 2 * MIN)) is not None:
                taken.append((got, agent.pk))
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    with threads_on_a_file(tmp_path / "shared.sqlite3"):
        threads = [threading.Thread(target=press, args=(agent,)) for agent in agents]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert errors == []
    given = Counter(ticket_id for ticket_id, _ in taken)
    assert sorted(given) == sorted(t.pk for t in tickets)
    assert set(given.values()) == {1}
    stored = dict(Ticket.objects.values_list("pk", "assignee_id"))
    assert all(stored[ticket_id] == agent_id for ticket_id, agent_id in taken)
    assigned = TicketEvent.objects.filter(kind=EventKind.ASSIGNED).count()
    assert assigned == len(tickets)


@pytest.mark.parametrize("seat", [False, True])
def test_the_picks_walk_the_partial_indexes_from_their_head(lotus, seat) -> None:
    """No sort of every waiting ticket: each pick is a range scan of its partial index
    (SQLite is told which; PostgreSQL picks by its statistics, so its plan at 100,000
    tickets is printed by bench/routing_bench.py instead)."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's plan depends on the table's statistics")
    index = "ticket_client_waiting_due" if seat else "ticket_waiting_due"
    plans = []
    with connection.cursor() as cursor:
        for sql, params in picks(client_id=lotus.client_id if seat else None):
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plans.append([row[-1] for row in cursor.fetchall()])

    for plan in plans:
        assert plan[0].startswith(f"SEARCH desk_ticket USING INDEX {index} ")
        assert not any("TEMP B-TREE" in step for step in plan)
