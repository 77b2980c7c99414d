"""Intake through the REST API: lodging throughput and latency, list pages at depth,
and the memory of the server's process tree, on SQLite and (when one is available)
PostgreSQL.

    .venv/bin/python bench/intake_bench.py            # 10,000 tickets, 100,000 rows
    .venv/bin/python bench/intake_bench.py --quick    # 1,000 tickets, 10,000 rows

The server is `pactdesk serve`, the whole tree `make run` starts (the supervisor,
gunicorn's master and workers, the Huey worker, the SMTP mail receiver), in a fresh
PACTDESK_VAR_DIR; acknowledgements are delivered by the worker to an SMTP sink the
bench runs. `--web-only` starts `serve --no-worker --no-mail-receiver` instead (the
web server alone: acknowledgements are stored and enqueued, not delivered), as the
figures before the memory work were taken. Before lodging it times the floor: an
authenticated POST refused at validation, i.e. what the HTTP server, Django, Ninja and
the key lookup cost before any lodging work. PostgreSQL: PACTDESK_BENCH_PG_URL (an
empty database), else a throw-away cluster started from /usr/lib/postgresql/*/bin as
user postgres.

Memory: every process of the tree is sampled 5 times a second from /proc: RSS, and
from smaps_rollup PSS (shared pages divided among the processes sharing them) and USS
(pages of that process alone). RSS counts a page shared by three processes three
times; PSS sums to what the tree really occupies.
This prints figures; it asserts nothing. Targets on the 2-core reference machine:
>= 500 tickets/s with 8 clients on SQLite and p99 < 100 ms; list page p95 < 30 ms at
100,000 tickets; the whole tree under 300 MiB.
"""

from __future__ import annotations

import argparse
import glob
import http.client
import json
import os
import shutil
import smtplib
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CLI = [PYTHON, "-m", "pactdesk.cli.main"]
PAGE_SAMPLES = 300


# ---------------------------------------------------------------- set-up steps (children)


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pactdesk.config.settings")
    import django

    django.setup()


def step_tenant() -> None:
    """A client on a shared plan (office hours, New York) and a client API key."""
    _django()
    from datetime import date

    from pactdesk.accounts.services import client_create
    from pactdesk.agreements.models import PlanKind
    from pactdesk.agreements.services import (
        agreement_create,
        calendar_create,
        plan_create,
        sla_policy_create_default_shared,
    )
    from pactdesk.api.services import api_key_create
    from pactdesk.platform.clock import clock_now

    now = clock_now()
    client = client_create(name="Bench", slug="bench", support_email="support@bench.test", now=now)
    hours = {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
    calendar = calendar_create(
        client=client,
        name="Office",
        holiday_country="US",
        spec={"timezone": "America/New_York", "hours": {**hours, "sat": [], "sun": []}},
    )
    plan = plan_create(
        code="bench-shared", name="Shared", kind=PlanKind.SHARED, price="1200.00", currency="USD"
    )
    agreement_create(
        client=client,
        plan=plan,
        start_date=date(now.year - 1, 1, 1),
        timezone="America/New_York",
        calendar=calendar,
        sla_policy=sla_policy_create_default_shared(client=client),
    )
    print(api_key_create(now=now, client_slug="bench", name="bench").secret)


def step_fill(total: int) -> None:
    """Bulk rows up to `total` tickets: a data fixture for the list measurement, written
    with bulk_create (not through the lodging path that is measured)."""
    _django()
    from datetime import timedelta

    from pactdesk.accounts.models import Client, Customer
    from pactdesk.agreements.models import Agreement
    from pactdesk.desk.models import Ticket
    from pactdesk.platform.clock import clock_now

    client = Client.objects.get(slug="bench")
    agreement = Agreement.objects.get(client=client)
    now = clock_now()
    missing = total - Ticket.objects.count()
    customers = Customer.objects.bulk_create(
        Customer(client=client, email=f"fill{i}@bench.test", created_at=now) for i in range(1000)
    )
    statuses = ["new", "open", "waiting", "solved", "closed"]
    batch: list[Ticket] = []
    for i in range(max(missing, 0)):
        at = now - timedelta(days=120) + timedelta(seconds=i * 60)
        status = statuses[i % 5]
        batch.append(
            Ticket(
                client=client,
                agreement=agreement,
                customer=customers[i % 1000],
                subject=f"Filled ticket {i}",
                channel="email",
                status=status,
                priority=("low", "normal", "high")[i % 3],
                lodged_at=at,
                updated_at=at,
                sla_first_response_state="met",
                sla_effective_answer_state="running",
                sla_effective_answer_due_at=at + timedelta(hours=4),
                sla_next_due_at=at + timedelta(hours=4) if status != "closed" else None,
                sla_detail={
                    "first_response": {
                        "state": "met",
                        "due_at": None,
                        "met_at": None,
                        "breached_at": None,
                        "used_seconds": 60.0,
                        "remaining_seconds": 1740.0,
                        "target": None,
                    }
                },
                sla_evaluated_at=at,
            )
        )
        if len(batch) == 5000:
            Ticket.objects.bulk_create(batch)
            batch = []
    Ticket.objects.bulk_create(batch)
    # PostgreSQL in service has planner statistics (autovacuum analyses a table within
    # about a minute of a bulk load); give the fixture the same. SQLite gets none, as
    # in service.
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(Ticket.objects.count())


# ---------------------------------------------------------------- the parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout.strip()


ROLES = ("supervisor", "gunicorn master", "web worker", "worker", "mail receiver")


def _tree(root_pid: int) -> tuple[set[int], dict[int, int]]:
    """The pids of `root_pid` and its descendants, and every process's parent."""
    parents: dict[int, int] = {}
    for stat in glob.glob("/proc/[0-9]*/stat"):
        with suppress(OSError, ValueError, IndexError):
            fields = Path(stat).read_text().rsplit(")", 1)[1].split()
            parents[int(stat.split("/")[2])] = int(fields[1])
    tree, frontier = {root_pid}, {root_pid}
    while frontier:
        frontier = {pid for pid, ppid in parents.items() if ppid in frontier} - tree
        tree |= frontier
    return tree, parents


def tree_cpu_seconds(root_pid: int) -> float:
    """CPU time (user + system) the processes of the tree have used so far."""
    ticks = 0
    for pid in _tree(root_pid)[0]:
        with suppress(OSError, ValueError, IndexError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def tree_memory(root_pid: int) -> dict[int, tuple[str, float, float, float]]:
    """Each process of the tree under `root_pid` (the `serve` supervisor, included):
    {pid: (role, RSS, PSS, USS)} in MiB, from /proc (smaps_rollup)."""
    tree, parents = _tree(root_pid)
    found = {}
    for pid in tree:
        with suppress(OSError, ValueError):
            kb = {}
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
                key, value = line.split(":", 1)
                kb[key] = int(value.split()[0])
            argv = Path(f"/proc/{pid}/cmdline").read_text().split("\0")
            uss = kb["Private_Clean"] + kb["Private_Dirty"]
            role = _role(pid, argv, root_pid, parents)
            found[pid] = (role, kb["Rss"] / 1024, kb["Pss"] / 1024, uss / 1024)
    return found


def _role(pid: int, argv: list[str], root_pid: int, parents: dict[int, int]) -> str:
    if pid == root_pid:
        return "supervisor"
    if "gunicorn" in argv:
        return "gunicorn master" if parents.get(pid) == root_pid else "web worker"
    if "worker" in argv:
        return "worker"
    return "mail receiver" if "mail-receiver" in argv else "other"


class Memory:
    """Peaks of the tree's summed RSS and PSS, and of each role's."""

    def __init__(self) -> None:
        self.rss = self.pss = self.uss = 0.0
        self.processes = 0
        self.roles: dict[str, tuple[int, float, float]] = {}  # role: (count, RSS, PSS)

    def add(self, sample: dict[int, tuple[str, float, float, float]]) -> None:
        rows = sample.values()
        self.rss = max(self.rss, sum(rss for _, rss, _, _ in rows))
        if sum(pss for _, _, pss, _ in rows) > self.pss:
            self.pss = sum(pss for _, _, pss, _ in rows)
            self.uss = sum(uss for _, _, _, uss in rows)
        self.processes = max(self.processes, len(sample))
        for role in {role for role, _, _, _ in rows}:
            mine = [(rss, pss) for name, rss, pss, _ in rows if name == role]
            count, rss, pss = self.roles.get(role, (0, 0.0, 0.0))
            self.roles[role] = (
                max(count, len(mine)),
                max(rss, max(r for r, _ in mine)),
                max(pss, max(p for _, p in mine)),
            )

    def lines(self) -> list[str]:
        head = (
            f"  memory peak, whole tree ({self.processes} processes): {self.rss:.0f} MiB RSS,"
            f" {self.pss:.0f} MiB PSS (USS {self.uss:.0f} MiB)"
        )
        parts = []
        for role in [*ROLES, "other"]:
            if role in self.roles:
                count, rss, pss = self.roles[role]
                many = f"{count} x " if count > 1 else ""
                parts.append(f"{role} {many}{rss:.0f} / {pss:.0f}")
        return [head, "    per process, peak RSS / PSS MiB: " + ", ".join(parts)]


class SmtpSink:
    """An SMTP server on 127.0.0.1 that accepts and drops mail (the worker's relay)."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        class Drop:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd calls it by this name
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Drop(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


class Server:
    """`pactdesk serve` (with `web_only`: `--no-worker --no-mail-receiver`) in its own
    process group; the memory of its tree sampled 5x a second."""

    def __init__(self, env: dict[str, str], opts: argparse.Namespace, log: Path) -> None:
        self.port, self.mail_port = free_port(), free_port()
        self.log = log.open("w")
        command = [
            *CLI,
            "serve",
            "--port",
            str(self.port),
            "--mail-port",
            str(self.mail_port),
            "--workers",
            str(opts.workers),
            "--threads",
            str(opts.threads),
        ]
        if opts.web_only:
            command += ["--no-worker", "--no-mail-receiver"]
        self.process = subprocess.Popen(
            command,
            env=env,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.memory, self._stop = Memory(), threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._wait_ready()
        self._sampler.start()

    def _wait_ready(self) -> None:
        for _ in range(300):
            with suppress(OSError):
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/api/openapi.json")
                if conn.getresponse().status == 200:
                    return
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise SystemExit(f"the server did not start; see {self.log.name}")

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.memory.add(tree_memory(self.process.pid))
            time.sleep(0.2)

    def stop(self) -> None:
        self._stop.set()
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, 2)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, 9)
            self.process.wait()
        self.log.close()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def lodge(
    port: int, secret: str, count: int, clients: int, *, floor: bool = False
) -> dict[str, float]:
    """`count` POST /api/tickets over `clients` keep-alive connections, one thread each.
    With `floor`, the body lacks its `body` field: the server authenticates the key,
    validates, and answers 422 without lodging, which is what the HTTP server, Django,
    Ninja and the key lookup cost before any lodging work."""
    expected = 422 if floor else 201
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    run_id = uuid.uuid4().hex[:8]

    def worker(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        for n in range(index, count, clients):
            body = json.dumps(
                {
                    "customer_email": f"c{n % 500}@shop.test",
                    "customer_name": "C",
                    "subject": f"Order {n} has not arrived",
                    "body": "Hello, my order has not arrived yet. " * 8,
                }
            )
            if floor:
                body = json.dumps({"customer_email": "c@shop.test", "subject": "no body"})
            headers = {
                "Authorization": f"Bearer {secret}",
                "Content-Type": "application/json",
                "Idempotency-Key": f"{run_id}-{n}",
            }
            started = time.perf_counter()
            conn.request("POST", "/api/tickets", body, headers)
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            if response.status != expected:
                with lock:
                    failures.append(str(response.status))
        conn.close()
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        print(f"    ! {len(failures)} requests failed: {sorted(set(failures))}")
    return {
        "rate": count / elapsed,
        "p50": percentile(latencies, 0.5) * 1000,
        "p99": percentile(latencies, 0.99) * 1000,
    }


def mail(port: int, count: int) -> dict[str, float]:
    """`count` messages to the bench client's support address over one SMTP connection
    to the mail receiver, each a new ticket."""
    latencies: list[float] = []
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
        for n in range(count):
            message = (
                f"From: m{n % 50}@shop.test\r\nTo: support@bench.test\r\n"
                f"Subject: Parcel {n} is late\r\nMessage-ID: <{uuid.uuid4().hex}@shop.test>"
                "\r\n\r\nHello, my parcel has not arrived yet.\r\n"
            )
            sent = time.perf_counter()
            smtp.sendmail(f"m{n % 50}@shop.test", ["support@bench.test"], message)
            latencies.append(time.perf_counter() - sent)
    elapsed = time.perf_counter() - started
    return {
        "rate": count / elapsed,
        "p50": percentile(latencies, 0.5) * 1000,
        "p99": percentile(latencies, 0.99) * 1000,
    }


def list_pages(port: int, secret: str, total: int) -> dict[str, float]:
    """First page again and again; then the whole list walked by cursor (50 a page),
    the deepest pages timed; a breaching-soon page and a filtered page."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {secret}"}

    def get(path: str) -> tuple[float, dict[str, Any]]:
        started = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = json.loads(response.read())
        if response.status != 200:
            raise SystemExit(f"GET {path}: {response.status} {body}")
        return time.perf_counter() - started, body

    def timed(path: str) -> list[float]:
        return [get(path)[0] for _ in range(PAGE_SAMPLES)]

    first = timed("/api/tickets?limit=50")
    status = timed("/api/tickets?limit=50&status=open&client=bench")
    breaching = timed("/api/tickets?limit=50&breaching_within_minutes=60")
    walk: list[float] = []
    cursor, seen = None, 0
    while True:
        took, page = get("/api/tickets?limit=50" + (f"&cursor={cursor}" if cursor else ""))
        walk.append(took)
        seen += len(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    conn.close()
    deep = walk[int(len(walk) * 0.9) :]
    if seen != total:
        print(f"    ! the cursor walk saw {seen} tickets of {total}")
    return {
        "first": percentile(first, 0.95) * 1000,
        "status": percentile(status, 0.95) * 1000,
        "breaching": percentile(breaching, 0.95) * 1000,
        "walk": percentile(walk, 0.95) * 1000,
        "deep": percentile(deep, 0.95) * 1000,
        "pages": len(walk),
    }


def measure(server: Server, secret: str, env: dict[str, str], opts: argparse.Namespace) -> None:
    """Floor, lodging, mail (the whole tree only) and list figures, printed as they come."""
    tree = (
        "the web server alone"
        if opts.web_only
        else "the whole tree: supervisor, gunicorn, worker, mail receiver"
    )
    print(
        f"\n{opts.database}: pactdesk serve, {tree}; gunicorn {opts.workers} workers x "
        f"{opts.threads} threads, {opts.tickets:,} tickets per run"
    )
    for clients in (1, 8):
        got = lodge(server.port, secret, opts.tickets, clients, floor=True)
        print(
            f"  floor, {clients} client{'s' if clients > 1 else ' '}: "
            f"{got['rate']:7.1f} requests/s  p50 {got['p50']:6.1f} ms   "
            f"p99 {got['p99']:6.1f} ms   (refused at validation)"
        )
    for clients in (1, 8):
        cpu = tree_cpu_seconds(server.process.pid)
        got = lodge(server.port, secret, opts.tickets, clients)
        cpu = tree_cpu_seconds(server.process.pid) - cpu
        print(
            f"  lodge, {clients} client{'s' if clients > 1 else ' '}: "
            f"{got['rate']:7.1f} tickets/s   p50 {got['p50']:6.1f} ms   "
            f"p99 {got['p99']:6.1f} ms   server CPU {cpu * 1000 / opts.tickets:.2f} ms/ticket"
        )
    if not opts.web_only:
        count = max(opts.tickets // 10, 10)
        got = mail(server.mail_port, count)
        print(
            f"  mail, 1 client:  {got['rate']:7.1f} messages/s  p50 {got['p50']:6.1f} ms"
            f"   p99 {got['p99']:6.1f} ms   ({count:,} through the mail receiver)"
        )
    if opts.no_list:
        return
    total = int(run([PYTHON, __file__, "_fill", str(opts.rows)], env).splitlines()[-1])
    got = list_pages(server.port, secret, total)
    print(
        f"  list at {total:,} tickets (p95): first page {got['first']:.1f} ms, "
        f"status+client {got['status']:.1f} ms, breaching soon {got['breaching']:.1f} ms,"
        f" cursor walk of {got['pages']:,} pages {got['walk']:.1f} ms, "
        f"deepest 10% {got['deep']:.1f} ms"
    )


def bench_database(name: str, extra_env: dict[str, str], opts: argparse.Namespace) -> None:
    opts.database = name
    var = Path(tempfile.mkdtemp(prefix=f"pd-bench-{name}-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PACTDESK_")}
    env.update(extra_env, PACTDESK_VAR_DIR=str(var), PACTDESK_LOG_LEVEL="WARNING")
    sink = None if opts.web_only else SmtpSink()
    if sink is not None:
        env["PACTDESK_SMTP_URL"] = f"smtp://127.0.0.1:{sink.port}"
    try:
        run([*CLI, "setup", "--no-demo"], env)
        secret = run([PYTHON, __file__, "_tenant"], env).splitlines()[-1]
        server = Server(env, opts, var / "server.log")
        try:
            measure(server, secret, env, opts)
        finally:
            server.stop()
        for line in server.memory.lines():
            print(line)
        print("  load average after: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    finally:
        if sink is not None:
            sink.stop()
        shutil.rmtree(var, ignore_errors=True)


@contextmanager
def postgres() -> Any:
    """PACTDESK_BENCH_PG_URL, or a throw-away cluster like .ci/run starts; None if neither."""
    url = os.environ.get("PACTDESK_BENCH_PG_URL")
    if url:
        yield url
        return
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    if not bins or os.geteuid() != 0 or not shutil.which("runuser"):
        yield None
        return
    pg_bin, work = bins[-1], Path(tempfile.mkdtemp(prefix="pd-bench-pg-"))
    work.chmod(0o755)
    port = free_port()

    def as_postgres(*args: str) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *args],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    data = work / "data"
    data.mkdir()
    shutil.chown(data, "postgres")
    as_postgres(f"{pg_bin}/initdb", "-D", str(data), "-U", "pactdesk", "--auth=trust", "-E", "UTF8")
    as_postgres(
        f"{pg_bin}/pg_ctl",
        "-D",
        str(data),
        "-l",
        str(data / "server.log"),
        "-w",
        "-o",
        f"-h 127.0.0.1 -p {port} -k {data}",
        "start",
    )
    try:
        as_postgres(
            f"{pg_bin}/createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "pactdesk", "pactdesk"
        )
        yield f"postgres://pactdesk@127.0.0.1:{port}/pactdesk"
    finally:
        as_postgres(f"{pg_bin}/pg_ctl", "-D", str(data), "-m", "fast", "stop")
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] in ("_tenant", "_fill"):
        step_tenant() if sys.argv[1] == "_tenant" else step_fill(int(sys.argv[2]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000 tickets, 10,000 rows")
    parser.add_argument("--tickets", type=int, help="tickets lodged per run (default 10,000)")
    parser.add_argument("--rows", type=int, help="tickets in the database when listing")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (serve's default)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (default 4)")
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--no-list", action="store_true", help="lodging figures only")
    parser.add_argument(
        "--web-only",
        action="store_true",
        help="serve --no-worker --no-mail-receiver: the web server alone",
    )
    opts = parser.parse_args()
    opts.tickets = opts.tickets or (1_000 if opts.quick else 10_000)
    opts.rows = opts.rows or (10_000 if opts.quick else 100_000)
    print(
        f"Intake benchmark: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
        "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())
    )
    if opts.only in (None, "sqlite"):
        bench_database("SQLite", {}, opts)
    if opts.only in (None, "postgresql"):
        with postgres() as url:
            if url is None:
                print("\nPostgreSQL: skipped: no PostgreSQL")
            else:
                bench_database("PostgreSQL", {"PACTDESK_DATABASE_URL": url}, opts)


if __name__ == "__main__":
    main()
