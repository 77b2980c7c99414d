"""What the dashboards read: the managers' view of every client now, and a client's
own live figures. Each is a fixed number of queries (see the tests' pins)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from pactdesk.accounts.models import STAFF_ROLES, User
from pactdesk.desk.models import Ticket
from pactdesk.desk.selectors import QueueDepth, TicketFilter, ticket_list, ticket_queue_depths
from pactdesk.reports.figures import TargetFigures
from pactdesk.reports.periods import PeriodSpec, period_spec_parse
from pactdesk.reports.selectors import ClientSummary, provider_summary

AT_RISK_WITHIN = timedelta(hours=2)
AT_RISK_SHOWN = 20
SIGNED_IN_WITHIN = timedelta(hours=12)
BUDGET_ALARM = 2  # a breach budget below this shows red


@dataclass(frozen=True)
class ManagerDashboard:
    spec: PeriodSpec
    clients: list[ClientSummary]
    at_risk: list[Ticket]
    depths: list[QueueDepth]
    signed_in: list[User]
    now: datetime


def target_alarm(figures: TargetFigures) -> bool:
    """Red on a dashboard: the goal is lost (attainment below it) or fewer than two
    more misses are allowed. A target with no ticket yet is not red: nothing is at
    stake (its budget is 0 only because there is nothing to miss)."""
    if figures.reached is False:
        return True
    return figures.counted > 0 and figures.breach_budget < BUDGET_ALARM


def manager_dashboard(*, actor: User, now: datetime) -> ManagerDashboard:
    """Every client's attainment this month per target (each in its own agreement's
    zone, as the provider summary), the tickets at risk now (breached or due within 2
    h, most urgent first), queue depth per client and the staff signed in lately (a
    log-in within 12 h: a cheap proxy for who is at work)."""
    spec = period_spec_parse(month=None, first=None, last=None, today=now.date())
    return ManagerDashboard(
        spec=spec,
        clients=provider_summary(spec=spec, now=now),
        at_risk=tickets_at_risk(actor=actor, now=now),
        depths=ticket_queue_depths(actor=actor, now=now, at_risk_within=AT_RISK_WITHIN),
        signed_in=staff_signed_in(now=now),
        now=now,
    )


def tickets_at_risk(*, actor: User, now: datetime) -> list[Ticket]:
    """The breached open tickets, then those with a clock due within `AT_RISK_WITHIN`,
    most urgent first, at most `AT_RISK_SHOWN` of each (two queries)."""
    breached = TicketFilter(breached=True, open_only=True, valid=True)
    due = TicketFilter(breaching_within=AT_RISK_WITHIN, open_only=True, valid=True)
    lists = [
        ticket_list(actor=actor, filters=f, now=now, order="urgency", limit=AT_RISK_SHOWN).items
        for f in (breached, due)
    ]
    seen: set[int] = set()
    shown = []
    for ticket in lists[0] + lists[1]:
        if ticket.pk not in seen:
            seen.add(ticket.pk)
            shown.append(ticket)
    return shown


def staff_signed_in(*, now: datetime) -> list[User]:
    """Active provider staff who logged in within `SIGNED_IN_WITHIN`, latest first."""
    return list(
        User.objects.filter(
            role__in=sorted(STAFF_ROLES), is_active=True, last_login__gte=now - SIGNED_IN_WITHIN
        ).order_by("-last_login", "id")
    )
