"""The routing sweep (every minute, `routing.jobs`): idle staff become `away`, tickets
their away assignees left untouched go back to their queue, and the waiting tickets are
given out.

Which tickets are routed now: the waiting tickets (`queue.waiting_tickets`) whose
agreement's calendar is open at `now` — always for round-the-clock agreements, so their
tickets are routed at every hour; a business-hours client's ticket lodged while its
calendar is closed waits (in the pool, or its client's queue) until it opens, unless a
manager assigns it by hand first.

Who takes them: a dedicated client's tickets only its seat holders, least loaded
first; a shared client's tickets the available agents seated for no client, by the
strategy of the client's pool (`PoolClient`, else the default pool). Only `available`
staff under their cap are chosen (`domain.routing.assignments_plan`). A ticket no one
can take stays waiting; a dedicated client sees why (`selectors.ticket_wait_reason`).
Each assignment is a `ticket_claim` (so a ticket an agent took with "next ticket" a
moment before is skipped) recording a `routed` event.

Returns: an assignee `away` or `offline` for `PACTDESK_ROUTING_RETURN_MINUTES` who has
not touched an open ticket (`updated_at`) for as long loses it, with a `returned`
event naming them; the same sweep then routes it again.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count

from pactdesk.accounts.models import STAFF_ROLES, User
from pactdesk.agreements.models import Agreement, PlanKind
from pactdesk.agreements.seating import SeatMap
from pactdesk.agreements.selectors import agreement_calendar
from pactdesk.desk.models import Ticket
from pactdesk.desk.services.changes import EventIn, ticket_change, ticket_claim
from pactdesk.desk.services.sla_state import tickets_with_sla_inputs
from pactdesk.domain.routing import (
    DEFAULT_STRATEGY,
    PresenceStatus,
    Strategy,
    Taker,
    Waiting,
    assignments_plan,
)
from pactdesk.domain.vocabulary import EventKind
from pactdesk.routing.models import Pool, PoolClient, Presence
from pactdesk.routing.services.presence import presence_idle_sweep
from pactdesk.routing.services.queue import OPEN_STATUSES, WAITING_STATUSES, waiting_tickets

ABSENT = (PresenceStatus.AWAY, PresenceStatus.OFFLINE)


@dataclass(frozen=True)
class RouteResult:
    """What one sweep did: staff made away, tickets returned, routed, left waiting."""

    idle: int = 0
    returned: int = 0
    routed: int = 0
    waiting: int = 0


def routing_sweep(*, now: datetime) -> RouteResult:
    """The minute job's work, in order. Safe to run twice or at once."""
    idle = presence_idle_sweep(
        now=now, idle=timedelta(minutes=settings.PACTDESK_PRESENCE_IDLE_MINUTES)
    )
    returned = tickets_return(
        now=now, after=timedelta(minutes=settings.PACTDESK_ROUTING_RETURN_MINUTES)
    )
    routed = tickets_route(now=now)
    return RouteResult(idle, returned, routed.routed, routed.waiting)


def tickets_return(*, now: datetime, after: timedelta) -> int:
    """Unassign the open tickets whose assignee has been away or offline for `after`
    and left them untouched as long; each gets a `returned` event. Answers how many."""
    cutoff = now - after
    absent = Presence.objects.filter(status__in=ABSENT, changed_at__lte=cutoff).values("user_id")
    stale = Ticket.objects.filter(
        assignee_id__in=absent, status__in=WAITING_STATUSES, updated_at__lte=cutoff
    )
    count = 0
    for ticket_id in list(stale.values_list("pk", flat=True)[:500]):
        with transaction.atomic():
            ticket = (
                tickets_with_sla_inputs(stale.filter(pk=ticket_id))
                .select_related("assignee")
                .select_for_update(of=("self",))
                .first()
            )
            if ticket is None or ticket.assignee is None:
                continue  # touched or reassigned meanwhile
            ticket_change(
                ticket=ticket,
                now=now,
                events=[EventIn(EventKind.RETURNED, ticket.assignee.name)],
                fields={"assignee": None},
            )
            count += 1
    return count


def tickets_route(*, now: datetime, limit: int = 1000) -> RouteResult:
    """Give the waiting tickets of open calendars to the available staff who may take
    them (up to `limit` tickets, most urgent first)."""
    staff = {
        user.pk: user
        for user in User.objects.filter(
            role__in=sorted(STAFF_ROLES),
            is_active=True,
            presence__status=PresenceStatus.AVAILABLE,
        ).select_related("presence")
    }
    tickets = list(
        waiting_tickets()
        .select_related("agreement__plan", "agreement__calendar")
        .order_by("sla_next_due_at", "lodged_at", "id")[:limit]
    )
    if not tickets:
        return RouteResult()
    open_calendar = _open_now(tickets=tickets, now=now)
    queues: dict[tuple[str, int], list[Ticket]] = defaultdict(list)
    pool_of = dict(PoolClient.objects.values_list("client_id", "pool_id"))
    pools = {pool.pk: pool for pool in Pool.objects.all()}
    default = next((pool for pool in pools.values() if pool.is_default), None)
    for ticket in tickets:
        if not open_calendar[ticket.agreement_id]:
            continue
        if ticket.agreement.plan.kind == PlanKind.DEDICATED:
            queues["client", ticket.client_id].append(ticket)
        else:
            pool_id = pool_of.get(ticket.client_id, default.pk if default else 0)
            queues["pool", pool_id].append(ticket)
    seat_map = SeatMap.load()
    loads = _loads(staff_ids=list(staff))
    routed = 0
    for (kind, key), queued in sorted(queues.items()):
        pool = pools.get(key) if kind == "pool" else None
        strategy = Strategy(pool.strategy) if pool else DEFAULT_STRATEGY
        if kind == "client":
            strategy = Strategy.LEAST_LOADED
        takers = seat_map.takers(
            client_id=queued[0].client_id, dedicated=kind == "client", staff=staff
        )
        plan = assignments_plan(
            strategy=strategy,
            tickets=[Waiting(t.pk, t.lodged_at, t.sla_next_due_at) for t in queued],
            takers=[Taker(pk, loads[pk], staff[pk].presence.cap) for pk in sorted(takers)],
            cursor=pool.cursor if pool else None,
        )
        for ticket_id, agent_id in plan.assignments:
            with transaction.atomic():
                agent = staff[agent_id]
                event = EventIn(EventKind.ROUTED, agent.name)
                if ticket_claim(ticket_id=ticket_id, assignee=agent, now=now, events=[event]):
                    loads[agent_id] += 1
                    routed += 1
        if pool is not None and plan.cursor != pool.cursor:
            Pool.objects.filter(pk=pool.pk).update(cursor=plan.cursor)
    return RouteResult(routed=routed, waiting=len(tickets) - routed)


def _open_now(*, tickets: list[Ticket], now: datetime) -> dict[int, bool]:
    """Whether each ticket's agreement calendar is open at `now` (built once each)."""
    agreements: dict[int, Agreement] = {t.agreement_id: t.agreement for t in tickets}
    return {
        pk: agreement_calendar(agreement=agreement, years=(now.year,)).is_open(now)
        for pk, agreement in agreements.items()
    }


def _loads(*, staff_ids: list[int]) -> dict[int, int]:
    """Open tickets assigned to each of them (one aggregate query)."""
    counts = dict(
        Ticket.objects.filter(assignee_id__in=staff_ids, status__in=OPEN_STATUSES)
        .values("assignee_id")
        .annotate(n=Count("id"))
        .values_list("assignee_id", "n")
    )
    return defaultdict(int, counts)
