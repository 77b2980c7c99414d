"""Period attainment of one SLA metric over many tickets, and the breach budget.

Import from :mod:`pactdesk.domain.sla`, which re-exports :func:`attainment` and
:class:`Attainment`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from pactdesk.domain.error_codes import DomainErrorCode
from pactdesk.domain.errors import SlaError
from pactdesk.domain.sla._values import TargetResult, parse_goal
from pactdesk.domain.vocabulary import SlaState


@dataclass(frozen=True)
class Attainment:
    """Counts, attainment and breach budget of a period.

    ``met`` and ``missed`` (breached) count; ``in_flight`` (running or paused, not yet
    due) count in neither; ``not_applicable`` results are ignored (counted only for
    information). ``percent`` is ``100 * met / (met + missed)`` as Decimal (None when
    nothing is decided yet). ``reached`` tells whether ``percent`` is at least ``goal``
    (None when ``percent`` is None).

    ``breach_budget`` is how many of the in-flight tickets may still miss with the
    period still reaching the goal, assuming the others are met: the largest integer
    ``k`` with ``(met + in_flight - k) >= goal/100 * (met + missed + in_flight)``, i.e.
    ``floor(met + in_flight - goal/100 * total)``, capped at ``in_flight``. It is
    negative when the goal is already lost even if every in-flight ticket is met; its
    magnitude is then how many more met tickets the period would have needed. Computed
    exactly with fractions.
    """

    met: int
    missed: int
    in_flight: int
    not_applicable: int
    percent: Decimal | None
    goal: Decimal
    breach_budget: int

    @property
    def reached(self) -> bool | None:
        """Whether the decided tickets reach the goal (None when none is decided)."""
        return None if self.percent is None else self.percent >= self.goal


def attainment(*, results: Iterable[TargetResult], goal: Decimal | float | int) -> Attainment:
    """Summarise one metric's results over a period against ``goal`` percent.

    Raises:
        SlaError: ``invalid_goal`` (field ``goal``) unless 0 <= goal <= 100;
            ``invalid_type`` (field ``results``) for an item that is not a TargetResult.
    """
    goal_value = parse_goal(goal)
    counts = dict.fromkeys(SlaState, 0)
    for item in results:
        if not isinstance(item, TargetResult):
            raise SlaError(
                DomainErrorCode.INVALID_TYPE, "results must be TargetResult values", field="results"
            )
        counts[item.state] += 1
    met, missed = counts[SlaState.MET], counts[SlaState.BREACHED]
    in_flight = counts[SlaState.RUNNING] + counts[SlaState.PAUSED]
    decided = met + missed
    percent = None if decided == 0 else Decimal(100 * met) / Decimal(decided)
    return Attainment(
        met=met,
        missed=missed,
        in_flight=in_flight,
        not_applicable=counts[SlaState.NOT_APPLICABLE],
        percent=percent,
        goal=goal_value,
        breach_budget=breach_budget(met=met, missed=missed, in_flight=in_flight, goal=goal_value),
    )


def breach_budget(*, met: int, missed: int, in_flight: int, goal: Decimal) -> int:
    """``min(in_flight, floor(met + in_flight - goal/100 * (met + missed + in_flight)))``."""
    total = met + missed + in_flight
    slack = Fraction(met + in_flight) - Fraction(goal) / 100 * total
    return min(in_flight, math.floor(slack))
