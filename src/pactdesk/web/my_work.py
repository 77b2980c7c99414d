"""The technician's side: their work list (the client's order, the items that are
theirs marked, tickets near their SLA due time flagged — the flag never reorders),
their timer and the time they log; and every reader's view of a client's time split
between tickets and tasks, per day and per week (a bar chart drawn as inline SVG)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pactdesk.accounts.models import User
from pactdesk.domain.work import WorkKind
from pactdesk.platform.clock import clock_now
from pactdesk.platform.errors import ApplicationError
from pactdesk.web.work_order_page import item_ref_parse, work_client
from pactdesk.work.access import dedicated_agreement_of
from pactdesk.work.order import work_order_read
from pactdesk.work.selectors import TimeSplit, seated_client, time_running, time_split
from pactdesk.work.services import time_log, time_timer_start, time_timer_stop

CHART_DAYS = 14
CHART_WEEKS = 8


@require_GET
@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    client = seated_client(agent=actor) if actor.is_provider_staff else None
    now = clock_now()
    view = work_order_read(client=client) if client is not None else None
    rows = []
    if view is not None:
        rows = [(e, e.near_due(now), e.assignee_id == actor.pk) for e in view.entries]
    context = {
        "client": client,
        "view": view,
        "rows": rows,
        "running": time_running(person=actor) if actor.is_provider_staff else None,
        "current": "my_work",
    }
    return render(request, "web/work/my_work.html", context)


@require_POST
@login_required
def time_start(request: HttpRequest) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    item = item_ref_parse(request.POST.get("item", ""))
    try:
        if item is None:
            messages.error(request, "Say which ticket or task.")
        else:
            time_timer_start(actor=actor, item=item, now=clock_now())
    except ApplicationError as error:
        messages.error(request, error.message)
    return _back(request)


@require_POST
@login_required
def time_stop(request: HttpRequest) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    try:
        entry = time_timer_stop(actor=actor, now=clock_now())
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        minutes = (entry.seconds or 0) // 60 if entry else 0
        messages.success(request, f"Timer stopped: {minutes} min logged.")
    return _back(request)


@require_http_methods(["GET", "POST"])
@login_required
def time_log_view(request: HttpRequest) -> HttpResponse:
    """GET: the form to log time on `?item=ticket:12` (or a task); POST: log it.
    `started_at` is a local date and time (datetime-local) in the viewer's zone."""
    actor: User = request.user  # type: ignore[assignment]
    if request.method == "GET":
        return _log_form(request, actor)
    item = item_ref_parse(request.POST.get("item", ""))
    started = _local(request.POST.get("started_at", ""))
    minutes = request.POST.get("minutes", "")
    if item is None or started is None or not (minutes.isascii() and minutes.isdigit()):
        messages.error(request, "Give the start (date and time) and the minutes.")
        return _back(request)
    try:
        time_log(
            actor=actor,
            item=item,
            started_at=started,
            duration=timedelta(minutes=int(minutes[:5])),
            now=clock_now(),
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{int(minutes[:5])} min logged.")
    return _back(request)


@require_GET
@login_required
def time_split_page(request: HttpRequest, client_id: int) -> HttpResponse:
    _, client = work_client(request, client_id)
    now = clock_now()
    zone = dedicated_agreement_of(client=client, now=now).timezone
    today = now.astimezone(ZoneInfo(zone)).date()
    days = time_split(
        client=client, zone=zone, first=today - timedelta(days=CHART_DAYS - 1), last=today
    )
    week_start = today - timedelta(days=today.weekday() + 7 * (CHART_WEEKS - 1))
    weeks = time_split(client=client, zone=zone, first=week_start, last=today, by="week")
    context = {
        "client": client,
        "zone": zone,
        "days": days,
        "weeks": weeks,
        "day_chart": _chart(days, label="%d %b"),
        "week_chart": _chart(weeks, label="w/c %d %b"),
        "current": "work",
    }
    return render(request, "web/work/time_split.html", context)


def _chart(rows: list[TimeSplit], *, label: str) -> dict[str, object]:
    """Stacked bars (tickets below, tasks above) in a 640 by 200 SVG box: heights in
    pixels, scaled to the largest total."""
    width, height, top = 640, 160, 10
    most = max((r.total_seconds for r in rows), default=0) or 1
    step = width / max(len(rows), 1)
    bars = []
    for index, row in enumerate(rows):
        ticket_h = round(row.ticket_seconds / most * height, 1)
        task_h = round(row.task_seconds / most * height, 1)
        x = round(index * step + step * 0.15, 1)
        bars.append(
            {
                "x": x,
                "w": round(step * 0.7, 1),
                "ticket_y": round(top + height - ticket_h, 1),
                "ticket_h": ticket_h,
                "task_y": round(top + height - ticket_h - task_h, 1),
                "task_h": task_h,
                "label": row.start.strftime(label),
                "label_x": round(index * step + step / 2, 1),
                "title": f"{row.start:%Y-%m-%d}: {row.ticket_seconds // 60} min on tickets, "
                f"{row.task_seconds // 60} min on tasks",
            }
        )
    return {"bars": bars, "base": top + height, "label_y": top + height + 16, "most": most // 60}


def _log_form(request: HttpRequest, actor: User) -> HttpResponse:
    item = item_ref_parse(request.GET.get("item", ""))
    if item is None or not actor.is_provider_staff:
        raise Http404("No such ticket or task")
    context = {
        "item": item,
        "reference": f"PD-{item.id}" if item.kind == WorkKind.TICKET else f"T-{item.id}",
        "running": time_running(person=actor),
        "current": "my_work",
    }
    return render(request, "web/work/time_log.html", context)


def _local(raw: str) -> datetime | None:
    try:
        naive = datetime.fromisoformat(raw)
    except ValueError:
        return None
    if naive.tzinfo is not None:
        return naive
    return timezone.make_aware(naive, timezone.get_current_timezone())


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("web:my_work")
