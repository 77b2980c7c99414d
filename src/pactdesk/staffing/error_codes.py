"""Codes of refusals of the staffing layer (history, forecasts, seat advice, rosters)."""

from __future__ import annotations

from pactdesk.domain.error_codes import ErrorCode


class StaffingErrorCode(ErrorCode):
    """Why a forecast, an advice or a roster cannot be made.

    The domain's own codes (`invalid_arrivals`, `invalid_goal`, …) pass through as they
    are; these are the staffing layer's: what the stored data cannot give.
    """

    NO_HISTORY = "no_history"  # no valid ticket in the weeks looked at
    NO_SEATS = "no_seats"  # a dedicated client with no seat (nobody to advise on)
    NOT_DEDICATED = "not_dedicated"  # seat advice asked for a shared client
    NO_AGREEMENT_IN_FORCE = "no_agreement_in_force"
    INVALID_WEEK = "invalid_week"  # not an ISO week YYYY-Www
    NO_POOL_AGENTS = "no_pool_agents"  # a roster with no agent to put on it
    INVALID_HANDLE_TIME = "invalid_handle_time"
    INVALID_ARRIVAL_RATE = "invalid_arrival_rate"
    INVALID_STAFFING_GOAL = "invalid_staffing_goal"
    UNWRITABLE_FILE = "unwritable_file"  # `staffing roster --csv FILE` cannot write FILE
