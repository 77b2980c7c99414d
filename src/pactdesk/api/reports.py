"""Attainment reports: parse, call one reports selector, answer.

`GET /api/reports/attainment?client=SLUG&month=YYYY-MM` (or `from`/`to`, both days
included) answers the report as JSON, or as CSV with `format=csv` (one line per
target, and per group and target with `by=agent|seat|pool`; `by_agent=true` is
`by=agent`; any other `by` is a 422 `invalid_grouping`);
`GET /api/reports/attainment/tickets` answers its ticket list as CSV.
A client key sees only its own client (`client` may then be left out): any other
slug is a 404 `client_not_found`, exactly as for a client that does not exist.
`GET /api/reports/summary` (staff tokens only) is every client's counts per target.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from pactdesk.accounts.models import Client
from pactdesk.api.auth import principal_of
from pactdesk.api.error_codes import ApiErrorCode
from pactdesk.api.tickets.outputs import ErrorOut
from pactdesk.platform.clock import clock_now
from pactdesk.platform.errors import ValidationFailed
from pactdesk.reports.formats import (
    report_as_dict,
    report_csv,
    summary_as_dict,
    tickets_csv,
)
from pactdesk.reports.periods import PeriodSpec, period_spec_parse
from pactdesk.reports.selectors import (
    attainment_report,
    provider_summary,
    report_client_get,
    report_ticket_rows,
)

router = Router(tags=["reports"])
REFUSALS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404, 422), ErrorOut)
CSV_ANSWER = {"responses": {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}}
CLIENT_HELP = "The client's slug; a client key may leave it out (its own client)."
MONTH_HELP = "YYYY-MM in the agreement's time zone; the current month by default."


@router.get(
    "/reports/attainment",
    response={200: dict[str, Any], **REFUSALS},
    summary="A client's SLA attainment for a month or a range of dates",
    openapi_extra=CSV_ANSWER,
)
def attainment(
    request: HttpRequest,
    client: str | None = Query(None, description=CLIENT_HELP),
    month: str | None = Query(None, description=MONTH_HELP),
    first: str | None = Query(None, alias="from", description="First day, YYYY-MM-DD."),
    last: str | None = Query(None, alias="to", description="Last day (included), YYYY-MM-DD."),
    by_agent: bool = Query(False, description="Add the figures per agent (as by=agent)."),
    by: str | None = Query(
        None,
        description="Add the figures per agent, per seat (dedicated) or per pool (shared).",
    ),
    format: Literal["json", "csv"] = Query("json", description="json or csv"),
) -> object:
    now = clock_now()
    spec = period_spec_parse(month=month, first=first, last=last, today=now.date())
    report = attainment_report(
        client=report_client_of(request, client), spec=spec, now=now, by=by, by_agent=by_agent
    )
    if format == "csv":
        label = report.period.spec.label
        return _csv(report_csv(report), f"attainment-{report.client.slug}-{label}.csv")
    return Status(200, report_as_dict(report))


@router.get(
    "/reports/attainment/tickets",
    response={200: str, **REFUSALS},
    summary="The ticket list of an attainment report, as CSV",
    openapi_extra=CSV_ANSWER,
)
def attainment_tickets(
    request: HttpRequest,
    client: str | None = Query(None, description=CLIENT_HELP),
    month: str | None = Query(None, description=MONTH_HELP),
    first: str | None = Query(None, alias="from", description="First day, YYYY-MM-DD."),
    last: str | None = Query(None, alias="to", description="Last day (included), YYYY-MM-DD."),
) -> object:
    now = clock_now()
    spec = period_spec_parse(month=month, first=first, last=last, today=now.date())
    report = attainment_report(client=report_client_of(request, client), spec=spec, now=now)
    name = f"attainment-tickets-{report.client.slug}-{report.period.spec.label}.csv"
    return _csv(tickets_csv(report_ticket_rows(report=report)), name)


@router.get(
    "/reports/summary",
    response={200: dict[str, Any], **REFUSALS},
    summary="Every client's SLA attainment counts (staff tokens only)",
)
def summary(
    request: HttpRequest,
    month: str | None = Query(None, description=MONTH_HELP),
    first: str | None = Query(None, alias="from", description="First day, YYYY-MM-DD."),
    last: str | None = Query(None, alias="to", description="Last day (included), YYYY-MM-DD."),
) -> object:
    principal_of(request).require_staff()
    now = clock_now()
    spec: PeriodSpec = period_spec_parse(month=month, first=first, last=last, today=now.date())
    return Status(200, summary_as_dict(provider_summary(spec=spec, now=now)))


def report_client_of(request: HttpRequest, slug: str | None) -> Client:
    """The client a report is for: `slug`, or the calling client key's own client.
    Errors: 422 `required` without either; 404 `client_not_found` (also for another
    client's slug asked by a client key)."""
    principal = principal_of(request)
    if slug is None:
        if principal.client is None:
            raise ValidationFailed(
                "Say which client: ?client=SLUG.", code=ApiErrorCode.REQUIRED, field="client"
            )
        return principal.client
    return report_client_get(actor=principal.actor, slug=slug)


def _csv(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
