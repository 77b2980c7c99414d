"""Work lists: mine, unassigned, breaching soon, breached, invalid and merged, by client,
all, search; each with filters, a choice of order and every list's count.

Every list is `desk.selectors.ticket_list` with a `TicketFilter`, paged by cursor.
Client users reach only the lists that make sense to them, and see only their client.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from pactdesk.accounts.models import User
from pactdesk.accounts.selectors import client_get, client_list, staff_assignable
from pactdesk.desk.models import Channel
from pactdesk.desk.selectors import TicketFilter, ticket_list, ticket_list_counts
from pactdesk.domain.vocabulary import Priority, Status, choices, values
from pactdesk.platform.clock import clock_now
from pactdesk.platform.errors import NotFound, ValidationFailed
from pactdesk.platform.ids import id_parse

PAGE_SIZE = 50
BREACHING_WITHIN = timedelta(hours=2)
ORDER_LABELS = {
    "urgency": "Most urgent first",
    "newest": "Lodged, newest first",
    "oldest": "Lodged, oldest first",
    "updated": "Recently updated",
}


@dataclass(frozen=True)
class WorkList:
    title: str
    filters: Callable[[User], TicketFilter]
    staff_only: bool = True
    order: str = "urgency"


# The work queues hold valid open tickets only: an invalid or merged ticket is nobody's
# work and has a list of its own.
WORK_LISTS: dict[str, WorkList] = {
    "mine": WorkList(
        "My tickets",
        lambda actor: TicketFilter(assignee_id=actor.pk, open_only=True, valid=True),
    ),
    "unassigned": WorkList(
        "Unassigned", lambda _: TicketFilter(unassigned=True, open_only=True, valid=True)
    ),
    "breaching": WorkList(
        "Breaching soon",
        lambda _: TicketFilter(breaching_within=BREACHING_WITHIN, open_only=True, valid=True),
    ),
    "breached": WorkList(
        "Breached", lambda _: TicketFilter(breached=True, open_only=True, valid=True)
    ),
    "invalid": WorkList("Invalid and merged", lambda _: TicketFilter(valid=False), order="newest"),
    "all": WorkList("All tickets", lambda _: TicketFilter(), staff_only=False, order="newest"),
}


@require_GET
@login_required
def desk_index(request: HttpRequest) -> HttpResponse:
    first = "mine" if request.user.is_provider_staff else "all"  # type: ignore[union-attr]
    return redirect("web:work_list", name=first)


@require_GET
@login_required
def work_list(request: HttpRequest, name: str) -> HttpResponse:
    work = WORK_LISTS.get(name)
    actor: User = request.user  # type: ignore[assignment]
    if work is None or (work.staff_only and not actor.is_provider_staff):
        raise Http404("No such list")
    return _render_list(
        request, title=work.title, filters=work.filters(actor), current=name, order=work.order
    )


@require_GET
@login_required
def client_index(request: HttpRequest) -> HttpResponse:
    clients = client_list(actor=request.user)  # type: ignore[arg-type]
    return render(request, "web/desk/clients.html", {"clients": clients, "current": "clients"})


@require_GET
@login_required
def client_tickets(request: HttpRequest, client_id: int) -> HttpResponse:
    try:
        client = client_get(actor=request.user, client_id=client_id)  # type: ignore[arg-type]
    except NotFound:
        raise Http404("No such client") from None
    return _render_list(
        request,
        title=f"Tickets of {client.name}",
        filters=TicketFilter(client_id=client.pk),
        current="clients",
        order="newest",
    )


@require_GET
@login_required
def search(request: HttpRequest) -> HttpResponse:
    term = request.GET.get("q", "").strip()[:200]
    if not term:
        return render(
            request,
            "web/desk/list.html",
            {"title": "Search", "current": "search", "query": "", "page": None},
        )
    return _render_list(
        request,
        title=f"Search: {term}",
        filters=TicketFilter(search=term),
        current="search",
        query=term,
        order="newest",
    )


def _render_list(
    request: HttpRequest,
    *,
    title: str,
    filters: TicketFilter,
    current: str,
    order: str,
    query: str = "",
) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    cursor = request.GET.get("cursor") or None
    chosen = {key: request.GET.get(key, "").strip() for key in FILTER_KEYS}
    order = chosen["order"] or order
    context: dict[str, object] = {
        "title": title,
        "current": current,
        "query": query,
        "breaching": filters.breaching_within is not None,
        "chosen": chosen,
        "order": order,
        "orders": ORDER_LABELS.items(),
        "statuses": choices(Status),
        "priorities": choices(Priority),
        "channels": Channel.choices,
        "filter_clients": client_list(actor=actor) if actor.is_provider_staff else [],
        "filter_staff": staff_assignable(actor=actor) if actor.is_provider_staff else [],
    }
    now = clock_now()
    try:
        refine = _refine(chosen)
        page = ticket_list(
            actor=actor,
            filters=filters,
            refine=refine,
            order=order,
            now=now,
            cursor=cursor,
            limit=PAGE_SIZE,
        )
    except ValidationFailed as error:
        context.update(page=None, error=error.message)
        return render(request, "web/desk/list.html", context, status=error.http_status)
    if actor.is_provider_staff:
        counts = ticket_list_counts(
            actor=actor,
            lists={key: work.filters(actor) for key, work in WORK_LISTS.items()},
            refine=refine,
            now=now,
        )
        keep_filters = {k: v for k, v in chosen.items() if v and k != "order"}
        context["tabs"] = [
            {
                "name": key,
                "title": work.title,
                "count": counts[key],
                "url": _url(reverse("web:work_list", args=[key]), keep_filters),
            }
            for key, work in WORK_LISTS.items()
        ]
    keep = {k: v for k, v in chosen.items() if v}
    if query:
        keep["q"] = query
    context.update(
        page=page,
        next_url=_url(request.path, {**keep, "cursor": page.next_cursor})
        if page.next_cursor
        else None,
        first_url=_url(request.path, keep) if cursor else None,
    )
    return render(request, "web/desk/list.html", context)


FILTER_KEYS = ("order", "status", "priority", "client", "assignee", "channel")


def _refine(chosen: dict[str, str]) -> TicketFilter:
    """The filters picked on the page; a value no picker offers is a ValidationFailed."""
    status, priority, channel = chosen["status"], chosen["priority"], chosen["channel"]
    if status and status not in values(Status):
        raise ValidationFailed("status: not a status", field="status")
    if priority and priority not in values(Priority):
        raise ValidationFailed("priority: not a priority", field="priority")
    if channel and channel not in Channel.values:
        raise ValidationFailed("channel: not a channel", field="channel")
    client_id = id_parse(chosen["client"]) if chosen["client"] else None
    if chosen["client"] and client_id is None:
        raise ValidationFailed("client: not a client", field="client")
    assignee, unassigned = chosen["assignee"], chosen["assignee"] == "none"
    assignee_id = id_parse(assignee) if assignee and not unassigned else None
    if assignee and not unassigned and assignee_id is None:
        raise ValidationFailed("assignee: not a member of staff", field="assignee")
    return TicketFilter(
        statuses=(status,) if status else (),
        priority=priority or None,
        channel=channel or None,
        client_id=client_id,
        assignee_id=assignee_id,
        unassigned=unassigned,
    )


def _url(path: str, params: dict[str, str]) -> str:
    return f"{path}?{urlencode(params)}" if params else path
