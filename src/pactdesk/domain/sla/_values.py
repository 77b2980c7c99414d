"""Value types of the SLA clocks: events, targets, policies and results.

These are re-exported by :mod:`pactdesk.domain.sla`; import them from there.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from pactdesk.domain._time import require_duration
from pactdesk.domain.error_codes import DomainErrorCode
from pactdesk.domain.errors import DomainError, SlaError
from pactdesk.domain.vocabulary import (
    EVENT_STATUSES,
    REPLAYED_KINDS,
    EventKind,
    Metric,
    Priority,
    SlaState,
    Status,
)

# The words are the vocabulary's enums; these names and tuples are the SLA module's
# long-standing public spellings of them.
State = SlaState
METRICS: tuple[Metric, ...] = tuple(Metric)
PRIORITIES: tuple[Priority, ...] = tuple(Priority)
# The statuses a `status` event may carry (`new` is never set by an event).
STATUSES: tuple[Status, ...] = EVENT_STATUSES
# The kinds the replay reads; audit-only kinds (vocabulary.AUDIT_KINDS) are left out.
EVENT_KINDS: tuple[EventKind, ...] = REPLAYED_KINDS


@dataclass(frozen=True)
class Event:
    """One entry of a ticket's history.

    ``kind`` is one of :data:`EVENT_KINDS`. ``value`` carries the new status for
    ``status`` (``open`` | ``waiting`` | ``solved`` | ``closed``), the new priority for
    ``priority`` (and optionally the initial one for ``lodged``), the reason for
    ``invalid``; other kinds ignore it. Events are checked by ``evaluate``, not here.
    """

    at: datetime
    kind: str
    value: str | None = None


@dataclass(frozen=True)
class Target:
    """A promise: ``metric`` reached within ``duration`` of calendar open time.

    ``goal`` is the period attainment goal in percent (0-100, stored as Decimal).
    ``priority`` None makes this the default target for its metric; a priority makes
    it apply instead while the ticket has that priority.

    Raises:
        SlaError: ``unknown_metric`` / ``negative_duration`` / ``invalid_goal`` /
            ``unknown_priority``, with the field named.
    """

    metric: str
    duration: timedelta
    goal: Decimal = Decimal(90)
    priority: str | None = None

    def __post_init__(self) -> None:
        """Validate the fields and normalise ``goal`` to Decimal."""
        if self.metric not in METRICS:
            raise SlaError(
                DomainErrorCode.UNKNOWN_METRIC, f"unknown metric {self.metric!r}", field="metric"
            )
        try:
            require_duration(self.duration, "duration")
        except DomainError as exc:
            raise SlaError(exc.code, exc.message, field="duration") from exc
        object.__setattr__(self, "goal", parse_goal(self.goal))
        if self.priority is not None and self.priority not in PRIORITIES:
            raise SlaError(
                DomainErrorCode.UNKNOWN_PRIORITY,
                f"unknown priority {self.priority!r}",
                field="priority",
            )


def parse_goal(goal: object) -> Decimal:
    """A goal percentage as Decimal, or SlaError ``invalid_goal`` unless 0 <= goal <= 100."""
    if isinstance(goal, bool) or not isinstance(goal, int | float | Decimal | str):
        raise SlaError(
            DomainErrorCode.INVALID_GOAL, f"goal must be a number, got {goal!r}", field="goal"
        )
    try:
        value = Decimal(str(goal)) if isinstance(goal, float) else Decimal(goal)
    except ArithmeticError as exc:
        raise SlaError(
            DomainErrorCode.INVALID_GOAL, f"goal {goal!r} is not a number", field="goal"
        ) from exc
    if not value.is_finite() or not Decimal(0) <= value <= Decimal(100):
        raise SlaError(
            DomainErrorCode.INVALID_GOAL, f"goal must lie in 0-100, got {goal}", field="goal"
        )
    return value


@dataclass(frozen=True)
class Policy:
    """An SLA policy: targets plus how the clocks treat waiting and confirmation.

    ``pause_while_waiting`` stops every clock while the ticket's status is
    ``waiting``. ``confirmation_window`` is the wall-clock time after a solve within
    which a reopen withdraws the effective answer.
    """

    targets: tuple[Target, ...]
    pause_while_waiting: bool = False
    confirmation_window: timedelta = timedelta(hours=72)

    def __post_init__(self) -> None:
        """Validate: targets are Targets, one per (metric, priority); window >= 0."""
        targets = tuple(self.targets)
        object.__setattr__(self, "targets", targets)
        seen: set[tuple[str, str | None]] = set()
        for index, target in enumerate(targets):
            if not isinstance(target, Target):
                raise SlaError(
                    DomainErrorCode.INVALID_TYPE, "targets must be Target values", field="targets"
                )
            key = (target.metric, target.priority)
            if key in seen:
                raise SlaError(
                    DomainErrorCode.DUPLICATE_TARGET,
                    f"more than one {target.metric} target for priority {target.priority}",
                    field=f"targets[{index}]",
                )
            seen.add(key)
        try:
            require_duration(self.confirmation_window, "confirmation_window")
        except DomainError as exc:
            raise SlaError(exc.code, exc.message, field="confirmation_window") from exc

    @classmethod
    def default_shared(cls) -> Policy:
        """The shared support plan: first response 30 min and effective answer 4 h, 90%."""
        return cls(
            targets=(
                Target(Metric.FIRST_RESPONSE, timedelta(minutes=30), Decimal(90)),
                Target(Metric.EFFECTIVE_ANSWER, timedelta(hours=4), Decimal(90)),
            )
        )

    @property
    def metrics(self) -> tuple[str, ...]:
        """Metrics with at least one target, in :data:`METRICS` order."""
        present = {target.metric for target in self.targets}
        return tuple(metric for metric in METRICS if metric in present)

    def target_for(self, metric: str, priority: str) -> Target | None:
        """The target for ``metric`` at ``priority``: the priority's own, else the default."""
        default = None
        for target in self.targets:
            if target.metric == metric and target.priority == priority:
                return target
            if target.metric == metric and target.priority is None:
                default = target
        return default


@dataclass(frozen=True)
class TargetResult:
    """Where one metric's clock stands for a ticket.

    ``state`` is ``running`` | ``paused`` | ``met`` | ``breached`` | ``not_applicable``.
    ``used`` is the open time consumed (up to the met instant, or up to ``now``);
    ``remaining`` is ``max(duration - used, 0)``. ``due_at`` is None while a clock that
    has not yet fallen due is paused (the due time depends on when it resumes) and
    for not-applicable results. A breached result keeps ``breached_at == due_at`` and,
    if the metric was met late, ``met_at``. ``applied`` is the target used (None when
    the policy has no target for the ticket's priority).
    """

    metric: str
    state: State
    due_at: datetime | None
    met_at: datetime | None
    breached_at: datetime | None
    used: timedelta
    remaining: timedelta
    applied: Target | None


@dataclass(frozen=True)
class TicketSla:
    """Every metric's result for one ticket, keyed by metric.

    ``priority`` is the ticket's priority as of ``now``, ``status`` its status, and
    ``valid`` false when it is marked invalid or merged (every result is then
    ``not_applicable``).
    """

    targets: Mapping[str, TargetResult]
    priority: str
    status: str
    valid: bool
    evaluated_at: datetime

    def get(self, metric: str) -> TargetResult | None:
        """The result for ``metric``, or None when the policy has no such target."""
        return self.targets.get(metric)

    def __getitem__(self, metric: str) -> TargetResult:
        """The result for ``metric`` (KeyError when absent)."""
        return self.targets[metric]

    def __contains__(self, metric: object) -> bool:
        """Whether ``metric`` has a result."""
        return metric in self.targets

    def __iter__(self) -> Iterator[TargetResult]:
        """Results in metric order."""
        return iter(self.targets.values())
