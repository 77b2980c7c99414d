"""A March worked out by hand, in New York (business hours 9-17, DST from 8 March):
the report's figures, and the same figures from replaying every ticket."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from pactdesk.desk.services import (
    ticket_customer_reply,
    ticket_lodge,
    ticket_mark_invalid,
    ticket_merge,
    ticket_priority_change,
    ticket_reply,
    ticket_status_change,
)
from pactdesk.reports.figures import Times
from pactdesk.reports.formats import report_as_dict, report_table
from pactdesk.reports.periods import period_spec_parse
from pactdesk.reports.selectors import attainment_report
from tests.reports.conftest import local, replayed, reported

NOW = local(2026, 4, 1, 12, 0)
M = timedelta(minutes=1)
H = timedelta(hours=1)


@pytest.fixture
def march(agreement, agent, django_capture_on_commit_callbacks):
    """The tickets, named A-I as in the comments; returns them by name."""
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

    def reply(ticket, at, status=None):
        ticket_reply(actor=agent, ticket=ticket, body="Done.", now=at, status=status)

    def status(ticket, at, value):
        ticket_status_change(actor=agent, ticket=ticket, status=value, now=at)

    t = {}
    # A: lodged 23:30 on the 31st, outside hours: March's; answered 20 min into April 1.
    t["A"] = lodge(local(2026, 3, 31, 23, 30), "A late night")
    # B: 23:30 on 28 February, local (already 1 March in UTC): February's.
    t["B"] = lodge(local(2026, 2, 28, 23, 30), "B february")
    # C: answered in 10 min, solved at 11:00, confirmed three days later.
    t["C"] = lodge(local(2026, 3, 2, 10, 0), "C quick")
    reply(t["C"], local(2026, 3, 2, 10, 10))
    status(t["C"], local(2026, 3, 2, 11, 0), "solved")
    # D: solved, reopened by the customer, solved again 4h30 of open time in: late.
    t["D"] = lodge(local(2026, 3, 3, 10, 0), "D reopened")
    reply(t["D"], local(2026, 3, 3, 10, 5))
    status(t["D"], local(2026, 3, 3, 10, 30), "solved")
    ticket_customer_reply(
        ticket=t["D"],
        customer=t["D"].customer,
        body="Still broken",
        now=local(2026, 3, 3, 12, 0),
        channel="email",
    )
    reply(t["D"], local(2026, 3, 3, 15, 30))
    status(t["D"], local(2026, 3, 3, 16, 0), "solved")
    # E: made urgent 5 min in, answered at 20 min (urgent target 15 min), then waiting.
    t["E"] = lodge(local(2026, 3, 4, 10, 0), "E urgent")
    ticket_priority_change(
        actor=agent, ticket=t["E"], priority="urgent", now=local(2026, 3, 4, 10, 5)
    )
    reply(t["E"], local(2026, 3, 4, 10, 20))
    status(t["E"], local(2026, 3, 4, 10, 20), "waiting")
    # F: never answered.
    t["F"] = lodge(local(2026, 3, 5, 10, 0), "F ignored")
    # G: spam. H: a duplicate of F.
    t["G"] = lodge(local(2026, 3, 6, 10, 0), "G spam")
    ticket_mark_invalid(actor=agent, ticket=t["G"], reason="spam", now=local(2026, 3, 6, 10, 1))
    t["H"] = lodge(local(2026, 3, 6, 11, 0), "H duplicate")
    ticket_merge(actor=agent, ticket=t["H"], into=t["F"], now=local(2026, 3, 6, 11, 5))
    # I: lodged before opening, answered 45 min after it, solved at 10:00.
    t["I"] = lodge(local(2026, 3, 9, 8, 0), "I early")
    reply(t["I"], local(2026, 3, 9, 9, 45))
    status(t["I"], local(2026, 3, 9, 10, 0), "solved")
    reply(t["A"], local(2026, 4, 1, 9, 20))
    return t


def test_march_by_hand(march, agreement):
    spec = period_spec_parse(month="2026-03", first=None, last=None, today=NOW.date())
    report = attainment_report(client=agreement.client, spec=spec, now=NOW)

    assert report.tickets == 6
    assert [(e.ticket_id, e.kind, e.reason) for e in report.excluded] == [
        (march["G"].pk, "invalid", "spam"),
        (march["H"].pk, "merged", f"merged into PD-{march['F'].pk}"),
    ]
    first, urgent, effective = report.targets
    assert (first.metric, first.priority, first.goal) == ("first_response", None, Decimal(90))
    assert (first.met, first.missed, first.in_flight, first.not_applicable) == (3, 2, 0, 0)
    assert (first.percent, first.reached, first.breach_budget) == (Decimal(60), False, -2)
    assert first.responded == 4
    assert first.open_time == Times(p50=10 * M, p90=45 * M, max=45 * M)
    assert first.wall_time == Times(p50=10 * M, p90=9 * H + 50 * M, max=9 * H + 50 * M)
    assert (urgent.priority, urgent.met, urgent.missed, urgent.in_flight) == ("urgent", 0, 1, 0)
    assert (urgent.percent, urgent.reached, urgent.breach_budget) == (Decimal(0), False, -1)
    assert urgent.open_time == Times(p50=20 * M, p90=20 * M, max=20 * M)
    assert (effective.met, effective.missed, effective.in_flight) == (2, 2, 2)
    assert (effective.percent, effective.reached, effective.breach_budget) == (50, False, -1)
    assert effective.open_time == Times(p50=H, p90=4 * H + 30 * M, max=4 * H + 30 * M)
    assert effective.wall_time == Times(p50=2 * H, p90=6 * H, max=6 * H)
    assert all(t.projection is None for t in report.targets)  # March is over


def test_march_equals_the_replay(march, agreement):
    spec = period_spec_parse(month="2026-03", first=None, last=None, today=NOW.date())
    report = attainment_report(client=agreement.client, spec=spec, now=NOW)

    assert reported(report.targets) == replayed(agreement=agreement, period=report.period, now=NOW)


def test_february_holds_the_ticket_lodged_late_on_its_last_day(march, agreement):
    spec = period_spec_parse(month="2026-02", first=None, last=None, today=NOW.date())
    report = attainment_report(client=agreement.client, spec=spec, now=NOW)

    assert report.tickets == 1
    assert report.targets[0].missed == 1  # B was never answered


def test_a_period_without_tickets_says_so(agreement):
    spec = period_spec_parse(month="2026-01", first=None, last=None, today=NOW.date())
    report = attainment_report(client=agreement.client, spec=spec, now=NOW)

    assert report.is_empty
    assert [(t.percent, t.reached, t.breach_budget) for t in report.targets] == [
        (None, None, 0)
    ] * 3
    assert report_as_dict(report)["targets"][0]["percent"] is None
    table = report_table(report)
    assert "No valid tickets were lodged in this period" in table
    assert "—" in table


def test_four_decided_tickets_are_too_few_to_project(march, agreement):
    now = local(2026, 3, 16, 12, 0)
    spec = period_spec_parse(month=None, first=None, last=None, today=now.date())
    report = attainment_report(client=agreement.client, spec=spec, now=now)

    first = report.targets[0]
    # C, D, F, I lodged by the 16th (A not yet): 4 decided, fewer than the 10 needed
    # (tests/reports/test_projection.py holds the projection's own figures).
    assert (first.met, first.missed, first.in_flight) == (2, 2, 0)
    assert [t.projection for t in report.targets] == [None] * 3
    assert report_as_dict(report)["targets"][0]["projection"] is None
    assert "First response ≤ 30m" in report_table(report)
    assert report_table(report).count("too early to project") == 3 + 1  # + the help text
