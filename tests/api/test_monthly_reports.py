"""The monthly reports through the API: a client key lists and reads its own months
(figures as JSON, the PDF) and nothing of another client's."""

from __future__ import annotations

import pytest

from pactdesk.platform.clock import clock_now
from pactdesk.reports.monthly import monthly_report_build, monthly_spec

pytestmark = pytest.mark.django_db
MARCH = monthly_spec(month="2026-03")


@pytest.fixture
def months(northwind, contoso):
    for client in (northwind, contoso):
        monthly_report_build(client=client, spec=MARCH, now=clock_now())


def test_a_client_key_lists_and_reads_its_own_months(client_api, months) -> None:
    listed = client_api.get("/api/reports/monthly")
    assert listed.status == 200
    assert listed.body["client"] == "northwind"
    assert [m["month"] for m in listed.body["months"]] == ["2026-03"]
    month = client_api.get("/api/reports/monthly/2026-03")
    assert month.status == 200
    assert month.body["report"]["client"] == "northwind"
    assert month.body["report"]["period"]["label"] == "2026-03"
    assert set(month.body["series"]) >= {"targets", "hour_of_week", "first_response"}
    pdf = client_api.get("/api/reports/monthly/2026-03", query={"format": "pdf"})
    assert (pdf.status, pdf.headers["Content-Type"]) == (200, "application/pdf")
    assert pdf.body.startswith(b"%PDF-")


def test_a_client_key_reaches_nothing_of_another_client(client_api, months) -> None:
    for path, query in (
        ("/api/reports/monthly", {"client": "contoso"}),
        ("/api/reports/monthly/2026-03", {"client": "contoso"}),
        ("/api/reports/monthly/2026-03", {"client": "contoso", "format": "pdf"}),
    ):
        answer = client_api.get(path, query=query)
        assert (answer.status, answer.body["code"]) == (404, "client_not_found"), path


def test_a_month_never_built_or_not_a_month_is_refused(client_api, staff_api, months) -> None:
    missing = client_api.get("/api/reports/monthly/2026-02")
    assert (missing.status, missing.body["code"]) == (404, "monthly_report_not_found")
    wrong = client_api.get("/api/reports/monthly/2026-13")
    assert (wrong.status, wrong.body["code"]) == (422, "invalid_month")
    unsaid = staff_api.get("/api/reports/monthly")
    assert (unsaid.status, unsaid.body["code"]) == (422, "required")
    staff = staff_api.get("/api/reports/monthly", query={"client": "contoso"})
    assert [m["month"] for m in staff.body["months"]] == ["2026-03"]
