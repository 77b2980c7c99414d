"""Mail to customers about their tickets, queued in the outbox with threading headers:
In-Reply-To the customer's latest message and References to the whole thread, and the
ticket reference in the subject so replies find their way back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.urls import reverse

from pactdesk.accounts.models import Client, Customer
from pactdesk.accounts.selectors import customer_portal_token
from pactdesk.agreements.selectors import agreement_promise
from pactdesk.desk.models import Channel, Message, MessageKind, Ticket
from pactdesk.desk.participants import Recipients, ticket_copied, ticket_merged_family
from pactdesk.notify.acknowledgements import AcknowledgementFacts, acknowledgement_render
from pactdesk.notify.models import OutboundMail
from pactdesk.notify.selectors import acknowledgement_template_choose, acknowledgement_templates_of
from pactdesk.notify.services import MailOut, mail_queue_many
from pactdesk.platform.text import single_line


def ticket_subject(ticket: Ticket, *, reply: bool = False) -> str:
    prefix = "Re: " if reply else ""
    return f"{prefix}[{ticket.reference}] {ticket.subject}"


ACKNOWLEDGEMENT_SUBJECT = "We have received your request"


def acknowledgement_subject(ticket: Ticket) -> str:
    """The acknowledgement's subject: the ticket's for a request by mail (its sender
    wrote to us from that address); for the web form, the portal and the API, which
    anyone can point at any address, nothing the submitter typed."""
    if ticket.channel == Channel.EMAIL:
        return ticket_subject(ticket)
    return f"[{ticket.reference}] {ACKNOWLEDGEMENT_SUBJECT}"


def quotes_submitter(ticket: Ticket) -> bool:
    """Whether an acknowledgement may quote the submitter's name and subject: only for
    mail (see `acknowledgement_subject`)."""
    return ticket.channel == Channel.EMAIL


class Acknowledged(NamedTuple):
    """A new ticket to acknowledge: its customer, the thread so far (Message-IDs) and
    the customer's language if known (a BCP 47 tag: the web form's Accept-Language,
    a mail's Content-Language), which picks the client's template."""

    ticket: Ticket
    customer: Customer
    thread: list[str]
    language: str | None = None


def ticket_mail_acknowledgements(
    *, acknowledged: Sequence[Acknowledged | tuple[Ticket, Customer, list[str]]]
) -> list[Ticket]:
    """Acknowledgements of several new tickets, each queued at its ticket's lodging
    instant, in one insert. Each states the first-response target for its ticket's
    priority and the hours it is counted in, in the client's wording for the
    customer's language (templates memoised per client) or the built-in text.

    At most PACTDESK_ACK_LIMIT_PER_HOUR go to one address in any hour (counted in the
    outbox, so across processes); returns the tickets left unacknowledged for that."""
    every = [Acknowledged(*item) for item in acknowledged]
    over = acknowledgements_over_limit(tickets=[item.ticket for item in every])
    items = [item for item in every if item.ticket.pk not in over]
    mails = [
        _mail_out(
            ticket=item.ticket,
            kind="acknowledgement",
            thread=item.thread,
            body=_welcome(item.ticket, item.customer, item.language),
            subject=acknowledgement_subject(item.ticket),
        )
        for item in items
    ]
    mail_queue_many(mails=mails, at=[item.ticket.lodged_at for item in items])
    return [item.ticket for item in every if item.ticket.pk in over]


ACK_WINDOW = timedelta(hours=1)


def acknowledgements_over_limit(*, tickets: Sequence[Ticket]) -> set[int]:
    """The ids of the new `tickets` whose acknowledgement would be past the limit of
    PACTDESK_ACK_LIMIT_PER_HOUR to one address within the hour before their lodging,
    counting those already in the outbox and those of earlier tickets in `tickets`."""
    if not tickets:
        return set()
    limit = settings.PACTDESK_ACK_LIMIT_PER_HOUR
    since = min(t.lodged_at for t in tickets) - ACK_WINDOW
    sent: dict[str, list[datetime]] = {}
    rows = OutboundMail.objects.filter(
        kind="acknowledgement",
        to_address__in={t.customer.email for t in tickets},
        created_at__gt=since,
    ).values_list("to_address", "created_at")
    for address, at in rows:
        sent.setdefault(address, []).append(at)
    over: set[int] = set()
    for ticket in tickets:
        at, times = ticket.lodged_at, sent.setdefault(ticket.customer.email, [])
        if sum(1 for t in times if at - ACK_WINDOW < t <= at) >= limit:
            over.add(ticket.pk)
        else:
            times.append(at)
    return over


def _welcome(ticket: Ticket, customer: Customer, language: str | None) -> str:
    template = acknowledgement_template_choose(
        templates=acknowledgement_templates_of(client_id=ticket.client_id), language=language
    )
    return acknowledgement_render(
        body=None if template is None else template.body,
        facts=ticket_acknowledgement_facts(ticket=ticket, customer=customer),
    )


def ticket_acknowledgement_facts(*, ticket: Ticket, customer: Customer) -> AcknowledgementFacts:
    """The values an acknowledgement template may use, for a new ticket (its agreement
    as `agreement_for_lodging` gives it: no query). The customer's name and the
    subject only for a request by mail (`quotes_submitter`)."""
    promise = agreement_promise(agreement=ticket.agreement, priority=ticket.priority)
    quoted = quotes_submitter(ticket)
    return AcknowledgementFacts(
        customer_name=(single_line(customer.name) or customer.email) if quoted else "",
        ticket_reference=ticket.reference,
        ticket_subject=ticket.subject if quoted else "",
        client_name=ticket.client.name,
        first_response_target=promise.first_response,
        support_hours=promise.support_hours,
        round_the_clock=promise.round_the_clock,
        portal_link=portal_link(client=ticket.client, customer=customer),
    )


def portal_link(*, client: Client, customer: Customer) -> str:
    """A sign-in link to the customer's portal (it expires; the portal offers a new one)."""
    path = reverse(
        "web:portal_enter",
        kwargs={"slug": client.slug, "token": customer_portal_token(customer=customer)},
    )
    return f"{settings.PACTDESK_BASE_URL}{path}"


def ticket_mail_reply(
    *, ticket: Ticket, message: Message, now: datetime, recipients: Recipients
) -> None:
    """The reply, mailed to each of its customers separately (one address per mail, so
    nobody learns another's address), each threaded on that customer's own thread."""
    _queue_each(
        ticket=ticket, kind="reply", body=message.body, now=now, customers=recipients.everyone
    )


def ticket_mail_status_notice(*, ticket: Ticket, now: datetime, text: str) -> None:
    """A notice to the ticket's customer and any customer staff chose to copy."""
    customers = {c.pk: c for c in [ticket.customer, *ticket_copied(ticket)]}
    _queue_each(
        ticket=ticket, kind="status_notice", body=text, now=now, customers=tuple(customers.values())
    )


def _queue_each(
    *, ticket: Ticket, kind: str, body: str, now: datetime, customers: Sequence[Customer]
) -> list[OutboundMail]:
    family = _family(ticket)
    mails = [
        _mail_out(
            ticket=ticket,
            kind=kind,
            body=body,
            to=customer,
            subject=_subject_for(ticket=ticket, customer=customer, family=family),
            thread=_thread_ids(family=family, customer=customer),
        )
        for customer in customers
    ]
    return mail_queue_many(mails=mails, at=[now] * len(mails))


def _mail_out(
    *,
    ticket: Ticket,
    kind: str,
    body: str,
    thread: list[str],
    to: Customer | None = None,
    subject: str | None = None,
) -> MailOut:
    thread = [i for i in thread if i]
    return MailOut(
        client_id=ticket.client_id,
        kind=kind,
        ticket_id=ticket.pk,
        to_address=(to or ticket.customer).email,
        from_address=f"{ticket.client.name} <{ticket.client.support_email}>",
        subject=subject or ticket_subject(ticket, reply=kind != "acknowledgement"),
        body=body,
        in_reply_to=thread[-1] if thread else "",
        references=" ".join(thread[-20:]),
    )


def _family(ticket: Ticket) -> list[Ticket]:
    """The ticket and the tickets merged into it, straight or through another merged
    ticket (their customers' threads continue here)."""
    return ticket_merged_family(ticket)


def _subject_for(*, ticket: Ticket, customer: Customer, family: Sequence[Ticket]) -> str:
    """A reply's subject for one customer: the ticket's own for its customer; for a
    customer whose ticket was merged into it, that customer's own ticket's reference
    and subject (never another customer's words; a reply to it comes back here)."""
    if customer.pk != ticket.customer_id:
        own = next((t for t in family[1:] if t.customer_id == customer.pk), None)
        if own is not None:
            return ticket_subject(own, reply=True)
    return ticket_subject(ticket, reply=True)


def _thread_ids(*, family: Sequence[Ticket], customer: Customer) -> list[str]:
    """Message-IDs of one customer's thread so far, oldest first: their messages and
    our mails to them. At the same instant the customer's message came first (ours
    answered it)."""
    ids = [t.pk for t in family]
    theirs = (
        Message.objects.filter(ticket_id__in=ids, kind=MessageKind.CUSTOMER, customer=customer)
        .exclude(mail_message_id="")
        .only("created_at", "mail_message_id")
    )
    ours = OutboundMail.objects.filter(ticket_id_ref__in=ids, to_address=customer.email).only(
        "created_at", "message_id"
    )
    stamped = [(m.created_at, 0, m.pk, m.mail_message_id) for m in theirs]
    stamped += [(m.created_at, 1, m.pk, m.message_id) for m in ours]
    return [row[3] for row in sorted(stamped)]
