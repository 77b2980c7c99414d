"""Reads on tickets, scoped by the actor; lists page by cursor, not by offset."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Case, Count, Prefetch, Q, QuerySet, Value, When

from pactdesk.accounts.models import Customer, Role, User
from pactdesk.agreements.models import PlanKind, Seat
from pactdesk.desk.error_codes import DeskErrorCode
from pactdesk.desk.models import (
    Attachment,
    Message,
    MessageKind,
    MessageRecipient,
    RawMail,
    SlaState,
    Status,
    Ticket,
    TicketEvent,
)
from pactdesk.desk.participants import message_visible_to, ticket_merge_chain
from pactdesk.domain.identity import email_identity
from pactdesk.domain.vocabulary import Metric
from pactdesk.platform.cursors import (
    cursor_decode,
    cursor_decode_ranked,
    cursor_encode,
    cursor_encode_ranked,
)
from pactdesk.platform.errors import NotFound, ValidationFailed
from pactdesk.platform.ids import id_parse

MAX_PAGE = 100
OPEN_STATUSES = (Status.NEW, Status.OPEN, Status.WAITING)


@dataclass(frozen=True)
class TicketFilter:
    """What a work list asks for; every field is optional."""

    statuses: tuple[str, ...] = ()
    client_id: int | None = None
    assignee_id: int | None = None
    unassigned: bool = False
    priority: str | None = None
    valid: bool | None = None
    search: str = ""
    breaching_within: timedelta | None = None
    customer_email: str = ""
    open_only: bool = False
    channel: str | None = None
    breached: bool = False


# The orders a list may ask for; "urgency" puts breached tickets first, then the
# soonest running clock, then tickets with no running clock.
ORDERS = ("urgency", "newest", "oldest", "updated")


@dataclass(frozen=True)
class TicketPage:
    items: list[Ticket]
    next_cursor: str | None
    extra: dict[str, object] = field(default_factory=dict)


# What a list row shows (API items, workspace rows): a page of 50 loads and parses
# these columns only, not every SLA column and every column of the related rows.
LIST_FIELDS = (
    "client_id",
    "customer_id",
    "assignee_id",
    "subject",
    "status",
    "priority",
    "channel",
    "is_valid",
    "invalid_reason",
    "merged_into_id",
    "lodged_at",
    "updated_at",
    "solved_at",
    "closed_at",
    "sla_next_due_at",
    "sla_evaluated_at",
    "sla_detail",
    "client__slug",
    "client__name",
    "customer__email",
    "customer__name",
    "assignee__name",
)


def ticket_queryset(*, actor: User) -> QuerySet[Ticket]:
    return Ticket.objects.for_actor(actor).select_related("client", "customer", "assignee")


def ticket_get(*, actor: User, ticket_id: int) -> Ticket:
    ticket = (
        ticket_queryset(actor=actor)
        .select_related("agreement__plan", "agreement__calendar", "agreement__sla_policy")
        .filter(pk=ticket_id)
        .first()
    )
    if ticket is None:
        raise NotFound(f"Ticket {ticket_id} was not found.", code=DeskErrorCode.TICKET_NOT_FOUND)
    return ticket


def ticket_list(
    *,
    actor: User,
    filters: TicketFilter,
    now: datetime,
    cursor: str | None = None,
    limit: int = 50,
    refine: TicketFilter | None = None,
    order: str | None = None,
) -> TicketPage:
    """A page of the tickets matching `filters` and (ANDed) `refine`, keyset-paged.

    `order` is one of ORDERS; without it the list is newest first, or soonest due first
    for a breaching-soon list (the API's orders). "urgency": breached first (a clock
    stored as breached, or a running one past due at `now`), then the soonest next due
    instant, then no running clock; ties by id. Errors: ValidationFailed (limit, order,
    cursor)."""
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationFailed(f"limit: between 1 and {MAX_PAGE}", field="limit")
    if order is not None and order not in ORDERS:
        raise ValidationFailed(f"order: one of {', '.join(ORDERS)}", field="order")
    match = _filter_q(filters, now) & (_filter_q(refine, now) if refine else Q())
    tickets = ticket_queryset(actor=actor).filter(match).only(*LIST_FIELDS)
    if order == "urgency":
        return _page_by_urgency(tickets, cursor, limit, now)
    if order == "oldest":
        return _page_by_instant(tickets, cursor, limit, "lodged_at", descending=False)
    if order == "updated":
        return _page_by_instant(tickets, cursor, limit, "updated_at", descending=True)
    if order is None and filters.breaching_within is not None:
        return _page_by_due(tickets, cursor, limit)
    return _page_by_instant(tickets, cursor, limit, "lodged_at", descending=True)


def ticket_list_counts(
    *,
    actor: User,
    lists: dict[str, TicketFilter],
    now: datetime,
    refine: TicketFilter | None = None,
) -> dict[str, int]:
    """How many tickets each named list holds (with `refine` ANDed to each), in one
    aggregate query: {"mine": 3, "unassigned": 7, ...}."""
    base = _filter_q(refine, now) if refine else Q()
    totals = {name: Count("pk", filter=base & _filter_q(f, now)) for name, f in lists.items()}
    return dict(Ticket.objects.for_actor(actor).aggregate(**totals))


@dataclass(frozen=True)
class QueueDepth:
    """One client's valid open tickets now: how many, how many breached, how many at
    risk (a running clock due within the lead, not yet breached)."""

    client_id: int
    client_name: str
    open: int
    breached: int
    at_risk: int


def ticket_queue_depths(
    *, actor: User, now: datetime, at_risk_within: timedelta
) -> list[QueueDepth]:
    """Per client the actor may see, by name, in one grouped query; clients with no open
    ticket are left out."""
    breached = _breached_q(now)
    at_risk = Q(sla_next_due_at__lte=now + at_risk_within) & ~breached
    rows = (
        Ticket.objects.for_actor(actor)
        .filter(status__in=OPEN_STATUSES, is_valid=True, merged_into__isnull=True)
        .values("client_id", "client__name")
        .annotate(
            open=Count("pk"),
            breached=Count("pk", filter=breached),
            at_risk=Count("pk", filter=at_risk),
        )
        .order_by("client__name", "client_id")
    )
    return [
        QueueDepth(
            client_id=row["client_id"],
            client_name=row["client__name"],
            open=row["open"],
            breached=row["breached"],
            at_risk=row["at_risk"],
        )
        for row in rows
    ]


def ticket_assignable(*, ticket: Ticket) -> QuerySet[User]:
    """Who may take the ticket, for the assignee picker: a dedicated client's seat
    holders; for a shared client, the pool (active agents and managers seated with no
    dedicated client). `desk.services` enforces the same rule on assignment."""
    staff = User.objects.filter(is_active=True, role__in=(Role.AGENT, Role.MANAGER))
    if ticket.agreement.plan.kind == PlanKind.DEDICATED:
        seated = Seat.objects.filter(client_id=ticket.client_id, agent__isnull=False)
        return staff.filter(pk__in=seated.values("agent_id")).order_by("name", "id")
    return staff.exclude(
        pk__in=Seat.objects.filter(agent__isnull=False).values("agent_id")
    ).order_by("name", "id")


def ticket_messages(*, ticket: Ticket, include_notes: bool) -> QuerySet[Message]:
    """Every message of the ticket, for staff and the client's users (who see the
    whole conversation; customers see theirs through `customer_ticket_messages`)."""
    messages = Message.objects.filter(ticket=ticket).select_related("author", "customer")
    sent_to = MessageRecipient.objects.select_related("customer")
    messages = messages.prefetch_related("attachments", Prefetch("recipients", queryset=sent_to))
    return messages if include_notes else messages.exclude(kind=MessageKind.NOTE)


def ticket_history(*, ticket: Ticket) -> QuerySet[TicketEvent]:
    return TicketEvent.objects.filter(ticket=ticket).select_related("actor")


def customer_ticket_list(*, customer: Customer) -> QuerySet[Ticket]:
    """A customer's own tickets, for the portal."""
    return Ticket.objects.filter(client_id=customer.client_id, customer=customer).order_by(
        "-lodged_at", "-id"
    )


def customer_ticket_get(*, customer: Customer, ticket_id: int) -> Ticket:
    ticket = customer_ticket_list(customer=customer).filter(pk=ticket_id).first()
    if ticket is None:
        raise NotFound(f"Ticket {ticket_id} was not found.", code=DeskErrorCode.TICKET_NOT_FOUND)
    return ticket


def attachment_get(*, actor: User, attachment_id: int) -> Attachment:
    """An attachment the user may download: staff any, a client user only their own
    client's, and never one on an internal note."""
    attachments = Attachment.objects.for_actor(actor)
    if not actor.is_provider_staff:
        attachments = attachments.exclude(message__kind=MessageKind.NOTE)
    attachment = attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound(
            f"Attachment {attachment_id} was not found.", code=DeskErrorCode.ATTACHMENT_NOT_FOUND
        )
    return attachment


def message_raw_mail_get(*, actor: User, message_id: int) -> RawMail:
    """The original mail a message was made from, for provider staff only (the raw
    mail may name other clients' addresses). NotFound for anyone else."""
    message = (
        Message.objects.filter(pk=message_id, raw_mail__isnull=False)
        .select_related("raw_mail")
        .first()
    )
    if message is None or message.raw_mail is None or not actor.is_provider_staff:
        raise NotFound(
            f"Message {message_id} has no original mail.", code=DeskErrorCode.RAW_MAIL_NOT_FOUND
        )
    return message.raw_mail


def customer_ticket_messages(*, customer: Customer, ticket: Ticket) -> QuerySet[Message]:
    """What the customer sees of their own `ticket` in the portal: on it and on the
    tickets it was merged into, the messages they wrote and the public replies sent to
    them (`participants.message_visible_to`), oldest first. Never a note, never
    another customer's message or a reply sent only to another customer."""
    chain = [t.pk for t in ticket_merge_chain(ticket)]
    return (
        Message.objects.filter(ticket_id__in=chain)
        .filter(message_visible_to(customer))
        .select_related("author", "customer")
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )


def customer_attachment_get(*, customer: Customer, attachment_id: int) -> Attachment:
    """An attachment of a message the customer may see (`message_visible_to`): one
    they sent, or one on a reply sent to them. Whose ticket holds it does not matter."""
    visible = Message.objects.filter(message_visible_to(customer)).values("pk")
    attachment = Attachment.objects.filter(
        pk=attachment_id, client_id=customer.client_id, message_id__in=visible
    ).first()
    if attachment is None:
        raise NotFound(
            f"Attachment {attachment_id} was not found.", code=DeskErrorCode.ATTACHMENT_NOT_FOUND
        )
    return attachment


def _breached_q(now: datetime) -> Q:
    """A clock stored as breached, or a running one past due the sweep has not reached."""
    stored = Q()
    for metric in Metric:
        stored |= Q(**{f"sla_{metric}_state": SlaState.BREACHED})
    return stored | Q(sla_next_due_at__lte=now)


def _filter_q(f: TicketFilter, now: datetime) -> Q:
    q = Q()
    if f.statuses:
        q &= Q(status__in=f.statuses)
    if f.open_only:
        q &= Q(status__in=OPEN_STATUSES)
    if f.client_id is not None:
        q &= Q(client_id=f.client_id)
    if f.assignee_id is not None:
        q &= Q(assignee_id=f.assignee_id)
    if f.unassigned:
        q &= Q(assignee__isnull=True)
    if f.priority:
        q &= Q(priority=f.priority)
    if f.channel:
        q &= Q(channel=f.channel)
    if f.valid is True:
        q &= Q(is_valid=True, merged_into__isnull=True)
    elif f.valid is False:
        q &= Q(is_valid=False) | Q(merged_into__isnull=False)
    if f.customer_email:
        q &= Q(customer__email=email_identity(f.customer_email))
    if f.search:
        term = f.search.strip()
        number = id_parse(term.upper().removeprefix("PD-"))
        match = Q(subject__icontains=term) | Q(customer__email__icontains=term)
        if number is not None:
            match |= Q(pk=number)
        q &= match
    if f.breaching_within is not None:
        q &= Q(sla_next_due_at__isnull=False, sla_next_due_at__lte=now + f.breaching_within)
    if f.breached:
        q &= _breached_q(now)
    return q


def _page_by_instant(
    tickets: QuerySet[Ticket], cursor: str | None, limit: int, column: str, *, descending: bool
) -> TicketPage:
    if cursor:
        at, pk = cursor_decode(cursor=cursor)
        # The redundant bound lets the database seek the index, not scan to it.
        if descending:
            tickets = tickets.filter(**{f"{column}__lte": at}).filter(
                Q(**{f"{column}__lt": at}) | Q(**{column: at, "pk__lt": pk})
            )
        else:
            tickets = tickets.filter(**{f"{column}__gte": at}).filter(
                Q(**{f"{column}__gt": at}) | Q(**{column: at, "pk__gt": pk})
            )
    sign = "-" if descending else ""
    ordered = tickets.order_by(f"{sign}{column}", f"{sign}id")
    return _page(ordered, limit, lambda t: getattr(t, column))


def _page_by_urgency(
    tickets: QuerySet[Ticket], cursor: str | None, limit: int, now: datetime
) -> TicketPage:
    """Keyset on (breached, next due or none last, id); the cursor carries all three."""
    tickets = tickets.annotate(
        urgency_rank=Case(When(_breached_q(now), then=Value(0)), default=Value(1)),
        urgency_undue=Case(When(sla_next_due_at__isnull=True, then=Value(1)), default=Value(0)),
    )
    if cursor:
        rank, at, pk = cursor_decode_ranked(cursor=cursor)
        same_rank = (
            Q(urgency_undue=1, pk__gt=pk)
            if at is None
            else Q(urgency_undue=1) | Q(sla_next_due_at__gt=at) | Q(sla_next_due_at=at, pk__gt=pk)
        )
        tickets = tickets.filter(Q(urgency_rank__gt=rank) | (Q(urgency_rank=rank) & same_rank))
    ordered = tickets.order_by("urgency_rank", "urgency_undue", "sla_next_due_at", "id")
    rows = list(ordered[: limit + 1])
    more = len(rows) > limit
    items: list[Ticket] = list(rows[:limit])
    last = rows[limit - 1] if more else None
    next_cursor = (
        cursor_encode_ranked(rank=last.urgency_rank, at=last.sla_next_due_at, pk=last.pk)
        if last is not None
        else None
    )
    return TicketPage(items=items, next_cursor=next_cursor)


def _page_by_due(tickets: QuerySet[Ticket], cursor: str | None, limit: int) -> TicketPage:
    if cursor:
        at, pk = cursor_decode(cursor=cursor)
        tickets = tickets.filter(sla_next_due_at__gte=at).filter(
            Q(sla_next_due_at__gt=at) | Q(sla_next_due_at=at, pk__gt=pk)
        )
    return _page(tickets.order_by("sla_next_due_at", "id"), limit, lambda t: t.sla_next_due_at)


def _page(
    ordered: QuerySet[Ticket], limit: int, key: Callable[[Ticket], datetime | None]
) -> TicketPage:
    """`limit` rows, and a cursor (the last row's key and id) when more follow."""
    items = list(ordered[: limit + 1])
    more = len(items) > limit
    items = items[:limit]
    next_cursor = cursor_encode(at=key(items[-1]), pk=items[-1].pk) if more else None
    return TicketPage(items=items, next_cursor=next_cursor)
