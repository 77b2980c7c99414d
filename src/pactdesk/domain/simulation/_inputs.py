"""What arrives and how long it takes: handle times, arrivals, targets, ticket classes.

Every value checks itself when built and raises a
:class:`~pactdesk.domain.errors.SimulationError` with a
:class:`~pactdesk.domain.errors.SimulationCode` naming the field at fault. Times of week
count from Monday 00:00 of the plan's calendar (its local wall clock; daylight-saving
shifts and holidays are the caller's to fold into the week it passes).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from pactdesk.domain.errors import SimulationCode
from pactdesk.domain.simulation import _checks as check

Seconds = NDArray[np.float64]


class Answer(StrEnum):
    """What answers a ticket, for its first-response target.

    ``PICK_UP``: the moment an agent takes the ticket (the queue's answer, as Erlang C
    counts it). ``FIRST_REPLY``: the pick-up plus the first-touch handle time, when the
    agent's reply goes out (issue 14 §2: a 30-minute target leaves a pick-up budget of
    30 minutes minus the first touch).
    """

    PICK_UP = "pick_up"
    FIRST_REPLY = "first_reply"


@dataclass(frozen=True)
class ExponentialHandle:
    """Handle times drawn from an exponential distribution of the given ``mean`` (M/M/n)."""

    mean: timedelta

    def __post_init__(self) -> None:
        check.seconds(self.mean, field="mean", code=SimulationCode.INVALID_HANDLE, positive=True)

    @property
    def mean_seconds(self) -> float:
        """The mean handle time in seconds."""
        return self.mean.total_seconds()

    def draw(self, rng: np.random.Generator, size: int) -> Seconds:
        """``size`` handle times in seconds, shape ``(size,)``."""
        return rng.exponential(self.mean_seconds, size)


@dataclass(frozen=True)
class LognormalHandle:
    """Lognormal handle times with the given ``mean`` and coefficient of variation ``cv``.

    ``cv`` is the standard deviation over the mean (> 0): the spread measured from
    history. The underlying normal has ``sigma^2 = ln(1 + cv^2)`` and
    ``mu = ln(mean) - sigma^2 / 2``, so the draws' mean is ``mean``.
    """

    mean: timedelta
    cv: float

    def __post_init__(self) -> None:
        check.seconds(self.mean, field="mean", code=SimulationCode.INVALID_HANDLE, positive=True)
        cv = check.number(self.cv, field="cv", code=SimulationCode.INVALID_HANDLE)
        if cv <= 0 or cv > 100:
            raise check.fail(
                SimulationCode.INVALID_HANDLE, f"cv must lie in (0, 100], not {self.cv!r}", "cv"
            )

    @property
    def mean_seconds(self) -> float:
        """The mean handle time in seconds."""
        return self.mean.total_seconds()

    def draw(self, rng: np.random.Generator, size: int) -> Seconds:
        """``size`` handle times in seconds, shape ``(size,)``."""
        sigma2 = math.log1p(float(self.cv) ** 2)
        mu = math.log(self.mean_seconds) - sigma2 / 2
        return rng.lognormal(mu, math.sqrt(sigma2), size)


@dataclass(frozen=True)
class FixedHandle:
    """Every handle time is ``value`` (M/D/n; and hand-checked scenarios)."""

    value: timedelta

    def __post_init__(self) -> None:
        check.seconds(self.value, field="value", code=SimulationCode.INVALID_HANDLE, positive=True)

    @property
    def mean_seconds(self) -> float:
        """The handle time in seconds."""
        return self.value.total_seconds()

    def draw(self, rng: np.random.Generator, size: int) -> Seconds:
        """``size`` copies of the handle time in seconds (``rng`` is not used)."""
        return np.full(size, self.mean_seconds)


@dataclass(frozen=True)
class EmpiricalHandle:
    """Handle times resampled with replacement from measured ``samples`` (each > 0)."""

    samples: tuple[timedelta, ...]
    _seconds: Seconds = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.samples, tuple) or not self.samples:
            raise check.fail(
                SimulationCode.INVALID_HANDLE, "samples must be a non-empty tuple", "samples"
            )
        values = [
            check.seconds(
                s, field=f"samples[{i}]", code=SimulationCode.INVALID_HANDLE, positive=True
            )
            for i, s in enumerate(self.samples)
        ]
        object.__setattr__(self, "_seconds", np.array(values, dtype=np.float64))

    @property
    def mean_seconds(self) -> float:
        """The samples' mean in seconds."""
        return float(self._seconds.mean())

    def draw(self, rng: np.random.Generator, size: int) -> Seconds:
        """``size`` handle times in seconds drawn uniformly from the samples."""
        return self._seconds[rng.integers(0, self._seconds.size, size)]


HandleTime = ExponentialHandle | LognormalHandle | FixedHandle | EmpiricalHandle
_HANDLES = (ExponentialHandle, LognormalHandle, FixedHandle, EmpiricalHandle)


@dataclass(frozen=True)
class HourlyArrivals:
    """Poisson arrivals whose rate is constant within each hour of the week.

    ``per_hour``: 168 rates in tickets per hour, Monday 00:00-01:00 first, each finite
    and at least 0. They repeat every week of the horizon (and in its warm-up).
    """

    per_hour: tuple[float, ...]

    def __post_init__(self) -> None:
        if not isinstance(self.per_hour, tuple) or len(self.per_hour) != check.HOURS_PER_WEEK:
            raise check.fail(
                SimulationCode.INVALID_ARRIVALS,
                f"per_hour must be a tuple of {check.HOURS_PER_WEEK} rates",
                "per_hour",
            )
        for hour, rate in enumerate(self.per_hour):
            check.non_negative(
                rate, field=f"per_hour[{hour}]", code=SimulationCode.INVALID_ARRIVALS
            )

    @classmethod
    def constant(cls, per_hour: float) -> HourlyArrivals:
        """The same rate (tickets per hour) at every hour of the week."""
        rate = check.non_negative(per_hour, field="per_hour", code=SimulationCode.INVALID_ARRIVALS)
        return cls(per_hour=(rate,) * check.HOURS_PER_WEEK)

    @classmethod
    def of(cls, per_hour: Sequence[float]) -> HourlyArrivals:
        """168 hourly rates from any sequence (a list, a NumPy array)."""
        return cls(per_hour=tuple(float(rate) for rate in per_hour))

    def draw(self, rng: np.random.Generator, start: float, end: float) -> Seconds:
        """Sorted arrival instants in ``[start, end)`` seconds from the first Monday 00:00.

        Exact for a piecewise-constant rate: a Poisson count per hour, placed uniformly.
        """
        first, last = math.floor(start / check.HOUR_S), math.ceil(end / check.HOUR_S)
        hours = np.arange(first, last)
        rates = np.asarray(self.per_hour, dtype=np.float64)[hours % check.HOURS_PER_WEEK]
        counts = rng.poisson(rates)
        base = np.repeat(hours * check.HOUR_S, counts)
        times = base + rng.random(base.size) * check.HOUR_S
        times.sort()
        return times[(times >= start) & (times < end)]

    def expected(self, seconds: float) -> float:
        """The expected number of arrivals over ``seconds`` of simulated time."""
        return sum(self.per_hour) / check.WEEK_S * seconds


@dataclass(frozen=True)
class ScheduledArrivals:
    """Arrivals at given instants (a past week replayed, or a hand-checked scenario).

    ``at``: offsets from Monday 00:00 of the first measured week, zero or later, in any
    order; those at or after the horizon (``weeks`` x 7 days) are simulated but not
    measured. Nothing arrives in the warm-up.
    """

    at: tuple[timedelta, ...]

    def __post_init__(self) -> None:
        if not isinstance(self.at, tuple):
            raise check.fail(SimulationCode.INVALID_ARRIVALS, "at must be a tuple", "at")
        for i, offset in enumerate(self.at):
            check.seconds(
                offset, field=f"at[{i}]", code=SimulationCode.INVALID_ARRIVALS, positive=False
            )

    def draw(self, rng: np.random.Generator, start: float, end: float) -> Seconds:
        """The instants in ``[start, end)`` seconds, sorted (``rng`` is not used)."""
        times = np.sort(np.array([t.total_seconds() for t in self.at], dtype=np.float64))
        return times[(times >= start) & (times < end)]

    def expected(self, seconds: float) -> float:
        """How many arrivals there are (whatever the span)."""
        return float(len(self.at))


Arrivals = HourlyArrivals | ScheduledArrivals


@dataclass(frozen=True)
class Target:
    """A first-response promise: ``goal`` (0 < goal < 1) of tickets answered ``within``.

    ``within`` is open time of the plan's calendar (zero or longer); ``answer`` says
    what counts as the answer (default: the first reply).
    """

    within: timedelta
    goal: float
    answer: Answer = Answer.FIRST_REPLY

    def __post_init__(self) -> None:
        check.seconds(
            self.within, field="within", code=SimulationCode.INVALID_TARGET, positive=False
        )
        check.open_fraction(self.goal, field="goal", code=SimulationCode.INVALID_GOAL)
        if not isinstance(self.answer, Answer):
            raise check.fail(
                SimulationCode.INVALID_TARGET,
                f"answer must be an Answer, not {self.answer!r}",
                "answer",
            )


@dataclass(frozen=True)
class TicketClass:
    """One stream of tickets: a client's priority, say.

    Args:
        name: Unique name, used to read the results (``"urgent"``).
        arrivals: :class:`HourlyArrivals` or :class:`ScheduledArrivals`.
        handle: The first-touch handle time: how long an agent is busy with a ticket
            from pick-up to first reply (the rest of the work happens later and is not
            in this model; give agents a :class:`TaskLoad` to reserve time for it).
        target: The first-response :class:`Target`.
        patience: Mean of an exponential patience; a ticket still unpicked then is
            withdrawn (abandoned: never answered). ``None``: nobody gives up.
    """

    name: str
    arrivals: Arrivals
    handle: HandleTime
    target: Target
    patience: timedelta | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise check.fail(SimulationCode.INVALID_CLASS, "name must be a non-empty str", "name")
        if not isinstance(self.arrivals, HourlyArrivals | ScheduledArrivals):
            raise check.fail(
                SimulationCode.INVALID_ARRIVALS,
                f"arrivals of {self.name!r} are not arrivals",
                "arrivals",
            )
        if not isinstance(self.handle, _HANDLES):
            raise check.fail(
                SimulationCode.INVALID_HANDLE,
                f"handle of {self.name!r} is not a handle time",
                "handle",
            )
        if not isinstance(self.target, Target):
            raise check.fail(SimulationCode.INVALID_TARGET, "target must be a Target", "target")
        if self.patience is not None:
            check.seconds(
                self.patience, field="patience", code=SimulationCode.INVALID_PATIENCE, positive=True
            )
