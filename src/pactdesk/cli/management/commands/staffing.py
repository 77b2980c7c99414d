"""`pactdesk staffing advise [--client SLUG] [--json]`,
`pactdesk staffing roster --week YYYY-Www [--csv FILE] [--time-limit S]`."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from pactdesk.accounts.models import User
from pactdesk.platform.clock import clock_now
from pactdesk.platform.errors import ApplicationError, ValidationFailed
from pactdesk.staffing.advice import (
    advice_agreement_get,
    dedicated_agreements,
    seat_advice_compute,
)
from pactdesk.staffing.error_codes import StaffingErrorCode
from pactdesk.staffing.formats import advice_as_dict, advice_table, roster_table
from pactdesk.staffing.rostering import DEFAULT_TIME_LIMIT, pool_roster_build, roster_view
from pactdesk.staffing.weeks import iso_week_parse


class Command(BaseCommand):
    help = (
        "Staffing. `staffing advise` prints each dedicated client's seat advice (or one "
        "client's with --client): predicted first-response times and attainment with the "
        "current seats, one fewer and one more, from its history, checked by simulation. "
        "`staffing roster --week 2026-W49` builds and stores the shared pool's roster of "
        "that ISO week and prints it (--csv FILE writes its shifts). Errors exit with "
        "status 2 and a stable code."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = parser.add_subparsers(dest="kind", required=True)
        advise = kinds.add_parser("advise", help="seat advice for dedicated clients")
        advise.add_argument("--client", help="one client's slug (default: every dedicated one)")
        advise.add_argument("--json", action="store_true", help="JSON for programs")
        roster = kinds.add_parser("roster", help="the shared pool's weekly roster")
        roster.add_argument("--week", required=True, help="ISO week, e.g. 2026-W49")
        roster.add_argument("--csv", help="write the shifts as CSV to this file")
        roster.add_argument(
            "--time-limit",
            type=float,
            default=DEFAULT_TIME_LIMIT,
            help=f"solver seconds (default {DEFAULT_TIME_LIMIT:g}); the best roster found",
        )

    def handle(self, *args: Any, kind: str, **options: Any) -> None:
        now = clock_now()
        if kind == "roster":
            week = iso_week_parse(text=options["week"])
            target = None if options["csv"] is None else _writable(options["csv"])
            with transaction.atomic():  # a CSV the system refuses stores no roster either
                built = pool_roster_build(week=week, now=now, time_limit=options["time_limit"])
                view = roster_view(stored=built.roster)
                if target is not None:
                    try:
                        target.write_text(view.csv(), encoding="utf-8")
                    except OSError as error:
                        raise _unwritable(target, error.strerror or str(error)) from None
            self.stdout.write(roster_table(view), ending="")
            return
        if options["client"] is not None:
            agreements = [
                advice_agreement_get(actor=_operator(), slug=options["client"], on=now.date())
            ]
        else:
            agreements = list(dedicated_agreements(on=now.date()))
        results: list[dict[str, object]] = []
        for agreement in agreements:
            try:
                advice = seat_advice_compute(agreement=agreement, now=now)
            except ApplicationError as error:
                if options["client"] is not None:
                    raise
                results.append({"client": agreement.client.slug, "error": str(error.code)})
                if not options["json"]:
                    self.stdout.write(f"{agreement.client.slug}: {error.code}: {error.message}\n")
                continue
            results.append(advice_as_dict(advice))
            if not options["json"]:
                self.stdout.write(advice_table(advice), ending="")
        if options["json"]:
            self.stdout.write(json.dumps(results, indent=2))


def _writable(text: str) -> Path:
    """The CSV target, refused before minutes of solving when it plainly cannot be
    written. Errors: ValidationFailed `unwritable_file` (field csv)."""
    path = Path(text)
    if not text or path.is_dir():
        raise _unwritable(path, "it is a folder")
    folder = path.parent
    if not folder.is_dir():
        raise _unwritable(path, f"there is no folder {str(folder)!r}")
    if not os.access(folder, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise _unwritable(path, "permission denied")
    return path


def _unwritable(path: Path, why: str) -> ValidationFailed:
    return ValidationFailed(
        f"Cannot write the roster's CSV to {str(path)!r}: {why}.",
        code=StaffingErrorCode.UNWRITABLE_FILE,
        field="csv",
    )


def _operator() -> User:
    """The command line acts as the provider: every client is visible (never saved)."""
    return User(email="cli@pactdesk.invalid", role="admin", is_active=True)
