"""Monthly client reports as built (`pactdesk.reports.monthly`): parse, call one
reports selector, answer.

`GET /api/reports/monthly?client=SLUG` lists the client's stored months;
`GET /api/reports/monthly/{month}?client=SLUG` answers one month's figures and chart
series as JSON, or its PDF with `format=pdf`. A client key sees only its own client
(`client` may then be left out): another client's slug or month is a 404, as for one
that does not exist.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Path, Query, Router, Status

from pactdesk.api.auth import principal_of
from pactdesk.api.reports import CLIENT_HELP, REFUSALS, report_client_of
from pactdesk.reports.monthly import monthly_report_get, monthly_report_list

router = Router(tags=["reports"])
PDF_ANSWER = {
    "responses": {
        200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}
    }
}


@router.get(
    "/reports/monthly",
    response={200: dict[str, Any], **REFUSALS},
    summary="A client's monthly reports as built (each month once, on its 1st)",
)
def monthly_list(
    request: HttpRequest, client: str | None = Query(None, description=CLIENT_HELP)
) -> object:
    found = report_client_of(request, client)
    rows = monthly_report_list(actor=principal_of(request).actor, client=found)
    return Status(
        200,
        {
            "client": found.slug,
            "months": [
                {"month": f"{row.month:%Y-%m}", "built_at": row.built_at.isoformat()}
                for row in rows
            ],
        },
    )


@router.get(
    "/reports/monthly/{month}",
    response={200: dict[str, Any], **REFUSALS},
    summary="One month's report as built: its figures and chart series, or its PDF",
    openapi_extra=PDF_ANSWER,
)
def monthly_one(
    request: HttpRequest,
    month: str = Path(..., description="YYYY-MM, a month whose report was built."),
    client: str | None = Query(None, description=CLIENT_HELP),
    format: Literal["json", "pdf"] = Query("json", description="json or pdf"),
) -> object:
    found = report_client_of(request, client)
    row = monthly_report_get(actor=principal_of(request).actor, slug=found.slug, month=month)
    if format == "pdf":
        answer = HttpResponse(bytes(row.pdf), content_type="application/pdf")
        answer["Content-Disposition"] = (
            f'attachment; filename="pactdesk-{found.slug}-{row.month:%Y-%m}.pdf"'
        )
        return answer
    return Status(
        200,
        {"month": f"{row.month:%Y-%m}", "built_at": row.built_at.isoformat(), **row.figures},
    )
