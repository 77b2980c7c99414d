"""Routing in the background: the routing sweep, every minute."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from pactdesk.platform.clock import clock_now
from pactdesk.platform.job_names import queued_as
from pactdesk.routing.services import routing_sweep


@db_periodic_task(crontab(minute="*"), **queued_as("pactdesk.routing.jobs.routing_sweep_job"))
def routing_sweep_job() -> None:
    routing_sweep(now=clock_now())
