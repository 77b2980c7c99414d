"""The one way a desk service changes a stored ticket.

Every change has the same shape: record what happened as events, set the fields,
stamp `updated_at`, re-evaluate the SLA clocks (the replay reads the events just
recorded) and save it all in one UPDATE. `ticket_change` does exactly that, so no
service can forget the clocks; `ticket_sla_refresh` is the clocks alone, for the sweep
that re-evaluates tickets as time passes; `ticket_claim` and `ticket_claim_first` are
the conditional writes of routing (give a ticket to an agent only if nobody holds it).
A ticket row is only ever updated here (new tickets are inserted by `lodging`);
`tests/desk/test_changes.py` and the suite-wide guard in `tests/conftest.py` fail on a
save of a ticket anywhere else.

A claim is the one change that does not re-evaluate the clocks, and need not: it
records only audit events (`assigned`, `routed`: `AUDIT_KINDS`, which the SLA replay
never reads) and sets only `assignee` and `updated_at`, neither of which the replay
reads, so the clocks stored at the last change are still the clocks of the ticket's
history; what time alone changes (a clock running out) the sweep re-evaluates at
`sla_recheck_at`, as for a ticket nobody touches. This keeps a claim to one UPDATE and
one INSERT inside the writer's transaction: "next ticket" under many agents at once
waits on that transaction only (`bench/routing_bench.py`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection

from pactdesk.accounts.models import User
from pactdesk.desk.models import Ticket, TicketEvent
from pactdesk.desk.services.records import event_add
from pactdesk.desk.services.sla_state import ticket_sla_fields, tickets_with_sla_inputs
from pactdesk.domain.sla import Event
from pactdesk.domain.vocabulary import AUDIT_KINDS, EventKind

_saving = threading.local()


@dataclass(frozen=True)
class EventIn:
    """An event a change records on its ticket, at the change's instant, by its actor."""

    kind: EventKind
    value: str = ""


def ticket_change(
    *,
    ticket: Ticket,
    now: datetime,
    actor: User | None = None,
    events: Sequence[EventIn] = (),
    fields: Mapping[str, object] | None = None,
) -> Ticket:
    """Record `events` (in order) on `ticket`, set `fields`, `updated_at` to `now` and
    the SLA columns as of `now`, and save them: the skeleton of every change of a
    stored ticket. Call it inside the service's transaction."""
    for event in events:
        event_add(ticket=ticket, kind=event.kind, at=now, actor=actor, value=event.value)
    changed = dict(fields or {})
    changed["updated_at"] = now
    for name, value in changed.items():
        setattr(ticket, name, value)
    _clocks_set(ticket=ticket, now=now, into=changed)
    _save(ticket, fields=changed)
    return ticket


def ticket_claim(
    *,
    ticket_id: int,
    assignee: User,
    now: datetime,
    actor: User | None = None,
    events: Sequence[EventIn] = (),
) -> int | None:
    """Give the ticket to `assignee` only if nobody holds it: a conditional UPDATE
    (`... WHERE id = %s AND assignee_id IS NULL`) decides between racing claimers and
    sets `assignee` and `updated_at`; then `events` (audit kinds only) are recorded.
    The clocks are left as stored (module docstring). Answers the ticket's id, or None
    when another claim won (or it is gone). Call it inside the claimer's transaction,
    so a failure after the UPDATE undoes the claim too."""
    return ticket_claim_first(
        pick="%s", params=[ticket_id], assignee=assignee, now=now, actor=actor, events=events
    )


def ticket_claim_first(
    *,
    pick: str,
    params: Sequence[int | str],
    assignee: User,
    now: datetime,
    actor: User | None = None,
    events: Sequence[EventIn] = (),
) -> int | None:
    """Give `assignee` the ticket `pick` answers, in one statement:
    `UPDATE ... SET assignee_id, updated_at WHERE id = (<pick>) AND assignee_id IS NULL
    RETURNING id, client_id`. `pick`: SQL answering at most one ticket id, with `%s`
    placeholders for `params` (routing's "most urgent waiting ticket", which on
    PostgreSQL locks it `FOR UPDATE SKIP LOCKED`). Then records `events` (audit kinds
    only; the clocks are left as stored). Answers the ticket's id, or None when there
    was none or another claim won. Call it inside the claimer's transaction."""
    unclaimable = {event.kind for event in events} - AUDIT_KINDS
    if unclaimable:
        raise ValueError(f"a claim records audit events only, not {sorted(unclaimable)}")
    table = connection.ops.quote_name(Ticket._meta.db_table)
    sql = (
        f"UPDATE {table} SET assignee_id = %s, updated_at = %s"
        f" WHERE id = ({pick}) AND assignee_id IS NULL RETURNING id, client_id"
    )
    stamp = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(sql, [assignee.pk, stamp, *params])
        row = cursor.fetchone()
    if row is None:
        return None
    ticket_id, client_id = row
    for event in events:
        TicketEvent.objects.create(
            client_id=client_id,
            ticket_id=ticket_id,
            kind=event.kind,
            value=event.value,
            at=now,
            actor=actor,
        )
    return int(ticket_id)


def ticket_sla_refresh(*, ticket: Ticket, now: datetime, events: list[Event] | None = None) -> None:
    """Evaluate the ticket's clocks at `now` and store them on the ticket (nothing else
    changes: `updated_at` stays)."""
    changed: dict[str, Any] = {}
    _clocks_set(ticket=ticket, now=now, into=changed, events=events)
    _save(ticket, fields=changed)


def ticket_sla_sweep(*, now: datetime, limit: int = 500) -> int:
    """Re-evaluate tickets whose stored state may have changed with time alone: a running
    clock now past due, or a solve whose confirmation window has run out."""
    tickets = tickets_with_sla_inputs(Ticket.objects.filter(sla_recheck_at__lte=now)).order_by(
        "sla_recheck_at"
    )[:limit]
    count = 0
    for ticket in tickets:
        ticket_sla_refresh(ticket=ticket, now=now)
        count += 1
    return count


def ticket_saving() -> bool:
    """Whether this thread is inside the save of `ticket_change`/`ticket_sla_refresh`
    (read by the test suite's guard against ticket saves elsewhere)."""
    return getattr(_saving, "active", False)


def _clocks_set(
    *, ticket: Ticket, now: datetime, into: dict[str, Any], events: list[Event] | None = None
) -> None:
    clocks = ticket_sla_fields(ticket=ticket, now=now, events=events)
    for name, value in clocks.items():
        setattr(ticket, name, value)
    into.update(clocks)


def _save(ticket: Ticket, *, fields: Mapping[str, Any]) -> None:
    with _marked():
        ticket.save(update_fields=list(fields))


@contextmanager
def _marked() -> Iterator[None]:
    _saving.active = True
    try:
        yield
    finally:
        _saving.active = False
