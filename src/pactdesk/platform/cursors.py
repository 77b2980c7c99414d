"""Keyset cursors: the last row's (instant, id), or (rank, instant or none, id) for a
list ranked first, opaque to the caller."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime

from pactdesk.platform.error_codes import PlatformErrorCode
from pactdesk.platform.errors import ValidationFailed
from pactdesk.platform.ids import id_parse


def cursor_encode(*, at: datetime | None, pk: int) -> str:
    return _encode(f"{at.isoformat() if at else ''}|{pk}")


def cursor_decode(*, cursor: str) -> tuple[datetime, int]:
    """The (instant, id) a cursor carries; anything else is a `ValidationFailed`."""
    try:
        at, pk = _decode(cursor).split("|")
        moment = datetime.fromisoformat(at)
        row = id_parse(pk)
        if moment.tzinfo is None or row is None:
            raise ValueError
        return moment.astimezone(UTC), row  # 0001-01-01T00:00+01:00 overflows here, not in SQL
    except (ValueError, OverflowError, binascii.Error, UnicodeDecodeError):
        raise _not_ours() from None


def cursor_encode_ranked(*, rank: int, at: datetime | None, pk: int) -> str:
    return _encode(f"{rank}|{at.isoformat() if at else ''}|{pk}")


def cursor_decode_ranked(*, cursor: str) -> tuple[int, datetime | None, int]:
    """The (rank, instant or None, id) a ranked cursor carries; anything else is a
    `ValidationFailed` (INVALID_CURSOR)."""
    try:
        rank_text, at, pk = _decode(cursor).split("|")
        rank = {"0": 0, "1": 1}.get(rank_text)  # the only ranks a list gives out
        row = id_parse(pk)
        moment = datetime.fromisoformat(at) if at else None
        if rank is None or row is None or (moment is not None and moment.tzinfo is None):
            raise ValueError
        return rank, None if moment is None else moment.astimezone(UTC), row
    except (ValueError, OverflowError, binascii.Error, UnicodeDecodeError):
        raise _not_ours() from None


def _encode(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str) -> str:
    """Raises ValueError, binascii.Error or UnicodeDecodeError on anything not ours."""
    return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()


def _not_ours() -> ValidationFailed:
    return ValidationFailed(
        "cursor: not a cursor this list gave out",
        code=PlatformErrorCode.INVALID_CURSOR,
        field="cursor",
    )
