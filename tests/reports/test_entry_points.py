"""The report from the API and the command line: tenancy, bad input, query count."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pactdesk.desk.models import Ticket
from pactdesk.desk.services import ticket_lodge, ticket_reply
from pactdesk.platform.errors import ApplicationError
from pactdesk.reports.periods import period_spec_parse
from pactdesk.reports.selectors import attainment_report, provider_summary
from tests.api.conftest import Api
from tests.factories import ClientFactory
from tests.reports.conftest import agreement_for, local

pytestmark = pytest.mark.django_db
NOW = local(2026, 4, 1, 12, 0)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr("pactdesk.api.reports.clock_now", lambda: NOW)
    monkeypatch.setattr("pactdesk.cli.management.commands.report.clock_now", lambda: NOW)


@pytest.fixture
def contoso(db):
    return agreement_for(
        ClientFactory(name="Contoso", slug="contoso", support_email="support@contoso.test")
    ).client


def api_for(capture, **who) -> Api:
    from pactdesk.api.services import api_key_create

    return Api(api_key_create(now=NOW, **who).secret, capture)


def lodge_some(agreement, agent, capture, count: int) -> None:
    for index in range(count):
        with capture(execute=True):
            ticket = ticket_lodge(
                client=agreement.client,
                customer_email="jo@shop.test",
                subject=f"T{index}",
                body="Help.",
                channel="email",
                now=local(2026, 3, 2 + index % 20, 10, 0),
            )
        if index % 3:
            ticket_reply(
                actor=agent,
                ticket=ticket,
                body="Done.",
                now=local(2026, 3, 2 + index % 20, 10, 5 * (index % 9)),
                status="solved",
            )


def test_a_client_key_sees_its_own_report_and_no_other(
    agreement, contoso, agent, django_capture_on_commit_callbacks
):
    lodge_some(agreement, agent, django_capture_on_commit_callbacks, 4)
    own = api_for(django_capture_on_commit_callbacks, client_slug="northwind")

    answer = own.get("/api/reports/attainment", query={"month": "2026-03"})
    assert answer.status == 200
    assert (answer.body["client"], answer.body["tickets"]) == ("northwind", 4)
    assert (
        own.get("/api/reports/attainment", query={"client": "northwind", "month": "2026-03"}).status
        == 200
    )
    for path in ("/api/reports/attainment", "/api/reports/attainment/tickets"):
        other = own.get(path, query={"client": "contoso", "month": "2026-03"})
        unknown = own.get(path, query={"client": "nobody", "month": "2026-03"})
        assert (other.status, other.body["code"]) == (404, "client_not_found")
        assert (unknown.status, unknown.body["code"]) == (404, "client_not_found")
        assert other.body["message"] == "No client 'contoso'."  # as for one that does not exist
    refused = own.get("/api/reports/summary")
    assert (refused.status, refused.body["code"]) == (403, "forbidden")


def test_a_staff_token_reads_any_client_and_the_csv_exports(
    agreement, contoso, agent, django_capture_on_commit_callbacks
):
    lodge_some(agreement, agent, django_capture_on_commit_callbacks, 4)
    staff = api_for(django_capture_on_commit_callbacks, staff_email=agent.email)

    assert (
        staff.get("/api/reports/attainment", query={"client": "contoso", "month": "2026-03"}).body[
            "tickets"
        ]
        == 0
    )
    csv = staff.get(
        "/api/reports/attainment",
        query={"client": "northwind", "month": "2026-03", "format": "csv"},
    )
    assert csv.status == 200
    assert csv.headers["Content-Type"] == "text/csv; charset=utf-8"
    lines = csv.body.decode().splitlines()
    assert lines[0].startswith("agent,metric,priority,target_seconds,goal,met,missed")
    assert [line.split(",")[:3] for line in lines[1:]] == [
        ["all", "first_response", ""],
        ["all", "first_response", "urgent"],
        ["all", "effective_answer", ""],
    ]
    tickets = staff.get(
        "/api/reports/attainment/tickets", query={"client": "northwind", "month": "2026-03"}
    )
    rows = tickets.body.decode().splitlines()
    assert len(rows) == 5
    assert rows[0].startswith("ticket,lodged_at,priority,assignee,counted")
    summary = staff.get("/api/reports/summary", query={"month": "2026-03"})
    assert [c["client"] for c in summary.body["clients"]] == ["contoso", "northwind"]


BAD = [
    ({"month": "2026-13"}, 422, "invalid_month", "month"),
    ({"month": "March"}, 422, "invalid_month", "month"),
    ({"from": "2026-02-01", "to": "2026-02-30"}, 422, "invalid_date", "to"),
    ({"from": "2026-02-30", "to": "2026-03-01"}, 422, "invalid_date", "from"),
    ({"from": "2026-03-02", "to": "2026-03-01"}, 422, "range_reversed", "to"),
    ({"from": "2025-01-01", "to": "2026-01-02"}, 422, "range_too_long", "to"),
    ({"from": "2026-01-01"}, 422, "period_conflict", "to"),
    (
        {"month": "2026-03", "from": "2026-03-01", "to": "2026-03-02"},
        422,
        "period_conflict",
        "month",
    ),
    ({"client": "nobody"}, 404, "client_not_found", "client"),
    ({"month": "2025-06"}, 422, "no_agreement", "client"),
]


@pytest.mark.parametrize(("query", "status", "code", "field"), BAD)
def test_bad_input_is_refused_with_a_stable_code(
    agreement, agent, django_capture_on_commit_callbacks, query, status, code, field
):
    staff = api_for(django_capture_on_commit_callbacks, staff_email=agent.email)
    tickets = Ticket.objects.count()

    answer = staff.get("/api/reports/attainment", query={"client": "northwind", **query})

    assert (answer.status, answer.body["code"], answer.body.get("field")) == (status, code, field)
    assert Ticket.objects.count() == tickets


@pytest.mark.parametrize(("query", "status", "code", "field"), BAD)
def test_the_command_refuses_the_same_input_and_writes_nothing(
    agreement, query, status, code, field
):
    argv = ["attainment", "--client", query.get("client", "northwind")]
    for name in ("month", "from", "to"):
        if name in query:
            argv += [f"--{name}", query[name]]
    with CaptureQueriesContext(connection) as queries, pytest.raises(ApplicationError) as error:
        call_command("report", *argv, stdout=io.StringIO())
    assert (error.value.code, error.value.field) == (code, field)
    assert all(q["sql"].lstrip().upper().startswith("SELECT") for q in queries.captured_queries)


def test_the_command_prints_a_table_and_json(agreement, agent, django_capture_on_commit_callbacks):
    lodge_some(agreement, agent, django_capture_on_commit_callbacks, 3)
    table, data = io.StringIO(), io.StringIO()
    call_command(
        "report", "attainment", "--client", "northwind", "--month", "2026-03", stdout=table
    )
    call_command(
        "report", "attainment", "--client", "northwind", "--month", "2026-03", "--json", stdout=data
    )
    assert "Attainment of Northwind for 2026-03 (America/New_York)" in table.getvalue()
    assert '"tickets": 3' in data.getvalue()


@pytest.mark.parametrize("count", [2, 40])
def test_the_report_takes_the_same_queries_whatever_the_tickets(
    agreement, agent, django_capture_on_commit_callbacks, django_assert_max_num_queries, count
):
    lodge_some(agreement, agent, django_capture_on_commit_callbacks, count)
    spec = period_spec_parse(month="2026-03", first=None, last=None, today=NOW.date())
    client = agreement.client
    client.refresh_from_db()

    with django_assert_max_num_queries(5):
        report = attainment_report(client=client, spec=spec, now=NOW, by_agent=True)
    with django_assert_max_num_queries(3):
        summary = provider_summary(spec=spec, now=NOW)
    assert report.tickets == count
    assert summary[0].targets[0].counted == count


def test_a_client_reads_agents_by_name_never_by_staff_address(
    agreement, agent, django_capture_on_commit_callbacks
):
    """Issue 9 §6 holds for reports: the ticket list and the per-agent figures a client
    can read name the agent, not their e-mail address."""
    lodge_some(agreement, agent, django_capture_on_commit_callbacks, 2)
    Ticket.objects.update(assignee=agent)
    own = api_for(django_capture_on_commit_callbacks, client_slug="northwind")
    tickets = own.get("/api/reports/attainment/tickets", query={"month": "2026-03"})
    text = tickets.body.decode()
    assert [row.split(",")[3] for row in text.splitlines()[1:]] == ["Ana Agent", "Ana Agent"]
    assert "ana@pactdesk.test" not in text
    spec = period_spec_parse(month="2026-03", first=None, last=None, today=NOW.date())
    report = attainment_report(client=agreement.client, spec=spec, now=NOW, by_agent=True)
    assert list(report.groups) == ["Ana Agent"]
