"""Platform jobs: the worker heartbeat, beaten at start-up and every minute; the query
planner's statistics, refreshed at start-up and every night (SQLite)."""

from __future__ import annotations

import socket

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, on_startup, periodic_task

from pactdesk.platform.clock import clock_now
from pactdesk.platform.job_names import queued_as
from pactdesk.platform.services import heartbeat_record, planner_statistics_refresh

WORKER_NAME = f"huey@{socket.gethostname()}"


@on_startup()
def heartbeat_on_startup() -> None:
    heartbeat_record(name=WORKER_NAME, now=clock_now())
    planner_statistics_refresh()


@periodic_task(crontab(minute="*"), **queued_as("pactdesk.platform.tasks.heartbeat"))
def heartbeat() -> None:
    heartbeat_record(name=WORKER_NAME, now=clock_now())


@db_periodic_task(
    crontab(minute="17", hour="3"), **queued_as("pactdesk.platform.jobs.planner_statistics_job")
)
def planner_statistics_job() -> None:
    """Tables grow: refresh SQLite's planner statistics nightly (~0.1 s at a million
    tickets with `analysis_limit`)."""
    planner_statistics_refresh()
