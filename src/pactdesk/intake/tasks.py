"""Every minute, poll the clients' IMAP mailboxes (one poll at a time across workers)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from pactdesk.intake.polling import mailbox_poll_all
from pactdesk.platform.clock import clock_now


@db_periodic_task(crontab(minute="*"))
@lock_task("intake-mailbox-poll")
def mailbox_poll_task() -> None:
    mailbox_poll_all(now=clock_now())
