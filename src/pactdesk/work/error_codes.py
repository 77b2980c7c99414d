"""Codes of refusals about tasks, logged time, the work order and client teams."""

from __future__ import annotations

from pactdesk.domain.error_codes import ErrorCode


class WorkErrorCode(ErrorCode):
    """Refusals of the work services and selectors."""

    ALREADY_MEMBER = "already_member"
    BAD_DURATION = "bad_duration"
    DUPLICATE_ITEM = "duplicate_item"
    FUTURE_TIME = "future_time"
    ITEM_NOT_FOUND = "item_not_found"
    LAST_CLIENT_ADMIN = "last_client_admin"
    MISSING_ITEM = "missing_item"
    NOT_A_SEAT_HOLDER = "not_a_seat_holder"
    NOT_ALLOWED = "not_allowed"
    NOT_DEDICATED = "not_dedicated"
    OVERLAPPING_TIME = "overlapping_time"
    REQUIRED = "required"
    STALE_ORDER = "stale_order"
    STEP_NOT_ALLOWED = "step_not_allowed"
    TASK_NOT_FOUND = "task_not_found"
    TIMER_NOT_RUNNING = "timer_not_running"
    TIMER_RUNNING = "timer_running"
    TIME_TOO_OLD = "time_too_old"
    TOO_LONG = "too_long"
    UNKNOWN_ITEM = "unknown_item"
    UNKNOWN_ROLE = "unknown_role"
    UNKNOWN_RULE = "unknown_rule"
    UNKNOWN_STATUS = "unknown_status"
