"""Reads of routing: presences, why a dedicated client's ticket waits, the workload.

Every read here is for provider staff (managers for everyone's presence and the
workload) except `ticket_wait_reason`, which pages call for a ticket the viewer
already reached through an actor-scoped desk selector.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Min

from pactdesk.accounts.models import STAFF_ROLES, Client, Role, User
from pactdesk.agreements.models import PlanKind, Seat
from pactdesk.agreements.seating import SeatMap
from pactdesk.agreements.selectors import agreement_calendar
from pactdesk.desk.models import Ticket
from pactdesk.domain.routing import STRATEGY_LABELS, PresenceStatus, Strategy
from pactdesk.platform.errors import PermissionDenied
from pactdesk.routing.error_codes import RoutingErrorCode
from pactdesk.routing.models import Pool, PoolClient, Presence
from pactdesk.routing.services.presence import check_staff
from pactdesk.routing.services.queue import OPEN_STATUSES, WAITING_STATUSES, waiting_tickets
from pactdesk.work.load import (
    Logged,
    Utilisation,
    logged_today,
    open_tasks_by_assignee,
    seat_utilisation,
)


def presence_of(*, user: User) -> Presence:
    """The user's presence, or the unsaved default (offline, no cap, their zone)."""
    found = Presence.objects.filter(user=user).first()
    return found or presence_default(user=user)


def presence_default(*, user: User) -> Presence:
    return Presence(
        user=user,
        status=PresenceStatus.OFFLINE,
        timezone=user.time_zone or settings.TIME_ZONE,
        changed_at=user.date_joined,
    )


def presence_list(*, actor: User) -> list[Presence]:
    """Every active member of staff's presence, by name (two queries). Managers and
    admins only: PermissionDenied `not_manager` for anyone else."""
    check_manager(actor)
    staff = User.objects.filter(role__in=sorted(STAFF_ROLES), is_active=True).order_by("name", "pk")
    stored = {p.user_id: p for p in Presence.objects.filter(user__in=staff)}
    found = []
    for user in staff:
        presence = stored.get(user.pk) or presence_default(user=user)
        presence.user = user  # already read: no query per row
        found.append(presence)
    return found


def check_manager(actor: User) -> None:
    check_staff(actor)
    if not actor.is_operator:
        raise PermissionDenied(
            "Only managers and admins see everyone's presence and the workload.",
            code=RoutingErrorCode.NOT_MANAGER,
        )


# -- why a dedicated client's ticket waits ----------------------------------------------


def ticket_wait_reason(*, ticket: Ticket, now: datetime) -> str | None:
    """What a dedicated client is told while its ticket waits in its queue, e.g. "Your
    technician is away until 09:00 GMT." (in the agreement's time zone, named, with
    the weekday when not today), or None when the ticket is not waiting on its seats. Three
    queries at most (seats with presences, the holders' open tickets)."""
    agreement = ticket.agreement
    if (
        ticket.assignee_id is not None
        or ticket.status not in WAITING_STATUSES
        or ticket.merged_into_id is not None
        or agreement.plan.kind != PlanKind.DEDICATED
    ):
        return None
    holders = [
        seat.agent
        for seat in Seat.objects.filter(client_id=ticket.client_id, agent__isnull=False)
        .select_related("agent__presence")
        .order_by("number")
        if seat.agent is not None and seat.agent.is_active
    ]
    if not holders:
        return "No technician holds your seats yet; your request waits in your queue."
    zone = ZoneInfo(agreement.timezone)
    calendar = agreement_calendar(agreement=agreement, years=(now.year, now.year + 1))
    if not calendar.is_open(now):
        return f"Your technician is away until {_when(calendar.next_open(now), now, zone)}."
    presences = [getattr(agent, "presence", None) for agent in holders]
    there = [p for p in presences if p is not None and p.status == PresenceStatus.AVAILABLE]
    if there:
        loads = dict(
            Ticket.objects.filter(assignee__in=[p.user_id for p in there], status__in=OPEN_STATUSES)
            .values("assignee_id")
            .annotate(n=Count("id"))
            .values_list("assignee_id", "n")
        )
        if any(p.cap is None or loads.get(p.user_id, 0) < p.cap for p in there):
            return None  # the next routing sweep gives it to them
        return (
            "Your technician is working on your other requests; this one waits next in your queue."
        )
    backs = [p.back_at for p in presences if p is not None and p.back_at and p.back_at > now]
    if backs:
        return f"Your technician is away until {_when(min(backs), now, zone)}."
    return "Your technician is away; your request waits in your queue until they are back."


def _when(moment: datetime, now: datetime, zone: ZoneInfo) -> str:
    """The client's wall-clock time with its zone's abbreviation ("09:00 GMT"), with the
    day when it is not today there ("Tue 03 Mar 09:00 GMT")."""
    local = moment.astimezone(zone)
    if local.date() == now.astimezone(zone).date():
        return local.strftime("%H:%M %Z")
    return local.strftime("%a %d %b %H:%M %Z")


# -- the workload page ------------------------------------------------------------------


@dataclass(frozen=True)
class AgentRow:
    """One member of staff: presence, open tickets, the lodging of the oldest one, the
    client whose seat they hold, their open tasks (to do or doing) and the time they
    logged today (in their presence's zone) on tickets and on tasks. `extra` is where
    further capabilities add columns: name -> shown value."""

    agent: User
    presence: Presence
    open_tickets: int
    oldest_open: datetime | None
    seat_client: str | None
    open_tasks: int = 0
    logged_today: Logged = field(default_factory=Logged)
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ClientQueueRow:
    """A dedicated client's queue: tickets waiting, the oldest, seat holders there, and
    its seat utilisation this week so far (None without a dedicated agreement in force;
    see `work.load.seat_utilisation`)."""

    client: Client
    depth: int
    oldest: datetime | None
    holders: int
    available: int
    utilisation: Utilisation | None = None


@dataclass(frozen=True)
class PoolRow:
    """A shared pool: its waiting tickets, the oldest, the agents available for it."""

    pool: Pool
    strategy_label: str
    unassigned: int
    oldest: datetime | None
    available: int


class Queued(NamedTuple):
    """Waiting tickets of one client and plan kind: how many, the oldest lodging."""

    client_id: int
    kind: str
    n: int
    oldest: datetime


@dataclass(frozen=True)
class Workload:
    agents: list[AgentRow]
    clients: list[ClientQueueRow]
    pools: list[PoolRow]


def workload(*, actor: User, now: datetime) -> Workload:
    """Who is there and what waits, for managers, at `now`. Twelve queries, however
    many staff, clients, tickets, tasks and time entries (pinned by a test).
    PermissionDenied `not_manager`."""
    presences = presence_list(actor=actor)
    seat_map = SeatMap.load()
    staff_ids = [p.user_id for p in presences]
    held: dict[int, tuple[int, datetime]] = {
        assignee: (n, oldest)
        for assignee, n, oldest in Ticket.objects.filter(
            assignee_id__in=staff_ids, status__in=OPEN_STATUSES
        )
        .values("assignee_id")
        .annotate(n=Count("id"), oldest=Min("lodged_at"))
        .values_list("assignee_id", "n", "oldest")
    }
    waiting = [
        Queued(*row)
        for row in waiting_tickets()
        .values("client_id", "agreement__plan__kind")
        .annotate(n=Count("id"), oldest=Min("lodged_at"))
        .values_list("client_id", "agreement__plan__kind", "n", "oldest")
    ]
    clients = Client.objects.in_bulk({row.client_id for row in waiting} | set(seat_map.seats))
    available = {
        p.user_id
        for p in presences
        if p.status == PresenceStatus.AVAILABLE
        and (p.cap is None or (held[p.user_id][0] if p.user_id in held else 0) < p.cap)
    }
    tasks = open_tasks_by_assignee(person_ids=staff_ids)
    today = logged_today(zones={p.user_id: p.timezone for p in presences}, now=now)
    agents = [
        AgentRow(
            agent=p.user,
            presence=p,
            open_tickets=held[p.user_id][0] if p.user_id in held else 0,
            oldest_open=held[p.user_id][1] if p.user_id in held else None,
            seat_client=_name(clients, seat_map.client_of(p.user_id)),
            open_tasks=tasks.get(p.user_id, 0),
            logged_today=today.get(p.user_id, Logged()),
        )
        for p in presences
    ]
    return Workload(
        agents=agents,
        clients=_client_rows(
            waiting=waiting, clients=clients, seat_map=seat_map, available=available, now=now
        ),
        pools=_pool_rows(
            waiting=waiting,
            available=len(
                {a.agent.pk for a in agents if a.agent.role == Role.AGENT}
                & available - seat_map.seated
            ),
        ),
    )


def _name(clients: dict[int, Client], client_id: int | None) -> str | None:
    return clients[client_id].name if client_id in clients else None


def _client_rows(
    *,
    waiting: list[Queued],
    clients: dict[int, Client],
    seat_map: SeatMap,
    available: set[int],
    now: datetime,
) -> list[ClientQueueRow]:
    queued = {row.client_id: row for row in waiting if row.kind == PlanKind.DEDICATED}
    ids = set(seat_map.seats) | set(queued)
    used = seat_utilisation(client_ids=ids, now=now)
    rows = [
        ClientQueueRow(
            client=clients[pk],
            depth=queued[pk].n if pk in queued else 0,
            oldest=queued[pk].oldest if pk in queued else None,
            holders=len(seat_map.seats.get(pk, ())),
            available=len(set(seat_map.seats.get(pk, ())) & available),
            utilisation=used.get(pk),
        )
        for pk in ids
        if pk in clients
    ]
    return sorted(rows, key=lambda row: row.client.name)


def _pool_rows(*, waiting: list[Queued], available: int) -> list[PoolRow]:
    pools = list(Pool.objects.all())
    default = next((pool.pk for pool in pools if pool.is_default), None)
    pool_of = dict(PoolClient.objects.values_list("client_id", "pool_id"))
    counts: dict[int | None, int] = defaultdict(int)
    oldest: dict[int | None, datetime] = {}
    for row in waiting:
        if row.kind != PlanKind.SHARED:
            continue
        pool_id = pool_of.get(row.client_id, default)
        counts[pool_id] += row.n
        oldest[pool_id] = min(row.oldest, oldest.get(pool_id, row.oldest))
    return [
        PoolRow(
            pool=pool,
            strategy_label=STRATEGY_LABELS[Strategy(pool.strategy)],
            unassigned=counts.get(pool.pk, 0),
            oldest=oldest.get(pool.pk),
            available=available,
        )
        for pool in pools
    ]
