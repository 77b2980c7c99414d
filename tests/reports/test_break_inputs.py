"""Found by the break test of the reports (issue 11 §7): periods written in other
digits or other ISO forms, years no datetime can hold in every zone, and the current
month settled in UTC instead of the agreement's time zone."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command
from django.test import Client as Browser

from pactdesk.accounts.models import Role
from pactdesk.desk.models import Ticket
from pactdesk.desk.services import ticket_lodge
from pactdesk.platform.errors import ApplicationError, ValidationFailed
from pactdesk.reports.periods import current_month, period_spec_parse
from pactdesk.reports.selectors import attainment_report, provider_summary
from tests.api.conftest import Api
from tests.factories import client_user
from tests.reports.conftest import local

pytestmark = pytest.mark.django_db
# 21:00 on 30 November in New York is already 1 December in UTC.
NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)

REFUSED = [
    # Arabic-Indic and Devanagari digits (escaped here) read as a year by `\d` and int().
    ({"month": "\u0662\u0660\u0662\u0666-\u0661\u0661"}, "invalid_month", "month"),
    ({"month": "\u0968\u0966\u0968\u096c-\u0967\u0967"}, "invalid_month", "month"),
    ({"from": "\u0662\u0660\u0662\u0666-11-01", "to": "2026-11-02"}, "invalid_date", "from"),
    # Other ISO 8601 forms `date.fromisoformat` takes.
    ({"from": "20261101", "to": "2026-11-02"}, "invalid_date", "from"),
    ({"from": "2026-11-01", "to": "2026-W45-1"}, "invalid_date", "to"),
    # Years past what every zone can hold: a 500 before (OverflowError, ValueError).
    ({"month": "9999-12"}, "invalid_month", "month"),
    ({"from": "9999-01-01", "to": "9999-12-31"}, "invalid_date", "from"),
    ({"month": "0001-01"}, "invalid_month", "month"),
    ({"from": "0001-01-01", "to": "0001-01-31"}, "invalid_date", "from"),
    ({"month": "1969-12"}, "invalid_month", "month"),
    ({"month": "2026-11\n"}, None, None),  # whitespace around is forgiven
]


@pytest.mark.parametrize(("query", "code", "field"), REFUSED)
def test_the_period_parser_takes_only_ascii_iso_days_in_reportable_years(query, code, field):
    asked = {"month": None, "first": query.get("from"), "last": query.get("to")}
    asked["month"] = query.get("month")
    if code is None:
        assert period_spec_parse(**asked, today=date(2026, 1, 1)).label == "2026-11"
        return
    with pytest.raises(ValidationFailed) as refused:
        period_spec_parse(**asked, today=date(2026, 1, 1))
    assert (refused.value.code, refused.value.field) == (code, field)


def test_the_reportable_years_end_where_they_still_place_in_every_zone():
    spec = period_spec_parse(month="9998-12", first=None, last=None, today=date(2026, 1, 1))
    assert (spec.first, spec.last) == (date(9998, 12, 1), date(9998, 12, 31))
    with pytest.raises(ValidationFailed):
        period_spec_parse(month="9999-01", first=None, last=None, today=date(2026, 1, 1))


@pytest.mark.parametrize(("query", "code", "field"), [r for r in REFUSED if r[1]])
def test_the_api_and_the_command_refuse_them_with_the_code_and_write_nothing(
    agreement, agent, django_capture_on_commit_callbacks, query, code, field
):
    from pactdesk.api.services import api_key_create

    staff = Api(
        api_key_create(now=NOW, staff_email=agent.email).secret, django_capture_on_commit_callbacks
    )
    tickets = Ticket.objects.count()
    for path in ("/api/reports/attainment", "/api/reports/attainment/tickets"):
        answer = staff.get(path, query={"client": "northwind", **query})
        assert (answer.status, answer.body["code"], answer.body["field"]) == (422, code, field)
    argv = ["attainment", "--client", "northwind"]
    for name, value in query.items():
        argv += [f"--{name}", value]
    with pytest.raises(ApplicationError) as error:
        call_command("report", *argv, stdout=io.StringIO())
    assert (error.value.code, error.value.field) == (code, field)
    assert Ticket.objects.count() == tickets


@pytest.mark.parametrize("month", ["9999-12", "\u0662\u0660\u0662\u0666-\u0660\u0663", "0001-01"])
def test_a_stored_month_that_cannot_exist_is_a_4xx_never_a_500(
    agreement, agent, django_capture_on_commit_callbacks, month
):
    from pactdesk.api.services import api_key_create

    key = api_key_create(now=NOW, client_slug="northwind").secret
    answer = Api(key, django_capture_on_commit_callbacks).get(f"/api/reports/monthly/{month}")
    assert (answer.status, answer.body["code"]) == (422, "invalid_month")
    browser = Browser()
    browser.force_login(client_user(agreement.client, Role.CLIENT_ADMIN))
    assert browser.get(f"/reports/northwind/{month}/").status_code == 404
    assert browser.get(f"/reports/northwind/{month}/pdf").status_code == 404


def test_the_current_month_is_the_agreements_not_utcs(agreement, agent):
    """At 21:00 on 30 November in New York (1 December in UTC) "this month" of a New
    York client is November, with its tickets (one: too early to project)."""
    ticket_lodge(
        client=agreement.client,
        customer_email="jo@shop.test",
        subject="Late on the 30th",
        body="Help.",
        channel="email",
        now=local(2026, 11, 30, 20, 30),
    )
    guess = period_spec_parse(month=None, first=None, last=None, today=NOW.date())
    assert (guess.label, guess.is_default) == ("2026-12", True)

    report = attainment_report(client=agreement.client, spec=guess, now=NOW)
    assert (report.period.spec.label, report.tickets, report.is_current) == ("2026-11", 1, True)
    assert report.targets[0].projection is None  # 1 ticket, none decided
    (summary,) = provider_summary(spec=guess, now=NOW)
    assert summary.period.spec.label == "2026-11"
    assert sum(t.in_flight for t in summary.targets if t.metric == "first_response") == 1
    # A month named outright is that month, whatever the zone.
    named = period_spec_parse(month="2026-12", first=None, last=None, today=NOW.date())
    assert attainment_report(client=agreement.client, spec=named, now=NOW).tickets == 0


def test_the_current_month_in_a_zone_ahead_of_utc():
    before_midnight_utc = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)  # 01:30 on 1 Dec there
    assert current_month(now=before_midnight_utc, timezone="Asia/Kolkata").label == "2026-12"
    assert current_month(now=before_midnight_utc, timezone="UTC").label == "2026-11"


def test_the_api_and_the_command_default_to_the_agreements_month(
    agreement, agent, monkeypatch, django_capture_on_commit_callbacks
):
    from pactdesk.api.services import api_key_create

    monkeypatch.setattr("pactdesk.api.reports.clock_now", lambda: NOW)
    monkeypatch.setattr("pactdesk.cli.management.commands.report.clock_now", lambda: NOW)
    key = api_key_create(now=NOW, client_slug="northwind").secret
    api = Api(key, django_capture_on_commit_callbacks)
    assert api.get("/api/reports/attainment").body["period"]["label"] == "2026-11"
    csv = api.get("/api/reports/attainment", query={"format": "csv"})
    assert "attainment-northwind-2026-11.csv" in csv.headers["Content-Disposition"]
    ticket_lodge(
        client=agreement.client,
        customer_email="jo@shop.test",
        subject="Late on the 30th",
        body="Help.",
        channel="email",
        now=local(2026, 11, 30, 20, 30),
    )
    out = io.StringIO()
    call_command("report", "attainment", "--client", "northwind", stdout=out)
    assert out.getvalue().startswith("Attainment of Northwind for 2026-11 (America/New_York)")
    # One ticket in flight is too few to project (the rule: tests/reports/test_projection.py).
    assert "\n  First response ≤ 30m" in out.getvalue()
    assert "too early to project\n" in out.getvalue()


def test_the_csv_exports_do_not_hand_a_spreadsheet_a_formula(agreement, agent):
    """An agent named "=cmd" and a reason "=HYPERLINK(...)" typed when marking spam:
    the ticket list and the per-agent report start those cells with an apostrophe."""
    from pactdesk.desk.services import ticket_assign, ticket_mark_invalid
    from pactdesk.reports.formats import report_csv, tickets_csv
    from pactdesk.reports.selectors import report_ticket_rows

    agent.name = "=cmd|' /C calc'!A0"
    agent.save(update_fields=["name"])
    lodged = [
        ticket_lodge(
            client=agreement.client,
            customer_email="jo@shop.test",
            subject=subject,
            body="Help.",
            channel="email",
            now=local(2026, 11, 3, 10, minute),
        )
        for minute, subject in ((0, "Real"), (5, "Spam"))
    ]
    ticket_assign(actor=agent, ticket=lodged[0], assignee=agent, now=local(2026, 11, 3, 10, 1))
    ticket_mark_invalid(
        actor=agent,
        ticket=lodged[1],
        reason='=HYPERLINK("http://evil.test","x")',
        now=local(2026, 11, 3, 10, 6),
    )
    spec = period_spec_parse(month="2026-11", first=None, last=None, today=NOW.date())
    report = attainment_report(client=agreement.client, spec=spec, now=NOW, by="agent")

    rows = list(csv.reader(io.StringIO(tickets_csv(report_ticket_rows(report=report)))))
    assert [row[3:6] for row in rows[1:]] == [
        ["'=cmd|' /C calc'!A0", "yes", ""],
        ["", "no", '\'=HYPERLINK("http://evil.test","x")'],
    ]
    cells = [row.split(",", 1)[0] for row in report_csv(report).splitlines()[1:]]
    assert sorted(set(cells)) == ["'=cmd|' /C calc'!A0", "all"]


def test_an_error_repeats_at_most_20_characters_of_the_input():
    with pytest.raises(ValidationFailed) as refused:
        period_spec_parse(month="9" * 3000, first=None, last=None, today=date(2026, 1, 1))
    assert refused.value.message == "'99999999999999999999…' is not a month; write YYYY-MM."


def test_the_summary_names_each_clients_month_when_the_zones_disagree(agreement):
    """At 20:00 UTC on 30 November it is already December in Kolkata."""
    from pactdesk.agreements.models import Agreement
    from pactdesk.reports.formats import summary_table
    from tests.factories import ClientFactory
    from tests.reports.conftest import agreement_for

    lotus = agreement_for(ClientFactory(name="Lotus", slug="lotus", support_email="l@lotus.test"))
    Agreement.objects.filter(pk=lotus.pk).update(timezone="Asia/Kolkata")
    now = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)
    guess = period_spec_parse(month=None, first=None, last=None, today=now.date())

    summary = provider_summary(spec=guess, now=now)

    assert [(s.client.slug, s.period.spec.label) for s in summary] == [
        ("lotus", "2026-12"),
        ("northwind", "2026-11"),
    ]
    lines = summary_table(summary).splitlines()
    assert lines[0] == (
        "Attainment of every client for 2026-11 / 2026-12 (each in its agreement's time zone)"
    )
    assert [line for line in lines if not line.startswith(" ")][2:] == [
        "Lotus (2026-12, Asia/Kolkata)",
        "Northwind (2026-11, America/New_York)",
    ]
