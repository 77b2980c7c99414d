"""`pactdesk serve` end to end: gunicorn and the worker start, /healthz turns healthy
once the worker has beaten, the login page is served, and SIGINT stops both."""

from __future__ import annotations

import json
import os
import signal
import smtplib
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests.smtp import free_port

pytestmark = pytest.mark.slow


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def smtp_noop(port: int) -> int:
    for _ in range(50):
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=5) as smtp:
                return smtp.noop()[0]
        except OSError:
            time.sleep(0.2)
    return 0


def test_serve_answers_and_stops_cleanly_on_ctrl_c(tmp_path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PACTDESK_")}
    env["PACTDESK_VAR_DIR"] = str(tmp_path)
    cli = [sys.executable, "-m", "pactdesk.cli.main"]
    subprocess.run([*cli, "setup", "--no-demo"], env=env, check=True, capture_output=True)
    port, mail_port = free_port(), free_port()
    server = subprocess.Popen(
        [*cli, "serve", "--port", str(port), "--workers", "1", "--mail-port", str(mail_port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        status, body = 0, b""
        for _ in range(100):
            try:
                status, body = fetch(f"http://127.0.0.1:{port}/healthz")
            except OSError:
                status = 0
            if status == 200:
                break
            time.sleep(0.2)
        assert status == 200, body
        assert json.loads(body)["worker_heartbeat_age_seconds"] < 60
        login_status, login = fetch(f"http://127.0.0.1:{port}/login/")
        assert login_status == 200
        assert b"Log in" in login
        css_status, _ = fetch(f"http://127.0.0.1:{port}/static/web/desk.css")
        assert css_status == 200
        assert smtp_noop(mail_port) == 250  # the mail receiver runs beside the web server
    finally:
        server.send_signal(signal.SIGINT)
        output, _ = server.communicate(timeout=30)
    assert server.returncode == 0, output
    assert f"Pactdesk is serving at http://127.0.0.1:{port}/" in output
    assert "Pactdesk stopped." in output
    assert "Consumer exiting" in output
    assert "mail receiver stopped" in output


def test_the_supervisor_loads_neither_django_nor_the_app() -> None:
    # Given `pactdesk serve` run in a fresh interpreter up to its option checks
    probe = (
        "import sys\n"
        "from pactdesk.cli.main import main\n"
        "try:\n"
        "    main(['serve', '--port', '0'])\n"
        "except SystemExit as exit:\n"
        "    print(exit.code)\n"
        "heavy = ('django', 'huey', 'gunicorn', 'numpy', 'holidays', 'ninja', 'pydantic')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(heavy)))\n"
        "print(sorted(m for m in sys.modules if m.startswith('pactdesk.')))\n"
    )
    # When it refuses the port
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    # Then it has refused it as the Django command did, having imported only itself
    assert done.stderr == "CommandError: --port 0 is not a TCP port\n"
    assert done.stdout.splitlines() == [
        "1",
        "[]",
        "['pactdesk.cli', 'pactdesk.cli.main', 'pactdesk.cli.serve']",
    ]
