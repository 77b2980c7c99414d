"""Codes of refusals about presence, pools and taking the next ticket."""

from __future__ import annotations

from pactdesk.domain.error_codes import ErrorCode


class RoutingErrorCode(ErrorCode):
    """Refusals of the routing services (presence, pools, next ticket)."""

    AT_CAP = "at_cap"
    BACK_AT_NAIVE = "back_at_naive"
    BACK_AT_OUT_OF_RANGE = "back_at_out_of_range"
    CAP_OUT_OF_RANGE = "cap_out_of_range"
    NOT_AVAILABLE = "not_available"
    NOT_MANAGER = "not_manager"
    POOL_NOT_FOUND = "pool_not_found"
    STAFF_ONLY = "staff_only"
    UNKNOWN_PRESENCE = "unknown_presence"
    UNKNOWN_STRATEGY = "unknown_strategy"
    UNKNOWN_TIME_ZONE = "unknown_time_zone"
