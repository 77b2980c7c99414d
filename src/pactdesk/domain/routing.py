"""Who takes which ticket: the pure rule of pool and seat routing.

Values in, values out. The shell (`pactdesk.routing.services`) gathers the tickets
waiting in one queue (a shared pool, or one dedicated client's queue) and the agents
who may take them — available, under their cap, and allowed by the seat rule — and
stores what `assignments_plan` answers.

Strategies (chosen per pool by a manager; a dedicated client's queue is always
`least_loaded` over its seat holders):

- `earliest_due` (the default): tickets in order of their soonest SLA due instant
  (none last, then lodging order), each to the agent with the fewest open tickets.
- `least_loaded`: tickets in lodging order, each to the agent with the fewest open
  tickets.
- `round_robin`: tickets in lodging order, agents in turn by id, starting after the
  last agent the pool gave a ticket to (`cursor`), skipping agents at their cap.

Ties between agents go to the lowest id, so a plan is a function of its inputs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class PresenceStatus(StrEnum):
    """Whether a member of staff is there to take work."""

    AVAILABLE = "available"
    AWAY = "away"
    OFFLINE = "offline"

    @property
    def label(self) -> str:
        return PRESENCE_LABELS[self]


class Strategy(StrEnum):
    """How a shared pool hands out its tickets."""

    EARLIEST_DUE = "earliest_due"
    ROUND_ROBIN = "round_robin"
    LEAST_LOADED = "least_loaded"

    @property
    def label(self) -> str:
        return STRATEGY_LABELS[self]


PRESENCE_LABELS: dict[PresenceStatus, str] = {
    PresenceStatus.AVAILABLE: "Available",
    PresenceStatus.AWAY: "Away",
    PresenceStatus.OFFLINE: "Offline",
}
STRATEGY_LABELS: dict[Strategy, str] = {
    Strategy.EARLIEST_DUE: "Earliest SLA due first",
    Strategy.ROUND_ROBIN: "Round-robin",
    Strategy.LEAST_LOADED: "Least loaded",
}
DEFAULT_STRATEGY = Strategy.EARLIEST_DUE


@dataclass(frozen=True)
class Waiting:
    """A ticket waiting in a queue: its id, lodging instant and soonest SLA due instant
    (None when no clock runs)."""

    ticket_id: int
    lodged_at: datetime
    due_at: datetime | None


@dataclass(frozen=True)
class Taker:
    """An agent who may take the queue's tickets: open tickets assigned now, and the
    cap on them (None: no cap)."""

    agent_id: int
    open_count: int
    cap: int | None = None

    def room(self, given: int) -> bool:
        return self.cap is None or self.open_count + given < self.cap


@dataclass(frozen=True)
class Plan:
    """The assignments, as (ticket id, agent id) pairs in the order they were made, and
    the round-robin cursor after them (the last agent given a ticket, or the old one)."""

    assignments: tuple[tuple[int, int], ...]
    cursor: int | None


def urgency_order(tickets: Sequence[Waiting]) -> list[Waiting]:
    """Most urgent first: soonest due (none last), then lodged, then id."""
    return sorted(
        tickets,
        key=lambda t: (t.due_at is None, t.due_at or t.lodged_at, t.lodged_at, t.ticket_id),
    )


def assignments_plan(
    *,
    strategy: Strategy,
    tickets: Sequence[Waiting],
    takers: Sequence[Taker],
    cursor: int | None = None,
) -> Plan:
    """Give each ticket to a taker by `strategy`, never past a taker's cap. Tickets left
    when every taker is full stay unassigned (absent from the answer). Each ticket is
    given at most once; unknown strategies are a `ValueError` (the shell checks first)."""
    strategy = Strategy(strategy)
    ordered = (
        urgency_order(tickets)
        if strategy == Strategy.EARLIEST_DUE
        else sorted(tickets, key=lambda t: (t.lodged_at, t.ticket_id))
    )
    given = {taker.agent_id: 0 for taker in takers}
    by_id = {taker.agent_id: taker for taker in takers}
    ring = sorted(by_id)
    pairs: list[tuple[int, int]] = []
    for ticket in ordered:
        open_ = [a for a in ring if by_id[a].room(given[a])]
        if not open_:
            break
        if strategy == Strategy.ROUND_ROBIN:
            after = [a for a in open_ if cursor is not None and a > cursor]
            agent = (after or open_)[0]
            cursor = agent
        else:
            agent = min(open_, key=lambda a: (by_id[a].open_count + given[a], a))
        given[agent] += 1
        pairs.append((ticket.ticket_id, agent))
    return Plan(tuple(pairs), cursor)
