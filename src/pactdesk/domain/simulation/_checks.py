"""Checks of the simulation's inputs; each raises a :class:`SimulationError` with a code."""

from __future__ import annotations

import math
from datetime import timedelta
from numbers import Real

from pactdesk.domain.errors import SimulationCode, SimulationError

WEEK = timedelta(days=7)
WEEK_S = WEEK.total_seconds()
HOUR_S = 3600.0
HOURS_PER_WEEK = 168


def fail(code: SimulationCode, message: str, field: str | None) -> SimulationError:
    """The error to raise: ``raise fail(...)`` keeps the raise visible at the call site."""
    return SimulationError(code, message, field=field)


def number(value: object, *, field: str, code: SimulationCode) -> float:
    """A finite real number (not a bool) as a float."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise fail(code, f"{field} must be a number, not {value!r}", field)
    result = float(value)
    if not math.isfinite(result):
        raise fail(code, f"{field} must be finite, not {value!r}", field)
    return result


def non_negative(value: object, *, field: str, code: SimulationCode) -> float:
    """A finite real number of at least 0."""
    result = number(value, field=field, code=code)
    if result < 0:
        raise fail(code, f"{field} must be at least 0, not {value!r}", field)
    return result


def whole(value: object, *, field: str, code: SimulationCode, low: int, high: int) -> int:
    """An ``int`` (not a bool; NumPy integers are converted by the callers) in ``[low, high]``."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise fail(code, f"{field} must be a whole number in [{low}, {high}], not {value!r}", field)
    return int(value)


def seconds(
    value: object,
    *,
    field: str,
    code: SimulationCode,
    positive: bool,
    most: timedelta | None = None,
) -> float:
    """A ``timedelta`` as seconds: > 0 if ``positive`` else >= 0, and at most ``most``."""
    if not isinstance(value, timedelta):
        raise fail(code, f"{field} must be a timedelta, not {value!r}", field)
    if value < timedelta(0) or (positive and value == timedelta(0)):
        bound = "longer than zero" if positive else "zero or longer"
        raise fail(code, f"{field} must be {bound}, not {value}", field)
    if most is not None and value > most:
        raise fail(code, f"{field} must be at most {most}, not {value}", field)
    return value.total_seconds()


def open_fraction(value: object, *, field: str, code: SimulationCode) -> float:
    """A real number strictly between 0 and 1."""
    result = number(value, field=field, code=code)
    if not 0.0 < result < 1.0:
        raise fail(code, f"{field} must lie in (0, 1), not {value!r}", field)
    return result
