from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the background worker (a Huey consumer with periodic tasks)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--workers", type=int, default=2, help="worker threads")

    def handle(self, *args: Any, workers: int, **options: Any) -> None:
        call_command("run_huey", workers=workers, worker_type="thread", verbosity=1)
