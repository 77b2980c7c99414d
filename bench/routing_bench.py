"""Next ticket and an agent's work list over many open tickets (issue 13 §9).

    .venv/bin/python bench/routing_bench.py                   # 100,000 open tickets
    .venv/bin/python bench/routing_bench.py --tickets 10000   # a quick look
    PACTDESK_BENCH_PG_URL=postgres://... .venv/bin/python bench/routing_bench.py

Builds 50 clients (45 shared, 5 dedicated with 4 seats each) and 200 agents, all
available, in a fresh database (SQLite in a temporary folder, or the empty PostgreSQL
database of PACTDESK_BENCH_PG_URL), bulk-inserts open unassigned tickets (each with its
`lodged` event) whose due instants are spread over three days, then has 8 threads —
each its own agent and connection — press "next ticket" at once, `--presses` times
each, and times every press; then times the "My tickets" work list of an agent holding
tickets. Prints p50/p99 per operation, tickets handed out per second, and checks that
no ticket was handed out twice. Target: p99 under 20 ms.
"""

from __future__ import annotations

import argparse
import random
import statistics
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

from _setup import django_on_throwaway_database

# Monday 2 March 2026, 15:00 UTC: 10:00 in New York, inside business hours.
NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--presses", type=int, default=100)
    args = parser.parse_args()
    django_on_throwaway_database("routing-bench-")
    agents = build(args.tickets)
    plans()
    floor(args.threads, args.presses)
    press(agents, args.threads, args.presses)
    work_list(agents)


def build(count: int) -> list:
    from django.db import connection

    from pactdesk.accounts.models import Customer, Role, User
    from pactdesk.accounts.services import client_create
    from pactdesk.agreements.models import PlanKind, Seat
    from pactdesk.agreements.services import (
        agreement_create,
        calendar_create,
        plan_create,
        sla_policy_create_default_shared,
    )
    from pactdesk.desk.models import Ticket, TicketEvent
    from pactdesk.domain.routing import PresenceStatus
    from pactdesk.domain.vocabulary import EventKind
    from pactdesk.routing.models import Presence

    started = time.perf_counter()
    hours = {d: [["00:00", "24:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
    shared = plan_create(code="s", name="Shared", kind=PlanKind.SHARED, price="1", currency="USD")
    dedicated = plan_create(
        code="d", name="Dedicated", kind=PlanKind.DEDICATED, price="1", currency="USD"
    )
    agents = User.objects.bulk_create(
        User(email=f"agent{n}@pactdesk.test", name=f"Agent {n}", role=Role.AGENT)
        for n in range(200)
    )
    Presence.objects.bulk_create(
        Presence(user=a, status=PresenceStatus.AVAILABLE, timezone="UTC", changed_at=NOW)
        for a in agents
    )
    agreements = []
    for n in range(50):
        client = client_create(
            name=f"Client {n}", slug=f"client-{n}", support_email=f"help@client-{n}.test", now=NOW
        )
        calendar = calendar_create(
            client=client, name="Office", spec={"timezone": "UTC", "hours": hours}
        )
        agreement = agreement_create(
            client=client,
            plan=dedicated if n < 5 else shared,
            start_date=NOW.date().replace(day=1),
            timezone="UTC",
            calendar=calendar,
            sla_policy=sla_policy_create_default_shared(client=client),
            seat_count=4 if n < 5 else 0,
        )
        agreements.append(agreement)
        if n < 5:
            for s, seat in enumerate(Seat.objects.filter(agreement=agreement).order_by("number")):
                Seat.objects.filter(pk=seat.pk).update(agent=agents[n * 4 + s])
    customers = Customer.objects.bulk_create(
        Customer(client=a.client, email=f"jo@client-{a.client_id}.test", created_at=NOW)
        for a in agreements
    )
    rng = random.Random(2026)
    rows = []
    for n in range(count):
        index = n % len(agreements)
        lodged = NOW - timedelta(minutes=rng.uniform(0, 24 * 60))
        rows.append(
            Ticket(
                client_id=agreements[index].client_id,
                agreement=agreements[index],
                customer=customers[index],
                subject=f"Ticket {n}",
                channel="api",
                status="new",
                lodged_at=lodged,
                updated_at=lodged,
                sla_next_due_at=NOW + timedelta(minutes=rng.uniform(-24 * 60, 3 * 24 * 60)),
            )
        )
        if len(rows) == 5000 or n == count - 1:
            made = Ticket.objects.bulk_create(rows)
            TicketEvent.objects.bulk_create(
                TicketEvent(client_id=t.client_id, ticket=t, at=t.lodged_at, kind=EventKind.LODGED)
                for t in made
            )
            rows = []
    print(
        f"{connection.vendor}: {count:,} open tickets, 200 agents, 50 clients built in "
        f"{time.perf_counter() - started:.1f} s"
    )
    return agents[20:]  # the pool (the first 20 hold the dedicated seats)


def press(agents: list, threads: int, presses: int) -> None:
    from django.db import connection

    from pactdesk.routing.services import queue_next

    start = threading.Barrier(threads)
    timings: list[float] = []
    taken: list[int] = []
    errors: list[BaseException] = []

    def run(agent) -> None:
        try:
            start.wait()
            for _ in range(presses):
                begun = time.perf_counter()
                ticket_id = queue_next(actor=agent, now=NOW)
                timings.append(time.perf_counter() - begun)
                if ticket_id is not None:
                    taken.append(ticket_id)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=run, args=(agents[n],)) for n in range(threads)]
    begun = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    wall = time.perf_counter() - begun
    if errors:
        raise errors[0]
    twice = [pk for pk, n in Counter(taken).items() if n > 1]
    print(
        f"next ticket, {threads} threads x {presses} presses: {_percentiles(timings)}, "
        f"{len(taken) / wall:,.0f} tickets handed out/s, handed out twice: {len(twice)}"
    )


def plans() -> None:
    """How the database finds the most urgent waiting ticket (pool, then a seat holder):
    SQLite's query plan, PostgreSQL's EXPLAIN ANALYZE (its own choice of index)."""
    from django.db import connection

    from pactdesk.agreements.models import Seat
    from pactdesk.routing.services.queue import picks

    explain = "EXPLAIN ANALYZE " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    dedicated = Seat.objects.filter(agent__isnull=False).values_list("client_id", flat=True)
    for who, client_id in (("pool", None), ("seat holder", dedicated.first())):
        sql, params = picks(client_id=client_id)[0]
        with connection.cursor() as cursor:
            cursor.execute(explain + sql, params)
            rows = [" ".join(str(part) for part in row) for row in cursor.fetchall()]
        print(f"plan of the {who}'s pick:\n    " + "\n    ".join(rows))


def floor(threads: int, presses: int) -> None:
    """The same threads running the cheapest write transaction there is (BEGIN, UPDATE
    one row of a one-row table, COMMIT): what this machine and database give any write
    under this concurrency, whatever the claim does."""
    from django.db import connection, transaction

    from pactdesk.platform.models import ReferenceStamp

    ReferenceStamp.objects.get_or_create(pk=1, defaults={"token": 0})
    start = threading.Barrier(threads)
    timings: list[float] = []

    def run() -> None:
        try:
            start.wait()
            for n in range(presses):
                begun = time.perf_counter()
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute("UPDATE platform_referencestamp SET token = %s", [n])
                timings.append(time.perf_counter() - begun)
        finally:
            connection.close()

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    print(f"floor (an empty write transaction, {threads} threads): {_percentiles(timings)}")


def work_list(agents: list) -> None:
    from pactdesk.desk.selectors import TicketFilter, ticket_list

    agent = agents[0]
    timings = []
    for _ in range(200):
        begun = time.perf_counter()
        list(
            ticket_list(
                actor=agent, filters=TicketFilter(assignee_id=agent.pk, open_only=True), now=NOW
            ).items
        )
        timings.append(time.perf_counter() - begun)
    print(f"work list (My tickets, {agent.name}): {_percentiles(timings)}")


def _percentiles(seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    return f"p50 {statistics.median(ms):.1f} ms, p99 {p99:.1f} ms"


if __name__ == "__main__":
    main()
