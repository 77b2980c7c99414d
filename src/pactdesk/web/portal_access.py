"""Customers' way in to the portal: a signed, expiring, single-use link mailed to their
address (by `pactdesk.desk.services.portal_mail`) sets a portal session (client and
customer ids; not a User log-in). Opening the link shows a button; only pressing it
(a POST) spends the link, so a mail scanner that fetches links does not use it up."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from pactdesk.accounts.models import Client, Customer
from pactdesk.accounts.selectors import customer_of_client, portal_link_read
from pactdesk.accounts.services import portal_link_spend

SESSION_KEY = "pactdesk_portal"


def portal_link_valid(*, client: Client, token: str) -> bool:
    max_age = settings.PACTDESK_PORTAL_LINK_MAX_AGE
    return portal_link_read(client=client, token=token, max_age=max_age) is not None


def portal_link_use(*, client: Client, token: str) -> Customer | None:
    max_age = settings.PACTDESK_PORTAL_LINK_MAX_AGE
    return portal_link_spend(client=client, token=token, max_age=max_age)


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
