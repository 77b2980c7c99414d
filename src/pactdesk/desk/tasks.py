"""Periodic desk work: SLA state that changes with time alone, and auto-close."""

from __future__ import annotations

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from pactdesk.desk.services import ticket_auto_close, ticket_sla_sweep
from pactdesk.platform.clock import clock_now


@db_periodic_task(crontab(minute="*"))
def ticket_sla_sweep_task() -> None:
    ticket_sla_sweep(now=clock_now())


@db_periodic_task(crontab(minute="7"))
def ticket_auto_close_task() -> None:
    ticket_auto_close(now=clock_now(), days=settings.PACTDESK_AUTO_CLOSE_DAYS)
