"""Writes on API keys: mint (the secret is shown once), revoke, mark used."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from pactdesk.accounts.models import Client, User
from pactdesk.api.error_codes import ApiErrorCode
from pactdesk.api.models import SECRET_PREFIX, ApiKey, secret_digest
from pactdesk.domain.identity import email_identity
from pactdesk.platform.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from pactdesk.platform.validation import validated_save

logger = logging.getLogger(__name__)

# last_used_at is kept to the minute: one write a minute per key, not one per request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class MintedKey:
    key: ApiKey
    secret: str  # shown once; only its SHA-256 is stored


def api_key_create(
    *, now: datetime, name: str = "", client_slug: str = "", staff_email: str = ""
) -> MintedKey:
    """A key for a client integration (`client_slug`) or a staff token (`staff_email`)."""
    if bool(client_slug) == bool(staff_email):
        raise ValidationFailed(
            "give a client or a member of staff, not both", code=ApiErrorCode.OWNER
        )
    client: Client | None = None
    user: User | None = None
    if client_slug:
        client = Client.objects.filter(slug=client_slug).first()
        if client is None or not client.is_active:
            raise NotFound(
                f"No active client with slug {client_slug!r}.",
                code=ApiErrorCode.CLIENT_NOT_FOUND,
                field="client",
            )
        default_name = f"{client.slug} integration"
    else:
        user = User.objects.filter(email=email_identity(staff_email)).first()
        if user is None or not user.is_active or not user.is_provider_staff:
            raise NotFound(
                f"No active member of staff with e-mail {staff_email!r}.",
                code=ApiErrorCode.STAFF_NOT_FOUND,
                field="staff",
            )
        default_name = f"{user.email} token"
    tag = secrets.token_hex(4)
    secret = f"{SECRET_PREFIX}{tag}_{secrets.token_urlsafe(32)}"
    key = ApiKey(
        name=(name.strip() or default_name)[:100],
        prefix=f"{SECRET_PREFIX}{tag}",
        secret_sha256=secret_digest(secret),
        client=client,
        user=user,
        created_at=now,
    )
    validated_save(key)
    return MintedKey(key=key, secret=secret)


def api_key_revoke(*, prefix: str, now: datetime, actor: User | None = None) -> ApiKey:
    """Revoke a key at once (every process drops its cached keys with the commit).
    `actor` is the operator on the Operations page; the command line passes none."""
    if actor is not None and not actor.is_operator:
        raise PermissionDenied("Only provider admins and managers may revoke API keys.")
    key = ApiKey.objects.filter(prefix=prefix).first()
    if key is None:
        raise NotFound(f"No API key with prefix {prefix!r}.", code=ApiErrorCode.API_KEY_NOT_FOUND)
    if not key.is_active:
        raise Conflict(f"{prefix} is already revoked.", code=ApiErrorCode.ALREADY_REVOKED)
    key.is_active = False
    key.revoked_at = now
    key.save(update_fields=["is_active", "revoked_at"])
    by = actor.email if actor is not None else "the command line"
    logger.info("API key %s (%s) revoked by %s", key.prefix, key.name, by)
    return key


def api_key_mark_used(*, key: ApiKey, now: datetime) -> None:
    """Record use, at most once a minute per key."""
    if key.last_used_at is not None and now - key.last_used_at < LAST_USED_RESOLUTION:
        return
    # Bookkeeping: the memoised key need not be read again for it.
    ApiKey.objects.filter(pk=key.pk).update_unmemoised(last_used_at=now)
    key.last_used_at = now
