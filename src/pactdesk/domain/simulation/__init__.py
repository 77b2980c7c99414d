"""Staffing simulation: a seeded discrete-event model of a desk answering tickets (pure).

Issue 14 §3. Where :mod:`pactdesk.domain.queueing` answers in closed form for a
stationary M/M/n queue, this module simulates what a plan really has: arrival rates
that change by hour of week, handle times drawn from the measured distribution (not
only exponential), ticket classes served in priority order, agents on shifts who
finish the ticket in hand when their shift ends, seat holders whose client's tasks take
part of their time, customers who give up, and a first-response clock that runs in the
plan's open hours only. It signs off staffing plans and seat advice.

Build a :class:`Scenario` and call :func:`simulate`::

    urgent = TicketClass(
        "urgent",
        HourlyArrivals.constant(5),
        ExponentialHandle(timedelta(minutes=10)),
        Target(timedelta(minutes=15), goal=0.9),
    )
    normal = TicketClass(
        "normal",
        HourlyArrivals.of(rates_168),  # tickets per hour, Monday 00:00-01:00 first
        LognormalHandle(timedelta(minutes=10), cv=1.5),
        Target(timedelta(minutes=30), goal=0.9),
    )
    scenario = Scenario(classes=(urgent, normal), staffing=Headcount.of(agents_168))
    result = simulate(scenario=scenario, seed=7, replications=10)
    result.attainment(ticket_class="normal", hour=9)          # Estimate(mean=0.93, low=…, high=…)
    result.response_percentile(0.9, day=0)                     # seconds of open time
    result.shortfalls()                                        # hours below a class's goal

Semantics (the model is described in :mod:`pactdesk.domain.simulation._engine`):

* **Response.** A ticket's response is the open time of ``scenario.hours`` from its
  arrival to its answer: by default the first reply, i.e. the pick-up plus its
  first-touch handle time (issue 14 §2); ``Answer.PICK_UP`` counts the pick-up alone,
  as Erlang C does. A ticket never answered has an infinite response (not a zero).
* **Priority.** ``classes`` are in priority order: the first is served first, without
  interrupting a ticket in hand; first come, first served within a class.
* **Shifts.** A busy agent finishes the ticket in hand when its shift ends, then leaves.
* **Horizon.** ``weeks`` measured weeks after a ``warmup`` (default one day) that fills
  the queue; tickets arriving in the measured weeks are reported, by hour and day of
  week of arrival (the weeks pooled).
* **Replications** use independent random streams spawned from ``seed``
  (``numpy.random.SeedSequence(seed).spawn``): the same seed gives identical results,
  and replication ``i`` does not depend on how many are run.

Errors: :class:`~pactdesk.domain.errors.SimulationError` with a
:class:`~pactdesk.domain.errors.SimulationCode`; the inputs check themselves when
built, and :func:`simulate` refuses work beyond :data:`MAX_TICKETS` simulated tickets
(``too_much_work``) so that no input makes it run for minutes.

Sources: Law, *Simulation Modeling and Analysis* (5th ed., 2015), §9.4 (independent
replications and the t confidence interval); Koole, *Call Center Optimization* (2013),
ch. 5 and 7 (what Erlang C misses: non-stationary arrivals, shifts, handle-time spread).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from pactdesk.domain.errors import SimulationCode
from pactdesk.domain.simulation import _checks as check
from pactdesk.domain.simulation._engine import COOLDOWN_S, DRAIN_S, Plan, replicate
from pactdesk.domain.simulation._inputs import (
    Answer,
    EmpiricalHandle,
    ExponentialHandle,
    FixedHandle,
    HandleTime,
    HourlyArrivals,
    LognormalHandle,
    ScheduledArrivals,
    Target,
    TicketClass,
)
from pactdesk.domain.simulation._results import (
    Estimate,
    Replication,
    SimulationResult,
    Window,
    replication_of,
)
from pactdesk.domain.simulation._staffing import (
    ALWAYS,
    Headcount,
    Roster,
    Seats,
    Shift,
    Staffing,
    TaskLoad,
    WeekHours,
    on_duty,
)

__all__ = [
    "MAX_TICKETS",
    "Answer",
    "EmpiricalHandle",
    "Estimate",
    "ExponentialHandle",
    "FixedHandle",
    "HandleTime",
    "Headcount",
    "HourlyArrivals",
    "LognormalHandle",
    "Replication",
    "Roster",
    "Scenario",
    "ScheduledArrivals",
    "Seats",
    "Shift",
    "SimulationResult",
    "Staffing",
    "Target",
    "TaskLoad",
    "TicketClass",
    "WeekHours",
    "Window",
    "simulate",
]

MAX_TICKETS = 1_000_000
"""The most tickets and tasks (expected, over all replications) one call simulates."""

MAX_WEEKS = 52
MAX_REPLICATIONS = 1_000


@dataclass(frozen=True)
class Scenario:
    """What to simulate: ticket classes (in priority order), staff, calendar and horizon.

    Args:
        classes: At least one :class:`TicketClass`, names unique; the first is served first.
        staffing: A :class:`Roster`, :class:`Headcount` or :class:`Seats`.
        hours: The plan's calendar, in which response times are counted (default 24/7).
        weeks: Measured weeks, 1 to 52.
        warmup: Simulated time before the first measured Monday 00:00, 0 to 7 days.
    """

    classes: tuple[TicketClass, ...]
    staffing: Staffing
    hours: WeekHours = ALWAYS
    weeks: int = 1
    warmup: timedelta = timedelta(days=1)

    def __post_init__(self) -> None:
        if not isinstance(self.classes, tuple) or not self.classes:
            raise check.fail(
                SimulationCode.NO_TICKET_CLASSES, "give at least one ticket class", "classes"
            )
        names: set[str] = set()
        for i, ticket_class in enumerate(self.classes):
            if not isinstance(ticket_class, TicketClass):
                raise check.fail(SimulationCode.INVALID_CLASS, "not a TicketClass", f"classes[{i}]")
            if ticket_class.name in names:
                raise check.fail(
                    SimulationCode.DUPLICATE_CLASS,
                    f"two ticket classes are named {ticket_class.name!r}",
                    f"classes[{i}]",
                )
            names.add(ticket_class.name)
        if not isinstance(self.staffing, Roster | Headcount | Seats):
            raise check.fail(
                SimulationCode.EMPTY_ROSTER,
                "staffing must be a Roster, Headcount or Seats",
                "staffing",
            )
        if not isinstance(self.hours, WeekHours):
            raise check.fail(SimulationCode.INVALID_CALENDAR, "hours must be WeekHours", "hours")
        check.whole(
            self.weeks, field="weeks", code=SimulationCode.INVALID_HORIZON, low=1, high=MAX_WEEKS
        )
        check.seconds(
            self.warmup,
            field="warmup",
            code=SimulationCode.INVALID_HORIZON,
            positive=False,
            most=check.WEEK,
        )


def simulate(*, scenario: Scenario, seed: int, replications: int = 10) -> SimulationResult:
    """Run ``replications`` independent replications of ``scenario`` from ``seed``.

    Args:
        scenario: What to simulate.
        seed: A whole number >= 0; the same seed gives identical results.
        replications: 2 to 1,000 (two at least, for a confidence interval).

    Returns:
        A :class:`SimulationResult` with every replication's measured tickets.

    Raises:
        SimulationError: ``invalid_seed``, ``invalid_replications``; ``too_much_work``
            when the expected tickets and tasks of all replications exceed
            :data:`MAX_TICKETS`; the codes of the inputs' checks.
    """
    if not isinstance(scenario, Scenario):
        raise check.fail(
            SimulationCode.NO_TICKET_CLASSES, "scenario must be a Scenario", "scenario"
        )
    root = check.whole(seed, field="seed", code=SimulationCode.INVALID_SEED, low=0, high=2**63 - 1)
    count = check.whole(
        replications,
        field="replications",
        code=SimulationCode.INVALID_REPLICATIONS,
        low=2,
        high=MAX_REPLICATIONS,
    )
    plan = _plan(scenario)
    _check_work(plan, count)
    streams = [np.random.default_rng(child) for child in np.random.SeedSequence(root).spawn(count)]
    return SimulationResult(
        classes=tuple(c.name for c in scenario.classes),
        goals=tuple(float(c.target.goal) for c in scenario.classes),
        replications=tuple(
            replication_of(replicate(plan, rng), plan, scenario.hours) for rng in streams
        ),
    )


def _plan(scenario: Scenario) -> Plan:
    warmup = scenario.warmup.total_seconds()
    horizon = scenario.weeks * check.WEEK_S
    start, stop = -warmup, horizon + DRAIN_S
    agents = tuple(
        tuple((max(a, start), min(b, stop)) for a, b in on_duty(week, start, stop))
        for _, week in scenario.staffing.agents()
    )
    return Plan(
        classes=scenario.classes,
        agents=agents,
        tasks=scenario.staffing.tasks,
        warmup=warmup,
        horizon=horizon,
    )


def _check_work(plan: Plan, replications: int) -> None:
    span = plan.warmup + plan.horizon + COOLDOWN_S
    tickets = sum(c.arrivals.expected(span) for c in plan.classes)
    tasks = 0.0
    if plan.tasks is not None:
        on_duty_s = sum(b - a for duty in plan.agents for a, b in duty)
        tasks = plan.tasks.per_second * on_duty_s
    work = (tickets + tasks) * replications
    if work > MAX_TICKETS:
        raise check.fail(
            SimulationCode.TOO_MUCH_WORK,
            f"about {work:,.0f} tickets and tasks to simulate, above the {MAX_TICKETS:,} "
            "one call runs (fewer replications, weeks or a lower rate)",
            "scenario",
        )
