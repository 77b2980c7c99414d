"""Report fixtures: a New York business-hours client with an urgent first-response
target, and the replay the reports must agree with."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from pactdesk.accounts.models import Client, Role
from pactdesk.agreements.models import Agreement, PlanKind
from pactdesk.agreements.selectors import agreement_calendar, sla_policy_value
from pactdesk.agreements.services import (
    TargetSpec,
    agreement_create,
    calendar_create,
    plan_create,
    sla_policy_create,
)
from pactdesk.desk.models import Ticket
from pactdesk.desk.services.sla_state import ticket_events_value
from pactdesk.domain.sla import attainment, evaluate
from pactdesk.reports.figures import Times, nearest_ranks
from pactdesk.reports.periods import Period
from tests.factories import NINE_TO_FIVE, ClientFactory, UserFactory

NEW_YORK = ZoneInfo("America/New_York")
TARGETS = (
    TargetSpec("first_response", timedelta(minutes=30), Decimal("90")),
    TargetSpec("first_response", timedelta(minutes=15), Decimal("80"), priority="urgent"),
    TargetSpec("effective_answer", timedelta(hours=4), Decimal("75")),
)


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=NEW_YORK)


def agreement_for(client: Client) -> Agreement:
    plan = plan_create(
        code=f"plan-{client.slug}",
        name="Shared",
        kind=PlanKind.SHARED,
        price="100.00",
        currency="USD",
    )
    calendar = calendar_create(
        client=client, name="Office", spec={"timezone": "America/New_York", "hours": NINE_TO_FIVE}
    )
    policy = sla_policy_create(
        client=client, name="Standard", targets=TARGETS, pause_while_waiting=True
    )
    return agreement_create(
        client=client,
        plan=plan,
        start_date=date(2026, 1, 1),
        timezone="America/New_York",
        calendar=calendar,
        sla_policy=policy,
    )


@pytest.fixture
def agreement(db) -> Agreement:
    return agreement_for(
        ClientFactory(name="Northwind", slug="northwind", support_email="support@northwind.test")
    )


@pytest.fixture
def agent(db):
    return UserFactory(role=Role.AGENT, name="Ana Agent", email="ana@pactdesk.test")


def replayed(*, agreement: Agreement, period: Period, now: datetime) -> dict:
    """{(metric, priority or ""): figures} from replaying every valid ticket of the
    period through the domain at `now`: what the report must equal."""
    policy = sla_policy_value(policy=agreement.sla_policy)
    calendar = agreement_calendar(agreement=agreement, years=range(2025, 2029))
    tickets = Ticket.objects.filter(
        agreement=agreement,
        lodged_at__gte=period.start,
        lodged_at__lt=period.end,
        lodged_at__lte=now,
        is_valid=True,
        merged_into__isnull=True,
    )
    results: dict = {}
    for ticket in tickets:
        sla = evaluate(
            events=ticket_events_value(ticket=ticket), policy=policy, calendar=calendar, now=now
        )
        for result in sla:
            if result.applied is None:
                continue
            key = (result.metric, result.applied.priority or "")
            results.setdefault(key, []).append((result, ticket.lodged_at))
    expected = {}
    for target in policy.targets:
        key = (target.metric, target.priority or "")
        pairs = results.get(key, [])
        figures = attainment(results=[r for r, _ in pairs], goal=target.goal)
        timed = target.metric in ("first_response", "effective_answer")
        met = [(r.used, r.met_at - lodged) for r, lodged in pairs if r.met_at and timed]
        expected[key] = {
            "met": figures.met,
            "missed": figures.missed,
            "in_flight": figures.in_flight,
            "not_applicable": figures.not_applicable,
            "percent": figures.percent,
            "reached": figures.reached,
            "breach_budget": figures.breach_budget,
            "responded": len(met),
            "open_time": _ranks(sorted(used for used, _ in met)),
            "wall_time": _ranks(sorted(wall for _, wall in met)),
        }
    return expected


def _ranks(values: list) -> Times:
    if not values:
        return Times()
    p50, p90, top = nearest_ranks(len(values))
    return Times(p50=values[p50 - 1], p90=values[p90 - 1], max=values[top - 1])


def reported(targets) -> dict:
    """The report's figures in the shape of `replayed`."""
    return {
        (t.metric, t.priority or ""): {
            "met": t.met,
            "missed": t.missed,
            "in_flight": t.in_flight,
            "not_applicable": t.not_applicable,
            "percent": t.percent,
            "reached": t.reached,
            "breach_budget": t.breach_budget,
            "responded": t.responded,
            "open_time": t.open_time,
            "wall_time": t.wall_time,
        }
        for t in targets
    }
