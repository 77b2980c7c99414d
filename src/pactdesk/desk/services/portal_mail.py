"""The portal's "mail me a link": the mail is queued in the outbox by a background job,
after the page has answered, so the answer (its text, status and time) is the same
whether or not the address is a customer's. The link points at PACTDESK_BASE_URL, never
at whatever host the request named."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings

from pactdesk.accounts.models import Client
from pactdesk.accounts.selectors import customer_find
from pactdesk.desk.services.mail import portal_link
from pactdesk.notify.models import OutboundMail
from pactdesk.notify.services import MailOut, mail_queue


def portal_link_mail(*, client_id: int, email: str, now: datetime) -> OutboundMail | None:
    """Queue a portal sign-in link to the customer of an active client with this
    address (compared by `email_identity`), from the client's support address. None,
    and nothing queued, when there is no such customer or client. Safe to run twice:
    it queues a second link, and the newer link spends the older when used."""
    client = Client.objects.filter(pk=client_id, is_active=True).first()
    customer = None if client is None else customer_find(client=client, email=email)
    if client is None or customer is None:
        return None
    hours = settings.PACTDESK_PORTAL_LINK_MAX_AGE // 3600
    body = (
        f"Hello {customer.name or customer.email},\n\n"
        f"Open this link to see and answer your requests to {client.name}:\n\n"
        f"{portal_link(client=client, customer=customer)}\n\n"
        f"The link works once, for {hours} hours. If you did not ask for it, ignore this "
        "mail.\n\n"
        f"-- {client.name} support"
    )
    mail = MailOut(
        client_id=client.pk,
        kind="portal_link",
        to_address=customer.email,
        from_address=f"{client.name} <{client.support_email}>",
        subject=f"Your {client.name} support link",
        body=body,
    )
    return mail_queue(mail=mail, now=now)
