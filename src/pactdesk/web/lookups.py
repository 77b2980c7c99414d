"""Reads the web layer needs that the lower layers do not offer yet.

Each is a small, scoped query kept apart so it can move to its layer's selectors
(accounts: client by slug, customer by address; desk: attachment access) unchanged.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from pactdesk.accounts.models import STAFF_ROLES, Client, Customer, User
from pactdesk.accounts.selectors import user_list
from pactdesk.desk.models import Attachment, MessageKind


def public_client_get(*, slug: str) -> Client:
    """An active client, by the slug in a public URL; anything else is a 404."""
    client = Client.objects.filter(slug=slug, is_active=True).first()
    if client is None:
        raise Http404("No such client")
    return client


def portal_customer_find(*, client: Client, email: str) -> Customer | None:
    """The customer of `client` with this address, if one has ever written to us."""
    return Customer.objects.filter(client=client, email__iexact=email.strip()).first()


def portal_customer_get(*, client: Client, customer_id: int) -> Customer | None:
    return Customer.objects.filter(client=client, pk=customer_id).first()


def attachment_for_actor(*, actor: User, attachment_id: int) -> Attachment:
    """An attachment the user may download: staff any, a client user only their own
    client's, and never one on an internal note."""
    attachments: QuerySet[Attachment] = Attachment.objects.for_actor(actor)
    if not actor.is_provider_staff:
        attachments = attachments.exclude(message__kind=MessageKind.NOTE)
    attachment = attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404("No such attachment")
    return attachment


def attachment_for_customer(*, customer: Customer, attachment_id: int) -> Attachment:
    """An attachment on a public message of one of the customer's own tickets."""
    attachment = (
        Attachment.objects.filter(
            pk=attachment_id, client_id=customer.client_id, message__ticket__customer=customer
        )
        .exclude(message__kind=MessageKind.NOTE)
        .first()
    )
    if attachment is None:
        raise Http404("No such attachment")
    return attachment


def assignable_staff(*, actor: User) -> QuerySet[User]:
    """Active provider staff, for the assignee picker."""
    return user_list(actor=actor).filter(role__in=sorted(STAFF_ROLES), is_active=True)
