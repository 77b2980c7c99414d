"""Customers' way in to the portal: a signed, expiring, single-use link mailed to their
address sets a portal session (client and customer ids; not a User log-in). Opening
the link shows a button; only pressing it (a POST) spends the link, so a mail
scanner that fetches links does not use it up."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.http import HttpRequest
from django.urls import reverse

from pactdesk.accounts.models import Client, Customer
from pactdesk.accounts.selectors import customer_of_client, customer_portal_token, portal_link_read
from pactdesk.accounts.services import portal_link_spend

logger = logging.getLogger(__name__)

SESSION_KEY = "pactdesk_portal"


def portal_link_valid(*, client: Client, token: str) -> bool:
    max_age = settings.PACTDESK_PORTAL_LINK_MAX_AGE
    return portal_link_read(client=client, token=token, max_age=max_age) is not None


def portal_link_use(*, client: Client, token: str) -> Customer | None:
    max_age = settings.PACTDESK_PORTAL_LINK_MAX_AGE
    return portal_link_spend(client=client, token=token, max_age=max_age)


def portal_link_send(*, request: HttpRequest, client: Client, customer: Customer) -> bool:
    """Mail the link from the client's support address; False when sending failed."""
    path = reverse(
        "web:portal_enter",
        kwargs={"slug": client.slug, "token": customer_portal_token(customer=customer)},
    )
    hours = settings.PACTDESK_PORTAL_LINK_MAX_AGE // 3600
    body = (
        f"Hello {customer.name or customer.email},\n\n"
        f"Open this link to see and answer your requests to {client.name}:\n\n"
        f"{request.build_absolute_uri(path)}\n\n"
        f"The link works once, for {hours} hours. If you did not ask for it, ignore this "
        "mail.\n\n"
        f"-- {client.name} support"
    )
    try:
        send_mail(
            subject=f"Your {client.name} support link",
            message=body,
            from_email=f"{client.name} <{client.support_email}>",
            recipient_list=[customer.email],
        )
    except Exception:  # a relay failure is reported to the user, not a 500
        logger.exception("portal link mail to customer %s failed", customer.pk)
        return False
    return True


def portal_session_start(*, request: HttpRequest, customer: Customer) -> None:
    request.session.cycle_key()
    request.session[SESSION_KEY] = {"client": customer.client_id, "customer": customer.pk}


def portal_session_customer(*, request: HttpRequest, client: Client) -> Customer | None:
    """The customer signed in to this client's portal in this session, if any."""
    held = request.session.get(SESSION_KEY)
    if not isinstance(held, dict) or held.get("client") != client.pk:
        return None
    return customer_of_client(client=client, customer_id=held.get("customer", 0))


def portal_session_end(*, request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
