"""Ticket operations: parse, call one desk service or selector, answer.

A client key may lodge and read its own client's tickets; everything else needs a staff
token. The ticket is looked up for the caller first, so another client's ticket is a
404 ticket_not_found for every operation, before any 403.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Header, Query, Router, Status

from pactdesk.api.auth import Principal, principal_of
from pactdesk.api.tickets.changes import ticket_patch
from pactdesk.api.tickets.inputs import (
    MergeIn,
    NoteIn,
    ReplyIn,
    TicketCreateIn,
    TicketListQuery,
    TicketPatchIn,
)
from pactdesk.api.tickets.lookups import (
    list_filter,
    lodging_client,
    query_check,
    ticket_ref,
)
from pactdesk.api.tickets.outputs import (
    ErrorOut,
    MessageOut,
    TicketDetailOut,
    TicketOut,
    TicketPageOut,
    message_out,
    ticket_detail_out,
    ticket_out,
)
from pactdesk.desk.models import Channel, Ticket
from pactdesk.desk.selectors import ticket_get, ticket_list, ticket_messages
from pactdesk.desk.services import (
    AttachmentIn,
    LodgingRequest,
    ticket_lodge_once,
    ticket_merge,
    ticket_note,
    ticket_reply,
    ticket_unmerge,
)
from pactdesk.platform.clock import clock_now
from pactdesk.platform.ids import Id

router = Router(tags=["tickets"])
REFUSALS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404, 409, 422), ErrorOut)
Answer = Status[dict[str, Any]]


@router.post(
    "/tickets", response={200: TicketOut, 201: TicketOut, **REFUSALS}, summary="Lodge a ticket"
)
def create_ticket(
    request: HttpRequest,
    payload: TicketCreateIn,
    idempotency_key: str | None = Header(
        None,
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="Retrying with the same key answers 200 with the ticket made first.",
    ),
) -> Answer:
    principal = principal_of(request)
    client = lodging_client(actor=principal.actor, bound=principal.client, ref=payload.client)
    lodged = ticket_lodge_once(
        LodgingRequest(
            client=client,
            customer_email=payload.customer_email,
            customer_name=payload.customer_name,
            subject=payload.subject,
            body=payload.body,
            channel=Channel.API,
            now=clock_now(),
            priority=payload.priority,
            attachments=[AttachmentIn(a.filename, a.content()) for a in payload.attachments],
            idempotency_key=idempotency_key,
            language=payload.language,
        )
    )
    return Status(201 if lodged.made_now else 200, ticket_out(lodged.ticket))


def _staff_on(request: HttpRequest, ticket_id: Id) -> tuple[Principal, Ticket]:
    """The ticket as the caller sees it, then the staff check: another client's ticket
    is a 404 before it can be a 403."""
    principal = principal_of(request)
    ticket = ticket_get(actor=principal.actor, ticket_id=ticket_id)
    principal.require_staff()
    return principal, ticket


@router.get("/tickets", response={200: TicketPageOut, **REFUSALS}, summary="List tickets")
def list_tickets(request: HttpRequest, filters: Query[TicketListQuery]) -> Answer:
    query_check(request, TicketListQuery)
    actor = principal_of(request).actor
    page = ticket_list(
        actor=actor,
        filters=list_filter(actor=actor, query=filters),
        now=clock_now(),
        cursor=filters.cursor,
        limit=filters.limit,
    )
    items = [ticket_out(ticket) for ticket in page.items]
    return Status(200, {"items": items, "next_cursor": page.next_cursor})


@router.get(
    "/tickets/{ticket_id}",
    response={200: TicketDetailOut, **REFUSALS},
    summary="A ticket with its messages (internal notes for staff only)",
)
def get_ticket(request: HttpRequest, ticket_id: Id) -> Answer:
    principal = principal_of(request)
    ticket = ticket_get(actor=principal.actor, ticket_id=ticket_id)
    messages = ticket_messages(ticket=ticket, include_notes=principal.is_staff)
    return Status(200, ticket_detail_out(ticket, messages))


@router.patch(
    "/tickets/{ticket_id}",
    response={200: TicketOut, **REFUSALS},
    summary="Change status, priority, assignee or validity",
)
def change_ticket(request: HttpRequest, ticket_id: Id, payload: TicketPatchIn) -> Answer:
    principal, ticket = _staff_on(request, ticket_id)
    payload.check()
    ticket_patch(actor=principal.actor, ticket=ticket, changes=payload, now=clock_now())
    return Status(200, ticket_out(ticket))


@router.post(
    "/tickets/{ticket_id}/replies",
    response={201: MessageOut, **REFUSALS},
    summary="Reply to the customer (mailed); optionally set the status",
)
def reply_ticket(request: HttpRequest, ticket_id: Id, payload: ReplyIn) -> Answer:
    principal, ticket = _staff_on(request, ticket_id)
    message = ticket_reply(
        actor=principal.actor,
        ticket=ticket,
        body=payload.body,
        now=clock_now(),
        status=payload.status,
        channel="api",
        attachments=[AttachmentIn(a.filename, a.content()) for a in payload.attachments],
        to_customer_id=payload.to_customer_id,
    )
    return Status(201, message_out(message))


@router.post(
    "/tickets/{ticket_id}/notes",
    response={201: MessageOut, **REFUSALS},
    summary="Add an internal note (never mailed)",
)
def note_ticket(request: HttpRequest, ticket_id: Id, payload: NoteIn) -> Answer:
    principal, ticket = _staff_on(request, ticket_id)
    message = ticket_note(
        actor=principal.actor, ticket=ticket, body=payload.body, now=clock_now(), channel="api"
    )
    return Status(201, message_out(message))


@router.post(
    "/tickets/{ticket_id}/merge",
    response={200: TicketOut, **REFUSALS},
    summary="Merge a duplicate into another ticket of the same client "
    "(of another customer: only with confirm_other_customer)",
)
def merge_ticket(request: HttpRequest, ticket_id: Id, payload: MergeIn) -> Answer:
    principal, ticket = _staff_on(request, ticket_id)
    into = ticket_ref(actor=principal.actor, ticket_id=payload.into, field="into")
    ticket_merge(
        actor=principal.actor,
        ticket=ticket,
        into=into,
        now=clock_now(),
        confirm_other_customer=payload.confirm_other_customer,
        copy_customers=payload.copy_customers,
    )
    return Status(200, ticket_out(ticket))


@router.post(
    "/tickets/{ticket_id}/unmerge",
    response={200: TicketOut, **REFUSALS},
    summary="Undo a merge: the ticket is open and counted again",
)
def unmerge_ticket(request: HttpRequest, ticket_id: Id) -> Answer:
    principal, ticket = _staff_on(request, ticket_id)
    ticket_unmerge(actor=principal.actor, ticket=ticket, now=clock_now())
    return Status(200, ticket_out(ticket))
