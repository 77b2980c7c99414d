"""Next ticket: the calling agent is given the most urgent ticket they may take.

Most urgent: the soonest `sla_next_due_at` first, tickets with no running clock after
them (each in lodging order). What they may take: a seat holder, the waiting tickets
of their client; anyone else, the shared plans' waiting tickets (`SeatMap`: the rule
the breach warnings use). Waiting: nobody assigned, `new` or `open`, valid, not merged
(the partial indexes `ticket_waiting_due` and `ticket_client_waiting_due`).

Two agents pressing at the same instant never get the same ticket. On PostgreSQL the
candidate is read `FOR UPDATE SKIP LOCKED`, so concurrent callers lock different rows
without waiting for each other; on SQLite (one writer at a time) the candidates are
read plainly. Either way the write is `desk.services.changes.ticket_claim`: a
conditional `UPDATE ... WHERE assignee_id IS NULL` decides, then `ticket_change`
records the `assigned` event and the clocks. A lost race tries the next candidate, and
a whole attempt is retried a few times before answering "nothing".
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection, transaction
from django.db.models import QuerySet

from pactdesk.accounts.models import User
from pactdesk.agreements.models import Agreement, PlanKind
from pactdesk.agreements.seating import SeatMap
from pactdesk.desk.models import Ticket
from pactdesk.desk.services.changes import EventIn, ticket_claim
from pactdesk.domain.routing import PresenceStatus
from pactdesk.domain.vocabulary import EventKind, Status
from pactdesk.platform.errors import Conflict
from pactdesk.routing.error_codes import RoutingErrorCode
from pactdesk.routing.models import Presence
from pactdesk.routing.services.presence import check_staff

WAITING_STATUSES = (Status.NEW, Status.OPEN)
OPEN_STATUSES = (Status.NEW, Status.OPEN, Status.WAITING)
ATTEMPTS = 5
CANDIDATES = 4  # tickets read per attempt on SQLite


def queue_next(*, actor: User, now: datetime) -> Ticket | None:
    """Assign the most urgent ticket the actor may take to them and answer it, or None
    when there is none. Errors: PermissionDenied `staff_only`; Conflict
    `not_available` (their presence is not `available`), `at_cap` (as many open
    tickets as their cap)."""
    check_staff(actor)
    presence = Presence.objects.filter(user=actor).first()
    if presence is None or presence.status != PresenceStatus.AVAILABLE:
        raise Conflict(
            "You are not available: set yourself available to take tickets.",
            code=RoutingErrorCode.NOT_AVAILABLE,
            field="status",
        )
    if presence.cap is not None and open_assigned(agent=actor) >= presence.cap:
        raise Conflict(
            f"You hold {presence.cap} open tickets, your cap: solve or hand one on first.",
            code=RoutingErrorCode.AT_CAP,
            field="cap",
        )
    takeable = takeable_by(agent=actor, seat_map=SeatMap.load())
    event = EventIn(EventKind.ASSIGNED, actor.name)
    for _ in range(ATTEMPTS):
        with transaction.atomic():
            candidates = _candidates(takeable)
            if not candidates:
                return None
            for ticket_id in candidates:
                ticket = ticket_claim(
                    ticket_id=ticket_id, assignee=actor, now=now, actor=actor, events=[event]
                )
                if ticket is not None:
                    return ticket
    return None


def waiting_tickets() -> QuerySet[Ticket]:
    """Tickets nobody holds that someone should take."""
    return Ticket.objects.filter(
        assignee__isnull=True,
        status__in=WAITING_STATUSES,
        merged_into__isnull=True,
        is_valid=True,
    )


def takeable_by(*, agent: User, seat_map: SeatMap) -> QuerySet[Ticket]:
    """The waiting tickets `agent` may take: their seat's client's, or the shared
    plans' when they hold no seat."""
    client_id = seat_map.client_of(agent.pk)
    if client_id is not None:
        return waiting_tickets().filter(client_id=client_id)
    shared = Agreement.objects.filter(plan__kind=PlanKind.SHARED).values_list("pk", flat=True)
    return waiting_tickets().filter(agreement_id__in=list(shared))


def open_assigned(*, agent: User) -> int:
    return Ticket.objects.filter(assignee=agent, status__in=OPEN_STATUSES).count()


def _candidates(takeable: QuerySet[Ticket]) -> list[int]:
    """The most urgent takeable ids: those with a running clock by due instant, then
    the rest by lodging (two index range scans rather than a NULLS LAST sort)."""
    locking = connection.vendor == "postgresql"
    limit = 1 if locking else CANDIDATES
    found: list[int] = []
    for part in (
        takeable.filter(sla_next_due_at__isnull=False).order_by(
            "sla_next_due_at", "lodged_at", "id"
        ),
        takeable.filter(sla_next_due_at__isnull=True).order_by("lodged_at", "id"),
    ):
        if locking:
            part = part.select_for_update(skip_locked=True)
        found += part.values_list("pk", flat=True)[: limit - len(found)]
        if len(found) >= limit:
            break
    return found
