"""A client admin's users and seats: invite by mail (a set-password link through the
outbox), change a role, deactivate or reactivate; and the client's seats with who
holds them. Only the client's admins reach it (others get 403); provider admins and
managers name the client (`?client=ID`). Another client's user is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from pactdesk.accounts.models import CLIENT_ROLES, Client, Role, User
from pactdesk.accounts.selectors import client_get
from pactdesk.platform.clock import clock_now
from pactdesk.platform.errors import ApplicationError, NotFound
from pactdesk.platform.ids import id_parse
from pactdesk.work.access import may_administer
from pactdesk.work.selectors import seat_list_of
from pactdesk.work.team import team_active_set, team_invite, team_list, team_role_set


def _team_client(request: HttpRequest) -> tuple[User, Client]:
    actor: User = request.user  # type: ignore[assignment]
    client_id = actor.client_id or id_parse(request.GET.get("client", "") or "")
    if client_id is None:
        raise Http404("Say which client: ?client=ID")
    try:
        client = client_get(actor=actor, client_id=client_id)
    except NotFound:
        raise Http404("No such client") from None
    if not may_administer(actor=actor, client=client):
        raise Forbidden("Only the client's admins manage its users.")
    return actor, client


@require_GET
@login_required
def team(request: HttpRequest) -> HttpResponse:
    actor, client = _team_client(request)
    return _render(request, actor, client)


@require_POST
@login_required
def team_invite_view(request: HttpRequest) -> HttpResponse:
    actor, client = _team_client(request)
    try:
        user = team_invite(
            actor=actor,
            client=client,
            email=request.POST.get("email", ""),
            name=request.POST.get("name", ""),
            role=request.POST.get("role", ""),
            now=clock_now(),
        )
    except ApplicationError as error:
        return _render(request, actor, client, error=error.message, status=error.http_status)
    messages.success(request, f"Invited {user.email}: the mail with their link is on its way.")
    return _back(client, actor)


@require_POST
@login_required
def team_member_role(request: HttpRequest, user_id: int) -> HttpResponse:
    actor, client = _team_client(request)
    try:
        team_role_set(
            actor=actor, client=client, user_id=user_id, role=request.POST.get("role", "")
        )
    except NotFound:
        raise Http404("No such user") from None
    except ApplicationError as error:
        return _render(request, actor, client, error=error.message, status=error.http_status)
    return _back(client, actor)


@require_POST
@login_required
def team_member_active(request: HttpRequest, user_id: int) -> HttpResponse:
    actor, client = _team_client(request)
    active = request.POST.get("active") == "on"
    try:
        team_active_set(actor=actor, client=client, user_id=user_id, active=active)
    except NotFound:
        raise Http404("No such user") from None
    except ApplicationError as error:
        return _render(request, actor, client, error=error.message, status=error.http_status)
    return _back(client, actor)


def _render(
    request: HttpRequest, actor: User, client: Client, *, error: str = "", status: int = 200
) -> HttpResponse:
    context = {
        "client": client,
        "people": team_list(actor=actor, client=client),
        "seats": seat_list_of(client=client),
        "roles": [(role.value, role.label) for role in Role if role in CLIENT_ROLES],
        "error": error,
        "query": "" if actor.client_id else f"?client={client.pk}",
        "current": "team",
    }
    return render(request, "web/work/team.html", context, status=status)


def _back(client: Client, actor: User) -> HttpResponse:
    suffix = "" if actor.client_id else f"?client={client.pk}"
    return redirect(reverse("web:team") + suffix)
