"""Row ids from outside: an id is what every database we run on stores in a primary key.

SQLite and PostgreSQL keep ids as signed 64-bit integers, so an id is 1..2**63-1. A
larger number handed to a query is not "no such row" but an overflow inside the
driver (a server error), so every id that comes from a request is checked here first:

- `Id`: the pydantic/Ninja type of an id in a path, query or JSON body (out of range
  is a 422 `invalid_request` naming the field, and the OpenAPI schema says the range);
- `IdConverter`: the `<id:...>` URL converter of the web pages (out of range is no
  match, a 404);
- `id_parse`: a form or query-string value, `None` unless it is an id.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field

ID_MAX = 2**63 - 1
DIGITS = re.compile(r"[0-9]{1,19}")  # ASCII only: str.isdigit() also takes "²" and "٣"

Id = Annotated[int, Field(ge=1, le=ID_MAX)]


def id_parse(raw: str) -> int | None:
    """`raw` as an id, or None: "42" is 42; "0", "-1", "4.2", "²" and 2**63 are None."""
    if not DIGITS.fullmatch(raw):
        return None
    value = int(raw)
    return value if 1 <= value <= ID_MAX else None


class IdConverter:
    """`<id:ticket_id>`: like Django's `<int:...>`, but a number no row can have is no
    match (a 404) instead of a query that overflows."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        parsed = id_parse(value)
        if parsed is None:
            raise ValueError(value)  # Django's resolver reads this as "no match"
        return parsed

    def to_url(self, value: int) -> str:
        return str(value)
