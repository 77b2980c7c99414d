"""Pages: each view parses, calls one selector or service, and renders."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from pactdesk.accounts.models import User
from pactdesk.accounts.selectors import client_list
from pactdesk.accounts.services import user_time_zone_set
from pactdesk.agreements.selectors import agreement_list, seat_list
from pactdesk.platform.clock import clock_now
from pactdesk.platform.errors import ValidationFailed
from pactdesk.platform.selectors import health_check


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
    actor = request.user
    context = {
        "clients": client_list(actor=actor),  # type: ignore[arg-type]
        "agreements": agreement_list(actor=actor),  # type: ignore[arg-type]
        "seats": seat_list(actor=actor),  # type: ignore[arg-type]
    }
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
