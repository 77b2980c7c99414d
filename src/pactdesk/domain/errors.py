"""The domain error hierarchy.

Every error the pure core raises is a :class:`DomainError`. It carries a stable
snake_case ``code`` (safe to show to API clients and to branch on) and, when one
input is to blame, the ``field`` naming it (``"hours.mon[0]"``, ``"timezone"``,
``"duration"``, ``"events[2].at"``). The web layer maps these to HTTP 400/422.
"""

from __future__ import annotations

from enum import StrEnum


class DomainError(ValueError):
    """Invalid input to the domain core.

    Attributes:
        code: Stable machine-readable code, e.g. ``"naive_datetime"``.
        field: The offending input field, or ``None`` when no single field is to blame.
        message: Human-readable explanation naming the problem.
    """

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        """Create an error with a stable ``code``, a ``message`` and an optional ``field``."""
        super().__init__(message)
        self.code = code
        self.field = field
        self.message = message

    def __repr__(self) -> str:
        """Show the code, field and message."""
        return f"{type(self).__name__}(code={self.code!r}, field={self.field!r}, {self.message!r})"


class CalendarError(DomainError):
    """A business calendar spec or calendar operation input is invalid."""


class SlaError(DomainError):
    """An SLA policy, event history or attainment input is invalid."""


class QueueingError(DomainError):
    """A queueing (staffing maths) input is invalid: see :class:`QueueingCode`."""


class QueueingCode(StrEnum):
    """Stable codes of :class:`QueueingError` (``error.code == "invalid_agents"`` holds)."""

    INVALID_AGENTS = "invalid_agents"
    INVALID_TRAFFIC = "invalid_traffic"
    TRAFFIC_TOO_LARGE = "traffic_too_large"
    INVALID_ARRIVALS = "invalid_arrivals"
    INVALID_HANDLE = "invalid_handle"
    INVALID_WITHIN = "invalid_within"
    INVALID_PATIENCE = "invalid_patience"
    INVALID_GOAL = "invalid_goal"
    INVALID_MAX_OCCUPANCY = "invalid_max_occupancy"
    UNSTABLE_QUEUE = "unstable_queue"


class BillingError(DomainError):
    """A money input to the pure billing core is invalid: see :class:`BillingCode`."""


class BillingCode(StrEnum):
    """Stable codes of :class:`BillingError`."""

    UNKNOWN_CURRENCY = "unknown_currency"
    INVALID_FEE = "invalid_fee"
    NEGATIVE_FEE = "negative_fee"
    TOO_MANY_DECIMALS = "too_many_decimals"
    INVALID_DATE = "invalid_date"
    INVALID_GUARANTEE_DAYS = "invalid_guarantee_days"


class SimulationError(DomainError):
    """An input to the staffing simulation is invalid: see :class:`SimulationCode`."""


class SimulationCode(StrEnum):
    """Stable codes of :class:`SimulationError`."""

    NO_TICKET_CLASSES = "no_ticket_classes"
    INVALID_CLASS = "invalid_class"
    DUPLICATE_CLASS = "duplicate_class"
    UNKNOWN_CLASS = "unknown_class"
    INVALID_ARRIVALS = "invalid_arrivals"
    INVALID_HANDLE = "invalid_handle"
    INVALID_TARGET = "invalid_target"
    INVALID_GOAL = "invalid_goal"
    INVALID_PATIENCE = "invalid_patience"
    INVALID_SHIFT = "invalid_shift"
    OVERLAPPING_SHIFTS = "overlapping_shifts"
    EMPTY_ROSTER = "empty_roster"
    INVALID_HEADCOUNT = "invalid_headcount"
    NO_SEATS = "no_seats"
    INVALID_TASK_SHARE = "invalid_task_share"
    INVALID_CALENDAR = "invalid_calendar"
    INVALID_HORIZON = "invalid_horizon"
    INVALID_REPLICATIONS = "invalid_replications"
    INVALID_SEED = "invalid_seed"
    TOO_MUCH_WORK = "too_much_work"
    INVALID_WINDOW = "invalid_window"
    INVALID_QUANTILE = "invalid_quantile"
    INVALID_CONFIDENCE = "invalid_confidence"


class RosterError(DomainError):
    """A roster (shift scheduling) input is invalid: see :class:`RosterCode`."""


class RosterCode(StrEnum):
    """Stable codes of :class:`RosterError`."""

    INVALID_REQUIREMENT = "invalid_requirement"
    INVALID_AGENT = "invalid_agent"
    DUPLICATE_AGENT = "duplicate_agent"
    INVALID_COST = "invalid_cost"
    INVALID_LEAVE = "invalid_leave"
    INVALID_MAX_SHIFTS = "invalid_max_shifts"
    INVALID_RULES = "invalid_rules"
    INVALID_WEEK_INDEX = "invalid_week_index"
    INVALID_TIME_LIMIT = "invalid_time_limit"
    INVALID_WORKERS = "invalid_workers"
    UNKNOWN_AGENT = "unknown_agent"
    INVALID_WEEK_START = "invalid_week_start"
    INVALID_TIMEZONE = "invalid_timezone"
    NAIVE_DATETIME = "naive_datetime"
