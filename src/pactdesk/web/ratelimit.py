"""Fixed-window counters in Django's cache: "at most N of these per window"."""

from __future__ import annotations

import hashlib
import ipaddress

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from pactdesk.platform.clock import clock_now


def rate_limit_hit(*, scope: str, key: str, limit: int, window: int) -> bool:
    """Count one hit for (scope, key); True when this hit goes over `limit`."""
    bucket = int(clock_now().timestamp()) // window
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"pactdesk:rate:{scope}:{digest}:{bucket}"
    if cache.add(cache_key, 1, timeout=window):
        return limit < 1
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window)
        count = 1
    return count > limit


def client_address(request: HttpRequest) -> str:
    """The address of whoever sent the request, as a rate-limit key ("unknown" when
    the request carries none)."""
    return client_ip(request) or "unknown"


def client_ip(request: HttpRequest) -> str | None:
    """The IP address of whoever sent the request (rate limits, django-axes lockouts).

    The peer (REMOTE_ADDR) unless it is one of PACTDESK_TRUSTED_PROXIES: then
    X-Forwarded-For is read from the right, each trusted proxy's entry skipped, and the
    first address no trusted proxy vouches for is the client. Entries left of it are
    whatever the client sent and are never believed.
    """
    peer = request.META.get("REMOTE_ADDR", "")
    if _address(peer) is None:
        return None
    trusted = settings.PACTDESK_TRUSTED_PROXIES
    if not trusted or not _within(peer, trusted):
        return str(peer)
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        if not _within(hop, trusted):
            return hop if _address(hop) is not None else str(peer)
    return str(peer)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _within(text: str, networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    address = _address(text)
    return address is not None and any(address in network for network in networks)
