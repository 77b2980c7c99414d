"""Periodic intake work: every minute, poll the clients' IMAP mailboxes (one poll at a
time across workers); every five minutes, tell admins of newly quarantined mail (at most
hourly); every night, prune raw mail past its retention."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from pactdesk.intake.polling import mailbox_poll_all
from pactdesk.intake.quarantine import quarantine_alert, raw_mail_prune_expired
from pactdesk.platform.clock import clock_now
from pactdesk.platform.job_names import queued_as


@db_periodic_task(crontab(minute="*"), **queued_as("pactdesk.intake.tasks.mailbox_poll_task"))
@lock_task("intake-mailbox-poll")
def mailbox_poll_job() -> None:
    mailbox_poll_all(now=clock_now())


@db_periodic_task(crontab(minute="*/5"), **queued_as("pactdesk.intake.tasks.quarantine_alert_task"))
@lock_task("intake-quarantine-alert")
def quarantine_alert_job() -> None:
    quarantine_alert(now=clock_now())


@db_periodic_task(
    crontab(minute="23", hour="3"), **queued_as("pactdesk.intake.tasks.raw_mail_prune_task")
)
def raw_mail_prune_job() -> None:
    raw_mail_prune_expired(now=clock_now())
