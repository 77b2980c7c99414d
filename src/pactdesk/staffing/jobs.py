"""Staffing in the background: seat advice every day (announced when it changes, at
most once a week per client), and next week's pool roster every Sunday evening.

Both are safe to run twice: a fresh advice is reused and the notice week is a unique
key; a week's roster is rebuilt in place (one row per week)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from pactdesk.platform.clock import clock_now
from pactdesk.platform.job_names import queued_as
from pactdesk.staffing.weeks import week_monday


@db_periodic_task(
    crontab(minute="15", hour="5"), **queued_as("pactdesk.staffing.jobs.seat_advice_job")
)
def seat_advice_job() -> None:
    from pactdesk.staffing.services import seat_advice_refresh_all  # NumPy, SimPy: lazy

    seat_advice_refresh_all(now=clock_now())


@db_periodic_task(
    crontab(minute="0", hour="18", day_of_week="0"),
    **queued_as("pactdesk.staffing.jobs.pool_roster_job"),
)
def pool_roster_job() -> None:
    from pactdesk.staffing.rostering import pool_roster_build  # OR-Tools: lazy

    now = clock_now()
    pool_roster_build(week=week_monday(now=now, ahead=1), now=now)
