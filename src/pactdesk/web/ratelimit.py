"""Fixed-window counters in Django's cache: "at most N of these per window"."""

from __future__ import annotations

import hashlib

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
    """The peer address. Behind a proxy, the proxy must set REMOTE_ADDR (as gunicorn
    does with --forwarded-allow-ips); X-Forwarded-For is never trusted here."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"
