"""Reads on API keys."""

from __future__ import annotations

from django.db.models import QuerySet

from pactdesk.api.models import SECRET_PREFIX, ApiKey, secret_digest
from pactdesk.platform.refcache import memo


def api_key_find(*, secret: str) -> ApiKey | None:
    """The active key with this secret, if its owner may still use it. Read once per
    process until a key, client or user changes (`pactdesk.platform.refcache`)."""
    if not secret.startswith(SECRET_PREFIX) or len(secret) > 200:
        return None
    digest = secret_digest(secret)
    return memo(("api_key", digest), lambda: _api_key_usable(digest))


def _api_key_usable(digest: str) -> ApiKey | None:
    key = (
        ApiKey.objects.select_related("client", "user")
        .filter(secret_sha256=digest, is_active=True)
        .first()
    )
    if key is None:
        return None
    if key.client is not None and not key.client.is_active:
        return None
    if key.user is not None and not (key.user.is_active and key.user.is_provider_staff):
        return None
    return key


def api_key_list() -> QuerySet[ApiKey]:
    return ApiKey.objects.select_related("client", "user")
