from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.module_loading import autodiscover_modules


def jobs_load() -> None:
    """Import every installed app's `jobs` module, which registers its jobs with Huey.

    Huey's `run_huey` imports the apps' `tasks` modules; ours are called `jobs` (a task
    is work a client gives its technician), so the worker loads them itself. Web
    processes import a job module only where they enqueue its job."""
    autodiscover_modules("jobs")


class Command(BaseCommand):
    help = "Run the background worker (a Huey consumer with periodic jobs)."
    # The system checks import the whole URLconf (every view and API schema), which
    # would then stay in this long-running process; `pactdesk serve` runs them once in
    # a short-lived `pactdesk check` before starting its children.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--workers", type=int, default=2, help="worker threads")

    def handle(self, *args: Any, workers: int, **options: Any) -> None:
        jobs_load()
        call_command("run_huey", workers=workers, worker_type="thread", verbosity=1)
