"""Seat advice and the shared pool's requirement, from measured inputs (pure: no Django).

Issue 14 §2 and §5. Both answer the first-response promise of tickets, whose "answer"
is the pick-up followed by the first-touch handle time: the pick-up budget is the
target minus the mean first touch, and the rest of the work on a ticket (its later
replies) occupies agents too.

**Seat advice** (`advise_seats`): for ``n - 1``, ``n`` and ``n + 1`` seats (and up to
``n + MAX_EXTRA`` when one more is not enough), a closed-form estimate (Erlang C hour
by hour over the open hours, arrivals lodged while closed queued to the opening) and
the simulation (`pactdesk.domain.simulation`, seeded: the same inputs give the same
advice) of the seat holders on the client's calendar: tickets in priority order
(urgent first when the policy has an urgent target), first-touch handle times drawn
lognormally with the measured mean and spread, and the later replies and the client's
own tasks as a task load taking their share of the seats' time. The simulation signs
off: a seat count keeps the promise when every class's simulated attainment reaches
its goal. Seat counts whose follow-up work alone fills the seats are "overloaded" and
not simulated (nothing would be answered).

**Shared pool** (`pool_requirement_of`): for each hour of the pool's week, the clients
open then (round-the-clock ones always; business-hours clients in their hours, the
tickets they received while closed landing in their first open hour), their arrivals
pooled and raised by the forecast's error (``buffer``), the handle time their mean
weighted by arrivals, the strictest pick-up budget and the highest goal: the least
agents meeting the goal at no more than 85 % occupancy (`required_agents`), and at
least one whenever a client is open (a promise needs someone there).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

from pactdesk.domain.errors import DomainError
from pactdesk.domain.queueing import required_agents, service_level
from pactdesk.domain.simulation import (
    Estimate,
    ExponentialHandle,
    HourlyArrivals,
    LognormalHandle,
    Scenario,
    Seats,
    SimulationResult,
    Target,
    TaskLoad,
    TicketClass,
    WeekHours,
    simulate,
)
from pactdesk.platform.errors import ValidationFailed
from pactdesk.staffing.error_codes import StaffingErrorCode
from pactdesk.staffing.words import AdviceKind

HOURS = 168
MAX_OCCUPANCY = 0.85
MAX_EXTRA = 3
MAX_SEATS = 500
OVERLOAD = 0.95  # a follow-up and task share at or above this leaves no time for tickets
SEED = 14
REPLICATIONS = 10
WEEK = timedelta(days=7)
T = TypeVar("T")


@dataclass(frozen=True)
class Promise:
    """A first-response target: ``goal`` (0 < goal < 1) within ``within`` of open time."""

    within: timedelta
    goal: float


@dataclass(frozen=True)
class Work:
    """How long tickets take: first touch (mean and coefficient of variation) and the
    total handle over a ticket's life (the first touch included)."""

    first_touch: timedelta
    first_touch_cv: float
    total_handle: timedelta


@dataclass(frozen=True)
class SeatQuestion:
    """What a seat advice is computed from.

    Attributes:
        seats: The seats the client has now (>= 1).
        arrivals: 168 expected arrivals per hour of the client's local week.
        urgent_share: The share of arrivals that are urgent (0 … 1).
        normal: The promise of every ticket but the urgent ones.
        urgent: The urgent tickets' own promise, or None (they count as the others).
        open: The calendar's open spans from Monday 00:00 (the seats' hours).
        work: Handle times.
        task_share: The share of the seats' time the client's own tasks take (0 … 1).
    """

    seats: int
    arrivals: tuple[float, ...]
    urgent_share: float
    normal: Promise
    urgent: Promise | None
    open: tuple[tuple[timedelta, timedelta], ...]
    work: Work
    task_share: float = 0.0


@dataclass(frozen=True)
class SeatOption:
    """What ``seats`` seats would give (times in minutes; None: never answered).

    ``attainment`` is the simulated share answered within target (mean and its 95 %
    interval over the replications); ``erlang`` the closed-form estimate of the default
    target's attainment; ``utilisation`` the seats' busy share, tickets and tasks."""

    seats: int
    overloaded: bool
    attainment: float
    attainment_low: float
    attainment_high: float
    erlang: float
    p50: float | None
    p90: float | None
    p95: float | None
    utilisation: float
    follow_up_share: float
    keeps_promise: bool
    classes: tuple[tuple[str, float, float], ...] = ()  # (class, attainment, goal)

    def short_of_goal(self) -> tuple[str, ...]:
        """The classes whose simulated attainment is below their goal."""
        return tuple(name for name, got, goal in self.classes if got < goal)


@dataclass(frozen=True)
class SeatRecommendation:
    """The advice: ``kind``, the seats now and recommended, a sentence with its numbers,
    and every option computed (by seats, ascending)."""

    kind: AdviceKind
    seats: int
    recommended: int
    text: str
    options: tuple[SeatOption, ...]
    goal: float
    weekly_arrivals: float

    def option(self, seats: int) -> SeatOption | None:
        return next((o for o in self.options if o.seats == seats), None)


def advise_seats(question: SeatQuestion) -> SeatRecommendation:
    """The seat advice for ``question`` (see the module docstring).

    Raises:
        ValidationFailed: ``no_seats`` (seats < 1), ``no_history`` (no arrivals),
            ``invalid_arrival_rate`` (not 168 finite rates >= 0),
            ``invalid_handle_time`` (a handle time <= 0, cv < 0),
            ``invalid_staffing_goal`` (a goal outside (0, 1)); and the simulation's
            own codes (`too_much_work` for a load beyond what one call simulates).
    """
    _check_question(question)
    options: dict[int, SeatOption] = {}
    current = options[question.seats] = seat_option(question, question.seats)
    if question.seats > 1:
        options[question.seats - 1] = seat_option(question, question.seats - 1)
    extra = question.seats + 1
    options[extra] = seat_option(question, extra)
    while not current.keeps_promise and not options[extra].keeps_promise:
        if options[extra].attainment <= current.attainment + 0.005:
            break  # one more seat changed nothing: seats are not what holds it back
        if extra >= question.seats + MAX_EXTRA or extra >= MAX_SEATS:
            break
        extra += 1
        options[extra] = seat_option(question, extra)
    ordered = tuple(options[k] for k in sorted(options))
    # A class short of its goal even with the most seats tried is not held back by
    # seats (its first touch takes most of its target): advise on the others, and say so.
    beyond = options[max(options)].short_of_goal()
    kind, recommended, text = _recommend(question, options, beyond)
    if beyond:
        best = options[max(options)]
        got = {name: value for name, value, _ in best.classes}
        touch = _time(question.work.first_touch.total_seconds() / 60)
        text += "; " + ", ".join(
            f"{name} tickets stay below their goal with any seats ({got[name]:.0%} with "
            f"{best.seats}): their first touch (mean {touch}) takes most of their target"
            for name in beyond
        )
    return SeatRecommendation(
        kind=kind,
        seats=question.seats,
        recommended=recommended,
        text=text,
        options=ordered,
        goal=question.normal.goal,
        weekly_arrivals=float(sum(question.arrivals)),
    )


def seat_option(question: SeatQuestion, seats: int) -> SeatOption:
    """The closed-form estimate and the simulation for ``seats`` seats."""
    work = question.work
    open_s = sum((end - start).total_seconds() for start, end in question.open)
    follow_up_s = (work.total_handle - work.first_touch).total_seconds()
    follow_up = sum(question.arrivals) * follow_up_s / (seats * open_s)
    share = follow_up + question.task_share
    erlang = erlang_attainment(question, seats)
    if share >= OVERLOAD:
        return SeatOption(seats, True, 0.0, 0.0, 0.0, erlang, None, None, None, 1.0, share, False)
    result = _simulate(question, seats, share)
    # A window without tickets has no estimate: nothing was missed there.
    attainment = result.attainment() or Estimate(1.0, 1.0, 1.0, (), 0.95)
    per_class = tuple(
        (name, _mean(result.attainment(ticket_class=name), 1.0), goal)
        for name, goal in zip(result.classes, result.goals, strict=True)
    )
    keeps = all(got >= goal for _, got, goal in per_class)
    return SeatOption(
        seats=seats,
        overloaded=False,
        attainment=attainment.mean,
        attainment_low=attainment.low,
        attainment_high=attainment.high,
        erlang=erlang,
        p50=_minutes(_mean(result.response_percentile(0.5), 0.0)),
        p90=_minutes(_mean(result.response_percentile(0.9), 0.0)),
        p95=_minutes(_mean(result.response_percentile(0.95), 0.0)),
        utilisation=min(1.0, result.utilisation().mean),
        follow_up_share=share,
        keeps_promise=keeps,
        classes=per_class,
    )


def erlang_attainment(question: SeatQuestion, seats: int) -> float:
    """Erlang C's share answered within the default target, hour by hour (module doc).

    Traffic counts each ticket's whole handle time, stretched by the task share; the
    pick-up budget is the target less the mean first touch."""
    work = question.work
    shares = open_share(question.open)
    arrivals = queued_to_opening(question.arrivals, shares)
    stretch = 1.0 / max(1e-9, 1.0 - min(question.task_share, OVERLOAD))
    handle = work.total_handle * stretch
    budget = max(timedelta(0), question.normal.within - work.first_touch)
    return weighted_service_level(arrivals, seats=seats, handle=handle, within=budget)


def weighted_service_level(
    arrivals: Sequence[float], *, seats: int, handle: timedelta, within: timedelta
) -> float:
    """Σ λ_h SL_h / Σ λ_h over the hours with arrivals (1.0 with none)."""
    total = sum(arrivals)
    if total <= 0:
        return 1.0
    met = sum(
        rate * service_level(agents=seats, arrivals_per_hour=rate, handle=handle, within=within)
        for rate in arrivals
        if rate > 0
    )
    return met / total


def open_share(spans: Sequence[tuple[timedelta, timedelta]]) -> tuple[float, ...]:
    """For each hour of week, the open share of it (0 … 1)."""
    share = [0.0] * HOURS
    hour = timedelta(hours=1)
    for start, end in spans:
        for h in range(int(start / hour), min(HOURS, math.ceil(end / hour))):
            lo, hi = max(start, h * hour), min(end, (h + 1) * hour)
            share[h] += max(0.0, (hi - lo) / hour)
    return tuple(min(1.0, s) for s in share)


def queued_to_opening(arrivals: Sequence[float], shares: Sequence[float]) -> list[float]:
    """Arrivals of closed hours moved to the next open hour, round the week; all zero
    when never open."""
    if not any(s > 0 for s in shares):
        return [0.0] * HOURS
    moved = [0.0] * HOURS
    first_open = next(h for h in range(HOURS) if shares[h] > 0)
    waiting = 0.0
    for step in range(1, HOURS + 1):
        h = (first_open + step) % HOURS
        waiting += arrivals[h]
        if shares[h] > 0:
            moved[h] += waiting
            waiting = 0.0
    return moved


# -- the shared pool ---------------------------------------------------------------------


@dataclass(frozen=True)
class PoolClient:
    """One shared client as the pool sees it, in the pool's hours of week.

    ``arrivals`` (168, tickets per hour, forecast) and ``open`` (168 flags) are in the
    pool's week (its time zone); ``promise`` is the default first-response target."""

    name: str
    arrivals: tuple[float, ...]
    open: tuple[bool, ...]
    work: Work
    promise: Promise


@dataclass(frozen=True)
class PoolHour:
    """One hour of the pool's week: the arrivals it must answer, the agents required,
    and the clients open."""

    hour: int
    arrivals: float
    required: int
    clients: tuple[str, ...]


@dataclass(frozen=True)
class PoolRequirement:
    """168 `PoolHour`s, Monday 00:00 of the pool's time zone first."""

    hours: tuple[PoolHour, ...]
    buffer: float
    max_occupancy: float

    @property
    def agents(self) -> tuple[int, ...]:
        return tuple(hour.required for hour in self.hours)

    @property
    def agent_hours(self) -> int:
        return sum(self.agents)


def pool_requirement_of(
    *, clients: Sequence[PoolClient], buffer: float = 0.0, max_occupancy: float = MAX_OCCUPANCY
) -> PoolRequirement:
    """The pool's agents per hour of week (module docstring).

    Raises:
        ValidationFailed: ``invalid_arrival_rate``, ``invalid_handle_time``,
            ``invalid_staffing_goal`` for a client's bad figures (the field names it).
    """
    for client in clients:
        _check_rates(client.arrivals, field=f"{client.name}.arrivals")
        _check_work(client.work, field=client.name)
        _check_promise(client.promise, field=client.name)
    if not 0 <= buffer <= 10:
        raise _invalid(StaffingErrorCode.INVALID_ARRIVAL_RATE, "buffer must be 0 … 10", "buffer")
    landed = [
        queued_to_opening(c.arrivals, [1.0 if is_open else 0.0 for is_open in c.open])
        for c in clients
    ]
    hours = []
    for h in range(HOURS):
        open_now = [(c, landed[i][h]) for i, c in enumerate(clients) if c.open[h]]
        rate = sum(r for _, r in open_now) * (1 + buffer)
        required = 0
        if open_now:
            required = max(1, _pool_agents(open_now, rate, max_occupancy))
        names = tuple(c.name for c, _ in open_now)
        hours.append(PoolHour(hour=h, arrivals=rate, required=required, clients=names))
    return PoolRequirement(hours=tuple(hours), buffer=buffer, max_occupancy=max_occupancy)


def _pool_agents(
    open_now: list[tuple[PoolClient, float]], rate: float, max_occupancy: float
) -> int:
    if rate <= 0:
        return 0
    weight = sum(r for _, r in open_now)
    handle_s = sum(r * c.work.total_handle.total_seconds() for c, r in open_now) / weight
    budget = min(max(timedelta(0), c.promise.within - c.work.first_touch) for c, _ in open_now)
    goal = max(c.promise.goal for c, _ in open_now)
    return _domain(
        lambda: required_agents(
            arrivals_per_hour=rate,
            handle=timedelta(seconds=handle_s),
            within=budget,
            goal=goal,
            max_occupancy=max_occupancy,
        )
    )


# -- checks and helpers ------------------------------------------------------------------


def _check_question(question: SeatQuestion) -> None:
    if not isinstance(question.seats, int) or question.seats < 1:
        raise _invalid(StaffingErrorCode.NO_SEATS, "The client has no seat to advise on.", "seats")
    if question.seats > MAX_SEATS:
        raise _invalid(StaffingErrorCode.NO_SEATS, f"At most {MAX_SEATS} seats.", "seats")
    _check_rates(question.arrivals, field="arrivals")
    if sum(question.arrivals) <= 0:
        raise _invalid(
            StaffingErrorCode.NO_HISTORY,
            "No valid tickets in the history: there is nothing to forecast from.",
            "arrivals",
        )
    if not 0 <= question.urgent_share <= 1:
        raise _invalid(StaffingErrorCode.INVALID_ARRIVAL_RATE, "urgent share 0 … 1", "urgent")
    if not 0 <= question.task_share < 1:
        raise _invalid(StaffingErrorCode.INVALID_HANDLE_TIME, "task share 0 … <1", "task_share")
    if not question.open:
        raise _invalid(StaffingErrorCode.NO_SEATS, "The seats' calendar is never open.", "open")
    _check_work(question.work, field="work")
    _check_promise(question.normal, field="normal")
    if question.urgent is not None:
        _check_promise(question.urgent, field="urgent")


def _check_rates(rates: Sequence[float], *, field: str) -> None:
    if len(rates) != HOURS or not all(
        isinstance(r, int | float) and math.isfinite(r) and r >= 0 for r in rates
    ):
        raise _invalid(
            StaffingErrorCode.INVALID_ARRIVAL_RATE,
            "Arrival rates must be 168 finite numbers of tickets per hour, none negative.",
            field,
        )


def _check_work(work: Work, *, field: str) -> None:
    first, total = work.first_touch, work.total_handle
    if not (isinstance(first, timedelta) and isinstance(total, timedelta)):
        raise _invalid(StaffingErrorCode.INVALID_HANDLE_TIME, "Handle times are durations.", field)
    if first <= timedelta(0) or total < first:
        raise _invalid(
            StaffingErrorCode.INVALID_HANDLE_TIME,
            f"Handle times must be positive, the total at least the first touch "
            f"(first touch {first}, total {total}).",
            field,
        )
    if not (math.isfinite(work.first_touch_cv) and 0 <= work.first_touch_cv <= 100):
        raise _invalid(StaffingErrorCode.INVALID_HANDLE_TIME, "cv must be 0 … 100.", field)


def _check_promise(promise: Promise, *, field: str) -> None:
    if not (isinstance(promise.goal, int | float) and 0 < promise.goal < 1):
        raise _invalid(
            StaffingErrorCode.INVALID_STAFFING_GOAL,
            f"A goal is a fraction between 0 and 1 exclusive, not {promise.goal!r} "
            "(a 100 % promise cannot be staffed for).",
            field,
        )
    if promise.within <= timedelta(0):
        raise _invalid(StaffingErrorCode.INVALID_HANDLE_TIME, "A target must be positive.", field)


def _invalid(code: StaffingErrorCode, message: str, field: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, field=field)


def _domain(call: Callable[[], T]) -> T:
    """Run a domain call; its `DomainError` becomes a 422 with the domain's own code."""
    try:
        return call()
    except DomainError as error:
        raise ValidationFailed(error.message, code=error.code, field=error.field) from None


def _simulate(question: SeatQuestion, seats: int, share: float) -> SimulationResult:
    work = question.work
    if work.first_touch_cv > 0:
        handle: LognormalHandle | ExponentialHandle = LognormalHandle(
            work.first_touch, cv=work.first_touch_cv
        )
    else:
        handle = ExponentialHandle(work.first_touch)
    classes = []
    streams = [("other", 1.0 - question.urgent_share, question.normal)]
    if question.urgent is not None:
        streams.insert(0, ("urgent", question.urgent_share, question.urgent))
    else:
        streams[0] = ("other", 1.0, question.normal)
    for name, part, promise in streams:
        if part <= 0:
            continue
        classes.append(
            TicketClass(
                name,
                HourlyArrivals.of([rate * part for rate in question.arrivals]),
                handle,
                Target(promise.within, goal=promise.goal),
            )
        )
    tasks = TaskLoad(share, ExponentialHandle(work.first_touch)) if share > 0 else None
    hours = WeekHours(open=question.open)
    scenario = Scenario(
        classes=tuple(classes), staffing=Seats(seats, hours=hours, tasks=tasks), hours=hours
    )
    return _domain(lambda: simulate(scenario=scenario, seed=SEED, replications=REPLICATIONS))


def _mean(estimate: Estimate | None, default: float) -> float:
    return default if estimate is None else estimate.mean


def _minutes(seconds: float) -> float | None:
    return None if not math.isfinite(seconds) else round(seconds / 60, 1)


def _keeps(option: SeatOption, beyond: tuple[str, ...]) -> bool:
    return not option.overloaded and all(
        got >= goal for name, got, goal in option.classes if name not in beyond
    )


def _recommend(
    question: SeatQuestion, options: dict[int, SeatOption], beyond: tuple[str, ...]
) -> tuple[AdviceKind, int, str]:
    n = question.seats
    now = options[n]
    goal = f"goal {question.normal.goal:.0%}"
    if not _keeps(now, beyond):
        enough = next((k for k in sorted(options) if k > n and _keeps(options[k], beyond)), None)
        if enough is None:
            best = options[max(options)]
            return (
                AdviceKind.ADD,
                best.seats,
                f"add seats: even {best.seats} seats answer {_pct(best.attainment)} within "
                f"target ({goal}); p90 first response from {_time(now.p90)} to "
                f"{_time(best.p90)}",
            )
        then = options[enough]
        what = "add a seat" if enough == n + 1 else f"add {enough - n} seats"
        short = ""
        if len(now.classes) > 1:
            short = f"; short now: {', '.join(now.short_of_goal())} tickets"
        return (
            AdviceKind.ADD,
            enough,
            f"{what}: p90 first response from {_time(now.p90)} to {_time(then.p90)}; "
            f"attainment from {_pct(now.attainment)} to {_pct(then.attainment)} ({goal}{short})",
        )
    fewer = options.get(n - 1)
    if fewer is not None and _keeps(fewer, beyond) and fewer.attainment_low >= question.normal.goal:
        return (
            AdviceKind.REMOVE,
            n - 1,
            f"one seat fewer would still keep the promise: p90 first response from "
            f"{_time(now.p90)} to {_time(fewer.p90)}; attainment from {_pct(now.attainment)} "
            f"to {_pct(fewer.attainment)} ({goal}); seat utilisation from "
            f"{_pct(now.utilisation)} to {_pct(fewer.utilisation)}",
        )
    return (
        AdviceKind.KEEP,
        n,
        f"keep {n} seat{'s' if n > 1 else ''}: p90 first response {_time(now.p90)}, "
        f"attainment {_pct(now.attainment)} ({goal}), seat utilisation {_pct(now.utilisation)}",
    )


def _pct(share: float) -> str:
    return f"{share:.0%}"


def _time(minutes: float | None) -> str:
    if minutes is None:
        return "never (not answered)"
    if minutes >= 120:
        return f"{minutes / 60:.1f} hours"
    return f"{minutes:.0f} minutes"
