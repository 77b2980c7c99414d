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
        ("jo@\uff45xample.test", "jo@example.test"),  # fullwidth: the mailer's domain
        ("jo@exam\u00adple\u3002test", "jo@example.test"),  # soft hyphen, ideographic dot
        ("jo@northwin\u017f.test", "jo@northwins.test"),  # the long s
        ("jo@B\u00dcCHER.test", "jo@xn--bcher-kva.test"),
        ("jo@xn--bcher-kva.test", "jo@xn--bcher-kva.test"),
        ("jo@exampl\u0435.test", "jo@xn--exampl-8of.test"),  # Cyrillic e: another domain
        ("jo@a..b", "jo@a..b"),  # not a domain name: left for validation
        ("", ""),
        ("   ", ""),
    ],
)
def test_an_address_is_trimmed_and_lower_cased(typed: str, identity: str) -> None:
    assert email_identity(typed) == identity


ascii_addresses = st.from_regex(r"\A[A-Za-z0-9._%+-]{1,20}@[A-Za-z0-9-]{1,20}\.[A-Za-z]{2,6}\Z")
spaces = st.text(alphabet=" \t\r\n\u00a0\u2003", max_size=3)


@given(st.text())
def test_the_domain_is_the_one_the_mailer_addresses(text: str) -> None:
    """Two addresses Django's mailer would send to the same mailbox are one identity."""
    identity = email_identity(text)
    if "@" in identity and identity.isascii():
        assert email_identity(identity) == identity
    local, _, domain = email_identity(text).rpartition("@")
    try:
        mailed = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return
    assert mailed.lower() == domain or not local


@given(st.text())
def test_it_is_idempotent(text: str) -> None:
    assert email_identity(email_identity(text)) == email_identity(text)


@given(ascii_addresses, spaces, spaces)
def test_case_and_surrounding_space_never_make_another_identity(
    address: str, before: str, after: str
) -> None:
    variants = {address, address.upper(), address.lower(), address.swapcase()}
    assert {email_identity(f"{before}{v}{after}") for v in variants} == {address.lower()}
