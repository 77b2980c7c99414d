"""Next ticket: the calling agent is given the most urgent ticket they may take.

Most urgent: the soonest `sla_next_due_at` first, tickets with no running clock after
them (each in lodging order). What they may take: a seat holder, the waiting tickets
of their client; anyone else, the shared plans' waiting tickets (`SeatMap`: the rule
the breach warnings use). Waiting: nobody assigned, `new` or `open`, valid, not merged
(the partial indexes `ticket_waiting_due` and `ticket_client_waiting_due`).

One press is one statement that picks and assigns at once (`desk.services.changes.
ticket_claim_first`): `UPDATE ticket SET assignee ... WHERE id = (SELECT id ... ORDER BY
sla_next_due_at, lodged_at, id LIMIT 1) AND assignee_id IS NULL RETURNING id`, then the
`assigned` event, in one short transaction. Two agents pressing at the same instant
never get the same ticket: on SQLite writers take turns (IMMEDIATE transactions behind
`pactdesk.platform.sqlite`'s write lock), so each statement sees the one before it; on
PostgreSQL the pick is `FOR UPDATE SKIP LOCKED`, so concurrent presses lock different
rows without waiting for each other, and the outer `assignee_id IS NULL` re-checks.
The pick walks the partial indexes from their head: `ticket_waiting_due` for the pool
(the shared plans' tickets), `ticket_client_waiting_due` for a seat holder's client;
SQLite is told so (`INDEXED BY`: without statistics its planner prefers
`ticket_assignee_status` and sorts every waiting ticket), PostgreSQL's planner picks
them itself (`tests/routing/test_next_ticket.py` checks SQLite's plans; the bench
prints PostgreSQL's at 100,000 tickets). Tickets with a
running clock come first (one range of the index), then the undated ones by lodging
(a second range), rather than a NULLS LAST sort no index serves.
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection, transaction
from django.db.models import QuerySet

from pactdesk.accounts.models import User
from pactdesk.agreements.models import Agreement, Plan, PlanKind
from pactdesk.agreements.seating import seat_client_of
from pactdesk.desk.models import Ticket
from pactdesk.desk.services.changes import EventIn, ticket_claim_first
from pactdesk.domain.routing import PresenceStatus
from pactdesk.domain.vocabulary import EventKind, Status
from pactdesk.platform.errors import Conflict
from pactdesk.routing.error_codes import RoutingErrorCode
from pactdesk.routing.models import Presence
from pactdesk.routing.services.presence import check_staff

WAITING_STATUSES = (Status.NEW, Status.OPEN)
OPEN_STATUSES = (Status.NEW, Status.OPEN, Status.WAITING)
# The predicate of the partial indexes `ticket_waiting_due`/`ticket_client_waiting_due`,
# word for word as their DDL has it (SQLite uses a partial index only for a query
# whose WHERE contains its terms).
WAITING_SQL = (
    "assignee_id IS NULL AND is_valid AND merged_into_id IS NULL AND status IN ('new', 'open')"
)
ORDER_SQL = "ORDER BY sla_next_due_at, lodged_at, id LIMIT 1"


def queue_next(*, actor: User, now: datetime) -> int | None:
    """Assign the most urgent ticket the actor may take to them and answer its id, or
    None when there is none. Errors: PermissionDenied `staff_only`; Conflict
    `not_available` (their presence is not `available`), `at_cap` (as many open
    tickets as their cap). Queries: the seat, then in one transaction the presence
    (locked), the open count (with a cap only), one UPDATE and one INSERT (two UPDATEs
    when no ticket with a running clock waits).

    The cap is checked inside the claiming transaction, behind a lock on the agent's
    presence row: on PostgreSQL `SELECT ... FOR UPDATE` (a second press by the same
    agent waits there until the first commits, then counts its ticket); on SQLite the
    transaction is IMMEDIATE (`config.env`), so it holds the write lock from BEGIN and
    presses take turns anyway. Two presses at cap - 1 therefore give one ticket, not
    two (`tests/routing/test_cap_race.py`)."""
    check_staff(actor)
    client_id = seat_client_of(actor.pk)
    event = EventIn(EventKind.ASSIGNED, actor.name)
    with transaction.atomic():
        status, cap = next(
            iter(
                Presence.objects.select_for_update()
                .filter(user_id=actor.pk)
                .values_list("status", "cap")[:1]
            ),
            (PresenceStatus.OFFLINE, None),
        )
        if status != PresenceStatus.AVAILABLE:
            raise Conflict(
                "You are not available: set yourself available to take tickets.",
                code=RoutingErrorCode.NOT_AVAILABLE,
                field="status",
            )
        if cap is not None and open_assigned(agent=actor) >= cap:
            raise Conflict(
                f"You hold {cap} open tickets, your cap: solve or hand one on first.",
                code=RoutingErrorCode.AT_CAP,
                field="cap",
            )
        for pick, params in picks(client_id=client_id):
            ticket_id = ticket_claim_first(
                pick=pick, params=params, assignee=actor, now=now, actor=actor, events=[event]
            )
            if ticket_id is not None:
                return ticket_id
    return None


def picks(*, client_id: int | None) -> list[tuple[str, list[int | str]]]:
    """The SELECTs of the most urgent waiting ticket an agent may take, in turn: with a
    running clock by due instant, then the undated by lodging. `client_id`: the client
    whose seat the agent holds (its tickets only), or None for the pool (the shared
    plans' tickets)."""
    table = Ticket._meta.db_table
    postgres = connection.vendor == "postgresql"
    params: list[int | str]
    if client_id is None:
        index, scope, params = (
            "ticket_waiting_due",
            f"agreement_id IN (SELECT a.id FROM {Agreement._meta.db_table} a"
            f" JOIN {Plan._meta.db_table} p ON p.id = a.plan_id WHERE p.kind = %s)",
            [PlanKind.SHARED.value],
        )
    else:
        index, scope, params = "ticket_client_waiting_due", "client_id = %s", [client_id]
    source = table if postgres else f"{table} INDEXED BY {index}"
    lock = " FOR UPDATE SKIP LOCKED" if postgres else ""
    return [
        (
            f"SELECT id FROM {source} WHERE {WAITING_SQL} AND {scope}"
            f" AND sla_next_due_at IS {dated} {ORDER_SQL}{lock}",
            list(params),
        )
        for dated in ("NOT NULL", "NULL")
    ]


def waiting_tickets() -> QuerySet[Ticket]:
    """Tickets nobody holds that someone should take."""
    return Ticket.objects.filter(
        assignee__isnull=True,
        status__in=WAITING_STATUSES,
        merged_into__isnull=True,
        is_valid=True,
    )


def open_assigned(*, agent: User) -> int:
    return Ticket.objects.filter(assignee=agent, status__in=OPEN_STATUSES).count()
