"""Reading seat-advice notices (light: the pages import it with the URLconf)."""

from __future__ import annotations

from datetime import datetime

from pactdesk.accounts.models import User
from pactdesk.staffing.models import StaffingNotice


def staffing_notice_mark_read(*, actor: User, now: datetime) -> int:
    """Mark the actor's unread staffing notices read; how many."""
    return StaffingNotice.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=now)
