from __future__ import annotations

import logging
import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand

from pactdesk.intake.smtp import IntakeHandler, receiver_controller


class Command(BaseCommand):
    help = "Receive mail for the clients' support addresses over SMTP (until Ctrl-C)."
    # The system checks import the whole URLconf, which would then stay in this
    # long-running process; `pactdesk serve` runs them once in a short-lived
    # `pactdesk check` before starting its children.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
        parser.add_argument("--port", type=int, default=2525, help="port to listen on")

    def handle(self, *args: Any, host: str, port: int, **options: Any) -> None:
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every line
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        handler = IntakeHandler()
        controller = receiver_controller(handler=handler, host=host, port=port)
        controller.start()
        self.stdout.write(f"mail receiver listening on {host}:{port}", ending="\n")
        self.stdout.flush()
        try:
            stop.wait()
        finally:
            controller.stop()
            handler.close()
            self.stdout.write("mail receiver stopped")
