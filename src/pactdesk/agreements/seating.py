"""Who may take a ticket nobody holds: the seat rule, in one place.

A dedicated client's tickets go only to the agents (or managers) holding its seats; a
shared client's tickets go to the agents seated for no client — an agent seated with a
dedicated client works for that client alone. The breach warnings (who hears of an
unassigned ticket) and routing (who is given one, who may press "next ticket") both
ask `SeatMap.takers`; `desk.services.lifecycle` checks the same rule on a hand
assignment (where managers and admins may also take a dedicated client's ticket).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from pactdesk.accounts.models import Role, User
from pactdesk.agreements.models import Seat


@dataclass(frozen=True)
class SeatMap:
    """Every held seat: client id -> the ids of its seat holders, and who is seated."""

    seats: Mapping[int, frozenset[int]]
    seated: frozenset[int]

    @classmethod
    def load(cls) -> SeatMap:
        """One query."""
        seats: dict[int, set[int]] = defaultdict(set)
        held_seats = Seat.objects.filter(agent__isnull=False).order_by()
        for client_id, agent_id in held_seats.values_list("client_id", "agent_id"):
            seats[client_id].add(agent_id)
        held = {client: frozenset(agents) for client, agents in seats.items()}
        return cls(held, frozenset(a for agents in held.values() for a in agents))

    def takers(self, *, client_id: int, dedicated: bool, staff: Mapping[int, User]) -> set[int]:
        """The ids among `staff` who may take an unassigned ticket of the client: its
        seat holders when it is dedicated, else the agents seated for no client."""
        if dedicated:
            return set(self.seats.get(client_id, frozenset())) & set(staff)
        return {
            pk for pk, user in staff.items() if user.role == Role.AGENT and pk not in self.seated
        }

    def client_of(self, agent_id: int) -> int | None:
        """The client whose seat the agent holds (an agent holds seats of one at most)."""
        for client_id, agents in self.seats.items():
            if agent_id in agents:
                return client_id
        return None


def seat_client_of(agent_id: int) -> int | None:
    """The client whose seat the agent holds, or None (one indexed query; what
    `SeatMap.client_of` answers, for one agent without loading every seat)."""
    held = Seat.objects.filter(agent_id=agent_id).order_by().values_list("client_id", flat=True)
    return next(iter(held[:1]), None)
