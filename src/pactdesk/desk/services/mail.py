"""Mail to customers about their tickets, queued in the outbox with threading headers:
In-Reply-To the customer's latest message and References to the whole thread, and the
ticket reference in the subject so replies find their way back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.urls import reverse

from pactdesk.accounts.models import Client, Customer
from pactdesk.accounts.selectors import customer_portal_token
from pactdesk.desk.models import Message, MessageKind, Ticket
from pactdesk.notify.models import OutboundMail
from pactdesk.notify.services import MailOut, mail_queue, mail_queue_many


def ticket_subject(ticket: Ticket, *, reply: bool = False) -> str:
    prefix = "Re: " if reply else ""
    return f"{prefix}[{ticket.reference}] {ticket.subject}"


def ticket_mail_acknowledgements(
    *, acknowledged: Sequence[tuple[Ticket, Customer, list[str]]]
) -> None:
    """Acknowledgements of several new tickets, each queued at its ticket's lodging
    instant, in one insert."""
    mails = [
        _mail_out(
            ticket=ticket, kind="acknowledgement", body=_welcome(ticket, customer), thread=thread
        )
        for ticket, customer, thread in acknowledged
    ]
    mail_queue_many(mails=mails, at=[ticket.lodged_at for ticket, _, _ in acknowledged])


def _welcome(ticket: Ticket, customer: Customer) -> str:
    return (
        f"Hello {customer.name or customer.email},\n\n"
        f"We have received your request and logged it as {ticket.reference}. "
        "An agent will answer you soon; reply to this message to add anything.\n\n"
        f"Follow it online: {portal_link(client=ticket.client, customer=customer)}\n\n"
        f"-- {ticket.client.name} support"
    )


def portal_link(*, client: Client, customer: Customer) -> str:
    """A sign-in link to the customer's portal (it expires; the portal offers a new one)."""
    path = reverse(
        "web:portal_enter",
        kwargs={"slug": client.slug, "token": customer_portal_token(customer=customer)},
    )
    return f"{settings.PACTDESK_BASE_URL}{path}"


def ticket_mail_reply(*, ticket: Ticket, message: Message, now: datetime) -> None:
    _queue(ticket=ticket, kind="reply", body=message.body, now=now)


def ticket_mail_status_notice(*, ticket: Ticket, now: datetime, text: str) -> None:
    _queue(ticket=ticket, kind="status_notice", body=text, now=now)


def _queue(
    *, ticket: Ticket, kind: str, body: str, now: datetime, thread: list[str] | None = None
) -> OutboundMail:
    return mail_queue(mail=_mail_out(ticket=ticket, kind=kind, body=body, thread=thread), now=now)


def _mail_out(*, ticket: Ticket, kind: str, body: str, thread: list[str] | None) -> MailOut:
    thread = [i for i in (_thread_ids(ticket) if thread is None else thread) if i]
    return MailOut(
        client_id=ticket.client_id,
        kind=kind,
        ticket_id=ticket.pk,
        to_address=ticket.customer.email,
        from_address=f"{ticket.client.name} <{ticket.client.support_email}>",
        subject=ticket_subject(ticket, reply=kind != "acknowledgement"),
        body=body,
        in_reply_to=thread[-1] if thread else "",
        references=" ".join(thread[-20:]),
    )


def _thread_ids(ticket: Ticket) -> list[str]:
    """Message-IDs of the thread so far, oldest first: the customer's and ours. At the
    same instant the customer's message came first (ours answered it)."""
    theirs = (
        Message.objects.filter(ticket=ticket, kind=MessageKind.CUSTOMER)
        .exclude(mail_message_id="")
        .only("created_at", "mail_message_id")
    )
    ours = OutboundMail.objects.filter(ticket_id_ref=ticket.pk).only("created_at", "message_id")
    stamped = [(m.created_at, 0, m.pk, m.mail_message_id) for m in theirs]
    stamped += [(m.created_at, 1, m.pk, m.message_id) for m in ours]
    return [row[3] for row in sorted(stamped)]
