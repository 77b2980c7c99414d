"""What the dashboards read: the managers' view of every client now, and a client's
own live figures. Each is a fixed number of queries (see the tests' pins)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from pactdesk.accounts.models import STAFF_ROLES, User
from pactdesk.desk.models import Ticket
from pactdesk.desk.selectors import QueueDepth, TicketFilter, ticket_list, ticket_queue_depths
from pactdesk.domain.routing import PresenceStatus
from pactdesk.reports.figures import TargetFigures
from pactdesk.reports.periods import PeriodSpec, period_spec_parse
from pactdesk.reports.selectors import ClientSummary, provider_summary
from pactdesk.routing.models import Presence
from pactdesk.routing.selectors import presence_default

AT_RISK_WITHIN = timedelta(hours=2)
AT_RISK_SHOWN = 20
BUDGET_ALARM = 2  # a breach budget below this shows red (when that many could miss)


@dataclass(frozen=True)
class StaffPresence:
    """Who is at work, from routing's presence (not a log-in): how many active members
    of staff are available, away and offline (every status, in that order), and the
    available and away ones by status, then name."""

    counts: dict[PresenceStatus, int]
    present: list[Presence]


@dataclass(frozen=True)
class ManagerDashboard:
    spec: PeriodSpec
    clients: list[ClientSummary]
    at_risk: list[Ticket]
    depths: list[QueueDepth]
    staff: StaffPresence
    now: datetime


def target_alarm(figures: TargetFigures) -> bool:
    """Red on a dashboard: the goal is lost (attainment below it), or the breach budget
    is tight: fewer than two of the tickets in flight may miss while two or more could.

    The budget counts only tickets still in flight (it is at most their number), so a
    budget of 0 with nothing in flight means "nothing can be missed any more", not
    "one more miss loses the month": no ticket yet, a 100% target fully met, every
    ticket decided. Neither is an alarm, and neither is a budget equal to the number in
    flight (every one of them may miss and the goal still holds). With one ticket in
    flight and a budget of 0, that one must be met: red."""
    if figures.reached is False:
        return True
    return figures.breach_budget < min(BUDGET_ALARM, figures.in_flight)


def manager_dashboard(*, actor: User, now: datetime) -> ManagerDashboard:
    """Every client's attainment this month per target (each in its own agreement's
    zone, as the provider summary), the tickets at risk now (breached or due within 2
    h, most urgent first), queue depth per client and the staff's presence (routing's
    available / away / offline)."""
    spec = period_spec_parse(month=None, first=None, last=None, today=now.date())
    return ManagerDashboard(
        spec=spec,
        clients=provider_summary(spec=spec, now=now),
        at_risk=tickets_at_risk(actor=actor, now=now),
        depths=ticket_queue_depths(actor=actor, now=now, at_risk_within=AT_RISK_WITHIN),
        staff=staff_presence(),
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


def staff_presence() -> StaffPresence:
    """Every active member of staff's presence (one query: a user without a presence
    row is offline, as routing reads it)."""
    users = User.objects.filter(role__in=sorted(STAFF_ROLES), is_active=True).select_related(
        "presence"
    )
    presences = [_presence(user) for user in users.order_by("name", "id")]
    counts = dict.fromkeys(PresenceStatus, 0)
    for presence in presences:
        counts[PresenceStatus(presence.status)] += 1
    order = list(PresenceStatus)
    present = [p for p in presences if p.status != PresenceStatus.OFFLINE]
    present.sort(key=lambda p: order.index(PresenceStatus(p.status)))  # stable: by name
    return StaffPresence(counts=counts, present=present)


def _presence(user: User) -> Presence:
    try:
        return user.presence  # type: ignore[no-any-return]  # the reverse one-to-one
    except Presence.DoesNotExist:
        return presence_default(user=user)
