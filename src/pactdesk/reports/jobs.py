"""Reports in the background: each client's monthly report, built on its 1st.

The job runs every hour, at seven past (UTC), because clients' months begin at
different instants: each one's month ends at midnight in its agreement's time zone
(New York, Kolkata, London...). `monthly_reports_due` builds the reports of months that
have ended and are not stored yet, so the first run after a client's midnight builds
it, a run missed while the worker was down is caught up by the next, and every other
run finds nothing to do."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from pactdesk.platform.clock import clock_now
from pactdesk.platform.job_names import queued_as
from pactdesk.reports.monthly import monthly_reports_due


@db_periodic_task(
    crontab(minute="7"), **queued_as("pactdesk.reports.jobs.monthly_reports_build_job")
)
def monthly_reports_build_job() -> None:
    monthly_reports_due(now=clock_now())
