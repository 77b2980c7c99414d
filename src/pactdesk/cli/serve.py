"""`pactdesk serve`: gunicorn (static files by WhiteNoise), a Huey consumer and the SMTP
mail receiver, each a child process, supervised by a small process.

The supervisor imports neither Django nor the app: it parses its options, runs Django's
system checks in a short-lived `pactdesk check` (the long-running children skip them:
they import the whole URLconf, which would stay resident), starts the children with
`subprocess` and waits. Only the children load Django (the web server once, before it
forks its workers: `pactdesk.config.gunicorn`), so the supervisor stays at the size of
a bare interpreter. Database set-up is `pactdesk setup`'s work, not this.

Ctrl-C or SIGTERM stops them all; if one dies the others are stopped too and the
command exits 1, so a supervisor above can restart the set. Bad options exit 2.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence

STOP_GRACE_SECONDS = 10
GUNICORN_CONFIG = "python:pactdesk.config.gunicorn"


class ServeError(Exception):
    """The set could not be started or a child stopped unexpectedly (exit 1)."""


def serve_arguments(parser: argparse.ArgumentParser) -> None:
    """Add serve's options to `parser` (this module's own, or the management command's)."""
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--no-worker", action="store_true", help="do not start Huey")
    parser.add_argument(
        "--mail-port", type=int, default=2525, help="port of the SMTP mail receiver (on --host)"
    )
    parser.add_argument(
        "--no-mail-receiver", action="store_true", help="do not start the SMTP mail receiver"
    )


def serve_commands(opts: argparse.Namespace) -> list[list[str]]:
    """The children's command lines: gunicorn first, then the worker and the receiver.

    Raises:
        ServeError: a port outside 1-65535, or fewer than one worker or thread.
    """
    for flag in ("port", "mail_port"):
        value = getattr(opts, flag)
        if not 0 < value < 65536:
            raise ServeError(f"--{flag.replace('_', '-')} {value} is not a TCP port")
    if opts.workers < 1 or opts.threads < 1:
        raise ServeError("--workers and --threads must be at least 1")
    gunicorn = [
        *(sys.executable, "-m", "gunicorn", "pactdesk.config.wsgi:application"),
        *("--config", GUNICORN_CONFIG),
        *("--bind", f"{opts.host}:{opts.port}"),
        *("--workers", str(opts.workers), "--threads", str(opts.threads)),
    ]
    commands = [gunicorn]
    pactdesk = [sys.executable, "-m", "pactdesk.cli.main"]
    if not opts.no_worker:
        commands.append([*pactdesk, "worker"])
    if not opts.no_mail_receiver:
        host, port = opts.host, str(opts.mail_port)
        commands.append([*pactdesk, "mail-receiver", "--host", host, "--port", port])
    return commands


def serve_main(argv: Sequence[str]) -> None:
    """`pactdesk serve` with `argv` (the options after `serve`): run until stopped."""
    parser = argparse.ArgumentParser(
        prog="pactdesk serve",
        description="Serve the desk with gunicorn and run the background worker beside it.",
    )
    serve_arguments(parser)
    # The options every Django command takes that mean something here.
    parser.add_argument("--settings", help="settings module of the children (a Python path)")
    parser.add_argument("--pythonpath", help="a directory to add to the children's PYTHONPATH")
    parser.add_argument("--skip-checks", action="store_true", help="skip the system checks")
    parser.add_argument("--no-color", action="store_true", help="do not colour the output")
    parser.add_argument("--force-color", action="store_true", help="colour the output")
    opts = parser.parse_args(argv)
    if opts.settings:
        os.environ["DJANGO_SETTINGS_MODULE"] = opts.settings
    if opts.pythonpath:
        paths = [opts.pythonpath, os.environ.get("PYTHONPATH", "")]
        os.environ["PYTHONPATH"] = os.pathsep.join(path for path in paths if path)
    serve_run(opts)


def serve_run(opts: argparse.Namespace) -> None:
    """Start the children of `opts` (serve's options) and supervise them until stopped.

    Exits 1 (SystemExit) on bad options or when a child stopped unexpectedly.
    """
    try:
        commands = serve_commands(opts)
        if not getattr(opts, "skip_checks", False):
            serve_check()
    except ServeError as error:
        sys.stderr.write(f"CommandError: {error}\n")
        raise SystemExit(1) from None
    children = [subprocess.Popen(command) for command in commands]
    url = f"http://{opts.host}:{opts.port}/"
    _say(f"Pactdesk is serving at {url}  (Ctrl-C stops it)", bold_green=_colour(opts))
    if not opts.no_mail_receiver:
        _say(f"Mail to the clients' support addresses: smtp://{opts.host}:{opts.mail_port}")
    try:
        serve_supervise(children)
    except ServeError as error:
        sys.stderr.write(f"CommandError: {error}\n")
        raise SystemExit(1) from None


def serve_check() -> None:
    """Django's system checks, in a child that exits when done: warnings are passed on
    (stderr), the "no issues" line is not, as when serve itself ran them.

    Raises:
        ServeError: a check failed (its report is printed first).
    """
    command = [sys.executable, "-m", "pactdesk.cli.main", "check"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    sys.stderr.write(done.stderr)
    if done.returncode != 0:
        sys.stdout.write(done.stdout)
        raise ServeError("the system checks failed; nothing was started")


def serve_supervise(children: list[subprocess.Popen[bytes]]) -> None:
    """Wait until SIGINT/SIGTERM or a child exits, then stop every child (SIGTERM, then
    SIGKILL after the grace period).

    Raises:
        ServeError: a child stopped on its own with a non-zero status.
    """
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
        raise ServeError("a child process stopped unexpectedly; everything was stopped")
    _say("Pactdesk stopped.")


def _say(text: str, *, bold_green: bool = False) -> None:
    """Print a line (flushed: the children write to the same terminal)."""
    sys.stdout.write(f"\x1b[32;1m{text}\x1b[0m\n" if bold_green else f"{text}\n")
    sys.stdout.flush()


def _colour(opts: argparse.Namespace) -> bool:
    """Whether to colour as Django's `style.SUCCESS` would: a terminal that takes it."""
    if opts.no_color or os.environ.get("DJANGO_COLORS") == "nocolor":
        return False
    return bool(opts.force_color) or (sys.stdout.isatty() and os.environ.get("TERM") != "dumb")
