"""A dedicated client's work order page: the ranked list of its open tickets and tasks,
reordered by drag and drop (`web/work_order.js`, native HTML5) or with the move up /
move down buttons (the keyboard's way), and the client admin's settings (where new
tickets enter; what members may do). Every change posts the version the page showed:
a stale one is refused and the page shows the list as it is now.

Client users reach only their own client (another is a 404, as the actor-scoped
selector answers); provider staff reach every dedicated client."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from pactdesk.accounts.models import Client, User
from pactdesk.domain.work import ItemRef, WorkKind
from pactdesk.platform.clock import clock_now
from pactdesk.platform.errors import ApplicationError, NotFound, ValidationFailed
from pactdesk.platform.ids import id_parse
from pactdesk.web.htmx import is_htmx
from pactdesk.work.access import (
    dedicated_agreement_of,
    may_administer,
    may_manage_tasks,
    may_reorder,
    work_client_get,
)
from pactdesk.work.models import ENTRY_RULE_LABELS
from pactdesk.work.order import (
    WorkOrderView,
    work_order_move,
    work_order_read,
    work_order_reorder,
    work_order_settings_set,
    work_order_settle,
)
from pactdesk.work.selectors import seated_client


@require_GET
@login_required
def work_home(request: HttpRequest) -> HttpResponse:
    """Client users: their client's list; seated technicians: their own work list."""
    actor: User = request.user  # type: ignore[assignment]
    if actor.client is not None:
        try:
            dedicated_agreement_of(client=actor.client, now=clock_now())
        except ValidationFailed as error:
            return render(request, "web/work/not_dedicated.html", {"error": error.message})
        return redirect("web:work_order", client_id=actor.client_id)
    client = seated_client(agent=actor)
    if client is not None:
        return redirect("web:my_work")
    return redirect("web:clients")


def work_client(request: HttpRequest, client_id: int) -> tuple[User, Client]:
    """The actor and the dedicated client they may see; a 404 otherwise."""
    actor: User = request.user  # type: ignore[assignment]
    try:
        return actor, work_client_get(actor=actor, client_id=client_id, now=clock_now())
    except (NotFound, ValidationFailed):
        raise Http404("No such client with a work order") from None


@require_GET
@login_required
def work_order_page(request: HttpRequest, client_id: int) -> HttpResponse:
    actor, client = work_client(request, client_id)
    return _render(request, actor, work_order_settle(client=client))


@require_POST
@login_required
def work_order_move_view(request: HttpRequest, client_id: int) -> HttpResponse:
    """One item up or down (`by` -1 or 1; "top" and "bottom" go all the way)."""
    actor, client = work_client(request, client_id)
    steps = {"-1": -1, "1": 1, "top": -(10**6), "bottom": 10**6}
    item = item_ref_parse(request.POST.get("item", ""))
    by = steps.get(request.POST.get("by", ""))
    if item is None or by is None:
        return _render(request, actor, work_order_read(client=client), error="Say what to move.")
    try:
        view = work_order_move(
            actor=actor, client=client, version=_version(request), item=item, by=by
        )
    except ApplicationError as error:
        return _refused(request, actor, client, error)
    return _render(request, actor, view, moved=item, moved_by=request.POST.get("by", ""))


@require_POST
@login_required
def work_order_save(request: HttpRequest, client_id: int) -> HttpResponse:
    """The whole order, as the drag and drop left it: `item` = "ticket:12" repeated."""
    actor, client = work_client(request, client_id)
    items = [item_ref_parse(raw) for raw in request.POST.getlist("item")]
    if any(item is None for item in items):
        return _render(request, actor, work_order_read(client=client), error="Unknown item.")
    try:
        view = work_order_reorder(
            actor=actor,
            client=client,
            version=_version(request),
            items=[item for item in items if item is not None],
        )
    except ApplicationError as error:
        return _refused(request, actor, client, error)
    return _render(request, actor, view)


@require_POST
@login_required
def work_order_settings_view(request: HttpRequest, client_id: int) -> HttpResponse:
    actor, client = work_client(request, client_id)
    try:
        work_order_settings_set(
            actor=actor,
            client=client,
            entry_rule=request.POST.get("entry_rule", ""),
            members_may_create_tasks=request.POST.get("members_may_create_tasks") == "on",
            members_may_reorder=request.POST.get("members_may_reorder") == "on",
        )
    except ApplicationError as error:
        return _refused(request, actor, client, error)
    return redirect("web:work_order", client_id=client.pk)


def _refused(
    request: HttpRequest, actor: User, client: Client, error: ApplicationError
) -> HttpResponse:
    view = work_order_settle(client=client)
    return _render(request, actor, view, error=error.message, status=error.http_status)


def _render(
    request: HttpRequest,
    actor: User,
    view: WorkOrderView,
    *,
    moved: ItemRef | None = None,
    moved_by: str = "",
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    client, settings, now = view.client, view.settings, clock_now()
    context = {
        "view": view,
        "rows": [(entry, entry.near_due(now)) for entry in view.entries],
        "client": client,
        "moved": str(moved) if moved else "",
        "moved_by": moved_by,
        "error": error,
        "can_reorder": may_reorder(actor=actor, client=client, settings=settings),
        "can_manage_tasks": may_manage_tasks(actor=actor, client=client, settings=settings),
        "can_administer": may_administer(actor=actor, client=client),
        "rules": ENTRY_RULE_LABELS.items(),
        "current": "work",
    }
    template = "web/work/_order.html" if is_htmx(request) else "web/work/order.html"
    return render(request, template, context, status=status)


def item_ref_parse(raw: str) -> ItemRef | None:
    kind, _, number = raw.partition(":")
    item_id = id_parse(number)
    if kind not in set(WorkKind) or item_id is None:
        return None
    return ItemRef(WorkKind(kind), item_id)


def _version(request: HttpRequest) -> int:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else -1
