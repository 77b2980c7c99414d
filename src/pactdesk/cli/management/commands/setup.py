from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from pactdesk.platform.services import planner_statistics_refresh


class Command(BaseCommand):
    help = "Migrate, collect static files, and load the demo data into an empty database."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-demo", action="store_true")

    def handle(self, *args: Any, no_demo: bool, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write("Database migrated, static files collected.")
        if not no_demo:
            call_command("demo", stdout=self.stdout)
        planner_statistics_refresh()  # the demo's tables, planned with statistics
