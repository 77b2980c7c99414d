"""Ids from outside are 1..2**63-1 (what SQLite and PostgreSQL keep in a primary key)."""

from __future__ import annotations

import base64

import pytest
from django.urls import Resolver404, resolve

from pactdesk.platform.cursors import cursor_decode, cursor_encode
from pactdesk.platform.errors import ValidationFailed
from pactdesk.platform.ids import ID_MAX, IdConverter, id_parse
from tests.conftest import NOW

BIGGEST = str(2**63 - 1)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", 1),
        ("42", 42),
        ("007", 7),
        (BIGGEST, ID_MAX),
        ("0", None),
        ("-1", None),
        ("+1", None),
        (" 1", None),
        ("1 ", None),
        ("4.2", None),
        ("1_000", None),
        ("", None),
        ("²", None),
        ("٣", None),
        ("\uff11", None),
        (str(2**63), None),
        ("9" * 19, None),
        ("9" * 23, None),
    ],
)
def test_id_parse(raw: str, expected: int | None) -> None:
    assert id_parse(raw) == expected


def test_the_converter_takes_ids_and_refuses_the_rest() -> None:
    converter = IdConverter()
    assert converter.to_python(BIGGEST) == ID_MAX
    assert converter.to_url(12) == "12"
    for raw in ("0", str(2**63)):
        with pytest.raises(ValueError, match=raw):
            converter.to_python(raw)


@pytest.mark.parametrize(
    "path",
    [
        "/desk/tickets/9223372036854775808/",
        "/desk/tickets/99999999999999999999/",
        "/desk/tickets/0/",
        "/desk/attachments/9223372036854775808/",
        "/portal/northwind/tickets/9223372036854775808/",
        "/ops/quarantine/9223372036854775808/original.eml",
    ],
)
def test_no_web_route_matches_an_id_no_row_can_have(path: str) -> None:
    with pytest.raises(Resolver404):
        resolve(path)


def test_the_largest_id_still_matches() -> None:
    assert resolve(f"/desk/tickets/{BIGGEST}/").kwargs == {"ticket_id": ID_MAX}


def test_a_cursor_with_an_id_out_of_range_or_an_overflowing_instant_is_refused() -> None:
    assert cursor_decode(cursor=cursor_encode(at=NOW, pk=ID_MAX)) == (NOW, ID_MAX)
    first_instant = base64.urlsafe_b64encode(b"0001-01-01T00:00:00+01:00|1").decode()
    for cursor in (cursor_encode(at=NOW, pk=2**63), cursor_encode(at=NOW, pk=0), first_instant):
        with pytest.raises(ValidationFailed) as refused:
            cursor_decode(cursor=cursor)
        assert (refused.value.code, refused.value.field) == ("invalid_cursor", "cursor")
