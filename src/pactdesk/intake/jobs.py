"""Periodic intake work: every minute, poll the clients' IMAP mailboxes (one poll at a
time across workers); every five minutes, tell admins of newly quarantined mail (at most
hourly); every night, prune raw mail past its retention."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from pactdesk.intake.polling import mailbox_poll_all
from pactdesk.intake.quarantine import quarantine_alert, raw_mail_prune_expired
from pactdesk.platform.clock import clock_now


@db_periodic_task(crontab(minute="*"))
@lock_task("intake-mailbox-poll")
def mailbox_poll_task() -> None:
    mailbox_poll_all(now=clock_now())


@db_periodic_task(crontab(minute="*/5"))
@lock_task("intake-quarantine-alert")
def quarantine_alert_task() -> None:
    quarantine_alert(now=clock_now())


@db_periodic_task(crontab(minute="23", hour="3"))
def raw_mail_prune_task() -> None:
    raw_mail_prune_expired(now=clock_now())
