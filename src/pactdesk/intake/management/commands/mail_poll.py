from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from pactdesk.intake.polling import mailbox_poll_all
from pactdesk.platform.clock import clock_now


class Command(BaseCommand):
    help = "Poll every active IMAP mailbox once (the worker does this every minute)."

    def handle(self, *args: Any, **options: Any) -> None:
        results = mailbox_poll_all(now=clock_now())
        for mailbox_id, result in results.items():
            line = f"mailbox {mailbox_id}: {result.taken} taken"
            if result.errors:
                line += f", errors: {'; '.join(result.errors)}"
            self.stdout.write(line)
        if not results:
            self.stdout.write("no active mailboxes")
