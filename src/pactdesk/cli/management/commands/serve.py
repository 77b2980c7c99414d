"""`serve` as a Django management command, for `call_command` and `pactdesk help`.

The `pactdesk` console command does not come here: it runs `pactdesk.cli.serve`
without loading Django (see that module). This command runs the same supervisor.
"""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand

from pactdesk.cli.serve import serve_arguments, serve_run


class Command(BaseCommand):
    help = "Serve the desk with gunicorn and run the background worker beside it."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        serve_arguments(parser)

    def handle(self, *args: Any, **opts: Any) -> None:
        serve_run(argparse.Namespace(**opts))
