from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from pactdesk.cli.demo import DEMO_PASSWORD, demo_is_loaded, demo_load, demo_logins


class Command(BaseCommand):
    help = "Load the deterministic demo data (only into an empty database) and print logins."

    def handle(self, *args: Any, **options: Any) -> None:
        if demo_is_loaded():
            self.stdout.write("The database already holds data; the demo was not loaded.")
        else:
            demo_load()
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        print_logins(self.stdout)


def print_logins(out: Any) -> None:
    out.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for login in demo_logins():
        suffix = f"  ({login.client})" if login.client else ""
        out.write(f"  {login.role:<14} {login.email}{suffix}")
