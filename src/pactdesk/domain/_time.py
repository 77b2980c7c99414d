"""Small time helpers shared by the domain modules: checks and microsecond conversions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pactdesk.domain.error_codes import DomainErrorCode
from pactdesk.domain.errors import DomainError

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_US = timedelta(microseconds=1)
ZERO = timedelta(0)


def require_aware(value: object, field: str) -> datetime:
    """Return ``value`` if it is a timezone-aware datetime, else raise DomainError."""
    if not isinstance(value, datetime):
        raise DomainError(DomainErrorCode.INVALID_TYPE, f"{field} must be a datetime", field=field)
    if value.tzinfo is None or value.utcoffset() is None:
        raise DomainError(
            DomainErrorCode.NAIVE_DATETIME,
            f"{field} must be timezone-aware, got naive {value}",
            field=field,
        )
    return value


def require_duration(value: object, field: str = "duration") -> timedelta:
    """Return ``value`` if it is a non-negative timedelta, else raise DomainError."""
    if not isinstance(value, timedelta):
        raise DomainError(DomainErrorCode.INVALID_TYPE, f"{field} must be a timedelta", field=field)
    if value < ZERO:
        raise DomainError(
            DomainErrorCode.NEGATIVE_DURATION,
            f"{field} must not be negative, got {value}",
            field=field,
        )
    return value


def to_us(moment: datetime) -> int:
    """Microseconds since the Unix epoch of an aware datetime."""
    return (moment - EPOCH) // ONE_US


def from_us(micros: int) -> datetime:
    """The aware UTC datetime ``micros`` microseconds after the Unix epoch."""
    return EPOCH + timedelta(microseconds=micros)


def duration_us(duration: timedelta) -> int:
    """Whole microseconds in a timedelta (timedelta is exact to the microsecond)."""
    return duration // ONE_US
