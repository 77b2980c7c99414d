"""Turning references in requests into rows the actor may see, and query strings into
the desk's TicketFilter. Unknown and unseen rows get the same answer."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest
from ninja import Schema

from pactdesk.accounts.models import Client, User
from pactdesk.accounts.selectors import client_list, user_list
from pactdesk.api.error_codes import ApiErrorCode
from pactdesk.api.tickets.inputs import TicketListQuery
from pactdesk.desk.models import Ticket
from pactdesk.desk.selectors import TicketFilter, ticket_get
from pactdesk.platform.errors import NotFound, ValidationFailed
from pactdesk.platform.ids import id_parse


def staff_resolve(*, actor: User, user_id: int | None) -> User | None:
    if user_id is None:
        return None
    user = user_list(actor=actor).filter(pk=user_id).first()
    if user is None:
        raise ValidationFailed(
            f"assignee_id: no user {user_id}",
            code=ApiErrorCode.UNKNOWN_ASSIGNEE,
            field="assignee_id",
        )
    return user


def client_resolve(*, actor: User, ref: int | str, field: str = "client") -> Client:
    """A client the actor may see, by id or slug; another's is unknown."""
    clients = client_list(actor=actor)
    client = (clients.filter(pk=ref) if isinstance(ref, int) else clients.filter(slug=ref)).first()
    if client is None:
        raise ValidationFailed(
            f"{field}: no client {ref!r}", code=ApiErrorCode.UNKNOWN_CLIENT, field=field
        )
    return client


def lodging_client(*, actor: User, bound: Client | None, ref: int | str | None) -> Client:
    """A client key lodges for its own client; a staff token must name one."""
    if bound is not None:
        if ref is not None and ref not in (bound.pk, bound.slug):
            raise ValidationFailed(
                f"client: no client {ref!r}", code=ApiErrorCode.UNKNOWN_CLIENT, field="client"
            )
        return bound
    if ref is None:
        raise ValidationFailed(
            "client: required with a staff token (id or slug)",
            code=ApiErrorCode.REQUIRED,
            field="client",
        )
    return client_resolve(actor=actor, ref=ref)


def ticket_ref(*, actor: User, ticket_id: int, field: str) -> Ticket:
    """Another ticket named in a body: unknown or unseen is a NotFound on that field."""
    try:
        return ticket_get(actor=actor, ticket_id=ticket_id)
    except NotFound as missing:
        raise NotFound(missing.message, code=missing.code, field=field) from None


def query_check(request: HttpRequest, schema: type[Schema]) -> None:
    """Refuse query parameters the operation does not know (a typo is not a filter)."""
    for name in request.GET:
        if name not in schema.model_fields:
            raise ValidationFailed(
                f"{name}: unknown query parameter; known: {', '.join(schema.model_fields)}",
                code=ApiErrorCode.INVALID_REQUEST,
                field=name,
            )


def list_filter(*, actor: User, query: TicketListQuery) -> TicketFilter:
    assignee_id, unassigned = None, False
    if query.assignee == "me":
        if not actor.is_provider_staff:
            raise ValidationFailed("assignee: 'me' needs a staff token", field="assignee")
        assignee_id = actor.pk
    elif query.assignee == "none":
        unassigned = True
    elif query.assignee is not None:
        assignee_id = int(query.assignee)
    client_id = None
    if query.client is not None:
        ref: int | str = id_parse(query.client) or query.client
        client_id = client_resolve(actor=actor, ref=ref).pk
    minutes = query.breaching_within_minutes
    return TicketFilter(
        statuses=tuple(query.status.split(",")) if query.status else (),
        client_id=client_id,
        assignee_id=assignee_id,
        unassigned=unassigned,
        priority=query.priority,
        valid=query.valid,
        search=query.q,
        breaching_within=None if minutes is None else timedelta(minutes=minutes),
    )
