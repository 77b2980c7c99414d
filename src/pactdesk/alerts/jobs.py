"""Alerts in the background: the breach warning sweep, every minute."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from pactdesk.alerts.services import sla_alerts_sweep
from pactdesk.platform.clock import clock_now
from pactdesk.platform.job_names import queued_as


@db_periodic_task(crontab(minute="*"), **queued_as("pactdesk.alerts.jobs.sla_alerts_sweep_job"))
def sla_alerts_sweep_job() -> None:
    sla_alerts_sweep(now=clock_now())
