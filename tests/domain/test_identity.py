"""The one identity rule for e-mail addresses: a table of cases and its properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pactdesk.domain.identity import email_identity


@pytest.mark.parametrize(
    ("typed", "identity"),
    [
        ("member@thames.test", "member@thames.test"),
        ("Member@thames.test", "member@thames.test"),
        (" Member@THAMES.test ", "member@thames.test"),
        ("\tMEMBER@THAMES.TEST\r\n", "member@thames.test"),
        ("\u00a0member@thames.test\u2003", "member@thames.test"),  # no-break, em space
        ("\u212aate@thames.test", "kate@thames.test"),  # the Kelvin sign is a K
        ("Straße@thames.test", "straße@thames.test"),  # lower-cased, not folded to ss
        ("", ""),
        ("   ", ""),
    ],
)
def test_an_address_is_trimmed_and_lower_cased(typed: str, identity: str) -> None:
    assert email_identity(typed) == identity


ascii_addresses = st.from_regex(r"\A[A-Za-z0-9._%+-]{1,20}@[A-Za-z0-9-]{1,20}\.[A-Za-z]{2,6}\Z")
spaces = st.text(alphabet=" \t\r\n\u00a0\u2003", max_size=3)


@given(st.text())
def test_it_is_idempotent(text: str) -> None:
    assert email_identity(email_identity(text)) == email_identity(text)


@given(ascii_addresses, spaces, spaces)
def test_case_and_surrounding_space_never_make_another_identity(
    address: str, before: str, after: str
) -> None:
    variants = {address, address.upper(), address.lower(), address.swapcase()}
    assert {email_identity(f"{before}{v}{after}") for v in variants} == {address.lower()}
