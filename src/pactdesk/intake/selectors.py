"""Reads for inbound mail: which client an address belongs to, what we already hold."""

from __future__ import annotations

from django.db.models import QuerySet

from pactdesk.accounts.models import Client
from pactdesk.desk.models import Message
from pactdesk.desk.services.records import mail_key
from pactdesk.domain.identity import email_identity
from pactdesk.intake.models import Mailbox


def client_for_address(*, address: str) -> Client | None:
    """The client whose support address this is (stored and compared in the normal
    form of `email_identity`), active or not: mail to a deactivated client is taken and
    quarantined, not bounced (see `mail_lodge`)."""
    address = email_identity(address.strip().strip("<>"))
    if not address:
        return None
    return Client.objects.filter(support_email=address).first()


def mail_already_stored(*, client: Client, message_id: str) -> bool:
    """A message with this Message-ID is on one of the client's tickets already."""
    return Message.objects.filter(client=client, mail_message_key=mail_key(message_id)).exists()


def mailbox_active_list() -> QuerySet[Mailbox]:
    return Mailbox.objects.filter(is_active=True, client__is_active=True).select_related("client")
