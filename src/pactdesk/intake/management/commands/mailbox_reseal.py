from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from pactdesk.intake.services import mailbox_reseal_all


class Command(BaseCommand):
    help = (
        "Seal every IMAP mailbox password again under the current PACTDESK_SECRET_KEY "
        "(after a key rotation, before dropping the old key from the fallbacks)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = mailbox_reseal_all()
        self.stdout.write(f"{count} mailbox password{'s' if count != 1 else ''} sealed again")
