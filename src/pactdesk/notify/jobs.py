"""Delivery jobs: one for the mails a web process queued together, plus a sweep every
minute that retries whatever is due (so a mail queued while no worker ran, or whose
job was lost, still goes)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from pactdesk.notify.services import mail_deliver, outbox_due_ids
from pactdesk.platform.clock import clock_now
from pactdesk.platform.job_names import queued_as


@db_task(**queued_as("pactdesk.notify.tasks.outbox_deliver_task"))
def outbox_deliver_job(*mail_ids: int) -> None:
    for mail_id in mail_ids:
        mail_deliver(mail_id=mail_id, now=clock_now())


@db_periodic_task(crontab(minute="*"), **queued_as("pactdesk.notify.tasks.outbox_sweep_task"))
def outbox_sweep_job() -> None:
    now = clock_now()
    for mail_id in outbox_due_ids(now=now):
        mail_deliver(mail_id=mail_id, now=now)
