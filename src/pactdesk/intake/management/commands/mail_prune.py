from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from pactdesk.intake.quarantine import raw_mail_prune_expired
from pactdesk.platform.clock import clock_now


class Command(BaseCommand):
    help = (
        "Delete raw inbound mail older than PACTDESK_RAW_MAIL_RETENTION_DAYS (0 keeps it "
        "forever); mail held in quarantine is kept. The worker runs this nightly."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        days = settings.PACTDESK_RAW_MAIL_RETENTION_DAYS
        if days <= 0:
            self.stdout.write("PACTDESK_RAW_MAIL_RETENTION_DAYS is 0: raw mail is kept forever")
            return
        pruned = raw_mail_prune_expired(now=clock_now())
        self.stdout.write(f"{pruned} raw mail(s) older than {days} days pruned")
