"""Replaying a ticket's history into SLA clocks.

The replay walks the (validated, sorted) events once and keeps one :class:`Clock`
per metric (a list of cycles for ``next_reply``). After every event each clock is
started or halted according to the rules below, at that event's instant.

Rules, per metric:

* ``first_response`` runs from lodging and is met by the first ``staff_reply`` only
  (never by a note, an automatic acknowledgement or a status change).
* ``effective_answer`` runs from lodging. A ``solved`` status that follows a staff
  reply (made since lodging or since the last reopen) stops the clock *pending
  confirmation*: the clock is halted and the result is ``paused`` with ``met_at``
  None. It is confirmed, with ``met_at`` = the solve instant, once the confirmation
  window (wall-clock, from the solve) has passed by ``now`` or by a later event, or at
  once by a ``closed`` status. Inside the window a ``reopened`` event, a customer
  reply, or a status change back to ``open``/``waiting`` withdraws it: the clock runs
  again from where it stood and a new staff reply is needed before the next solve.
  A reopen at or after the end of the window changes nothing. A ``closed`` status
  following a staff reply with no pending solve counts as solve and confirmation.
* ``next_reply``: lodging starts nothing. A customer reply arriving after at least one
  staff reply starts a cycle (unless one is already waiting for an answer); the next
  ``staff_reply`` meets it. The result describes the latest cycle, except that a ticket
  any of whose cycles was breached stays ``breached`` with the first ``breached_at``.
* With ``pause_while_waiting`` every clock is halted while the status is ``waiting``.
* A customer reply on a ``solved`` or ``closed`` ticket reopens it, and on a
  ``waiting`` ticket sets it back to ``open`` (the customer has answered).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pactdesk.domain.sla._clock import Clock
from pactdesk.domain.sla._values import Event, Policy
from pactdesk.domain.vocabulary import DEFAULT_PRIORITY, EventKind, Status


@dataclass
class Replay:
    """Ticket state and clocks after replaying events up to ``now``."""

    policy: Policy
    status: str = Status.OPEN
    priority: str = DEFAULT_PRIORITY
    valid: bool = True
    first: Clock = field(default_factory=Clock)
    effective: Clock = field(default_factory=Clock)
    cycles: list[Clock] = field(default_factory=list)
    answered: bool = False
    staff_replied: bool = False
    solved_at: datetime | None = None

    def apply(self, event: Event) -> None:
        """Advance the state by one event, then start or halt the clocks at its instant."""
        self.confirm_until(event.at)
        handler = _HANDLERS.get(event.kind)
        if handler is not None:
            handler(self, event)
        self._sync(event.at)

    def confirm_until(self, moment: datetime) -> None:
        """Confirm a pending solve whose confirmation window has passed by ``moment``."""
        window: timedelta = self.policy.confirmation_window
        if self.solved_at is not None and moment >= self.solved_at + window:
            self._confirm()

    def _confirm(self) -> None:
        assert self.solved_at is not None  # only called with a pending solve
        self.effective.met_at = self.solved_at
        self.solved_at = None

    def _withdraw(self) -> None:
        self.solved_at = None
        self.answered = False

    def _sync(self, at: datetime) -> None:
        waiting = self.policy.pause_while_waiting and self.status == Status.WAITING
        pending = self.solved_at is not None
        clocks = [
            (self.first, not waiting),
            (self.effective, not waiting and not pending),
        ]
        if self.cycles:
            clocks.append((self.cycles[-1], not waiting))
        for clock, should_run in clocks:
            if clock.met_at is not None or not should_run:
                clock.halt(at)
            else:
                clock.run(at)

    # -- event handlers -----------------------------------------------------------

    def _lodged(self, event: Event) -> None:
        if event.value is not None:
            self.priority = event.value

    def _staff_reply(self, event: Event) -> None:
        if self.first.met_at is None:
            self.first.meet(event.at)
        if self.cycles and self.cycles[-1].met_at is None:
            self.cycles[-1].meet(event.at)
        self.staff_replied = True
        self.answered = True

    def _customer_reply(self, event: Event) -> None:
        if self.status in (Status.SOLVED, Status.CLOSED):
            self._reopened(event)
        elif self.status == Status.WAITING:
            self.status = Status.OPEN
        if self.staff_replied and (not self.cycles or self.cycles[-1].met_at is not None):
            self.cycles.append(Clock())

    def _status(self, event: Event) -> None:
        self.status = str(event.value)
        if self.status == Status.SOLVED:
            if self.answered and self.solved_at is None and self.effective.met_at is None:
                self.solved_at = event.at
        elif self.status == Status.CLOSED:
            if self.solved_at is not None:
                self._confirm()
            elif self.answered and self.effective.met_at is None:
                self.effective.meet(event.at)
        elif self.solved_at is not None:
            self._withdraw()

    def _reopened(self, event: Event) -> None:
        self.status = Status.OPEN
        if self.solved_at is not None:
            self._withdraw()

    def _priority(self, event: Event) -> None:
        self.priority = str(event.value)

    def _invalid(self, event: Event) -> None:
        self.valid = False

    def _valid(self, event: Event) -> None:
        self.valid = True


_HANDLERS: dict[str, Callable[[Replay, Event], None]] = {
    EventKind.LODGED: Replay._lodged,
    EventKind.STAFF_REPLY: Replay._staff_reply,
    EventKind.CUSTOMER_REPLY: Replay._customer_reply,
    EventKind.STATUS: Replay._status,
    EventKind.REOPENED: Replay._reopened,
    EventKind.PRIORITY: Replay._priority,
    EventKind.INVALID: Replay._invalid,
    EventKind.MERGED: Replay._invalid,
    EventKind.VALID: Replay._valid,
}


def replay(events: Sequence[Event], *, policy: Policy, now: datetime) -> Replay:
    """Replay sorted, validated ``events`` (those after ``now`` are ignored)."""
    state = Replay(policy=policy)
    for event in events:
        if event.at > now:
            break
        state.apply(event)
    state.confirm_until(now)
    return state
