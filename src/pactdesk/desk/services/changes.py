"""The one way a desk service changes a stored ticket.

Every change has the same shape: record what happened as events, set the fields,
stamp `updated_at`, re-evaluate the SLA clocks (the replay reads the events just
recorded) and save it all in one UPDATE. `ticket_change` does exactly that, so no
service can forget the clocks; `ticket_sla_refresh` is the clocks alone, for the sweep
that re-evaluates tickets as time passes; `ticket_claim` is the one conditional write
(assign a ticket only if nobody holds it, for routing's "next ticket") followed by a
`ticket_change`. A ticket row is only ever updated here (new
tickets are inserted by `lodging`); `tests/desk/test_changes.py` and the suite-wide
guard in `tests/conftest.py` fail on a save of a ticket anywhere else.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pactdesk.accounts.models import User
from pactdesk.desk.models import Ticket
from pactdesk.desk.services.records import event_add
from pactdesk.desk.services.sla_state import ticket_sla_fields, tickets_with_sla_inputs
from pactdesk.domain.sla import Event
from pactdesk.domain.vocabulary import EventKind

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
) -> Ticket | None:
    """Give the ticket to `assignee` only if nobody holds it: a conditional UPDATE
    (`... WHERE id = %s AND assignee_id IS NULL`) decides between racing claimers, then
    `ticket_change` records `events`, `updated_at` and the clocks as for any change.
    Answers the ticket, or None when another claim won (or it is gone). Call it inside
    the claimer's transaction, so a failure after the UPDATE undoes the claim too."""
    won = Ticket.objects.filter(pk=ticket_id, assignee__isnull=True).update(assignee=assignee)
    if not won:
        return None
    ticket = tickets_with_sla_inputs(Ticket.objects.filter(pk=ticket_id)).get()
    return ticket_change(
        ticket=ticket, now=now, actor=actor, events=events, fields={"assignee": assignee}
    )


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
