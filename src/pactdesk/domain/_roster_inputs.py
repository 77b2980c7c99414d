"""Checks of the roster inputs; each raises a :class:`RosterError` naming the field."""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from numbers import Real
from typing import TYPE_CHECKING

from pactdesk.domain.errors import RosterCode, RosterError

if TYPE_CHECKING:
    from pactdesk.domain.rosters import RosterAgent, ShiftRules

HOURS_IN_WEEK = 168
WEEKEND = frozenset(range(5 * 24, HOURS_IN_WEEK))  # Saturday 00:00 to Sunday 24:00
# A cost per hour with more decimals than this is refused, so that the objective's
# integer costs stay exact and small (CP-SAT takes integer coefficients only).
MAX_COST_DECIMALS = 4
# Far above any desk's needs; bounds the objective's coefficients well inside int64.
MAX_REQUIREMENT = 10_000
MAX_COST = Decimal(1_000_000)


def requirement(value: object) -> tuple[int, ...]:
    """168 whole numbers >= 0, Monday 00:00 first."""
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise RosterError(
            RosterCode.INVALID_REQUIREMENT,
            f"requirement must be a sequence of {HOURS_IN_WEEK} whole numbers, not {value!r}",
            field="requirement",
        )
    if len(value) != HOURS_IN_WEEK:
        raise RosterError(
            RosterCode.INVALID_REQUIREMENT,
            f"requirement must have {HOURS_IN_WEEK} hours (Monday 00:00 first), not {len(value)}",
            field="requirement",
        )
    for hour, needed in enumerate(value):
        whole = isinstance(needed, int) and not isinstance(needed, bool)
        if not whole or not 0 <= needed <= MAX_REQUIREMENT:
            raise RosterError(
                RosterCode.INVALID_REQUIREMENT,
                f"requirement[{hour}] must be a whole number from 0 to {MAX_REQUIREMENT}, "
                f"not {needed!r}",
                field=f"requirement[{hour}]",
            )
    return tuple(value)


def agents(value: Sequence[RosterAgent], *, rules: ShiftRules) -> tuple[RosterAgent, ...]:
    """The agents, each checked, with distinct non-empty names."""
    seen: set[str] = set()
    for index, agent in enumerate(value):
        field = f"agents[{index}]"
        name = getattr(agent, "name", None)
        if not isinstance(name, str) or not name.strip():
            raise RosterError(
                RosterCode.INVALID_AGENT, f"{field}.name must be a non-empty string", field=field
            )
        if name in seen:
            raise RosterError(
                RosterCode.DUPLICATE_AGENT,
                f"{field}.name {name!r} is already the name of another agent",
                field=f"{field}.name",
            )
        seen.add(name)
        cost_units(agent.cost_per_hour, field=f"{field}.cost_per_hour")
        _leave(agent.leave_days, bound=7, field=f"{field}.leave_days")
        _leave(agent.leave_hours, bound=HOURS_IN_WEEK, field=f"{field}.leave_hours")
        if agent.max_shifts is not None:
            _whole(
                agent.max_shifts,
                low=0,
                high=rules.max_shifts,
                field=f"{field}.max_shifts",
                code=RosterCode.INVALID_MAX_SHIFTS,
            )
    return tuple(value)


def cost_units(value: object, *, field: str) -> Decimal:
    """A cost per hour: a ``Decimal`` or ``int`` >= 0 with at most four decimals."""
    number = Decimal(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if (
        not isinstance(number, Decimal)
        or not number.is_finite()
        or not Decimal(0) <= number <= MAX_COST
        or number != number.quantize(Decimal(1).scaleb(-MAX_COST_DECIMALS))
    ):
        raise RosterError(
            RosterCode.INVALID_COST,
            f"{field} must be a Decimal from 0 to {MAX_COST} with at most "
            f"{MAX_COST_DECIMALS} decimals, not {value!r}",
            field=field,
        )
    return number


def rules(value: ShiftRules) -> ShiftRules:
    """Shift rules that admit at least one shift a week and repeat every week."""
    _whole(value.shift_hours, low=1, high=24, field="rules.shift_hours")
    if len(set(value.break_offsets)) != len(value.break_offsets):
        _refuse("rules.break_offsets", "must be distinct")
    for offset in value.break_offsets:
        _whole(offset, low=1, high=value.shift_hours - 2, field="rules.break_offsets")
    if not value.start_hours or len(set(value.start_hours)) != len(value.start_hours):
        _refuse("rules.start_hours", "must be distinct hours of the day, at least one")
    for hour in value.start_hours:
        _whole(hour, low=0, high=23, field="rules.start_hours")
    _whole(value.max_shifts, low=0, high=7, field="rules.max_shifts")
    high = HOURS_IN_WEEK - value.shift_hours
    _whole(value.min_rest_hours, low=0, high=high, field="rules.min_rest_hours")
    return value


def week_index(value: object) -> int:
    """Any whole number (weeks since some start); it only rotates the weekend order."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise RosterError(
            RosterCode.INVALID_WEEK_INDEX,
            f"week_index must be a whole number, not {value!r}",
            field="week_index",
        )
    return value


def time_limit(value: object) -> float:
    """Seconds the solver may run: finite and greater than zero."""
    number = float(value) if isinstance(value, Real) and not isinstance(value, bool) else None
    if number is None or not math.isfinite(number) or number <= 0:
        raise RosterError(
            RosterCode.INVALID_TIME_LIMIT,
            f"time_limit must be a number of seconds greater than zero, not {value!r}",
            field="time_limit",
        )
    return number


def workers(value: object) -> int:
    """Solver threads: 1 to 64."""
    return _whole(value, low=1, high=64, field="workers", code=RosterCode.INVALID_WORKERS)


def _leave(value: object, *, bound: int, field: str) -> None:
    if not isinstance(value, frozenset | set):
        raise RosterError(
            RosterCode.INVALID_LEAVE, f"{field} must be a set, not {value!r}", field=field
        )
    for item in value:
        _whole(item, low=0, high=bound - 1, field=field, code=RosterCode.INVALID_LEAVE)


def _whole(
    value: object,
    *,
    low: int,
    high: int,
    field: str,
    code: RosterCode = RosterCode.INVALID_RULES,
) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise RosterError(
            code, f"{field} must be a whole number from {low} to {high}, not {value!r}", field=field
        )
    return value


def _refuse(field: str, reason: str) -> None:
    raise RosterError(RosterCode.INVALID_RULES, f"{field} {reason}", field=field)
