"""Attainment reports and the warning sweep at volume (issue 11 §6).

    .venv/bin/python bench/report_bench.py                      # 1,000,000 tickets, SQLite
    .venv/bin/python bench/report_bench.py --tickets 100000     # a quicker look
    PACTDESK_BENCH_PG_URL=postgres://... .venv/bin/python bench/report_bench.py --pg

Builds 50 clients on shared plans (office hours in five time zones); one of them holds
`--tickets` tickets spread evenly over the `--span-days` days before the report month's
end (80,000 in the month at 1,000,000), the 49 others `--others` each over 380 days.
The rows are bulk-loaded column-wise (`_ticket_load.py`) with their stored SLA columns
filled as the desk fills them (per metric: met 88%, breached late 6%, breached
unanswered 3%, running 3%; 2% of tickets invalid), not through the API. Then
`--open` more open tickets, spread over the 50 clients, with clocks due from a day ago
to three days ahead of the sweep's instant (the rules of `alerts_bench.py`).

The database is kept: SQLite at `--db` (default /tmp/pactdesk-report-bench.sqlite3),
PostgreSQL at PACTDESK_BENCH_PG_URL; a later run with the same build options reuses it
(and applies any new migration to it), `--rebuild` starts afresh.

It times, `--runs` times each after one warm-up, and prints p50/p95, the query count
and the load average: the big client's monthly report (alone and by agent), the
provider-wide summary, a floor (plain counts over the month's rows), then the warning
sweep (the backlog due at the start is sent first, then `--sweeps` sweeps a minute
apart are timed), all inside one transaction that is rolled back, so the kept database
is unchanged. It asserts nothing. Targets on the 2-core machine: the client's monthly
report < 300 ms, the provider summary < 1 s, a sweep < 1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from _ticket_load import (
    BREACHED,
    MET,
    NOT_APPLICABLE,
    RUNNING,
    US,
    Chunk,
    Clock,
    detail_matches_desk,
    micros,
    ticket_load,
)

ZONES = ["America/New_York", "Europe/London", "Asia/Kolkata", "Australia/Sydney", "UTC"]
MONTH = "2026-10"
MONTH_END = datetime(2026, 11, 1, tzinfo=UTC)
# Monday 2 November 2026, 15:00 UTC: 10:00 in New York, 15:00 in London (open).
SWEEP_AT = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
TARGETS = {"first_response": 30 * 60, "effective_answer": 4 * 3600}
CHUNK = 100_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--others", type=int, default=2_000, help="tickets per other client")
    parser.add_argument("--open", type=int, default=100_000, help="open tickets to sweep")
    parser.add_argument(
        "--span-days",
        type=int,
        default=380,
        help="days over which the big client's tickets spread (ending with "
        "the report month); 380 puts 8%% of them in the month",
    )
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--sweeps", type=int, default=10)
    parser.add_argument("--pg", action="store_true", help="PostgreSQL at PACTDESK_BENCH_PG_URL")
    parser.add_argument("--db", default="/tmp/pactdesk-report-bench.sqlite3")
    parser.add_argument("--rebuild", action="store_true", help="drop a kept database")
    parser.add_argument("--no-sweep", action="store_true")
    args = parser.parse_args()
    options = {k: getattr(args, k) for k in ("tickets", "others", "open", "span_days")}
    vendor = django_on_kept_database(args)
    from django.core.management import call_command

    kept = build_options()
    if kept != options or args.rebuild:
        print(f"emptying the kept database (built with {kept})")
        call_command("flush", interactive=False, verbosity=0)
        kept = None
    if kept is None:
        started = time.perf_counter()
        count = build(options)
        print(
            f"built {count:,} tickets in {time.perf_counter() - started:.0f} s ({vendor}; "
            f"load {load()})"
        )
    else:
        print(f"reusing the kept {vendor} database ({options})")
    measure(runs=args.runs)
    if not args.no_sweep:
        sweep(args.sweeps)


def django_on_kept_database(args: argparse.Namespace) -> str:
    folder = Path(args.db).parent / "pactdesk-report-bench-var"
    folder.mkdir(exist_ok=True)
    os.environ["PACTDESK_VAR_DIR"] = str(folder)
    os.environ["DJANGO_SETTINGS_MODULE"] = "pactdesk.config.settings"
    os.environ["PACTDESK_DATABASE_URL"] = (
        os.environ["PACTDESK_BENCH_PG_URL"] if args.pg else f"sqlite:///{args.db}"
    )
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_report_build (options TEXT)")
        if connection.vendor == "sqlite":
            # An index a new migration added to the kept database has no statistics
            # while the others have: SQLite's planner then misjudges it. Refresh them.
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone():
                cursor.execute(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND"
                    " tbl_name = 'desk_ticket' AND sql IS NOT NULL AND name NOT IN"
                    " (SELECT idx FROM sqlite_stat1 WHERE idx IS NOT NULL)"
                )
                if cursor.fetchone()[0]:
                    cursor.execute("ANALYZE desk_ticket")
    return "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"


def build_options() -> dict[str, int] | None:
    """The options the kept database was built with; None when it holds no build."""
    from django.db import connection

    from pactdesk.desk.models import Ticket

    with connection.cursor() as cursor:
        cursor.execute("SELECT options FROM bench_report_build")
        row = cursor.fetchone()
    if row is None or not Ticket.objects.exists():
        return None
    return json.loads(row[0])  # type: ignore[no-any-return]


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# -- the build -------------------------------------------------------------------------


def build(options: dict[str, int]) -> int:
    from django.db import connection

    agreements, customers, agents = parties()
    rng = np.random.default_rng(2026)
    span = timedelta(days=options["span_days"])

    def chunks() -> Iterator[Chunk]:
        for index, agreement in enumerate(agreements):
            size = options["tickets"] if index == 0 else options["others"]
            days = span if index == 0 else timedelta(days=380)
            for start in range(0, size, CHUNK):
                yield history_chunk(
                    rng,
                    ids=(agreement.client_id, agreement.pk, customers[index].pk),
                    agents=agents,
                    first=micros(MONTH_END - days),
                    span=days // timedelta(microseconds=1),
                    rows=range(start, min(size, start + CHUNK)),
                    size=size,
                )
        per_client = options["open"] // len(agreements)
        for index, agreement in enumerate(agreements):
            yield open_chunk(
                rng, ids=(agreement.client_id, agreement.pk, customers[index].pk), n=per_client
            )

    # The JSON written is the desk's own (checked on a sample of each kind of row).
    sample = np.random.default_rng(0)
    ids = (agreements[0].client_id, agreements[0].pk, customers[0].pk)
    first, whole = micros(MONTH_END - span), span // timedelta(microseconds=1)
    detail_matches_desk(
        history_chunk(
            sample, ids=ids, agents=agents, first=first, span=whole, rows=range(500), size=500
        ),
        rows=500,
    )
    detail_matches_desk(open_chunk(sample, ids=ids, n=500), rows=500)
    count = ticket_load(chunks())
    with connection.cursor() as cursor:
        # PostgreSQL: VACUUM too, so the visibility map lets index-only scans skip the
        # table (autovacuum does the same on a live desk).
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        cursor.execute("DELETE FROM bench_report_build")
        cursor.execute("INSERT INTO bench_report_build VALUES (%s)", [json.dumps(options)])
    return count


def parties() -> tuple[list[object], list[object], np.ndarray]:
    """50 clients with shared agreements, a customer each, 20 agents and a manager."""
    from pactdesk.accounts.models import Customer, Role
    from pactdesk.accounts.services import client_create, user_create
    from pactdesk.agreements.models import PlanKind
    from pactdesk.agreements.services import (
        agreement_create,
        calendar_create,
        plan_create,
        sla_policy_create_default_shared,
    )

    now = datetime(2025, 1, 1, tzinfo=UTC)
    hours = {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
    plan = plan_create(
        code="shared", name="Shared", kind=PlanKind.SHARED, price="1200.00", currency="USD"
    )
    agents = [
        user_create(
            email=f"agent{i}@bench.test",
            name=f"Agent {i}",
            role=Role.AGENT,
            password=None,
            check_password=False,
        ).pk
        for i in range(20)
    ]
    user_create(
        email="manager@bench.test",
        name="Manager",
        role=Role.MANAGER,
        password=None,
        check_password=False,
    )
    agreements, customers = [], []
    for index in range(50):
        client = client_create(
            name=f"Client {index:02}",
            slug=f"client-{index}",
            support_email=f"support@client-{index}.test",
            now=now,
        )
        zone = ZONES[index % len(ZONES)]
        calendar = calendar_create(
            client=client, name="Office", spec={"timezone": zone, "hours": hours}
        )
        agreements.append(
            agreement_create(
                client=client,
                plan=plan,
                start_date=date(2025, 1, 1),
                timezone=zone,
                calendar=calendar,
                sla_policy=sla_policy_create_default_shared(client=client),
            )
        )
        customers.append(
            Customer.objects.create(
                client=client, email=f"jo@client-{index}.test", name="Jo", created_at=now
            )
        )
    return agreements, customers, np.array(agents)


def history_chunk(
    rng: np.random.Generator,
    *,
    ids: tuple[int, int, int],
    agents: np.ndarray,
    first: int,
    span: int,
    rows: range,
    size: int,
) -> Chunk:
    """Tickets `rows` of `size` spread evenly from `first` over `span` (microseconds),
    closed unless a clock still runs."""
    n = len(rows)
    index = np.arange(rows.start, rows.stop)
    lodged = first + ((index + rng.random(n)) * span / size).astype(np.int64)
    valid = rng.random(n) >= 0.02
    clocks = {}
    for metric, target in TARGETS.items():
        kind = rng.random(n)
        state = np.select(
            [~valid, kind < 0.88, kind < 0.97], [NOT_APPLICABLE, MET, BREACHED], RUNNING
        )
        late = valid & (kind >= 0.88) & (kind < 0.94)
        answered = valid & (kind < 0.94)
        open_s = np.where(
            late, rng.integers(target, 3 * target + 1, n), rng.integers(60, target + 1, n)
        )
        factor = np.where(late, 2, rng.choice([1, 1, 3], n))
        late_due = micros(MONTH_END + timedelta(hours=1))
        due = np.where(state == RUNNING, late_due, lodged + target * US)
        clocks[metric] = Clock(
            target_seconds=target,
            state=state,
            due_at=np.where(state == NOT_APPLICABLE, -1, due),
            met_at=np.where(answered, lodged + open_s * factor * US, -1),
            breached_at=np.where(state == BREACHED, due, -1),
            open=np.where(answered, open_s * US, -1),
            used=np.select([answered, state == BREACHED], [open_s * US, 2 * target * US], 0),
        )
    running = np.zeros(n, dtype=bool)
    evaluated = lodged.copy()
    for clock in clocks.values():
        running |= clock.state == RUNNING
        evaluated = np.maximum(evaluated, clock.met_at)
    return Chunk(
        *ids,
        lodged_at=lodged,
        valid=valid,
        assignee_id=rng.choice(agents, n),
        status=np.where(running, "open", "closed"),
        clocks=clocks,
        evaluated_at=evaluated,
    )


def open_chunk(rng: np.random.Generator, *, ids: tuple[int, int, int], n: int) -> Chunk:
    """`n` unassigned open tickets lodged at the sweep's instant with clocks due from a
    day before to three days after it; 60% first-responded 5 minutes before due."""
    now = micros(SWEEP_AT)
    clocks = {}
    for metric, target in TARGETS.items():
        due = now + (rng.uniform(-24 * 60, 3 * 24 * 60, n) * 60 * US).astype(np.int64)
        met = (rng.random(n) < 0.6) if metric == "first_response" else np.zeros(n, bool)
        state = np.where(met, MET, np.where(due > now, RUNNING, BREACHED))
        met_at = np.where(met, due - 5 * 60 * US, -1)
        clocks[metric] = Clock(
            target_seconds=target,
            state=state,
            due_at=due,
            met_at=met_at,
            breached_at=np.where(state == BREACHED, due, -1),
            open=np.where(met, np.maximum(met_at - now, 0) // US * US, -1),
            used=np.zeros(n, dtype=np.int64),
        )
    return Chunk(
        *ids,
        lodged_at=np.full(n, now),
        valid=np.ones(n, dtype=bool),
        assignee_id=np.full(n, None, dtype=object),
        status=np.full(n, "open"),
        clocks=clocks,
        evaluated_at=np.full(n, now),
    )


# -- the measures ----------------------------------------------------------------------


def timed(name: str, run: Callable[[], object], runs: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        run()
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    print(
        f"{name:<34} {statistics.median(timings):>8.1f} {p95:>8.1f} "
        f"{len(queries.captured_queries):>8}   {load()}"
    )


def measure(*, runs: int) -> None:
    from django.db import connection

    from pactdesk.accounts.models import Client
    from pactdesk.reports.periods import period_spec_parse
    from pactdesk.reports.selectors import attainment_report, provider_summary

    big = Client.objects.get(slug="client-0")
    spec = period_spec_parse(month=MONTH, first=None, last=None, today=MONTH_END.date())
    now = MONTH_END + timedelta(days=3)
    report = attainment_report(client=big, spec=spec, now=now)
    month = (report.agreement.pk, report.period.start, report.period.end)
    # as the report reads them: through its covering index (whose condition this is)
    scope = "lodged_at IS NOT NULL AND agreement_id = %s AND lodged_at >= %s AND lodged_at < %s"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM desk_ticket WHERE {scope}", month)
        in_month = cursor.fetchone()[0]
    first = report.targets[0]
    print(
        f"{big.name}'s {MONTH}: {in_month:,} tickets ({report.tickets:,} valid); "
        f"first response {first.percent:.2f}%, p50 {first.open_time.p50}, "
        f"p90 {first.open_time.p90}, budget {first.breach_budget}"
    )

    def floor(sql: str) -> Callable[[], object]:
        def run() -> object:
            with connection.cursor() as cursor:
                cursor.execute(sql, month)
                return cursor.fetchall()

        return run

    cases = {
        "floor: count(*) of the month": floor(f"SELECT count(*) FROM desk_ticket WHERE {scope}"),
        "floor: count(one column)": floor(
            f"SELECT count(sla_first_response_open) FROM desk_ticket WHERE {scope}"
        ),
        "client month report": lambda: attainment_report(client=big, spec=spec, now=now),
        "client month report + per agent": lambda: attainment_report(
            client=big, spec=spec, now=now, by="agent"
        ),
        "provider summary (50 clients)": lambda: provider_summary(spec=spec, now=now),
    }
    print(f"{'case':<34} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}   load")
    for name, run in cases.items():
        timed(name, run, runs)


def sweep(sweeps: int) -> None:
    """The warning sweep at SWEEP_AT, inside a transaction rolled back at the end."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from pactdesk.alerts.services import sla_alerts_sweep

    with transaction.atomic():
        drain, sent = [], 0
        while True:
            started = time.perf_counter()
            result = sla_alerts_sweep(now=SWEEP_AT)
            drain.append(time.perf_counter() - started)
            sent += result.notifications
            if result.notifications == 0:
                break
        print(
            f"sweep backlog: {len(drain) - 1} sweeps sent {sent:,} notifications in "
            f"{sum(drain):.1f} s; an empty sweep took {drain[-1] * 1000:.0f} ms"
        )
        times, counts = [], []
        for minute in range(1, sweeps + 1):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                result = sla_alerts_sweep(now=SWEEP_AT + timedelta(minutes=minute))
                times.append((time.perf_counter() - started) * 1000)
            counts.append(len(queries.captured_queries))
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(
            f"{'steady sweep (a minute apart)':<34} {statistics.median(times):>8.1f} "
            f"{p95:>8.1f} {min(counts):>4}-{max(counts):<3}   {load()}   last {result}"
        )
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
