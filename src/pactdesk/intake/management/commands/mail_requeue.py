from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pactdesk.intake.models import QuarantinedMail, QuarantineStatus
from pactdesk.intake.quarantine import quarantine_reprocess, quarantine_reprocess_all
from pactdesk.platform.clock import clock_now


class Command(BaseCommand):
    help = (
        "Re-process mail held in quarantine once its cause is fixed: one entry by id "
        "(Q-12 or 12), or --all held entries. Each lodges exactly once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("entry", nargs="?", help="the entry's id, e.g. 12 or Q-12")
        parser.add_argument("--all", action="store_true", help="every held entry")

    def handle(self, *args: Any, **options: Any) -> None:
        entry, every = options["entry"], options["all"]
        if bool(entry) == bool(every):
            raise CommandError("give one entry id or --all")
        if every:
            entries = quarantine_reprocess_all(now=clock_now())
            if not entries:
                self.stdout.write("no mail is held in quarantine")
        else:
            text = entry.upper().removeprefix("Q-")
            if not text.isdigit():
                raise CommandError(f"{entry!r} is not an entry id (like 12 or Q-12)")
            entries = [quarantine_reprocess(entry_id=int(text), now=clock_now())]
        failed = 0
        for done in entries:
            self.stdout.write(_line(done))
            failed += done.status == QuarantineStatus.HELD
        if failed:
            raise CommandError(f"{failed} entr{'y' if failed == 1 else 'ies'} still held")


def _line(entry: QuarantinedMail) -> str:
    if entry.status == QuarantineStatus.HELD:
        return f"Q-{entry.pk}: still held ({entry.error_code}): {entry.error}"
    return f"Q-{entry.pk}: re-processed: {entry.result}"
