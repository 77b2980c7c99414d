"""Status, priority, assignment, validity and merge: each audited as a ticket event."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from pactdesk.accounts.models import Customer, Role, User
from pactdesk.agreements.models import PlanKind, Seat
from pactdesk.desk.error_codes import DeskErrorCode
from pactdesk.desk.models import EventKind, Priority, Status, Ticket, TicketCopy
from pactdesk.desk.participants import ticket_copied
from pactdesk.desk.services.access import check_staff
from pactdesk.desk.services.changes import EventIn, ticket_change
from pactdesk.desk.services.mail import ticket_mail_status_notice
from pactdesk.desk.services.records import event_add
from pactdesk.desk.services.sla_state import tickets_with_sla_inputs
from pactdesk.domain.vocabulary import values
from pactdesk.platform.errors import Conflict, ValidationFailed

# Where each status may go by a staff action. Closed is final: a customer reply to a
# closed ticket lodges a follow-up. `new` is only ever the status at lodging.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Status.OPEN, Status.WAITING, Status.SOLVED}),
    Status.OPEN: frozenset({Status.WAITING, Status.SOLVED}),
    Status.WAITING: frozenset({Status.OPEN, Status.SOLVED}),
    Status.SOLVED: frozenset({Status.OPEN, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}


def status_events(*, ticket: Ticket, status: str) -> list[EventIn]:
    """What a move of the ticket to `status` records: `reopened` when a solved ticket
    opens again, and the new status."""
    reopened = ticket.status == Status.SOLVED and status == Status.OPEN
    return [*([EventIn(EventKind.REOPENED)] if reopened else []), EventIn(EventKind.STATUS, status)]


def status_fields(*, status: str, now: datetime) -> dict[str, object]:
    """The columns a move to `status` sets (for `ticket_change`): a solve stamps
    `solved_at`, a close `closed_at`, any other status clears `solved_at`."""
    if status == Status.SOLVED:
        return {"status": status, "solved_at": now}
    if status == Status.CLOSED:
        return {"status": status, "closed_at": now}
    return {"status": status, "solved_at": None}


def check_transition(*, ticket: Ticket, status: str) -> None:
    """Refuse a status the table does not allow from the ticket's current one."""
    if status not in values(Status):
        raise ValidationFailed(
            f"status: {status!r} is not one of {', '.join(Status)}",
            code=DeskErrorCode.INVALID_CHOICE,
            field="status",
        )
    if status != ticket.status and status not in TRANSITIONS[ticket.status]:
        raise Conflict(
            f"status: a {ticket.status} ticket cannot become {status}",
            code=DeskErrorCode.INVALID_TRANSITION,
            field="status",
        )


def ticket_status_change(*, actor: User, ticket: Ticket, status: str, now: datetime) -> Ticket:
    """Change the status as staff. The same status again changes nothing (safe retries)."""
    check_staff(actor)
    if status == ticket.status:
        return ticket
    check_transition(ticket=ticket, status=status)
    with transaction.atomic():
        ticket_change(
            ticket=ticket,
            now=now,
            actor=actor,
            events=status_events(ticket=ticket, status=status),
            fields=status_fields(status=status, now=now),
        )
        if status == Status.SOLVED:
            ticket_mail_status_notice(
                ticket=ticket,
                now=now,
                text=f"Your request {ticket.reference} was marked solved. If it is not, just "
                "reply to this message and we will pick it up again.",
            )
    return ticket


def ticket_priority_change(*, actor: User, ticket: Ticket, priority: str, now: datetime) -> Ticket:
    check_staff(actor)
    if priority not in values(Priority):
        raise ValidationFailed(
            f"priority: {priority!r} is not one of {', '.join(Priority)}",
            code=DeskErrorCode.INVALID_CHOICE,
            field="priority",
        )
    if priority == ticket.priority:
        return ticket
    with transaction.atomic():
        ticket_change(
            ticket=ticket,
            now=now,
            actor=actor,
            events=[EventIn(EventKind.PRIORITY, priority)],
            fields={"priority": priority},
        )
    return ticket


def ticket_assign(*, actor: User, ticket: Ticket, assignee: User | None, now: datetime) -> Ticket:
    """Assign to a member of staff (or nobody). A technician seated for one client only
    works that client's tickets; a dedicated client's tickets go to its technicians
    (or to managers and admins)."""
    check_staff(actor)
    if assignee is not None:
        _check_assignee(ticket=ticket, assignee=assignee)
    if (assignee.pk if assignee else None) == ticket.assignee_id:
        return ticket
    with transaction.atomic():
        ticket_change(
            ticket=ticket,
            now=now,
            actor=actor,
            # client users read the event: the name, no e-mail
            events=[EventIn(EventKind.ASSIGNED, assignee.name if assignee else "")],
            fields={"assignee": assignee},
        )
    return ticket


def ticket_mark_invalid(*, actor: User, ticket: Ticket, reason: str, now: datetime) -> Ticket:
    """Spam or not a support query: the ticket leaves every SLA figure. Reversible."""
    check_staff(actor)
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationFailed(
            "reason: say why the ticket is invalid", code=DeskErrorCode.REQUIRED, field="reason"
        )
    if len(reason) > 200:
        raise ValidationFailed(
            "reason: at most 200 characters", code=DeskErrorCode.TOO_LONG, field="reason"
        )
    with transaction.atomic():
        ticket_change(
            ticket=ticket,
            now=now,
            actor=actor,
            events=[EventIn(EventKind.INVALID, reason)],
            fields={"is_valid": False, "invalid_reason": reason},
        )
    return ticket


def ticket_mark_valid(*, actor: User, ticket: Ticket, now: datetime) -> Ticket:
    check_staff(actor)
    if ticket.is_valid:
        return ticket
    with transaction.atomic():
        ticket_change(
            ticket=ticket,
            now=now,
            actor=actor,
            events=[EventIn(EventKind.VALID)],
            fields={"is_valid": True, "invalid_reason": ""},
        )
    return ticket


def ticket_merge(
    *,
    actor: User,
    ticket: Ticket,
    into: Ticket,
    now: datetime,
    confirm_other_customer: bool = False,
    copy_customers: bool = False,
) -> Ticket:
    """A duplicate: `ticket` is closed into `into` and leaves every SLA figure; the
    customer's later replies (mail threaded to it, the portal) reach `into`.

    Visibility stays per person: each customer still sees only what they wrote and
    the replies sent to them, and a staff reply goes to the writer it answers. When
    the tickets are of different customers staff must say so (`confirm_other_customer`),
    and may choose to copy each customer on every later reply (`copy_customers`).

    Errors: ValidationFailed (`into` itself, `other_client`), Conflict
    `already_merged`, `target_closed`, and `other_customer` (field
    `confirm_other_customer`) for a merge across customers not confirmed.
    """
    check_staff(actor)
    if into.pk == ticket.pk:
        raise ValidationFailed("into: a ticket cannot be merged into itself", field="into")
    if into.client_id != ticket.client_id:
        raise ValidationFailed(
            "into: tickets of different clients cannot be merged",
            code=DeskErrorCode.OTHER_CLIENT,
            field="into",
        )
    if ticket.merged_into_id is not None:
        raise Conflict(f"{ticket.reference} is already merged", code=DeskErrorCode.ALREADY_MERGED)
    if into.merged_into_id is not None or into.status == Status.CLOSED:
        raise Conflict(
            f"{into.reference} is merged or closed; merge into an open ticket",
            code=DeskErrorCode.TARGET_CLOSED,
            field="into",
        )
    across = into.customer_id != ticket.customer_id
    if across and not confirm_other_customer:
        raise Conflict(
            f"{ticket.reference} is {ticket.customer.email}'s and {into.reference} is "
            f"{into.customer.email}'s. Confirm to merge them: each still sees only their "
            "own messages and the replies sent to them, unless you copy them both.",
            code=DeskErrorCode.OTHER_CUSTOMER,
            field="confirm_other_customer",
        )
    with transaction.atomic():
        event_add(
            ticket=into, kind=EventKind.MERGED_IN, at=now, actor=actor, value=ticket.reference
        )
        if across and copy_customers:
            _copy(ticket=into, customer=ticket.customer, now=now, actor=actor)
            for customer in ticket_copied(ticket):
                if customer.pk != into.customer_id:
                    _copy(ticket=into, customer=customer, now=now, actor=actor)
        ticket_change(
            ticket=ticket,
            now=now,
            actor=actor,
            events=[EventIn(EventKind.MERGED, into.reference)],
            fields={"merged_into": into, **status_fields(status=Status.CLOSED, now=now)},
        )
    return ticket


def _copy(*, ticket: Ticket, customer: Customer, now: datetime, actor: User) -> None:
    _, made = TicketCopy.objects.get_or_create(
        client_id=ticket.client_id, ticket=ticket, customer=customer, defaults={"added_at": now}
    )
    if made:
        event_add(
            ticket=ticket, kind=EventKind.COPIED, at=now, actor=actor, value=customer.email[:200]
        )


def ticket_unmerge(*, actor: User, ticket: Ticket, now: datetime) -> Ticket:
    """Undo a merge: the ticket is open and counted again, and its customer is no
    longer copied on the ticket it was merged into."""
    check_staff(actor)
    if ticket.merged_into_id is None:
        raise Conflict(f"{ticket.reference} is not merged", code=DeskErrorCode.NOT_MERGED)
    with transaction.atomic():
        copy = TicketCopy.objects.filter(
            ticket_id=ticket.merged_into_id, customer_id=ticket.customer_id
        ).first()
        if copy is not None:
            copy.delete()
            merged_into = ticket.merged_into
            assert merged_into is not None  # merged_into_id was checked above
            event_add(
                ticket=merged_into,
                kind=EventKind.UNCOPIED,
                at=now,
                actor=actor,
                value=ticket.customer.email[:200],
            )
        events = [
            EventIn(EventKind.UNMERGED, f"PD-{ticket.merged_into_id}"),
            EventIn(EventKind.VALID),
            EventIn(EventKind.STATUS, Status.OPEN),
        ]
        fields = {**status_fields(status=Status.OPEN, now=now), "merged_into": None}
        ticket_change(
            ticket=ticket, now=now, actor=actor, events=events, fields={**fields, "closed_at": None}
        )
    return ticket


def ticket_auto_close(*, now: datetime, days: int) -> int:
    """Close tickets solved at least `days` ago. Safe to run twice."""
    cutoff = now - timedelta(days=days)
    count = 0
    solved = Ticket.objects.filter(status=Status.SOLVED, solved_at__lte=cutoff)
    for ticket in tickets_with_sla_inputs(solved):
        with transaction.atomic():
            ticket_change(
                ticket=ticket,
                now=now,
                events=status_events(ticket=ticket, status=Status.CLOSED),
                fields=status_fields(status=Status.CLOSED, now=now),
            )
        count += 1
    return count


def _check_assignee(*, ticket: Ticket, assignee: User) -> None:
    if not assignee.is_active or not assignee.is_provider_staff:
        raise ValidationFailed(
            f"assignee: {assignee.email} is not active provider staff",
            code=DeskErrorCode.NOT_STAFF,
            field="assignee",
        )
    seated = set(Seat.objects.filter(agent=assignee).values_list("client_id", flat=True))
    if seated and ticket.client_id not in seated:
        raise Conflict(
            f"assignee: {assignee.name} is a dedicated technician of another client",
            code=DeskErrorCode.SEATED_ELSEWHERE,
            field="assignee",
        )
    dedicated = ticket.agreement.plan.kind == PlanKind.DEDICATED
    if dedicated and assignee.role == Role.AGENT and ticket.client_id not in seated:
        raise Conflict(
            f"assignee: {ticket.client} has dedicated technicians; {assignee.name} holds none "
            "of its seats",
            code=DeskErrorCode.NOT_SEATED,
            field="assignee",
        )
