"""Attainment reports at volume: one client's month and the provider-wide summary.

    .venv/bin/python bench/report_bench.py                    # 1,000,000 tickets, SQLite
    .venv/bin/python bench/report_bench.py --tickets 200000   # a quicker look
    PACTDESK_BENCH_PG_URL=postgres://... .venv/bin/python bench/report_bench.py --pg

Builds 50 clients on shared plans (office hours in their own time zones); one of them
holds `--tickets` tickets spread evenly over the 12.5 months before the report month's
end (80,000 in the measured month at 1,000,000), the 49 others 2,000 each. The rows are
bulk-inserted with their stored SLA columns filled as the desk fills them (met 88%,
breached late 6%, breached unanswered 3%, running 3%; 2% invalid), not through the API.
Then it times `attainment_report` (with and without the per-agent figures) for the big
client's month and `provider_summary` for the same month, `--runs` times each, and
prints p50/p95 and the query count. It asserts nothing. Targets on the 2-core machine:
the client's monthly report < 300 ms, the provider summary < 1 s.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
ZONES = ["America/New_York", "Europe/London", "Asia/Kolkata", "Australia/Sydney", "UTC"]
MONTH = "2026-10"
MONTH_END = datetime(2026, 11, 1, tzinfo=UTC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--others", type=int, default=2_000, help="tickets per other client")
    parser.add_argument(
        "--span-days",
        type=int,
        default=380,
        help="days over which the big client's tickets spread (ending with "
        "the report month); 380 puts 8%% of them in the month",
    )
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--pg", action="store_true", help="PostgreSQL at PACTDESK_BENCH_PG_URL")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="report-bench-"))
    os.environ["PACTDESK_VAR_DIR"] = str(workdir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "pactdesk.config.settings"
    if args.pg:
        os.environ["PACTDESK_DATABASE_URL"] = os.environ["PACTDESK_BENCH_PG_URL"]
    else:
        os.environ["PACTDESK_DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    big, count = build(
        tickets=args.tickets, others=args.others, span=timedelta(days=args.span_days)
    )
    print(
        f"built {count:,} tickets in {time.perf_counter() - started:.0f} s "
        f"({'PostgreSQL' if args.pg else 'SQLite'})"
    )
    measure(big, runs=args.runs)


def build(*, tickets: int, others: int, span: timedelta):
    from django.db import connection, transaction

    from pactdesk.accounts.models import Customer
    from pactdesk.accounts.services import client_create, user_create
    from pactdesk.agreements.models import PlanKind
    from pactdesk.agreements.services import (
        agreement_create,
        calendar_create,
        plan_create,
        sla_policy_create_default_shared,
    )

    now = datetime(2026, 1, 1, tzinfo=UTC)
    hours = {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
    plan = plan_create(
        code="shared", name="Shared", kind=PlanKind.SHARED, price="1.00", currency="USD"
    )
    agents = [
        user_create(
            email=f"agent{i}@bench.test", name=f"Agent {i}", role="agent", password="x" * 12
        )
        for i in range(20)
    ]
    rng = random.Random(2026)
    made, total = [], 0
    for index in range(50):
        client = client_create(
            name=f"Client {index}",
            slug=f"client-{index}",
            support_email=f"support@client-{index}.test",
            now=now,
        )
        zone = ZONES[index % len(ZONES)]
        calendar = calendar_create(
            client=client,
            name="Office",
            spec={"timezone": zone, "hours": {**hours, "sat": [], "sun": []}},
        )
        agreement = agreement_create(
            client=client,
            plan=plan,
            start_date=date(2025, 1, 1),
            timezone=zone,
            calendar=calendar,
            sla_policy=sla_policy_create_default_shared(client=client),
        )
        customer = Customer.objects.create(
            client=client, email=f"jo@client-{index}.test", name="Jo", created_at=now
        )
        size = tickets if index == 0 else others
        with transaction.atomic():
            total += insert(
                agreement, customer, agents, size, rng, span if index == 0 else timedelta(days=380)
            )
        made.append(client)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return made[0], total


def insert(agreement, customer, agents, size, rng, span) -> int:
    from pactdesk.desk.models import Ticket

    first = MONTH_END - span
    batch = []
    for n in range(size):
        lodged = first + span * (n + rng.random()) / size
        batch.append(ticket_row(agreement, customer, rng.choice(agents), lodged, rng))
        if len(batch) == 5000:
            Ticket.objects.bulk_create(batch)
            batch = []
    if batch:
        Ticket.objects.bulk_create(batch)
    return size


def ticket_row(agreement, customer, agent, lodged, rng):
    from pactdesk.desk.models import Ticket

    roll = rng.random()
    valid = roll >= 0.02
    row = Ticket(
        client_id=agreement.client_id,
        agreement=agreement,
        customer=customer,
        subject="Bench",
        channel="email",
        status="closed",
        priority="normal",
        assignee=agent,
        is_valid=valid,
        invalid_reason="" if valid else "spam",
        lodged_at=lodged,
        updated_at=lodged,
        sla_evaluated_at=lodged,
    )
    for metric, target in (("first_response", 30), ("effective_answer", 240)):
        kind = rng.random()
        due = lodged + timedelta(minutes=target)
        state, met_at, open_used = "met", None, None
        if not valid:
            state = "not_applicable"
        elif kind < 0.88:
            open_used = timedelta(seconds=rng.randint(60, target * 60))
            met_at = lodged + open_used * rng.choice((1, 1, 3))
        elif kind < 0.94:
            state = "breached"
            open_used = timedelta(seconds=rng.randint(target * 60, target * 180))
            met_at = lodged + open_used * 2
        elif kind < 0.97:
            state = "breached"
        else:
            state, due = "running", MONTH_END + timedelta(hours=1)
        setattr(row, f"sla_{metric}_state", state)
        setattr(row, f"sla_{metric}_due_at", None if state == "not_applicable" else due)
        setattr(row, f"sla_{metric}_met_at", met_at)
        setattr(row, f"sla_{metric}_open", open_used)
        setattr(row, f"sla_{metric}_wall", None if met_at is None else met_at - lodged)
    return row


def measure(big, *, runs: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pactdesk.desk.models import Ticket
    from pactdesk.reports.periods import period_spec_parse
    from pactdesk.reports.selectors import attainment_report, provider_summary

    spec = period_spec_parse(month=MONTH, first=None, last=None, today=MONTH_END.date())
    now = MONTH_END + timedelta(days=3)
    report = attainment_report(client=big, spec=spec, now=now)
    in_month = Ticket.objects.filter(
        agreement=report.agreement,
        lodged_at__gte=report.period.start,
        lodged_at__lt=report.period.end,
    ).count()
    print(
        f"{big.name}'s {MONTH}: {in_month:,} tickets ({report.tickets:,} valid); "
        f"first response {report.targets[0].percent:.2f}%, "
        f"budget {report.targets[0].breach_budget}"
    )
    cases = {
        "client month report": lambda: attainment_report(client=big, spec=spec, now=now),
        "client month report + per agent": lambda: attainment_report(
            client=big, spec=spec, now=now, by_agent=True
        ),
        "provider summary (50 clients)": lambda: provider_summary(spec=spec, now=now),
    }
    print(f"{'case':<34} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for name, run in cases.items():
        with CaptureQueriesContext(connection) as queries:
            run()
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            run()
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
        print(
            f"{name:<34} {statistics.median(timings):>8.1f} {p95:>8.1f} "
            f"{len(queries.captured_queries):>8}"
        )


if __name__ == "__main__":
    main()
