"""Work lists: my tickets, unassigned, breaching soon, by client, all, search.

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
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from pactdesk.accounts.models import User
from pactdesk.accounts.selectors import client_get, client_list
from pactdesk.desk.selectors import TicketFilter, ticket_list
from pactdesk.platform.clock import clock_now
from pactdesk.platform.errors import NotFound, ValidationFailed

PAGE_SIZE = 50
BREACHING_WITHIN = timedelta(hours=2)


@dataclass(frozen=True)
class WorkList:
    title: str
    filters: Callable[[User], TicketFilter]
    staff_only: bool = True


WORK_LISTS: dict[str, WorkList] = {
    "mine": WorkList(
        "My tickets", lambda actor: TicketFilter(assignee_id=actor.pk, open_only=True)
    ),
    "unassigned": WorkList("Unassigned", lambda _: TicketFilter(unassigned=True, open_only=True)),
    "breaching": WorkList(
        "Breaching soon",
        lambda _: TicketFilter(breaching_within=BREACHING_WITHIN, open_only=True),
    ),
    "all": WorkList("All tickets", lambda _: TicketFilter(), staff_only=False),
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
    return _render_list(request, title=work.title, filters=work.filters(actor), current=name)


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
    )


def _render_list(
    request: HttpRequest, *, title: str, filters: TicketFilter, current: str, query: str = ""
) -> HttpResponse:
    cursor = request.GET.get("cursor") or None
    context: dict[str, object] = {
        "title": title,
        "current": current,
        "query": query,
        "breaching": filters.breaching_within is not None,
    }
    actor: User = request.user  # type: ignore[assignment]
    try:
        page = ticket_list(
            actor=actor, filters=filters, now=clock_now(), cursor=cursor, limit=PAGE_SIZE
        )
    except ValidationFailed as error:
        context.update(page=None, error=error.message)
        return render(request, "web/desk/list.html", context, status=error.http_status)
    keep = {"q": query} if query else {}
    context.update(
        page=page,
        next_url=_url(request.path, {**keep, "cursor": page.next_cursor})
        if page.next_cursor
        else None,
        first_url=_url(request.path, keep) if cursor else None,
    )
    return render(request, "web/desk/list.html", context)


def _url(path: str, params: dict[str, str]) -> str:
    return f"{path}?{urlencode(params)}" if params else path
