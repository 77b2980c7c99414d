"""`pactdesk serve`: gunicorn (static files by WhiteNoise), a Huey consumer and the SMTP
mail receiver.

All run as child processes; Ctrl-C or SIGTERM stops them all, and if one dies the
others are stopped too and the command exits non-zero, so a supervisor can restart
the set.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

STOP_GRACE_SECONDS = 10


class Command(BaseCommand):
    help = "Serve the desk with gunicorn and run the background worker beside it."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
        parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
        parser.add_argument("--no-worker", action="store_true", help="do not start Huey")
        parser.add_argument("--mail-port", type=int, default=2525,
                            help="port of the SMTP mail receiver (on --host)")  # fmt: skip
        parser.add_argument("--no-mail-receiver", action="store_true",
                            help="do not start the SMTP mail receiver")  # fmt: skip

    def handle(self, *args: Any, **opts: Any) -> None:
        for flag in ("port", "mail_port"):
            if not 0 < opts[flag] < 65536:
                raise CommandError(f"--{flag.replace('_', '-')} {opts[flag]} is not a TCP port")
        if opts["workers"] < 1 or opts["threads"] < 1:
            raise CommandError("--workers and --threads must be at least 1")
        children = [self._gunicorn(opts)]
        if not opts["no_worker"]:
            children.append(subprocess.Popen([sys.executable, "-m", "pactdesk.cli.main", "worker"]))
        if not opts["no_mail_receiver"]:
            receiver = ["mail-receiver", "--host", opts["host"], "--port", str(opts["mail_port"])]
            children.append(
                subprocess.Popen([sys.executable, "-m", "pactdesk.cli.main", *receiver])
            )
        url = f"http://{opts['host']}:{opts['port']}/"
        self.stdout.write(self.style.SUCCESS(f"Pactdesk is serving at {url}  (Ctrl-C stops it)"))
        if not opts["no_mail_receiver"]:
            mail = f"smtp://{opts['host']}:{opts['mail_port']}"
            self.stdout.write(f"Mail to the clients' support addresses: {mail}")
        self._supervise(children)

    def _gunicorn(self, opts: dict[str, Any]) -> subprocess.Popen[bytes]:
        command = [
            sys.executable, "-m", "gunicorn", "pactdesk.config.wsgi:application",
            "--bind", f"{opts['host']}:{opts['port']}",
            "--workers", str(opts["workers"]),
            "--threads", str(opts["threads"]),
            "--access-logfile", "-",
            "--graceful-timeout", str(STOP_GRACE_SECONDS),
        ]  # fmt: skip
        if os.path.isdir("/dev/shm"):
            # Workers touch a heartbeat file on every loop; on a disk (or overlay) file
            # system that syscall cost ~15 % of a busy worker. Gunicorn's advice: tmpfs.
            command += ["--worker-tmp-dir", "/dev/shm"]
        return subprocess.Popen(command)

    def _supervise(self, children: list[subprocess.Popen[bytes]]) -> None:
        stopping = False

        def stop(signum: int, _frame: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.2)
        failed = [child for child in children if child.poll() not in (None, 0)]
        for child in children:
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        if failed and not stopping:
            raise CommandError("a child process stopped unexpectedly; everything was stopped")
        self.stdout.write("Pactdesk stopped.")
