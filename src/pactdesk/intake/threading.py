"""Which ticket a mail answers, if any, and whether it is one of our own loops.

Threading, in order: the Message-IDs in In-Reply-To and References, matched against
the client's stored customer messages and our outbound mail (the sender may be anyone
in the thread: knowing the Message-ID is the proof); then a `[PD-123]` token in the
subject, honoured only for that client's ticket AND that ticket's customer, so a
guessed number cannot hijack a ticket. A reply to a merged ticket goes to the ticket
it was merged into.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.conf import settings

from pactdesk.accounts.models import Client
from pactdesk.desk.models import Message, Ticket
from pactdesk.desk.services.records import mail_key
from pactdesk.domain.identity import email_identity
from pactdesk.intake.parsing import InboundMail
from pactdesk.notify.models import OutboundMail

TOKEN = re.compile(r"\[PD-(\d{1,18})\]", re.IGNORECASE)
MAX_MERGE_HOPS = 10


def ticket_for_mail(*, client: Client, mail: InboundMail, sender: str) -> Ticket | None:
    ticket = _by_message_ids(client=client, ids=mail.thread_ids)
    if ticket is None:
        ticket = _by_token(client=client, subject=mail.subject, sender=sender)
    return ticket


def loop_reason(*, client: Client, mail: InboundMail) -> str | None:
    """Mail we (or this client's address) sent coming back to us."""
    ours = (email_identity(client.support_email), settings.PACTDESK_MAIL_DOMAIN.lower())
    if any(mark in token for token in mail.x_loop for mark in ours):
        return "X-Loop is ours"
    if email_identity(mail.from_address) == email_identity(client.support_email):
        return "sent from the support address itself"
    return None


def _by_message_ids(*, client: Client, ids: Sequence[str]) -> Ticket | None:
    if not ids:
        return None
    keys = {mail_key(message_id): message_id for message_id in ids}
    theirs = {
        keys[key]: ticket_id
        for key, ticket_id in Message.objects.filter(
            client=client, mail_message_key__in=list(keys)
        ).values_list("mail_message_key", "ticket_id")
    }
    ours = dict(
        OutboundMail.objects.filter(
            client_id=client.pk, message_id__in=ids, ticket_id_ref__isnull=False
        ).values_list("message_id", "ticket_id_ref")
    )
    for message_id in ids:
        ticket_id = theirs.get(message_id) or ours.get(message_id)
        if ticket_id is not None:
            return _ticket(client=client, ticket_id=ticket_id)
    return None


def _by_token(*, client: Client, subject: str, sender: str) -> Ticket | None:
    for match in TOKEN.finditer(subject):
        found = Ticket.objects.filter(
            client=client, pk=int(match.group(1)), customer__email=email_identity(sender)
        ).values_list("pk", flat=True)
        if found:
            return _ticket(client=client, ticket_id=found[0])
    return None


def _ticket(*, client: Client, ticket_id: int) -> Ticket | None:
    related = (
        "client",
        "customer",
        "agreement__plan",
        "agreement__calendar",
        "agreement__sla_policy",
    )
    ticket = Ticket.objects.filter(client=client, pk=ticket_id).select_related(*related).first()
    for _hop in range(MAX_MERGE_HOPS):
        if ticket is None or ticket.merged_into_id is None:
            break
        ticket = (
            Ticket.objects.filter(client=client, pk=ticket.merged_into_id)
            .select_related(*related)
            .first()
        )
    return ticket
