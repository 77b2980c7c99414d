"""One replication: the SimPy model of agents taking tickets from a priority queue.

The model (all times in seconds from Monday 00:00 of the first measured week):

* Tickets arrive from ``-warmup`` to ``horizon + cooldown``; only those arriving in
  ``[0, horizon)`` are measured (the warm-up fills the queue as the week before would;
  the cool-down keeps later arrivals competing with the last measured ones).
* The queue is non-preemptive priority: the first ticket class first, first come first
  served within a class. An arriving ticket goes to the agent idle longest, if any.
* Each agent is a SimPy process walking its on-duty intervals. On duty it does a task
  if one is due, else takes the queue's next ticket, else waits for a ticket, a task or
  the end of duty, whichever comes first. A ticket or task in hand is always finished,
  also past the end of duty; then the agent leaves until its next interval.
* A ticket with patience is withdrawn once its deadline passes unpicked; withdrawal is
  applied lazily when the ticket reaches the head of the queue, which is exact because
  a waiting ticket uses no agent time.
* The run stops when every measured ticket is picked up or withdrawn, or one week after
  the horizon at the latest: a measured ticket never picked up is unanswered (its
  response time is infinite), so a desk with nobody on duty ends and answers 0.
"""

from __future__ import annotations

import heapq
from collections.abc import Generator
from dataclasses import dataclass

import numpy as np
import simpy
from numpy.typing import NDArray

from pactdesk.domain.simulation import _checks as check
from pactdesk.domain.simulation._inputs import Seconds, TicketClass
from pactdesk.domain.simulation._staffing import Interval, TaskLoad

COOLDOWN_S = 86_400.0
DRAIN_S = check.WEEK_S


@dataclass(frozen=True)
class Plan:
    """The validated inputs of every replication: seconds, intervals, rates."""

    classes: tuple[TicketClass, ...]
    agents: tuple[tuple[Interval, ...], ...]  # each agent's on-duty intervals, absolute
    tasks: TaskLoad | None
    warmup: float
    horizon: float

    @property
    def start(self) -> float:
        return -self.warmup

    @property
    def stop(self) -> float:
        return self.horizon + DRAIN_S


@dataclass(frozen=True, eq=False)
class Run:
    """What one replication recorded, for every ticket that arrived (measured or not).

    Arrays of shape ``(tickets,)`` in arrival order: ``arrival``, ``pick_up`` (``inf``
    if never picked), ``handle`` (seconds), ``deadline`` (patience; ``inf`` without),
    ``kind`` (index into the classes), ``agent`` (index, -1 if never picked);
    ``task_busy``: every task done, as ``(start, end)`` seconds; ``stopped_at``: when
    the run ended.
    """

    arrival: Seconds
    pick_up: Seconds
    handle: Seconds
    deadline: Seconds
    kind: NDArray[np.int64]
    agent: NDArray[np.int64]
    task_busy: tuple[Interval, ...]
    stopped_at: float


class _Desk:
    """The shared state: the queue, the idle agents, what was picked when."""

    def __init__(
        self, env: simpy.Environment, kind: NDArray[np.int64], deadline: Seconds, measured: range
    ) -> None:
        self.env = env
        self.kind: list[int] = kind.tolist()
        self.deadline: list[float] = deadline.tolist()
        self.queue: list[tuple[int, int]] = []
        self.idle: dict[int, tuple[simpy.Event, float]] = {}  # agent: (wake-up, end of duty)
        self.pick_up = [np.inf] * len(self.kind)
        self.agent = [-1] * len(self.kind)
        self.measured = measured
        self.unresolved = len(measured)
        self.all_answered = env.event()
        if not measured:
            self.all_answered.succeed()

    def arrive(self, ticket: int) -> None:
        """Hand ``ticket`` to the agent idle longest whose duty has not ended, else queue it."""
        while self.idle:
            agent = next(iter(self.idle))
            wake, end = self.idle.pop(agent)
            if end > self.env.now:
                wake.succeed(ticket)
                return
            wake.succeed(None)  # its duty ends this instant: let it go
        heapq.heappush(self.queue, (self.kind[ticket], ticket))

    def next_ticket(self) -> int | None:
        now = self.env.now
        while self.queue:
            _, ticket = heapq.heappop(self.queue)
            if self.deadline[ticket] >= now:
                return ticket
            self._resolved(ticket)  # withdrawn: its patience ran out while it waited
        return None

    def take(self, ticket: int, agent: int) -> None:
        self.pick_up[ticket] = self.env.now
        self.agent[ticket] = agent
        self._resolved(ticket)

    def _resolved(self, ticket: int) -> None:
        if ticket in self.measured:
            self.unresolved -= 1
            if self.unresolved == 0:
                self.all_answered.succeed()


def replicate(plan: Plan, rng: np.random.Generator) -> Run:
    """Run one replication of ``plan`` with the random stream ``rng``."""
    arrival, kind, handle, deadline = _tickets(plan, rng)
    first, last = np.searchsorted(arrival, [0.0, plan.horizon], side="left")
    env = simpy.Environment(initial_time=plan.start)
    desk = _Desk(env, kind, deadline, range(int(first), int(last)))
    handles = handle.tolist()
    task_busy: list[Interval] = []
    _arrivals(env, desk, arrival.tolist())
    for index, duty in enumerate(plan.agents):
        due, length = _tasks(plan.tasks, duty, rng)
        env.process(_agent(env, desk, index, duty, handles, (due, length), task_busy))
    env.run(until=env.any_of([desk.all_answered, env.timeout(plan.stop - plan.start)]))
    return Run(
        arrival=arrival,
        pick_up=np.array(desk.pick_up, dtype=np.float64),
        handle=handle,
        deadline=deadline,
        kind=kind,
        agent=np.array(desk.agent, dtype=np.int64),
        task_busy=tuple(task_busy),
        stopped_at=float(env.now),
    )


def _tickets(
    plan: Plan, rng: np.random.Generator
) -> tuple[Seconds, NDArray[np.int64], Seconds, Seconds]:
    """Every class's arrivals merged in time order, with handle times and deadlines."""
    end = plan.horizon + COOLDOWN_S
    times, kinds, handles, deadlines = [], [], [], []
    for index, ticket_class in enumerate(plan.classes):
        at = ticket_class.arrivals.draw(rng, plan.start, end)
        times.append(at)
        kinds.append(np.full(at.size, index, dtype=np.int64))
        handles.append(ticket_class.handle.draw(rng, at.size))
        if ticket_class.patience is None:
            deadlines.append(np.full(at.size, np.inf))
        else:
            deadlines.append(at + rng.exponential(ticket_class.patience.total_seconds(), at.size))
    arrival = np.concatenate(times)
    order = np.argsort(arrival, kind="stable")
    return (
        arrival[order],
        np.concatenate(kinds)[order],
        np.concatenate(handles)[order],
        np.concatenate(deadlines)[order],
    )


def _tasks(
    tasks: TaskLoad | None, duty: tuple[Interval, ...], rng: np.random.Generator
) -> tuple[list[float], list[float]]:
    """An agent's task due instants (a Poisson stream in on-duty time) and durations."""
    if tasks is None or tasks.share == 0 or not duty:
        return [], []
    lengths = np.array([b - a for a, b in duty])
    on_duty = np.concatenate([[0.0], np.cumsum(lengths)])
    count = rng.poisson(tasks.per_second * on_duty[-1])
    clock = np.sort(rng.random(count) * on_duty[-1])  # positions in on-duty time
    which = np.searchsorted(on_duty, clock, side="right") - 1
    starts = np.array([a for a, _ in duty])
    due = starts[which] + (clock - on_duty[which])
    return due.tolist(), tasks.duration.draw(rng, count).tolist()


def _arrivals(env: simpy.Environment, desk: _Desk, times: list[float]) -> None:
    """Schedule the arrivals as a chain of timeouts, each one scheduling the next."""

    def from_ticket(ticket: int) -> None:
        while ticket < len(times) and times[ticket] <= env.now:
            desk.arrive(ticket)
            ticket += 1
        if ticket < len(times):
            timer = env.timeout(times[ticket] - env.now)
            timer.callbacks.append(lambda _: from_ticket(ticket))

    from_ticket(0)


def _agent(
    env: simpy.Environment,
    desk: _Desk,
    me: int,
    duty: tuple[Interval, ...],
    handles: list[float],
    tasks: tuple[list[float], list[float]],
    task_busy: list[Interval],
) -> Generator[simpy.Event, object]:
    """One agent's working life: tasks due first, then tickets, finishing what is in hand.

    While idle it waits on one wake-up event, fired by an arriving ticket (with it),
    by the end of its duty or by a task falling due (with ``None``: look again); those
    timers are set once per interval and per task, not per idle spell.
    """
    due, length = tasks
    next_task = 0

    def look_again(_: object) -> None:
        waiting = desk.idle.pop(me, None)
        if waiting is not None:
            waiting[0].succeed(None)

    for at in due:
        env.timeout(at - env.now).callbacks.append(look_again)
    for start, end in duty:
        if env.now < start:
            yield env.timeout(start - env.now)
        if env.now < end:
            env.timeout(end - env.now).callbacks.append(look_again)
        while env.now < end:
            if next_task < len(due) and due[next_task] <= env.now:
                task_busy.append((env.now, env.now + length[next_task]))
                yield env.timeout(length[next_task])
                next_task += 1
                continue
            ticket = desk.next_ticket()
            if ticket is None:
                wake = env.event()
                desk.idle[me] = (wake, end)
                picked = yield wake
                if picked is None:
                    continue
                ticket = int(picked)  # type: ignore[call-overload]
            desk.take(ticket, me)
            yield env.timeout(handles[ticket])
