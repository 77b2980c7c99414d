"""Whose address a request is: the peer, or behind trusted proxies the first hop of
X-Forwarded-For (from the right) that no trusted proxy vouches for."""

from __future__ import annotations

import ipaddress

import pytest
from django.test import RequestFactory

from pactdesk.web.ratelimit import client_address

PROXIES = [ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("::1/128")]


def request(peer: str, forwarded: str | None = None):
    meta = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        ("203.0.113.9", None, "203.0.113.9"),  # no proxy in front
        ("203.0.113.9", "1.2.3.4", "203.0.113.9"),  # an untrusted peer's header is ignored
        ("10.0.0.5", "198.51.100.7", "198.51.100.7"),  # one trusted proxy
        ("10.0.0.5", "6.6.6.6, 198.51.100.7, 10.1.2.3", "198.51.100.7"),  # two proxies; spoof left
        ("10.0.0.5", "10.1.1.1, 10.2.2.2", "10.0.0.5"),  # only proxies: the peer
        ("10.0.0.5", "", "10.0.0.5"),
        ("10.0.0.5", "not-an-address", "10.0.0.5"),
        ("::1", "2001:db8::7", "2001:db8::7"),
    ],
)
def test_the_client_behind_trusted_proxies(settings, peer, forwarded, client) -> None:
    settings.PACTDESK_TRUSTED_PROXIES = PROXIES
    assert client_address(request(peer, forwarded)) == client


def test_without_trusted_proxies_the_header_is_never_read(settings) -> None:
    settings.PACTDESK_TRUSTED_PROXIES = []
    assert client_address(request("10.0.0.5", "198.51.100.7")) == "10.0.0.5"


def test_a_request_without_a_peer_address_has_no_ip(settings) -> None:
    """django-axes stores the IP in an inet column on PostgreSQL: never a made-up one."""
    from pactdesk.web.ratelimit import client_ip

    settings.PACTDESK_TRUSTED_PROXIES = PROXIES
    bare = RequestFactory().get("/")
    del bare.META["REMOTE_ADDR"]
    assert (client_ip(bare), client_address(bare)) == (None, "unknown")
    assert client_ip(request("not-an-ip")) is None
