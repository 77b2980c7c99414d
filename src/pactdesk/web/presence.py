"""Presence in the header (one click, htmx), the "Next ticket" button, signing out
(which makes staff `away`) and the managers' workload page (`/desk/workload/`).

The header's presence switch is a fragment htmx loads after the page, so the pages'
query counts do not grow with it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pactdesk.accounts.models import User
from pactdesk.domain.routing import STRATEGY_LABELS, PresenceStatus
from pactdesk.platform.clock import clock_now
from pactdesk.platform.errors import ApplicationError
from pactdesk.routing.selectors import presence_of, workload
from pactdesk.routing.services import (
    pool_strategy_set,
    presence_sign_out,
    presence_status_set,
    queue_next,
)


def _staff(request: HttpRequest) -> User:
    actor: User = request.user  # type: ignore[assignment]
    if not actor.is_provider_staff:
        raise Forbidden("Presence is for provider staff.")
    return actor


@require_http_methods(["GET", "POST"])
@login_required
def presence_switch(request: HttpRequest) -> HttpResponse:
    """GET: the header's switch; POST `status`: set it (one click) and answer the switch."""
    actor = _staff(request)
    status = 200
    if request.method == "POST":
        try:
            presence = presence_status_set(
                actor=actor, status=request.POST.get("status", ""), now=clock_now()
            )
        except ApplicationError as error:
            presence, status = presence_of(user=actor), error.http_status
    else:
        presence = presence_of(user=actor)
    context = {"presence": presence, "choices": [(s.value, s.label) for s in PresenceStatus]}
    return render(request, "web/desk/_presence.html", context, status=status)


@require_POST
@login_required
def next_ticket(request: HttpRequest) -> HttpResponse:
    """Take the most urgent ticket the agent may take and open it."""
    actor = _staff(request)
    try:
        ticket_id = queue_next(actor=actor, now=clock_now())
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("web:work_list", name="mine")
    if ticket_id is None:
        messages.info(request, "Nothing waits that you may take. Well done.")
        return redirect("web:work_list", name="mine")
    return redirect("web:ticket", ticket_id=ticket_id)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """Log out; staff become `away` first."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_provider_staff:
        presence_sign_out(user=user, now=clock_now())
    return auth_views.LogoutView.as_view()(request)


@require_GET
@login_required
def workload_page(request: HttpRequest) -> HttpResponse:
    actor = _staff(request)
    if not actor.is_operator:
        raise Forbidden("The workload is for managers and admins.")
    view = workload(actor=actor, now=clock_now())
    # Columns of further capabilities go into each row's `extra` here, from their own
    # selectors, in one query per column.
    context: dict[str, Any] = {
        "workload": view,
        "extra_columns": [],
        "strategies": list(STRATEGY_LABELS.items()),
        "current": "workload",
    }
    return render(request, "web/desk/workload.html", context)


@require_POST
@login_required
def pool_strategy(request: HttpRequest, pool_id: int) -> HttpResponse:
    actor = _staff(request)
    try:
        pool = pool_strategy_set(
            actor=actor, pool_id=pool_id, strategy=request.POST.get("strategy", "")
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{pool.name} now routes by {pool.get_strategy_display()}.")
    return redirect("web:workload")
