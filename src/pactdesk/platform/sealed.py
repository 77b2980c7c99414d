"""Secrets we must be able to read back (an IMAP mailbox's password), sealed at rest.

`SealedTextField` stores `fernet:<token>`: Fernet (AES-128-CBC with HMAC-SHA256, from
`cryptography`) under a key derived from SECRET_KEY. SECRET_KEY_FALLBACKS still open
what older keys sealed, so the secret key can be rotated the way Django rotates it;
`pactdesk reseal` (or any save) seals again under the current key. A database dump or
backup alone no longer hands out the mailbox passwords.

A value that no key opens (the secret key was replaced without a fallback) reads as ""
and is logged: the poller then fails that mailbox's log-in and says so in its
`last_error`, instead of the whole admin page failing.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models

if TYPE_CHECKING:
    from cryptography.fernet import MultiFernet

logger = logging.getLogger(__name__)
PREFIX = "fernet:"


def _keys() -> MultiFernet:
    # cryptography is imported here, when a value is sealed or opened (the IMAP poller,
    # the admin), not by every process that loads the models (~9 MiB).
    from cryptography.fernet import Fernet, MultiFernet

    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([Fernet(_key(secret)) for secret in secrets])


def _key(secret: str) -> bytes:
    digest = hashlib.sha256(f"pactdesk.platform.sealed:{secret}".encode()).digest()
    return base64.urlsafe_b64encode(digest)


def seal(plain: str) -> str:
    return PREFIX + _keys().encrypt(plain.encode()).decode()


def unseal(stored: str) -> str:
    """The plain text of a sealed value ("" if no key opens it); an unsealed legacy
    value is returned as it is."""
    if not stored.startswith(PREFIX):
        return stored
    from cryptography.fernet import InvalidToken

    try:
        return _keys().decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken:
        logger.warning("a sealed value does not open with SECRET_KEY or its fallbacks")
        return ""


class SealedTextField(models.TextField):  # type: ignore[type-arg]
    """Text kept sealed in the database and plain in Python."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        return None if value is None else unseal(value)

    def to_python(self, value: Any) -> Any:
        return unseal(value) if isinstance(value, str) else value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return seal(str(value))
