"""Dashboards and monthly reports: the managers' dashboard (`/desk/dashboard/`, its
panel refreshed by htmx every 30 s), a client's live figures with its past months
(`/reports/<slug>/`), a stored month as a page and as its PDF.

Client users reach only their own client: every look-up goes through an actor-scoped
selector, so another client's slug or month is the same 404 as one that does not
exist. Provider staff see every client."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pactdesk.accounts.access import operator_required
from pactdesk.accounts.models import User
from pactdesk.platform.clock import clock_now
from pactdesk.platform.errors import ValidationFailed
from pactdesk.reports.charts import chart_svgs
from pactdesk.reports.dashboard import manager_dashboard, target_alarm
from pactdesk.reports.figures import PROJECTION_HELP
from pactdesk.reports.models import MonthlyReport
from pactdesk.reports.monthly import monthly_context, monthly_report_get, monthly_report_list
from pactdesk.reports.periods import period_spec_parse
from pactdesk.reports.selectors import attainment_report, report_client_get
from pactdesk.reports.series import report_series


@require_GET
@operator_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "web/reports/dashboard.html", _dashboard_context(request))


@require_GET
@operator_required
def dashboard_panel(request: HttpRequest) -> HttpResponse:
    return render(request, "web/reports/_dashboard_panel.html", _dashboard_context(request))


def _dashboard_context(request: HttpRequest) -> dict[str, object]:
    actor: User = request.user  # type: ignore[assignment]
    board = manager_dashboard(actor=actor, now=clock_now())
    rows = [
        {
            "summary": summary,
            "targets": [{"figures": t, "alarm": target_alarm(t)} for t in summary.targets],
        }
        for summary in board.clients
    ]
    return {"board": board, "rows": rows, "current": "dashboard"}


@require_GET
@login_required
def client_reports(request: HttpRequest, slug: str) -> HttpResponse:
    """The client's figures this month, live, with the month's charts so far, and the
    months built before (each a page and a PDF)."""
    actor: User = request.user  # type: ignore[assignment]
    now = clock_now()
    client = report_client_get(actor=actor, slug=slug)
    spec = period_spec_parse(month=None, first=None, last=None, today=now.date())
    context: dict[str, object] = {
        "client": client,
        "months": monthly_report_list(actor=actor, client=client),
        "current": "reports",
    }
    try:
        report = attainment_report(client=client, spec=spec, now=now)
    except ValidationFailed as refused:  # no agreement yet: nothing promised to report
        context["refused"] = refused.message
        return render(request, "web/reports/client.html", context)
    charts = chart_svgs(report_series(report=report).as_dict())
    context.update(
        {
            "report": report,
            "targets": [{"figures": t, "alarm": target_alarm(t)} for t in report.targets],
            "charts": {name: charts[name] for name in ("daily", "burn_down") if name in charts},
            "projection_help": PROJECTION_HELP,
        }
    )
    return render(request, "web/reports/client.html", context)


@require_GET
@login_required
def monthly_page(request: HttpRequest, slug: str, month: str) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    row = _month(actor, slug, month)
    context = monthly_context(figures=row.figures)
    context.update({"row": row, "client": row.client, "current": "reports"})
    return render(request, "web/reports/monthly.html", context)


@require_GET
@login_required
def monthly_pdf(request: HttpRequest, slug: str, month: str) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    row = _month(actor, slug, month)
    answer = HttpResponse(bytes(row.pdf), content_type="application/pdf")
    name = f"pactdesk-{row.client.slug}-{row.month:%Y-%m}.pdf"
    answer["Content-Disposition"] = f'inline; filename="{name}"'
    return answer


def _month(actor: User, slug: str, month: str) -> MonthlyReport:
    try:
        return monthly_report_get(actor=actor, slug=slug, month=month)
    except ValidationFailed as refused:  # a month that does not exist is no address
        raise Http404(refused.message) from None
