"""Log-in: who may sign in, and who the lockout counts.

`UserBackend` is Django's password backend with two rules of ours: the e-mail address
is compared in its one normal form (`pactdesk.domain.identity.email_identity`, through
`UserManager.get_by_natural_key`), and a user of a deactivated client can neither sign
in nor keep a session — Django asks the backend for the session's user on every
request, so deactivating a client ends its users' sessions at their next request.

`login_identity` is django-axes' AXES_USERNAME_CALLABLE: the lockout counts failures
per normalised address, so " Member@THAMES.test " and "member@thames.test" share one
count and one lockout.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from pactdesk.accounts.models import User
from pactdesk.domain.identity import email_identity


class UserBackend(ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        """Active users of no client (provider staff) or of an active client."""
        if not super().user_can_authenticate(user):
            return False
        client = getattr(user, "client", None)
        return client is None or bool(client.is_active)

    def get_user(self, user_id: Any) -> User | None:
        """The session's user, with the client in the same query; None (logged out)
        when the user or their client was deactivated since."""
        user = User.objects.select_related("client").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


def login_identity(request: HttpRequest | None, credentials: Mapping[str, Any] | None) -> str:
    """The identity a log-in attempt is about, for the lockout: the normalised address
    from the credentials, else from the posted form."""
    raw = (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = getattr(request, "POST", {}).get("username")
    return email_identity(str(raw or ""))
