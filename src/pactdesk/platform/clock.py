"""The one place "now" comes from. Services take `now` as an argument; entry points
call `clock_now()` and pass it down, so tests can fix time without patching."""

from __future__ import annotations

from datetime import UTC, datetime


def clock_now() -> datetime:
    return datetime.now(UTC)
