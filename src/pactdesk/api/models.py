"""API keys: a client integration's key or a member of staff's token.

Only the SHA-256 of the secret is stored, beside a visible prefix (`pd_1a2b3c4d`) that
tells keys apart in lists and logs. A key belongs to exactly one of a client (it acts
for that client's integration) or a staff user (it acts as that user).
"""

from __future__ import annotations

import hashlib

from django.db import models
from django.db.models import Q

from pactdesk.platform.refcache import Reference

SECRET_PREFIX = "pd_"


def secret_digest(secret: str) -> str:
    """What is stored of a secret: its SHA-256, hex."""
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiKey(Reference):
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    secret_sha256 = models.CharField(max_length=64, unique=True)
    client = models.ForeignKey(
        "accounts.Client", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="api_key_one_owner",
                condition=(
                    Q(client__isnull=False, user__isnull=True)
                    | Q(client__isnull=True, user__isnull=False)
                ),
                violation_error_message="An API key belongs to a client or a staff user.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prefix} {self.name}"

    @property
    def is_staff_token(self) -> bool:
        return self.user_id is not None
