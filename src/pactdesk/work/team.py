"""A client admin's own people: invite by mail, change a role, deactivate or reactivate.

An invitation makes the user with no usable password and queues a mail in the outbox
(`notify`) holding a set-password link: Django's password-reset token
(`default_token_generator`), so the link opens once — setting a password changes the
hash the token is made from — and expires after `PASSWORD_RESET_TIMEOUT`. The page
behind it is Django's `PasswordResetConfirmView` (`web:set_password`).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from pactdesk.accounts.models import CLIENT_ROLES, Client, Role, User
from pactdesk.accounts.selectors import user_list
from pactdesk.accounts.services import customer_address, user_create
from pactdesk.domain.identity import email_identity
from pactdesk.notify.services import MailOut, mail_queue
from pactdesk.platform.errors import Conflict, NotFound, ValidationFailed
from pactdesk.platform.text import single_line
from pactdesk.work.access import may_administer, require
from pactdesk.work.error_codes import WorkErrorCode

INVITATION = "invitation"
_ADMINS_ONLY = "Only the client's admins manage its users."


def team_list(*, actor: User, client: Client) -> QuerySet[User]:
    """The client's users (active first), for its admins."""
    require(may_administer(actor=actor, client=client), _ADMINS_ONLY)
    return user_list(actor=actor).filter(client=client).order_by("-is_active", "name")


def team_member_get(*, actor: User, client: Client, user_id: int) -> User:
    """One of the client's users. Errors: NotFound (anyone else), NOT_ALLOWED."""
    user = team_list(actor=actor, client=client).filter(pk=user_id).first()
    if user is None:
        raise NotFound(f"User {user_id} was not found.")
    return user


def team_invite(
    *, actor: User, client: Client, email: str, name: str, role: str, now: datetime
) -> User:
    """A new user of the client, invited by mail to set a password. Errors:
    NOT_ALLOWED; ValidationFailed (not an address, an unknown role); Conflict
    ALREADY_MEMBER (the address already logs in)."""
    require(may_administer(actor=actor, client=client), _ADMINS_ONLY)
    address = customer_address(email)
    if role not in CLIENT_ROLES:
        raise ValidationFailed(
            f"role: {role!r} is not one of {', '.join(sorted(CLIENT_ROLES))}",
            code=WorkErrorCode.UNKNOWN_ROLE,
            field="role",
        )
    if User.objects.filter(email=email_identity(address)).exists():
        raise Conflict(
            f"email: {address} already has a login",
            code=WorkErrorCode.ALREADY_MEMBER,
            field="email",
        )
    with transaction.atomic():
        user = user_create(
            email=address,
            name=single_line(name)[:200] or address,
            role=role,
            password=None,
            client=client,
        )
        mail_queue(mail=_invitation(user=user, client=client, inviter=actor), now=now)
    return user


def set_password_link(*, user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("web:set_password", kwargs={"uidb64": uid, "token": token})
    return f"{settings.PACTDESK_BASE_URL}{path}"


def _invitation(*, user: User, client: Client, inviter: User) -> MailOut:
    body = (
        f"Hello {user.name},\n\n"
        f"{inviter.name} invited you to {client.name}'s desk on Pactdesk.\n"
        f"Choose your password here (the link works once):\n\n"
        f"{set_password_link(user=user)}\n\n"
        f"Then log in with {user.email}.\n"
    )
    return MailOut(
        client_id=client.pk,
        kind=INVITATION,
        to_address=user.email,
        from_address=f"Pactdesk <desk@{settings.PACTDESK_MAIL_DOMAIN}>",
        subject=f"You are invited to {client.name} on Pactdesk",
        body=body,
    )


def team_role_set(*, actor: User, client: Client, user_id: int, role: str) -> User:
    """Errors: NOT_ALLOWED; ValidationFailed (unknown role); Conflict
    LAST_CLIENT_ADMIN (the client would have no active admin left)."""
    user = team_member_get(actor=actor, client=client, user_id=user_id)
    if role not in CLIENT_ROLES:
        raise ValidationFailed(
            f"role: {role!r} is not one of {', '.join(sorted(CLIENT_ROLES))}",
            code=WorkErrorCode.UNKNOWN_ROLE,
            field="role",
        )
    with transaction.atomic():
        if user.role == Role.CLIENT_ADMIN and role != Role.CLIENT_ADMIN:
            _keep_an_admin(client=client, losing=user)
        user.role = role
        user.save(update_fields=["role"])
    return user


def team_active_set(*, actor: User, client: Client, user_id: int, active: bool) -> User:
    """Deactivate (their sessions end at once) or reactivate a user. Errors as
    `team_role_set`."""
    user = team_member_get(actor=actor, client=client, user_id=user_id)
    with transaction.atomic():
        if not active and user.role == Role.CLIENT_ADMIN:
            _keep_an_admin(client=client, losing=user)
        user.is_active = active
        user.save(update_fields=["is_active"])
    return user


def _keep_an_admin(*, client: Client, losing: User) -> None:
    others = (
        User.objects.select_for_update()
        .filter(client=client, role=Role.CLIENT_ADMIN, is_active=True)
        .exclude(pk=losing.pk)
    )
    if not list(others.values_list("pk", flat=True)):
        raise Conflict(
            f"{losing.name} is {client.name}'s last active admin",
            code=WorkErrorCode.LAST_CLIENT_ADMIN,
        )
