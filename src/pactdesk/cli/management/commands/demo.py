from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from pactdesk.cli.demo import DEMO_PASSWORD, demo_is_loaded, demo_load, demo_logins
from pactdesk.cli.demo_billing import billing_demo_load
from pactdesk.cli.demo_history import HISTORY_WEEKS, history_load
from pactdesk.cli.demo_work import work_demo_load
from pactdesk.platform.clock import clock_now
from pactdesk.platform.errors import ApplicationError
from pactdesk.reports.monthly import demo_months_build
from pactdesk.staffing.rostering import pool_roster_build
from pactdesk.staffing.services import seat_advice_refresh_all
from pactdesk.staffing.weeks import week_monday


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
                now = clock_now()
                lodged = history_load(now=now, weeks=weeks, seed=seed) if weeks else 0
                work_demo_load(now=now, seed=seed)
                billing_demo_load(now=now)
            self.stdout.write(
                self.style.SUCCESS(f"Demo data loaded, with {lodged} tickets of history.")
            )
            if weeks:
                self.stdout.write(demo_staffing())
                self.stdout.write(demo_monthly_reports(weeks=weeks))
        print_logins(self.stdout)


def print_logins(out: Any) -> None:
    out.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for login in demo_logins():
        suffix = f"  ({login.client})" if login.client else ""
        out.write(f"  {login.role:<14} {login.email}{suffix}")


def demo_staffing() -> str:
    """Seat advice from the history (announced, as the daily job would) and this week's
    pool roster, so the staffing pages have something to show."""
    now = clock_now()
    advice = seat_advice_refresh_all(now=now)
    try:
        built = pool_roster_build(week=week_monday(now=now), now=now)
    except ApplicationError as error:
        return f"Seat advice for {advice.computed} client(s); no roster: {error.code}."
    return (
        f"Seat advice for {advice.computed} client(s); this week's pool roster: "
        f"{len(built.roster.shifts)} shifts, {built.roster.uncovered} agent-hours uncovered."
    )


def demo_monthly_reports(*, weeks: int) -> str:
    """The monthly reports of the history's ended months, as the worker would have
    built them on each 1st (else a client's report page shows none until the next
    hourly run, and the missed month only by hand)."""
    built = demo_months_build(now=clock_now(), since=clock_now() - timedelta(weeks=weeks))
    return f"Monthly reports built: {built} (the history's months that have ended)."
