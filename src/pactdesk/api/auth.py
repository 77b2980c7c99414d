"""Who is calling: `Authorization: Bearer pd_...`, a client key or a staff token.

A staff token acts as its member of staff. A client key acts for its client's
integration: the desk sees it as a client member of that client (never saved), so
every desk selector scopes it to that client's rows, and every staff-only service
refuses it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from ninja.security import HttpBearer

from pactdesk.accounts.models import Client, Role, User
from pactdesk.api.models import ApiKey
from pactdesk.api.selectors import api_key_find
from pactdesk.api.services import api_key_mark_used
from pactdesk.platform.clock import clock_now
from pactdesk.platform.errors import PermissionDenied


@dataclass(frozen=True)
class Principal:
    key: ApiKey
    actor: User

    @property
    def is_staff(self) -> bool:
        return self.key.is_staff_token

    @property
    def client(self) -> Client | None:
        """The client a client key is bound to; None for a staff token."""
        return self.key.client

    def require_staff(self) -> None:
        if not self.is_staff:
            raise PermissionDenied(
                "A client key may create and read its client's tickets; this needs a staff token."
            )


def principal_for(key: ApiKey) -> Principal:
    if key.user is not None:
        return Principal(key=key, actor=key.user)
    stand_in = User(
        email=f"{key.prefix}@api.invalid",
        name=key.name,
        role=Role.CLIENT_MEMBER,
        client=key.client,
        is_active=True,
    )
    return Principal(key=key, actor=stand_in)


class ApiKeyAuth(HttpBearer):
    """Bearer API keys. A missing, unknown or revoked key is a 401 (see errors.py)."""

    def authenticate(self, request: HttpRequest, token: str) -> Principal | None:
        key = api_key_find(secret=token.strip())
        if key is None:
            return None
        api_key_mark_used(key=key, now=clock_now())
        return principal_for(key)


def principal_of(request: HttpRequest) -> Principal:
    return request.auth  # type: ignore[attr-defined, no-any-return]
