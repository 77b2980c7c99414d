"""Billing in the background: the billing run, every hour at minute 5."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from pactdesk.billing.gateway import gateway_configured
from pactdesk.billing.services.run import billing_run
from pactdesk.platform.clock import clock_now
from pactdesk.platform.job_names import queued_as


@db_periodic_task(crontab(minute="5"), **queued_as("pactdesk.billing.jobs.billing_run_job"))
def billing_run_job() -> None:
    billing_run(now=clock_now(), gateway=gateway_configured())
