"""Checks of the queueing functions' arguments; each raises a :class:`QueueingError`."""

from __future__ import annotations

import math
from datetime import timedelta
from numbers import Real

from pactdesk.domain.errors import QueueingCode, QueueingError

_HOUR = timedelta(hours=1)
# Above a billion Erlangs a float no longer tells n agents from the load n - A apart
# finely enough (and no desk is that big): such loads are refused, not mis-answered.
MAX_TRAFFIC = 1e9


def agents_count(value: object, *, field: str = "agents") -> int:
    """An agent count: an ``int`` (not a bool) of at least 1."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise QueueingError(
            QueueingCode.INVALID_AGENTS,
            f"{field} must be a whole number of at least 1, not {value!r}",
            field=field,
        )
    return value


def rate(value: object, *, field: str, code: QueueingCode) -> float:
    """A finite, non-negative real number (a rate or an offered load) as a float."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise QueueingError(code, f"{field} must be a number, not {value!r}", field=field)
    number = float(value)
    if not math.isfinite(number) or number < 0:
        raise QueueingError(
            code, f"{field} must be finite and at least 0, not {value!r}", field=field
        )
    return number


def duration(value: object, *, field: str, code: QueueingCode, positive: bool) -> float:
    """A ``timedelta`` as seconds: greater than zero if ``positive``, else at least zero."""
    if not isinstance(value, timedelta):
        raise QueueingError(code, f"{field} must be a timedelta, not {value!r}", field=field)
    if value < timedelta(0) or (positive and value == timedelta(0)):
        bound = "longer than zero" if positive else "zero or longer"
        raise QueueingError(code, f"{field} must be {bound}, not {value}", field=field)
    return value / timedelta(seconds=1)


def fraction(value: object, *, field: str, code: QueueingCode, closed_above: bool) -> float:
    """A real number in (0, 1), or in (0, 1] if ``closed_above``."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise QueueingError(code, f"{field} must be a number, not {value!r}", field=field)
    number = float(value)
    above = number <= 1.0 if closed_above else number < 1.0
    if not (number > 0.0 and above):
        interval = "(0, 1]" if closed_above else "(0, 1)"
        raise QueueingError(code, f"{field} must lie in {interval}, not {value!r}", field=field)
    return number


def arrivals(value: object, *, field: str = "arrivals_per_hour") -> float:
    """Arrivals per hour: finite and at least 0."""
    return rate(value, field=field, code=QueueingCode.INVALID_ARRIVALS)


def handle_seconds(value: object) -> float:
    """The mean handle time in seconds (longer than zero)."""
    return duration(value, field="handle", code=QueueingCode.INVALID_HANDLE, positive=True)


def within_seconds(value: object) -> float:
    """The answer target in seconds (zero or longer)."""
    return duration(value, field="within", code=QueueingCode.INVALID_WITHIN, positive=False)


def patience_seconds(value: object) -> float:
    """The mean patience in seconds (longer than zero)."""
    return duration(value, field="patience", code=QueueingCode.INVALID_PATIENCE, positive=True)


def goal_fraction(value: object) -> float:
    """A service-level goal in (0, 1)."""
    return fraction(value, field="goal", code=QueueingCode.INVALID_GOAL, closed_above=False)


def occupancy_cap(value: object) -> float:
    """An occupancy cap in (0, 1]."""
    return fraction(
        value, field="max_occupancy", code=QueueingCode.INVALID_MAX_OCCUPANCY, closed_above=True
    )


def offered_load(per_hour: float, handle: float, *, field: str = "arrivals_per_hour") -> float:
    """Offered load in Erlangs: arrivals per hour times the handle time in hours."""
    return traffic_bound(per_hour * (handle / _HOUR.total_seconds()), field=field)


def traffic_bound(load: float, *, field: str) -> float:
    """``load`` unless it exceeds :data:`MAX_TRAFFIC` Erlangs (``traffic_too_large``)."""
    if load > MAX_TRAFFIC:
        raise QueueingError(
            QueueingCode.TRAFFIC_TOO_LARGE,
            f"an offered load of {load:.3g} Erlangs is above the {MAX_TRAFFIC:.0e} supported",
            field=field,
        )
    return load
