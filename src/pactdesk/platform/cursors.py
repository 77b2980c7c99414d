"""Keyset cursors: the last row's (instant, id), opaque to the caller."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime

from pactdesk.platform.errors import ValidationFailed


def cursor_encode(*, at: datetime | None, pk: int) -> str:
    raw = f"{at.isoformat() if at else ''}|{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode(*, cursor: str) -> tuple[datetime, int]:
    """The (instant, id) a cursor carries; anything else is a `ValidationFailed`."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, pk = raw.split("|")
        moment = datetime.fromisoformat(at)
        if moment.tzinfo is None:
            raise ValueError
        return moment, int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ValidationFailed(
            "cursor: not a cursor this list gave out", code="invalid_cursor", field="cursor"
        ) from None
