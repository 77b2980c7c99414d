"""Keyset cursors: the last row's (instant, id), opaque to the caller."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime

from pactdesk.platform.error_codes import PlatformErrorCode
from pactdesk.platform.errors import ValidationFailed
from pactdesk.platform.ids import id_parse


def cursor_encode(*, at: datetime | None, pk: int) -> str:
    raw = f"{at.isoformat() if at else ''}|{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode(*, cursor: str) -> tuple[datetime, int]:
    """The (instant, id) a cursor carries; anything else is a `ValidationFailed`."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, pk = raw.split("|")
        moment = datetime.fromisoformat(at)
        row = id_parse(pk)
        if moment.tzinfo is None or row is None:
            raise ValueError
        return moment.astimezone(UTC), row  # 0001-01-01T00:00+01:00 overflows here, not in SQL
    except (ValueError, OverflowError, binascii.Error, UnicodeDecodeError):
        raise ValidationFailed(
            "cursor: not a cursor this list gave out",
            code=PlatformErrorCode.INVALID_CURSOR,
            field="cursor",
        ) from None
