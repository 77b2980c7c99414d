"""The staffing pages: seat advice (provider admins and managers see every dedicated
client's, a client admin their own), and the shared pool's weekly roster with its CSV,
an iCalendar file per agent and a chart of required against rostered agents per hour
(operators; an agent may download their own calendar)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from pactdesk.accounts.access import operator_required
from pactdesk.accounts.models import User
from pactdesk.platform.clock import clock_now
from pactdesk.platform.errors import ApplicationError
from pactdesk.staffing.models import PoolRoster
from pactdesk.staffing.notices import staffing_notice_mark_read
from pactdesk.staffing.selectors import (
    can_read_advice,
    own_plan_kind,
    seat_advice_latest,
    staffing_notices_unread,
)
from pactdesk.staffing.weeks import iso_week_label, iso_week_parse, week_monday

if TYPE_CHECKING:  # the roster's domain imports OR-Tools: the URLconf stays light
    from pactdesk.domain.rosters import HourCoverage

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
CHART_HOUR = 5  # px per hour: 168 hours, 840 px wide
CHART_HEIGHT = 160


@login_required
@require_GET
def staffing_index(request: HttpRequest) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    if not can_read_advice(actor=actor):
        raise Forbidden("Seat advice is for client admins, provider admins and managers.")
    notices = list(staffing_notices_unread(actor=actor))
    if notices:
        staffing_notice_mark_read(actor=actor, now=clock_now())
    now = clock_now()
    weeks = [week_monday(now=now, ahead=k) for k in (0, 1)]
    rosters = {r.week: r for r in PoolRoster.objects.filter(week__in=weeks)}
    advice = list(seat_advice_latest(actor=actor))
    return render(
        request,
        "web/staffing/index.html",
        {
            "current": "staffing",
            "advice": advice,
            # a client admin without advice: say why (a shared plan has none to give)
            "plan_kind": None if advice else own_plan_kind(actor=actor, on=now.date()),
            "notices": notices,
            "weeks": [
                {"label": iso_week_label(monday=w), "monday": w, "roster": rosters.get(w)}
                for w in weeks
            ],
        },
    )


@operator_required
@require_http_methods(["GET", "POST"])
def staffing_roster(request: HttpRequest, week: str) -> HttpResponse:
    from pactdesk.staffing.rostering import pool_roster_build, roster_view  # the solver: lazy

    monday = _week(week)
    if request.method == "POST":
        try:
            built = pool_roster_build(week=monday, now=clock_now())
        except ApplicationError as error:
            messages.error(request, f"{error.code}: {error.message}")
        else:
            messages.success(
                request,
                f"Roster built: {len(built.roster.shifts)} shifts, "
                f"{built.roster.uncovered} agent-hours uncovered.",
            )
        return redirect(reverse("web:staffing_roster", args=[week]))
    stored = PoolRoster.objects.filter(week=monday).first()
    context: dict[str, object] = {
        "current": "staffing",
        "week": iso_week_label(monday=monday),
        "monday": monday,
        "stored": stored,
    }
    if stored is not None:
        view = roster_view(stored=stored)
        context.update(
            rows=[
                {
                    "name": name,
                    "user": view.users[name],
                    "days": _days(view.roster.shifts_of(name)),
                    "count": len(view.roster.shifts_of(name)),
                }
                for name in view.roster.agents
            ],
            gaps=_gap_spans(view.roster.gaps()),
            chart=_chart(
                [c.required for c in view.roster.coverage],
                [c.rostered for c in view.roster.coverage],
            ),
            timezone=view.timezone,
        )
    return render(request, "web/staffing/roster.html", context)


@operator_required
@require_GET
def staffing_roster_csv(request: HttpRequest, week: str) -> HttpResponse:
    from pactdesk.staffing.rostering import roster_view

    stored = _stored(week)
    response = HttpResponse(roster_view(stored=stored).csv(), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="roster-{week}.csv"'
    return response


@login_required
@require_GET
def staffing_roster_ical(request: HttpRequest, week: str, agent_id: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    if not (actor.is_operator or actor.pk == agent_id):
        raise Forbidden("Only the agent and the managers read an agent's calendar.")
    from pactdesk.staffing.rostering import roster_view

    view = roster_view(stored=_stored(week))
    user = next((u for u in view.users.values() if u.pk == agent_id), None)
    if user is None:
        raise Http404("No such agent in this roster")
    body = view.ical(user=user, stamp=clock_now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="shifts-{week}-{agent_id}.ics"'
    return response


def _week(text: str) -> date:
    """The Monday of the week named exactly `text` (a week has one address: the
    command line forgives spaces, a URL with them is not found)."""
    try:
        monday = iso_week_parse(text=text)
    except ApplicationError:
        raise Http404("No such week") from None
    if iso_week_label(monday=monday) != text:
        raise Http404("No such week")
    return monday


def _stored(week: str) -> PoolRoster:
    stored = PoolRoster.objects.filter(week=_week(week)).first()
    if stored is None:
        raise Http404("No roster for this week yet")
    return stored


def _gap_spans(gaps: tuple[HourCoverage, ...]) -> list[dict[str, object]]:
    """The hours short as spans of consecutive hours with the same required and
    rostered agents: ``{"when": "Mon 17:00–Sun 22:00", "required": 2, "rostered": 0}``
    (a single hour is ``"Mon 13:00"``; a span ends at the hour after its last)."""
    runs: list[list[HourCoverage]] = []
    for gap in gaps:
        last = runs[-1][-1] if runs else None
        if (
            last is not None
            and gap.hour == last.hour + 1
            and (gap.required, gap.rostered) == (last.required, last.rostered)
        ):
            runs[-1].append(gap)
        else:
            runs.append([gap])
    spans: list[dict[str, object]] = []
    for run in runs:
        first, end = run[0].hour, run[-1].hour + 1
        when = f"{WEEKDAYS[first // 24]} {first % 24:02d}:00"
        if len(run) > 1:
            day = "" if end // 24 == first // 24 or end == 168 else f"{WEEKDAYS[end // 24]} "
            when += f"–{day}{end % 24:02d}:00"
        spans.append({"when": when, "required": run[0].required, "rostered": run[0].rostered})
    return spans


def _days(shifts: tuple) -> list[str]:  # type: ignore[type-arg]
    days = [""] * 7
    for shift in shifts:
        brk = "" if shift.break_start is None else f" (break {shift.break_start % 24:02d}:00)"
        days[shift.weekday] = f"{shift.start % 24:02d}:00–{shift.end % 24:02d}:00{brk}"
    return days


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    height: int
    title: str
    short: bool


def _chart(required: list[int], rostered: list[int]) -> dict[str, object]:
    """Rostered agents as bars, the requirement as a step line, in SVG coordinates."""
    top = max([1, *required, *rostered])
    scale = (CHART_HEIGHT - 10) / top

    def y(value: int) -> int:
        return CHART_HEIGHT - round(value * scale)

    bars = [
        Bar(
            x=h * CHART_HOUR,
            y=y(r),
            height=CHART_HEIGHT - y(r),
            title=f"{WEEKDAYS[h // 24]} {h % 24:02d}:00 required {required[h]}, rostered {r}",
            short=r < required[h],
        )
        for h, r in enumerate(rostered)
    ]
    points = []
    for h, need in enumerate(required):
        points += [f"{h * CHART_HOUR},{y(need)}", f"{(h + 1) * CHART_HOUR},{y(need)}"]
    return {
        "bars": bars,
        "line": " ".join(points),
        "width": 168 * CHART_HOUR,
        "height": CHART_HEIGHT,
        "days": [{"x": d * 24 * CHART_HOUR, "label": WEEKDAYS[d]} for d in range(7)],
        "top": top,
    }
