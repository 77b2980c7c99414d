"""Writes of routing: presence, pools, next ticket, the routing sweep. Import from here."""

from pactdesk.routing.services.dispatch import (
    RouteResult,
    routing_sweep,
    tickets_return,
    tickets_route,
)
from pactdesk.routing.services.presence import (
    PresenceIn,
    activity_note,
    pool_strategy_set,
    presence_idle_sweep,
    presence_set,
    presence_sign_out,
    presence_status_set,
)
from pactdesk.routing.services.queue import queue_next

__all__ = [
    "PresenceIn",
    "RouteResult",
    "activity_note",
    "pool_strategy_set",
    "presence_idle_sweep",
    "presence_set",
    "presence_sign_out",
    "presence_status_set",
    "queue_next",
    "routing_sweep",
    "tickets_return",
    "tickets_route",
]
