"""Who takes part in a ticket's conversation, read by the services (whom a staff reply
goes to) and the selectors (what a customer sees in the portal).

Visibility is per person, never per ticket: a customer sees the messages they wrote
and the public replies sent to them (`MessageRecipient`), whichever ticket holds them.
A merge across customers therefore shows nobody anything new; only staff's explicit
choice to copy (a `TicketCopy`) sends one customer's replies to the other as well.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q

from pactdesk.accounts.models import Customer
from pactdesk.desk.error_codes import DeskErrorCode
from pactdesk.desk.models import Message, MessageKind, MessageRecipient, Ticket, TicketCopy
from pactdesk.platform.errors import ValidationFailed

MAX_MERGE_HOPS = 10


def ticket_merge_chain(ticket: Ticket) -> list[Ticket]:
    """`ticket`, then the ticket it was merged into, and so on (at most MAX_MERGE_HOPS
    steps, same client only): the last one is where the conversation goes on."""
    chain = [ticket]
    for _hop in range(MAX_MERGE_HOPS):
        current = chain[-1]
        if current.merged_into_id is None:
            break
        into = (
            Ticket.objects.filter(client_id=current.client_id, pk=current.merged_into_id)
            .select_related(
                "client",
                "customer",
                "agreement__plan",
                "agreement__calendar",
                "agreement__sla_policy",
            )
            .first()
        )
        if into is None or any(t.pk == into.pk for t in chain):
            break
        chain.append(into)
    return chain


def ticket_merged_family(ticket: Ticket) -> list[Ticket]:
    """`ticket`, then every ticket merged into it, straight or through a ticket that was
    itself merged on (A into B, then B into `ticket`), newest lodged first, at most
    MAX_MERGE_HOPS levels: the tickets whose customers' threads continue on `ticket`."""
    family, seen, level = [ticket], {ticket.pk}, [ticket.pk]
    for _hop in range(MAX_MERGE_HOPS):
        merged = [
            t
            for t in Ticket.objects.filter(client_id=ticket.client_id, merged_into_id__in=level)
            .select_related("customer")
            .order_by("-lodged_at", "-id")
            if t.pk not in seen
        ]
        if not merged:
            break
        family += merged
        seen.update(t.pk for t in merged)
        level = [t.pk for t in merged]
    return [ticket, *sorted(family[1:], key=lambda t: (t.lodged_at, t.pk), reverse=True)]


def message_visible_to(customer: Customer) -> Q:
    """The messages `customer` may see: those they wrote and the public replies sent
    to them (never a note, never another customer's message)."""
    sent_to = MessageRecipient.objects.filter(
        client_id=customer.client_id, customer=customer
    ).values("message_id")
    return Q(client_id=customer.client_id) & (
        Q(kind=MessageKind.CUSTOMER, customer=customer) | Q(kind=MessageKind.STAFF, pk__in=sent_to)
    )


def ticket_writers(ticket: Ticket, messages: Sequence[Message] | None = None) -> list[Customer]:
    """The ticket's customer first, then every other customer who wrote on it or on a
    ticket merged into it (in the order of their first message). `messages`: those
    customer messages when already loaded (`family_messages`)."""
    writers = {ticket.customer_id: ticket.customer}
    for message in family_messages(ticket) if messages is None else messages:
        if message.customer is not None:
            writers.setdefault(message.customer.pk, message.customer)
    return list(writers.values())


def family_messages(ticket: Ticket) -> list[Message]:
    """The customer messages on `ticket` and on the tickets merged into it
    (`ticket_merged_family`), oldest first, with their writers."""
    rows = Message.objects.filter(
        ticket_id__in=[t.pk for t in ticket_merged_family(ticket)],
        client_id=ticket.client_id,
        kind=MessageKind.CUSTOMER,
    )
    return list(rows.select_related("customer").order_by("created_at", "id"))


def ticket_copied(ticket: Ticket) -> list[Customer]:
    """The customers staff chose to copy on every public reply of the ticket."""
    return [c.customer for c in TicketCopy.objects.filter(ticket=ticket).select_related("customer")]


def reply_default_to(ticket: Ticket, messages: Sequence[Message] | None = None) -> Customer:
    """Whom a staff reply answers unless staff choose: the writer of the latest
    customer message on the ticket or a ticket merged into it (the ticket's customer
    when nobody has written). `messages` as for `ticket_writers`."""
    loaded = family_messages(ticket) if messages is None else messages
    written = [m for m in loaded if m.customer is not None]
    latest = max(written, key=lambda m: (m.created_at, m.pk), default=None)
    return latest.customer if latest is not None and latest.customer else ticket.customer


@dataclass(frozen=True)
class Recipients:
    """A public reply's customers: the writer it answers and those copied."""

    to: Customer
    copied: tuple[Customer, ...] = ()

    @property
    def everyone(self) -> tuple[Customer, ...]:
        return (self.to, *self.copied)


def reply_recipients(*, ticket: Ticket, to_customer_id: int | None) -> Recipients:
    """Whom a public reply on `ticket` goes to: `to_customer_id` (one of the ticket's
    writers, see `ticket_writers`, or copied customers) or by default the latest
    writer; copied to the ticket's customer and the copied customers when staff chose
    to copy any.

    Errors: ValidationFailed `not_a_participant` (field `to`) for any other customer.
    """
    copies = ticket_copied(ticket)
    messages = family_messages(ticket)
    if to_customer_id is None:
        to = reply_default_to(ticket, messages)
    else:
        choices = {c.pk: c for c in [*ticket_writers(ticket, messages), *copies]}
        if to_customer_id not in choices:
            raise ValidationFailed(
                f"to: customer {to_customer_id} has not written on {ticket.reference} and "
                "is not copied on it",
                code=DeskErrorCode.NOT_A_PARTICIPANT,
                field="to",
            )
        to = choices[to_customer_id]
    if not copies:
        return Recipients(to=to)
    group = {c.pk: c for c in [ticket.customer, *copies] if c.pk != to.pk}
    return Recipients(to=to, copied=tuple(group.values()))


def reply_choices(ticket: Ticket) -> tuple[list[Customer], Customer, list[Customer]]:
    """For the reply form: the customers a reply may answer, the default one, and
    those copied on every reply."""
    copies = ticket_copied(ticket)
    loaded = family_messages(ticket)
    choices = {c.pk: c for c in [*ticket_writers(ticket, loaded), *copies]}
    return list(choices.values()), reply_default_to(ticket, loaded), copies
