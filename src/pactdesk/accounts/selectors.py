"""Reads on people and organisations, always scoped by the actor."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core import signing
from django.db.models import QuerySet

from pactdesk.accounts.error_codes import AccountsErrorCode
from pactdesk.accounts.models import STAFF_ROLES, Client, Customer, PortalLinkUse, User
from pactdesk.domain.identity import email_identity
from pactdesk.platform.errors import NotFound, ServiceClosed
from pactdesk.platform.refcache import memo


def client_list(*, actor: User) -> QuerySet[Client]:
    if actor.is_provider_staff:
        return Client.objects.all()
    if actor.client_id is None:  # as TenantQuerySet.for_actor: no client, no rows
        return Client.objects.none()
    return Client.objects.filter(pk=actor.client_id)


def client_get(*, actor: User, client_id: int) -> Client:
    client = client_list(actor=actor).filter(pk=client_id).first()
    if client is None:
        raise NotFound(f"Client {client_id} was not found.")
    return client


def customer_find(*, client: Client, email: str) -> Customer | None:
    """The customer of `client` with this address. Addresses are stored in their normal
    form (`email_identity`), so the lookup is an exact (indexed) match. Kept per
    process until a customer changes (`pactdesk.platform.refcache`); a new customer
    changes nothing kept."""
    address = email_identity(email)
    return memo(
        ("customer", client.pk, address),
        lambda: Customer.objects.filter(client=client, email=address).first(),
    )


def user_list(*, actor: User) -> QuerySet[User]:
    """Staff see everyone; a client user sees the users of their own client."""
    if actor.is_provider_staff:
        return User.objects.select_related("client")
    if actor.client_id is None:  # as TenantQuerySet.for_actor: no client, no rows
        return User.objects.none()
    return User.objects.filter(client_id=actor.client_id).select_related("client")


def customer_list(*, actor: User) -> QuerySet[Customer]:
    return Customer.objects.for_actor(actor).select_related("client")


def customer_get(*, actor: User, customer_id: int) -> Customer:
    customer = customer_list(actor=actor).filter(pk=customer_id).first()
    if customer is None:
        raise NotFound(f"Customer {customer_id} was not found.")
    return customer


def client_get_public(*, slug: str) -> Client:
    """An active client by the slug of a public URL (web form, portal). NotFound for
    no such client; ServiceClosed for a deactivated one."""
    client = Client.objects.filter(slug=slug).first()
    if client is None:
        raise NotFound(f"No client {slug!r}.", code=AccountsErrorCode.CLIENT_NOT_FOUND)
    if not client.is_active:
        raise ServiceClosed.of(client.name)
    return client


def customer_of_client(*, client: Client, customer_id: int) -> Customer | None:
    return Customer.objects.filter(client=client, pk=customer_id).first()


def staff_assignable(*, actor: User) -> QuerySet[User]:
    """Active provider staff, for the assignee picker."""
    return user_list(actor=actor).filter(role__in=sorted(STAFF_ROLES), is_active=True)


PORTAL_LINK_SALT = "pactdesk.web.portal.link"


def customer_portal_token(*, customer: Customer) -> str:
    """A signed, timestamped, single-use token that lets this customer into their
    client's portal. `at` (µs) orders the links of a customer: using one spends it and
    every link issued before it."""
    signer = signing.TimestampSigner(salt=PORTAL_LINK_SALT)
    payload = {"client": customer.client_id, "customer": customer.pk, "at": time.time_ns() // 1000}
    return signer.sign_object(payload)


@dataclass(frozen=True)
class PortalLink:
    customer: Customer
    issued_at: int  # µs since the epoch


def portal_link_read(*, client: Client, token: str, max_age: int) -> PortalLink | None:
    """The link a token stands for, if it is genuine, fresh, for this client and not
    spent; reading it spends nothing (mail scanners open links too)."""
    signer = signing.TimestampSigner(salt=PORTAL_LINK_SALT)
    try:
        payload = signer.unsign_object(token, max_age=max_age)
    except signing.BadSignature:  # SignatureExpired is one too
        return None
    if not isinstance(payload, dict) or payload.get("client") != client.pk:
        return None
    customer_id, issued_at = payload.get("customer"), payload.get("at")
    if not isinstance(customer_id, int) or not isinstance(issued_at, int):
        return None
    customer = customer_of_client(client=client, customer_id=customer_id)
    if customer is None:
        return None
    spent = PortalLinkUse.objects.filter(customer=customer, used_through__gte=issued_at)
    return None if spent.exists() else PortalLink(customer=customer, issued_at=issued_at)
