"""The shared pool's requirement for one week, from every shared client's history.

The pool's week runs Monday 00:00 to Sunday 24:00 in `POOL_TIMEZONE` (UTC: the desk's
clock; the agents' calendars show their shifts in it). For each shared agreement in
force: its history, the forecast of the week asked for (by hour of its local week,
raised by the forecast's held-out error) and its calendar, read at the middle of each
pool hour (so public holidays and daylight saving count, and a client in a half-hour
zone such as Asia/Kolkata falls in the right hour). `planning.pool_requirement_of`
does the rest. A shared client without history yet is still open: it needs someone
there (one agent whenever it is open) but brings no forecast arrivals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from django.db.models import Q, QuerySet

from pactdesk.agreements.models import Agreement, PlanKind
from pactdesk.agreements.selectors import agreement_calendar
from pactdesk.platform.errors import ValidationFailed
from pactdesk.staffing.advice import first_response_targets
from pactdesk.staffing.error_codes import StaffingErrorCode
from pactdesk.staffing.forecast import HORIZON, forecast
from pactdesk.staffing.history import client_history
from pactdesk.staffing.planning import (
    HOURS,
    PoolClient,
    PoolRequirement,
    Promise,
    Work,
    pool_requirement_of,
)
from pactdesk.staffing.weeks import POOL_TIMEZONE

# A client with no measured handle time yet: a typical first touch and two replies.
DEFAULT_WORK = Work(
    first_touch=timedelta(minutes=10), first_touch_cv=1.0, total_handle=timedelta(minutes=20)
)
DEFAULT_PROMISE = Promise(within=timedelta(minutes=30), goal=0.9)


@dataclass(frozen=True)
class PoolClientSource:
    """Where a client's figures came from, for the pages: weeks of history, the forecast's
    buffer (its held-out weekly error) and the expected tickets in the week."""

    slug: str
    name: str
    round_the_clock: bool
    weeks: int
    buffer: float
    tickets: float
    open_hours: int


@dataclass(frozen=True)
class PoolPlan:
    """The requirement of one pool week and what it was built from."""

    week: date
    timezone: str
    requirement: PoolRequirement
    sources: tuple[PoolClientSource, ...]


def shared_agreements(*, first: date, last: date) -> QuerySet[Agreement]:
    """The shared agreements of active clients in force at some point of [first, last]."""
    return (
        Agreement.objects.filter(
            plan__kind=PlanKind.SHARED, client__is_active=True, start_date__lte=last
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=first))
        .select_related("client", "plan", "calendar", "sla_policy")
        .prefetch_related("sla_policy__targets")
        .order_by("client__slug", "-start_date")
    )


def pool_plan(*, week: date, now: datetime) -> PoolPlan:
    """The pool's requirement for the week starting on Monday `week` (pool time zone).

    Raises:
        ValidationFailed: ``invalid_week`` when `week` is not a Monday; the planning
            checks' codes for a client's impossible figures.
    """
    if week.weekday() != 0:
        raise ValidationFailed(
            f"{week.isoformat()} is not a Monday.",
            code=StaffingErrorCode.INVALID_WEEK,
            field="week",
        )
    zone = ZoneInfo(POOL_TIMEZONE)
    start = datetime.combine(week, time(), zone)
    middles = [start + timedelta(hours=h, minutes=30) for h in range(HOURS)]
    clients, sources, seen = [], [], set()
    for agreement in shared_agreements(first=week, last=week + timedelta(days=6)):
        if agreement.client_id in seen:
            continue  # the latest agreement of the client
        seen.add(agreement.client_id)
        client, source = _pool_client(agreement=agreement, middles=middles, now=now)
        clients.append(client)
        sources.append(source)
    return PoolPlan(
        week=week,
        timezone=POOL_TIMEZONE,
        requirement=pool_requirement_of(clients=clients),
        sources=tuple(sources),
    )


def _pool_client(
    *, agreement: Agreement, middles: list[datetime], now: datetime
) -> tuple[PoolClient, PoolClientSource]:
    zone = ZoneInfo(agreement.timezone)
    years = range(middles[0].year - 1, middles[-1].year + 2)
    calendar = agreement_calendar(agreement=agreement, years=years)
    is_open = tuple(calendar.is_open(moment) for moment in middles)
    history = client_history(agreement=agreement, now=now)
    local = np.zeros(HOURS)
    buffer, work = 0.0, DEFAULT_WORK
    if history.tickets:
        predicted = forecast(history.weekly())
        last_monday = history.weeks[-1]
        first_local = middles[0].astimezone(zone).date()
        ahead = (first_local - last_monday).days // 7
        local = predicted.weeks[min(HORIZON, max(1, ahead)) - 1]
        buffer = predicted.buffer
        touch, total = history.first_touch[""], history.total_handle
        if touch.mean is not None and total.mean is not None:
            work = Work(touch.mean, touch.cv, total.mean)
    rates = []
    for moment in middles:
        at = moment.astimezone(zone)
        rates.append(float(local[at.weekday() * 24 + at.hour]) * (1 + buffer))
    promise = first_response_targets(agreement=agreement).get("", DEFAULT_PROMISE)
    client = PoolClient(
        name=agreement.client.slug,
        arrivals=tuple(rates),
        open=is_open,
        work=work,
        promise=promise,
    )
    source = PoolClientSource(
        slug=agreement.client.slug,
        name=agreement.client.name,
        round_the_clock=agreement.is_round_the_clock,
        weeks=len(history.weeks),
        buffer=buffer,
        tickets=sum(rates),
        open_hours=sum(is_open),
    )
    return client, source
