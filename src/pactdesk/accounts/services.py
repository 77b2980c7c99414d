"""Writes on people and organisations."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from pactdesk.accounts.error_codes import AccountsErrorCode
from pactdesk.accounts.models import (
    CLIENT_ROLES,
    STAFF_ROLES,
    Client,
    Customer,
    PortalLinkUse,
    Role,
    User,
    time_zone_known,
)
from pactdesk.accounts.selectors import customer_find, customer_get, portal_link_read
from pactdesk.domain.identity import email_identity
from pactdesk.platform.error_codes import PlatformErrorCode
from pactdesk.platform.errors import PermissionDenied, ValidationFailed
from pactdesk.platform.text import single_line
from pactdesk.platform.validation import validated_save


def client_create(*, name: str, slug: str, support_email: str, now: datetime) -> Client:
    address = email_identity(support_email)
    client = Client(name=name, slug=slug, support_email=address, created_at=now)
    validated_save(client)
    return client


def user_create(
    *,
    email: str,
    name: str,
    role: str,
    password: str | None,
    client: Client | None = None,
    check_password: bool = True,
) -> User:
    """A provider staff member (no client) or a client user (client required)."""
    if role not in Role.values:
        raise ValidationFailed(
            f"role: {role!r} is not one of {', '.join(Role.values)}",
            code=PlatformErrorCode.INVALID,
            field="role",
        )
    if role in STAFF_ROLES and client is not None:
        raise ValidationFailed(
            "client: provider staff belong to no client",
            code=AccountsErrorCode.STAFF_WITH_CLIENT,
            field="client",
        )
    if role in CLIENT_ROLES and client is None:
        raise ValidationFailed(
            "client: a client user needs a client",
            code=AccountsErrorCode.CLIENT_REQUIRED,
            field="client",
        )
    user = User(email=email_identity(email), name=name, role=role, client=client)
    if password is None:
        user.set_unusable_password()
    else:
        if check_password:
            try:
                validate_password(password, user)
            except ValidationError as error:
                raise ValidationFailed(
                    "password: " + " ".join(error.messages),
                    code=AccountsErrorCode.WEAK_PASSWORD,
                    field="password",
                ) from None
        user.set_password(password)
    with transaction.atomic():
        validated_save(user, exclude=["password", "last_login"])
    return user


def customer_get_or_create(*, client: Client, email: str, name: str, now: datetime) -> Customer:
    """The customer of `client` with this address, made on first contact."""
    existing = customer_find(client=client, email=email)
    if existing is not None:
        return existing
    return Customer.objects.create(
        client=client, email=customer_address(email), name=name.strip()[:200], created_at=now
    )


def customer_address(email: str) -> str:
    """The stored form of a customer's address (`email_identity`); ValidationFailed if
    it is not an address."""
    address = email_identity(email)
    try:
        validate_email(address)
    except ValidationError:
        raise ValidationFailed(
            f"email: {email!r} is not an e-mail address",
            code=PlatformErrorCode.INVALID,
            field="email",
        ) from None
    return address


def portal_link_spend(*, client: Client, token: str, max_age: int) -> Customer | None:
    """Sign in with a portal link: its customer, once. The link, and every link of that
    customer issued before it, are spent; of two simultaneous uses one wins."""
    link = portal_link_read(client=client, token=token, max_age=max_age)
    if link is None:
        return None
    with transaction.atomic():
        moved = PortalLinkUse.objects.filter(
            customer=link.customer, used_through__lt=link.issued_at
        ).update(used_through=link.issued_at)
        if not moved:
            _, created = PortalLinkUse.objects.get_or_create(
                customer=link.customer,
                defaults={"client_id": client.pk, "used_through": link.issued_at},
            )
            if not created:  # spent meanwhile, by this link or a later one
                return None
    return link.customer


def customer_update(*, actor: User, customer_id: int, name: str) -> Customer:
    """Rename a customer; a client user may only touch their own client's customers."""
    if actor.role == Role.CLIENT_MEMBER:
        raise PermissionDenied("Only client admins and provider staff may edit customers.")
    customer = customer_get(actor=actor, customer_id=customer_id)
    customer.name = single_line(name)
    validated_save(customer)
    return customer


def user_time_zone_set(*, user: User, time_zone: str) -> User:
    """The zone `user`'s pages show times in: an IANA name, or "" for the browser's.
    Errors: ValidationFailed(UNKNOWN_TIME_ZONE, field time_zone)."""
    time_zone = time_zone.strip()
    if time_zone and not time_zone_known(time_zone):
        raise ValidationFailed(
            f"time_zone: {time_zone!r} is not a known time zone (e.g. Europe/London)",
            code=AccountsErrorCode.UNKNOWN_TIME_ZONE,
            field="time_zone",
        )
    user.time_zone = time_zone
    user.save(update_fields=["time_zone"])
    return user
