"""Platform jobs: the worker heartbeat, beaten at start-up and every minute."""

from __future__ import annotations

import socket

from huey import crontab
from huey.contrib.djhuey import on_startup, periodic_task

from pactdesk.platform.clock import clock_now
from pactdesk.platform.job_names import queued_as
from pactdesk.platform.services import heartbeat_record

WORKER_NAME = f"huey@{socket.gethostname()}"


@on_startup()
def heartbeat_on_startup() -> None:
    heartbeat_record(name=WORKER_NAME, now=clock_now())


@periodic_task(crontab(minute="*"), **queued_as("pactdesk.platform.tasks.heartbeat"))
def heartbeat() -> None:
    heartbeat_record(name=WORKER_NAME, now=clock_now())
