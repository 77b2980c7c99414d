"""Issue 11 §2: the attainment report per agent, per seat (dedicated) and per pool
(shared), on a March built by hand; every grouping adds up to the client's figures."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pytest
from django.core.management import call_command

from pactdesk.accounts.models import Role
from pactdesk.agreements.models import PlanKind, Seat
from pactdesk.agreements.services import (
    agreement_create,
    calendar_create,
    plan_create,
    seat_assign,
    sla_policy_create,
)
from pactdesk.desk.models import Ticket
from pactdesk.desk.services import ticket_lodge, ticket_reply
from pactdesk.platform.errors import ApplicationError
from pactdesk.reports.figures import Times
from pactdesk.reports.formats import report_as_dict, report_csv, report_table
from pactdesk.reports.periods import period_spec_parse
from pactdesk.reports.selectors import STATES, attainment_report
from pactdesk.routing.models import Pool, PoolClient
from tests.factories import NINE_TO_FIVE, ClientFactory, UserFactory
from tests.reports.conftest import TARGETS, local
from tests.reports.test_entry_points import api_for

pytestmark = pytest.mark.django_db
NOW = local(2026, 4, 1, 12, 0)
M = timedelta(minutes=1)
SPEC = period_spec_parse(month="2026-03", first=None, last=None, today=NOW.date())


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr("pactdesk.api.reports.clock_now", lambda: NOW)
    monkeypatch.setattr("pactdesk.cli.management.commands.report.clock_now", lambda: NOW)


@pytest.fixture
def bo(db):
    return UserFactory(role=Role.AGENT, name="Bo Agent", email="bo@pactdesk.test")


@pytest.fixture
def thames(db, agent):
    """A dedicated New York client with two seats: seat 1 held by Ana, seat 2 empty."""
    client = ClientFactory(name="Thames", slug="thames", support_email="support@thames.test")
    agreement = agreement_create(
        client=client,
        plan=plan_create(
            code="dedicated",
            name="Dedicated",
            kind=PlanKind.DEDICATED,
            price="900.00",
            currency="USD",
        ),
        start_date=date(2026, 1, 1),
        timezone="America/New_York",
        calendar=calendar_create(
            client=client,
            name="Office",
            spec={"timezone": "America/New_York", "hours": NINE_TO_FIVE},
        ),
        sla_policy=sla_policy_create(
            client=client, name="Standard", targets=TARGETS, pause_while_waiting=True
        ),
        seat_count=2,
    )
    seat_assign(seat=Seat.objects.get(agreement=agreement, number=1), agent=agent)
    return agreement


def lodge_month(agreement, agent, bo, capture) -> None:
    """T1 answered by Ana in 10 min (met), T2 by Ana in 60 min (missed), T3 by Bo in
    20 min (met), T4 never answered nor assigned (overdue by NOW: missed). All at 10:00
    on weekdays, inside business hours, normal priority (the 30-minute target)."""
    plan = [(2, agent, 10), (3, agent, 60), (4, bo, 20), (5, None, None)]
    for day, who, minutes in plan:
        with capture(execute=True):
            ticket = ticket_lodge(
                client=agreement.client,
                customer_email="jo@shop.test",
                subject=f"March {day}",
                body="Help.",
                channel="email",
                now=local(2026, 3, day, 10, 0),
            )
        if who is not None:
            ticket_reply(
                actor=who, ticket=ticket, body="On it.", now=ticket.lodged_at + minutes * M
            )
        Ticket.objects.filter(pk=ticket.pk).update(assignee=who)


def first_response(figures):
    default = next(f for f in figures if f.metric == "first_response" and not f.priority)
    return (default.met, default.missed, default.responded, default.open_time)


def assert_groups_add_up(report):
    for index, total in enumerate(report.targets):
        for state in (*STATES, "responded"):
            parts = sum(getattr(group[index], state) for group in report.groups.values())
            assert parts == getattr(total, state), (total.metric, total.priority, state)


def test_per_seat_the_seat_holder_others_and_unassigned(
    thames, agent, bo, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    lodge_month(thames, agent, bo, django_capture_on_commit_callbacks)

    with django_assert_max_num_queries(5):
        report = attainment_report(client=thames.client, spec=SPEC, now=NOW, by="seat")

    assert first_response(report.targets) == (2, 2, 3, Times(20 * M, 60 * M, 60 * M))
    assert {label: first_response(figures) for label, figures in report.groups.items()} == {
        "Seat 1 (Ana Agent)": (1, 1, 2, Times(10 * M, 60 * M, 60 * M)),
        "Seat 2 (empty)": (0, 0, 0, Times()),
        "not a seat holder": (1, 0, 1, Times(20 * M, 20 * M, 20 * M)),
        "": (0, 1, 0, Times()),
    }
    assert_groups_add_up(report)
    data = report_as_dict(report)
    assert data["by"] == "seat"
    assert data["agents"] == {}
    assert [g["group"] for g in data["groups"]] == [
        "Seat 1 (Ana Agent)",
        "Seat 2 (empty)",
        "not a seat holder",
        "unassigned",
    ]
    assert data["groups"][0]["targets"][0]["open_time"] == {"p50": 600, "p90": 3600, "max": 3600}
    assert "Per seat:\n  Seat 1 (Ana Agent)\n" in report_table(report)
    assert report_csv(report).splitlines()[0].startswith("seat,metric,")


def test_per_agent_of_a_dedicated_client(thames, agent, bo, django_capture_on_commit_callbacks):
    lodge_month(thames, agent, bo, django_capture_on_commit_callbacks)

    report = attainment_report(client=thames.client, spec=SPEC, now=NOW, by="agent")

    assert {label: first_response(figures) for label, figures in report.groups.items()} == {
        "": (0, 1, 0, Times()),
        "Ana Agent": (1, 1, 2, Times(10 * M, 60 * M, 60 * M)),
        "Bo Agent": (1, 0, 1, Times(20 * M, 20 * M, 20 * M)),
    }
    assert_groups_add_up(report)
    assert list(report_as_dict(report)["agents"]) == ["unassigned", "Ana Agent", "Bo Agent"]


def test_per_pool_the_pool_serving_the_shared_client(
    agreement, agent, bo, django_capture_on_commit_callbacks
):
    lodge_month(agreement, agent, bo, django_capture_on_commit_callbacks)
    client = agreement.client

    def pools():
        report = attainment_report(client=client, spec=SPEC, now=NOW, by="pool")
        assert_groups_add_up(report)
        assert list(report.groups.values()) == [report.targets]  # no projection: month over
        return list(report.groups)

    assert pools() == ["Shared pool"]  # the default pool, made by routing's migration
    PoolClient.objects.create(client=client, pool=Pool.objects.create(name="Americas"))
    assert pools() == ["Americas"]
    Pool.objects.all().delete()
    assert pools() == ["no pool"]


WRONG = [("team", "northwind"), ("seat", "northwind"), ("pool", "thames"), ("", "thames")]


@pytest.mark.parametrize(("by", "slug"), WRONG)
def test_a_grouping_that_does_not_fit_is_refused_with_a_stable_code(
    agreement, thames, django_capture_on_commit_callbacks, by, slug
):
    own = api_for(django_capture_on_commit_callbacks, client_slug=slug)
    answer = own.get("/api/reports/attainment", query={"month": "2026-03", "by": by})
    assert (answer.status, answer.body["code"], answer.body["field"]) == (
        422,
        "invalid_grouping",
        "by",
    )
    with pytest.raises(ApplicationError) as error:
        call_command("report", "attainment", "--client", slug, "--by", by, stdout=io.StringIO())
    assert (error.value.code, error.value.field) == ("invalid_grouping", "by")


def test_the_api_and_the_command_group_a_client_keys_own_client_only(
    agreement, thames, agent, bo, django_capture_on_commit_callbacks
):
    lodge_month(thames, agent, bo, django_capture_on_commit_callbacks)
    own = api_for(django_capture_on_commit_callbacks, client_slug="thames")

    answer = own.get("/api/reports/attainment", query={"month": "2026-03", "by": "seat"})
    assert answer.status == 200
    assert answer.body["groups"][0]["group"] == "Seat 1 (Ana Agent)"
    other = own.get(
        "/api/reports/attainment", query={"client": "northwind", "month": "2026-03", "by": "pool"}
    )
    assert (other.status, other.body["code"]) == (404, "client_not_found")
    csv = own.get(
        "/api/reports/attainment", query={"month": "2026-03", "by": "seat", "format": "csv"}
    )
    assert csv.body.decode().splitlines()[-1].startswith("unassigned,effective_answer,")

    out = io.StringIO()
    argv = ["attainment", "--client", "thames", "--month", "2026-03", "--by", "seat", "--json"]
    call_command("report", *argv, stdout=out)
    data = json.loads(out.getvalue())
    assert (data["by"], len(data["groups"])) == ("seat", 4)
    table = io.StringIO()
    call_command("report", *argv[:-1], stdout=table)
    assert "Per seat:" in table.getvalue()
