"""The monthly client report: a March worked out by hand (New York, business hours
9-17), its chart series, its PDF, and building it once however often it is asked for."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from pactdesk.accounts.models import Role
from pactdesk.desk.models import Status
from pactdesk.desk.services import ticket_lodge, ticket_mark_invalid, ticket_reply
from pactdesk.notify.models import OutboundMail
from pactdesk.platform.errors import ValidationFailed
from pactdesk.reports.charts import chart_specs, chart_svgs
from pactdesk.reports.models import MonthlyReport
from pactdesk.reports.monthly import (
    MAIL_KIND,
    last_month,
    monthly_report_build,
    monthly_reports_due,
    monthly_spec,
)
from pactdesk.reports.periods import period_spec_parse
from pactdesk.reports.selectors import attainment_report
from pactdesk.reports.series import report_series
from tests.factories import client_user
from tests.reports.conftest import local

pytestmark = pytest.mark.django_db
NOW = local(2026, 4, 1, 12, 0)
MARCH = monthly_spec(month="2026-03")


@pytest.fixture
def march(agreement, agent, django_capture_on_commit_callbacks):
    """T1 answered in 10 min and solved; T2 answered after an hour, solved; T3 lodged
    23:30 on the 31st (outside hours: March's), not answered by now; T4 is spam."""
    client = agreement.client

    def lodge(at, subject):
        with django_capture_on_commit_callbacks(execute=True):
            return ticket_lodge(
                client=client,
                customer_email="jo@shop.test",
                subject=subject,
                body="Help.",
                channel="email",
                now=at,
            )

    t1 = lodge(local(2026, 3, 2, 10, 0), "T1 quick")
    ticket_reply(actor=agent, ticket=t1, body="On it.", now=local(2026, 3, 2, 10, 10))
    ticket_reply(
        actor=agent, ticket=t1, body="Done.", now=local(2026, 3, 2, 11, 0), status=Status.SOLVED
    )
    t2 = lodge(local(2026, 3, 3, 10, 0), "T2 slow")
    ticket_reply(actor=agent, ticket=t2, body="On it.", now=local(2026, 3, 3, 11, 0))
    ticket_reply(
        actor=agent, ticket=t2, body="Done.", now=local(2026, 3, 3, 11, 30), status=Status.SOLVED
    )
    lodge(local(2026, 3, 31, 23, 30), "T3 late night")
    spam = lodge(local(2026, 3, 5, 10, 0), "Your account has been limited")
    ticket_mark_invalid(
        actor=agent, ticket=spam, reason="spam (phishing)", now=local(2026, 3, 5, 10, 5)
    )
    admin = client_user(client, Role.CLIENT_ADMIN)
    client_user(client, Role.CLIENT_MEMBER)
    return admin


def test_the_series_of_march_are_its_tickets_by_day_hour_and_response_time(agreement, march):
    report = attainment_report(client=agreement.client, spec=MARCH, now=NOW)
    with CaptureQueriesContext(connection) as queries:
        series = report_series(report=report)
    assert len(queries) == 4  # days, first responses, hour of week, seats
    first, urgent, answer = series.targets
    assert (first.metric, first.priority, first.allowance) == ("first_response", None, 0)
    assert len(first.days) == 31
    shown = {
        p.day: (p.met, p.missed, p.in_flight, p.remaining)
        for p in first.days
        if p.met + p.missed + p.in_flight
    }
    assert shown == {
        date(2026, 3, 2): (1, 0, 0, 0),
        date(2026, 3, 3): (0, 1, 0, -1),
        date(2026, 3, 31): (0, 1, 0, -2),
    }
    # Nothing in flight for this target: the burn-down ends at the report's breach budget.
    assert first.days[-1].remaining == report.targets[0].breach_budget == -2
    assert (urgent.priority, urgent.allowance, urgent.days[-1].remaining) == ("urgent", 0, 0)
    assert (answer.allowance, answer.days[-1].remaining) == (0, 0)
    assert [(p.day.day, p.percent) for p in first.days if p.percent is not None] == [
        (2, 100.0),
        (3, 0.0),
        (31, 0.0),
    ]
    # 5-minute buckets (a sixth of 30 min): 10 min -> bucket 2, 60 min -> bucket 12.
    assert (series.bucket_seconds, series.first_response) == (300, ((2, 1), (12, 1)))
    # Monday 10:00, Tuesday 10:00 and Tuesday 23:30 local; the spam is in no series.
    assert series.hour_of_week == ((1, 10, 1), (2, 10, 1), (2, 23, 1))
    assert series.seats == ()


def test_the_four_charts_render_as_svg_without_script_or_style(agreement, march):
    report = attainment_report(client=agreement.client, spec=MARCH, now=NOW)
    series = report_series(report=report).as_dict()
    assert set(chart_specs(series)) == {"daily", "first_response", "hour_of_week", "burn_down"}
    svgs = chart_svgs(series)
    assert sorted(svgs) == ["burn_down", "daily", "first_response", "hour_of_week"]
    for svg in svgs.values():
        assert svg.startswith("<svg")
        assert "<script" not in svg
        assert "style=" not in svg
    assert "Daily attainment against the goal" in svgs["daily"]


def test_an_empty_month_draws_no_chart_and_builds(agreement):
    report = attainment_report(client=agreement.client, spec=monthly_spec(month="2026-02"), now=NOW)
    series = report_series(report=report).as_dict()
    assert chart_svgs(series) == {}
    build = monthly_report_build(
        client=agreement.client, spec=monthly_spec(month="2026-02"), now=NOW
    )
    assert build.created
    assert build.report.figures["report"]["empty"] is True
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(build.report.pdf)).pages)
    assert "No valid tickets were lodged this month" in text


def test_the_build_stores_the_month_and_mails_the_admins_once(
    agreement, march, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = monthly_report_build(client=agreement.client, spec=MARCH, now=NOW)
    assert first.created
    row = MonthlyReport.objects.get()
    assert (row.client, row.month, row.built_at, row.mailed_to) == (
        agreement.client,
        date(2026, 3, 1),
        NOW,
        [march.email],
    )
    targets = row.figures["report"]["targets"]
    assert [
        (t["met"], t["missed"], t["in_flight"], t["percent"], t["breach_budget"]) for t in targets
    ] == [
        (1, 2, 0, "33.33", -2),
        (0, 0, 0, None, 0),
        (2, 0, 1, "100.00", 0),
    ]
    mails = OutboundMail.objects.filter(kind=MAIL_KIND)
    assert [(m.to_address, m.status) for m in mails] == [(march.email, "sent")]
    assert "/reports/northwind/2026-03/pdf" in mails[0].body
    # Again, later: nothing changes, nothing is sent.
    with django_capture_on_commit_callbacks(execute=True):
        again = monthly_report_build(
            client=agreement.client, spec=MARCH, now=local(2026, 4, 2, 9, 0)
        )
    assert not again.created
    assert again.report.pk == row.pk
    assert MonthlyReport.objects.get().built_at == NOW
    assert OutboundMail.objects.filter(kind=MAIL_KIND).count() == 1


def test_the_pdf_holds_the_numbers(agreement, march):
    build = monthly_report_build(client=agreement.client, spec=MARCH, now=NOW)
    pdf = bytes(build.report.pdf)
    assert pdf.startswith(b"%PDF-")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    text = " ".join(text.split())
    assert "Northwind — support report, March 2026" in text
    assert "3 valid tickets; 1 invalid or merged, not counted." in text
    assert "33.33%" in text
    assert "100.00%" in text
    assert "2 of 0 misses used · over by 2" in text
    assert "spam (phishing)" in text
    assert "Your account has been limited" in text
    assert "Daily attainment against the goal" in text
    assert "Breach budget burning down" in text


def test_a_month_not_over_is_refused_and_nothing_is_written(agreement, march):
    april = period_spec_parse(month="2026-04", first=None, last=None, today=NOW.date())
    with pytest.raises(ValidationFailed) as refused:
        monthly_report_build(client=agreement.client, spec=april, now=NOW)
    assert (refused.value.code, refused.value.field) == ("month_not_over", "month")
    assert MonthlyReport.objects.count() == 0
    assert OutboundMail.objects.filter(kind=MAIL_KIND).count() == 0


def test_the_worker_builds_last_month_in_the_agreements_zone(agreement, march):
    # 23:30 on 31 March in New York (already April in UTC): February is last month.
    assert (
        last_month(now=local(2026, 3, 31, 23, 30), timezone="America/New_York").label == "2026-02"
    )
    built = monthly_reports_due(now=local(2026, 3, 31, 23, 30))
    assert [(b.report.month, b.created) for b in built] == [(date(2026, 2, 1), True)]
    # 00:30 on 1 April: March; the next hour finds nothing left to do.
    built = monthly_reports_due(now=local(2026, 4, 1, 0, 30))
    assert [(b.report.month, b.created) for b in built] == [(date(2026, 3, 1), True)]
    assert monthly_reports_due(now=local(2026, 4, 1, 1, 30)) == []
    assert OutboundMail.objects.filter(kind=MAIL_KIND).count() == 2


def test_the_command_builds_once_and_writes_the_pdf(agreement, march, tmp_path, monkeypatch):
    monkeypatch.setattr("pactdesk.cli.management.commands.report.clock_now", lambda: NOW)
    out = io.StringIO()
    target = tmp_path / "march.pdf"
    args = [
        "report",
        "monthly",
        "--client",
        "northwind",
        "--month",
        "2026-03",
        "--pdf",
        str(target),
    ]
    call_command(*args, stdout=out)
    assert out.getvalue().splitlines()[0] == f"Built northwind 2026-03; mailed to {march.email}."
    assert target.read_bytes() == bytes(MonthlyReport.objects.get().pdf)
    out = io.StringIO()
    call_command(*args[:-2], stdout=out)
    assert "kept as it was, nothing sent" in out.getvalue()
    assert OutboundMail.objects.filter(kind=MAIL_KIND).count() == 1
