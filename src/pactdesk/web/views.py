"""Pages: each view parses, calls one selector or service, and renders."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from pactdesk.accounts.models import Role, User
from pactdesk.accounts.services import user_time_zone_set
from pactdesk.agreements.selectors import agreement_list, seat_list
from pactdesk.desk.selectors import TicketFilter, ticket_list, ticket_queue_depths
from pactdesk.platform.clock import clock_now
from pactdesk.platform.errors import ValidationFailed
from pactdesk.platform.selectors import health_check
from pactdesk.web.workspace import BREACHING_WITHIN


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    health = health_check(now=clock_now(), worker_max_age=settings.PACTDESK_HEARTBEAT_MAX_AGE)
    body = {
        "status": "ok" if health.healthy else "unhealthy",
        "database": health.database,
        "migrations_applied": health.migrations_applied,
        "pending_migrations": health.pending_migrations,
        "worker_heartbeat_age_seconds": (
            None if health.worker_heartbeat_age is None else round(health.worker_heartbeat_age, 1)
        ),
        "worker_heartbeat_max_age_seconds": health.worker_max_age,
    }
    return JsonResponse(body, status=200 if health.healthy else 503)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The page fits the role: an agent's own and unassigned due work; a manager's or
    admin's queues at a glance; a client user's own figures."""
    actor: User = request.user  # type: ignore[assignment]
    now = clock_now()
    depths = ticket_queue_depths(actor=actor, now=now, at_risk_within=BREACHING_WITHIN)
    context: dict[str, object] = {
        "depths": depths,
        "totals": {
            "open": sum(d.open for d in depths),
            "breached": sum(d.breached for d in depths),
            "at_risk": sum(d.at_risk for d in depths),
        },
        "at_risk_hours": int(BREACHING_WITHIN.total_seconds() // 3600),
    }
    if actor.role == Role.AGENT:
        mine = TicketFilter(assignee_id=actor.pk, open_only=True, valid=True)
        due = TicketFilter(
            unassigned=True, breaching_within=BREACHING_WITHIN, open_only=True, valid=True
        )
        context["mine"] = ticket_list(actor=actor, filters=mine, now=now, order="urgency", limit=10)
        context["due"] = ticket_list(actor=actor, filters=due, now=now, order="urgency", limit=10)
    elif actor.is_provider_staff:
        context["agreements"] = agreement_list(actor=actor)
        context["seats"] = seat_list(actor=actor)
    return render(request, "web/home.html", context)


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """The viewer's time zone: theirs, or blank for the browser's."""
    actor: User = request.user  # type: ignore[assignment]
    error = ""
    if request.method == "POST":
        try:
            user_time_zone_set(user=actor, time_zone=request.POST.get("time_zone", ""))
        except ValidationFailed as failure:
            error = failure.message
        else:
            return redirect("web:preferences")
    context = {"zones": sorted(zoneinfo.available_timezones()), "error": error}
    return render(request, "web/preferences.html", context, status=400 if error else 200)
