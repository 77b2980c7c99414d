"""The breach warning sweep over many open tickets (issue 11 §6, the sweep's part).

    .venv/bin/python bench/alerts_bench.py                  # 100,000 open tickets
    .venv/bin/python bench/alerts_bench.py --tickets 10000  # a quick look
    PACTDESK_BENCH_PG_URL=postgres://... .venv/bin/python bench/alerts_bench.py

Builds 50 shared clients (New York business hours, the default 30-minute and 4-hour
targets) in a fresh database (SQLite in a temporary folder, or the empty PostgreSQL
database of PACTDESK_BENCH_PG_URL), bulk-inserts open tickets with stored SLA state —
not through the desk, which would take an hour — whose due instants are spread from a
day ago to three days ahead, then times `sla_alerts_sweep`: the first sweep (which
sends every warning and escalation due) and then steady-state sweeps a minute apart,
each sending only what fell due in that minute, after the
first sweeps have sent the backlog of what was due at the start. Prints p50/p95 and the query count.
Target on the 2-core reference machine: a steady sweep under 1 s.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from _setup import django_on_throwaway_database

# Monday 2 March 2026, 15:00 UTC: 10:00 in New York, inside business hours.
NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--sweeps", type=int, default=10)
    args = parser.parse_args()
    django_on_throwaway_database("alerts-bench-")
    vendor = build(args.tickets)
    run(vendor, args.tickets, args.sweeps)


def build(count: int) -> str:
    from django.db import connection

    from pactdesk.accounts.models import Customer, Role
    from pactdesk.accounts.services import client_create, user_create
    from pactdesk.agreements.models import PlanKind
    from pactdesk.agreements.services import (
        agreement_create,
        calendar_create,
        plan_create,
        sla_policy_create_default_shared,
    )
    from pactdesk.desk.models import Ticket
    from pactdesk.desk.services.sla_state import sla_columns
    from pactdesk.domain.sla import Policy, TargetResult, TicketSla
    from pactdesk.domain.vocabulary import Metric, SlaState

    started = time.perf_counter()
    hours = {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
    plan = plan_create(
        code="shared", name="Shared", kind=PlanKind.SHARED, price="1200.00", currency="USD"
    )
    for n in range(20):
        user_create(
            email=f"agent{n}@pactdesk.test",
            name=f"Agent {n}",
            role=Role.AGENT,
            password=None,
            check_password=False,
        )
    user_create(
        email="manager@pactdesk.test",
        name="Manager",
        role=Role.MANAGER,
        password=None,
        check_password=False,
    )
    agreements = []
    for n in range(50):
        client = client_create(
            name=f"Client {n}", slug=f"client-{n}", support_email=f"help@client-{n}.test", now=NOW
        )
        calendar = calendar_create(
            client=client,
            name="Office",
            holiday_country="US",
            spec={"timezone": "America/New_York", "hours": hours},
        )
        agreements.append(
            agreement_create(
                client=client,
                plan=plan,
                start_date=NOW.date().replace(day=1),
                timezone="America/New_York",
                calendar=calendar,
                sla_policy=sla_policy_create_default_shared(client=client),
            )
        )
    customers = Customer.objects.bulk_create(
        Customer(client=a.client, email=f"jo@client-{a.client_id}.test", created_at=NOW)
        for a in agreements
    )
    targets = {t.metric: t for t in Policy.default_shared().targets}
    rng = random.Random(2026)
    rows = []
    for n in range(count):
        index = n % len(agreements)
        agreement = agreements[index]
        results = {}
        for metric in (Metric.FIRST_RESPONSE, Metric.EFFECTIVE_ANSWER):
            due = NOW + timedelta(minutes=rng.uniform(-24 * 60, 3 * 24 * 60))
            state = SlaState.RUNNING if due > NOW else SlaState.BREACHED
            met = metric == Metric.FIRST_RESPONSE and rng.random() < 0.6
            results[metric] = TargetResult(
                metric=metric,
                state=SlaState.MET if met else state,
                due_at=due,
                met_at=due - timedelta(minutes=5) if met else None,
                breached_at=due if state == SlaState.BREACHED and not met else None,
                used=timedelta(0),
                remaining=timedelta(0),
                applied=targets[metric],
            )
        sla = TicketSla(
            targets=results, priority="normal", status="open", valid=True, evaluated_at=NOW
        )
        rows.append(
            Ticket(
                client_id=agreement.client_id,
                agreement=agreement,
                customer=customers[index],
                subject=f"Ticket {n}",
                channel="api",
                status="open",
                lodged_at=NOW,
                updated_at=NOW,
                **sla_columns(sla),
            )
        )
        if len(rows) == 5000:
            Ticket.objects.bulk_create(rows)
            rows = []
    Ticket.objects.bulk_create(rows)
    print(
        f"{connection.vendor}: {count:,} open tickets of 50 clients built in "
        f"{time.perf_counter() - started:.1f} s"
    )
    return connection.vendor


def run(vendor: str, count: int, sweeps: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pactdesk.alerts.services import SweepResult, sla_alerts_sweep

    def timed(now: datetime) -> tuple[float, int, SweepResult]:
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = sla_alerts_sweep(now=now)
            elapsed = time.perf_counter() - started
        return elapsed, len(queries.captured_queries), result

    # The first sweeps send every alert already due (a sweep handles up to 5,000
    # tickets, so a backlog takes several): drained before the steady sweeps are timed.
    drain, total = [], 0
    while True:
        elapsed, queries, result = timed(NOW)
        drain.append(elapsed)
        if result.notifications == 0:
            break
        total += result.notifications
    print(
        f"backlog: {len(drain) - 1} sweeps sent {total:,} notifications in "
        f"{sum(drain):.1f} s; an empty sweep took {drain[-1] * 1000:.0f} ms"
    )
    times, counts = [], []
    for minute in range(1, sweeps + 1):
        elapsed, queries, result = timed(NOW + timedelta(minutes=minute))
        times.append(elapsed * 1000)
        counts.append(queries)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(
        f"steady sweeps ({sweeps}, a minute apart, {vendor}, {count:,} open tickets): "
        f"p50 {statistics.median(times):.0f} ms, p95 {p95:.0f} ms, "
        f"queries {min(counts)}-{max(counts)}; last {result}"
    )


if __name__ == "__main__":
    main()
