"""Desk work in the background: SLA state that changes with time alone, auto-close,
and the portal's sign-in link mail."""

from __future__ import annotations

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from pactdesk.desk.services import ticket_auto_close, ticket_sla_sweep
from pactdesk.desk.services.portal_mail import portal_link_mail
from pactdesk.platform.clock import clock_now
from pactdesk.platform.job_names import queued_as


@db_periodic_task(crontab(minute="*"), **queued_as("pactdesk.desk.tasks.ticket_sla_sweep_task"))
def ticket_sla_sweep_job() -> None:
    ticket_sla_sweep(now=clock_now())


@db_periodic_task(crontab(minute="7"), **queued_as("pactdesk.desk.tasks.ticket_auto_close_task"))
def ticket_auto_close_job() -> None:
    ticket_auto_close(now=clock_now(), days=settings.PACTDESK_AUTO_CLOSE_DAYS)


@db_task(**queued_as("pactdesk.desk.tasks.portal_link_mail_task"))
def portal_link_mail_job(client_id: int, email: str) -> None:
    """Queued by the portal's "mail me a link" after its answer (see
    `portal_link_mail`)."""
    portal_link_mail(client_id=client_id, email=email, now=clock_now())
