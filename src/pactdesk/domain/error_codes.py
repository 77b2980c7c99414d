"""Stable error codes. Each context names the codes it raises in one `ErrorCode` enum
(as Saleor's `CheckoutErrorCode`): code branches on a member, never on a string. They
are `StrEnum`s, so a code is still its string in JSON, in the database and in pages.

`ErrorCode` is the memberless base every context's enum derives from (it lives here,
in the pure core, because the domain has codes too and imports nothing above it);
`tests/test_error_codes.py` fails when a code is raised as a bare string.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    """A stable, snake_case code an error carries (`ApplicationError`, `DomainError`)."""


class DomainErrorCode(ErrorCode):
    """Codes of `DomainError` (calendars, SLA clocks, the shared checks)."""

    BAD_EVENTS = "bad_events"
    CONFLICTING_FIELDS = "conflicting_fields"
    DUPLICATE_TARGET = "duplicate_target"
    INVALID_GOAL = "invalid_goal"
    INVALID_TYPE = "invalid_type"
    MALFORMED_DATE = "malformed_date"
    MALFORMED_SPAN = "malformed_span"
    MALFORMED_SPEC = "malformed_spec"
    MISSING_FIELD = "missing_field"
    NAIVE_DATETIME = "naive_datetime"
    NEGATIVE_DURATION = "negative_duration"
    NO_OPEN_TIME = "no_open_time"
    NOT_A_TIME = "not_a_time"
    OUT_OF_RANGE = "out_of_range"
    OVERLAPPING_SPANS = "overlapping_spans"
    REVERSED_SPAN = "reversed_span"
    UNKNOWN_FIELD = "unknown_field"
    UNKNOWN_METRIC = "unknown_metric"
    UNKNOWN_PRIORITY = "unknown_priority"
    UNKNOWN_TIMEZONE = "unknown_timezone"
    UNKNOWN_WEEKDAY = "unknown_weekday"
