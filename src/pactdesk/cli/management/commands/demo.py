from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from pactdesk.cli.demo import DEMO_PASSWORD, demo_is_loaded, demo_load, demo_logins
from pactdesk.cli.demo_history import HISTORY_WEEKS, history_load
from pactdesk.platform.clock import clock_now


class Command(BaseCommand):
    help = "Load the deterministic demo data (only into an empty database) and print logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--weeks", type=int, default=HISTORY_WEEKS, help="weeks of ticket history"
        )
        parser.add_argument("--seed", type=int, default=2026, help="seed of the history")

    def handle(self, *args: Any, weeks: int, seed: int, **options: Any) -> None:
        if weeks < 0:
            raise CommandError("--weeks must be 0 or more")
        if demo_is_loaded():
            self.stdout.write("The database already holds data; the demo was not loaded.")
        else:
            with transaction.atomic():
                demo_load()
                lodged = history_load(now=clock_now(), weeks=weeks, seed=seed) if weeks else 0
            self.stdout.write(
                self.style.SUCCESS(f"Demo data loaded, with {lodged} tickets of history.")
            )
        print_logins(self.stdout)


def print_logins(out: Any) -> None:
    out.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for login in demo_logins():
        suffix = f"  ({login.client})" if login.client else ""
        out.write(f"  {login.role:<14} {login.email}{suffix}")
