"""The warning sweep: who is warned, once per clock cycle, escalation to managers, the
Saturday rule, e-mail opt-out, and a fixed number of queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from pactdesk.agreements.models import SlaTarget
from pactdesk.alerts.models import Notification, SlaAlert
from pactdesk.alerts.services import (
    Alert,
    Audience,
    SweepResult,
    SweepScope,
    alert_candidates,
    alerts_claim,
    alerts_deliver,
    alerts_due,
    notification_mail_choose,
    sla_alerts_sweep,
    with_cycles,
)
from pactdesk.desk.models import TicketEvent
from pactdesk.desk.services import (
    ticket_assign,
    ticket_customer_reply,
    ticket_reply,
    ticket_status_change,
)
from pactdesk.notify.models import OutboundMail
from tests.alerts.conftest import MONDAY_10AM
from tests.factories import ticket_lodged

pytestmark = pytest.mark.django_db
MIN = timedelta(minutes=1)
AT = MONDAY_10AM + 20 * MIN


def notified(kind: str = "sla_warning") -> list[tuple[str, str]]:
    rows = Notification.objects.filter(kind=kind).order_by("recipient__name", "id")
    return [(row.recipient.name, row.text) for row in rows]


def mailed(kind: str = "sla_warning") -> list[str]:
    return sorted(OutboundMail.objects.filter(kind=kind).values_list("to_address", flat=True))


def alert_events(ticket) -> list[tuple[str, str, datetime]]:
    rows = TicketEvent.objects.filter(ticket=ticket, kind__in=["sla_warning", "sla_escalated"])
    return list(rows.values_list("kind", "value", "at"))


def test_an_unassigned_shared_ticket_warns_the_pool_10_minutes_before(lodge, people) -> None:
    ticket = lodge()  # first response due 10:30 New York (15:30 UTC)
    assert sla_alerts_sweep(now=MONDAY_10AM + 19 * MIN) == SweepResult(0, 0, 0, 0)
    result = sla_alerts_sweep(now=MONDAY_10AM + 20 * MIN)
    assert result == SweepResult(warned=1, escalated=0, notifications=2, mails=2)
    text = (
        f"{ticket.reference} Printer on fire: first response due in 10 min (2026-03-02 15:30 UTC)"
    )
    # Not Sam (seated for another client), not the manager or the admin, not Gone.
    assert notified() == [("Ana", text), ("Bo", text)]
    assert mailed() == ["ana@pactdesk.test", "bo@pactdesk.test"]
    assert alert_events(ticket) == [("sla_warning", "First response", MONDAY_10AM + 20 * MIN)]


def test_a_second_sweep_sends_nothing_again(lodge, people) -> None:
    ticket = lodge()
    sla_alerts_sweep(now=MONDAY_10AM + 20 * MIN)
    assert sla_alerts_sweep(now=MONDAY_10AM + 20 * MIN) == SweepResult(0, 0, 0, 0)
    assert sla_alerts_sweep(now=MONDAY_10AM + 25 * MIN) == SweepResult(0, 0, 0, 0)
    assert Notification.objects.count() == 2
    assert len(alert_events(ticket)) == 1
    assert SlaAlert.objects.count() == 1


def test_a_warned_clock_is_no_longer_read_by_the_sweep(lodge, people) -> None:
    lodge()
    assert len(alert_candidates(scope=SweepScope.load(now=AT))) == 1
    sla_alerts_sweep(now=AT)
    assert len(alert_candidates(scope=SweepScope.load(now=AT + MIN))) == 0


def test_an_assigned_ticket_warns_its_assignee_only(lodge, people) -> None:
    ticket = lodge()
    ticket_assign(actor=people["mo"], ticket=ticket, assignee=people["bo"], now=MONDAY_10AM)
    sla_alerts_sweep(now=MONDAY_10AM + 21 * MIN)
    assert [name for name, _ in notified()] == ["Bo"]
    assert mailed() == ["bo@pactdesk.test"]


def test_a_dedicated_clients_ticket_warns_its_seat_holders(
    dedicated, people, django_capture_on_commit_callbacks
) -> None:
    # London, 9 to 5: Monday 2 March 15:00 UTC is 15:00 there.
    ticket = ticket_lodged(
        client=dedicated.client,
        capture=django_capture_on_commit_callbacks,
        channel="api",
        now=MONDAY_10AM,
    )
    sla_alerts_sweep(now=MONDAY_10AM + 20 * MIN)
    assert [name for name, _ in notified()] == ["Sam"]
    assert ticket.reference in notified()[0][1]


def test_a_breach_escalates_to_the_managers_once(lodge, people) -> None:
    ticket = lodge()
    sla_alerts_sweep(now=MONDAY_10AM + 20 * MIN)
    result = sla_alerts_sweep(now=MONDAY_10AM + 31 * MIN)
    assert result == SweepResult(warned=0, escalated=1, notifications=1, mails=1)
    text = f"{ticket.reference} Printer on fire: first response breached at 2026-03-02 15:30 UTC"
    assert notified("sla_escalated") == [("Mo", text)]
    assert mailed("sla_escalated") == ["mo@pactdesk.test"]
    assert sla_alerts_sweep(now=MONDAY_10AM + 40 * MIN) == SweepResult(0, 0, 0, 0)
    assert [kind for kind, _, _ in alert_events(ticket)] == ["sla_warning", "sla_escalated"]


def test_a_breach_older_than_a_day_pages_nobody(lodge, people) -> None:
    lodge()  # first response due Monday 15:30 UTC, effective answer 19:00 UTC
    assert sla_alerts_sweep(now=datetime(2026, 3, 3, 19, 0, tzinfo=UTC)) == SweepResult(0, 0, 0, 0)


def test_a_met_clock_never_warns(lodge, people) -> None:
    ticket = lodge()
    ticket_reply(actor=people["ana"], ticket=ticket, body="On it", now=MONDAY_10AM + 5 * MIN)
    assert sla_alerts_sweep(now=MONDAY_10AM + 25 * MIN) == SweepResult(0, 0, 0, 0)


def test_a_reopened_tickets_new_cycle_warns_again(lodge, people) -> None:
    ticket = lodge()
    ana = people["ana"]
    ticket_assign(actor=ana, ticket=ticket, assignee=ana, now=MONDAY_10AM)
    ticket_reply(actor=ana, ticket=ticket, body="On it", now=MONDAY_10AM + 5 * MIN)
    # Effective answer due 14:00 New York (19:00 UTC), warned 30 minutes before.
    assert sla_alerts_sweep(now=MONDAY_10AM + 210 * MIN).warned == 1
    ticket_status_change(actor=ana, ticket=ticket, status="solved", now=MONDAY_10AM + 220 * MIN)
    assert sla_alerts_sweep(now=MONDAY_10AM + 225 * MIN).warned == 0  # paused
    ticket.refresh_from_db()
    ticket_customer_reply(
        ticket=ticket,
        customer=ticket.customer,
        body="Still broken",
        now=MONDAY_10AM + 230 * MIN,
        channel="email",
    )
    # Halted 10 minutes: now due 19:10 UTC; the new cycle warns again, once.
    assert sla_alerts_sweep(now=MONDAY_10AM + 231 * MIN).warned == 1
    assert sla_alerts_sweep(now=MONDAY_10AM + 232 * MIN).warned == 0
    assert [(k, v) for k, v, _ in alert_events(ticket)] == [
        ("sla_warning", "Effective answer"),
        ("sla_warning", "Effective answer"),
    ]
    assert list(SlaAlert.objects.order_by("id").values_list("metric", "cycle")) == [
        ("effective_answer", 0),
        ("effective_answer", 1),
    ]


# Friday 6 March 2026 in New York: the calendar closes at 17:00 and opens again on
# Monday 9 March at 09:00 (summer time since Sunday: UTC-4, not UTC-5).
def new_york(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=ZoneInfo("America/New_York"))


def test_a_ticket_lodged_on_friday_night_pages_nobody_on_saturday(lodge, people) -> None:
    ticket = lodge(now=new_york(6, 22))  # first response due Monday 09:30
    for moment in (new_york(7, 0), new_york(7, 12), new_york(8, 23, 59), new_york(9, 8, 59)):
        assert sla_alerts_sweep(now=moment) == SweepResult(0, 0, 0, 0), moment
    assert sla_alerts_sweep(now=new_york(9, 9, 19)).warned == 0  # 11 minutes left
    assert sla_alerts_sweep(now=new_york(9, 9, 20)).warned == 1
    assert alert_events(ticket)[0][2] == new_york(9, 9, 20)


def test_open_time_within_the_lead_warns_only_while_the_calendar_is_open(lodge, people) -> None:
    lodge(now=new_york(6, 16, 35))  # 25 open minutes on Friday, due Monday 09:05
    # From Friday 16:55 ten open minutes are left, but the calendar is closed from
    # 17:00 and the due instant is days away.
    assert sla_alerts_sweep(now=new_york(6, 17, 0)).warned == 0
    assert sla_alerts_sweep(now=new_york(7, 10)).warned == 0
    assert sla_alerts_sweep(now=new_york(9, 8, 54)).warned == 0  # 11 minutes before
    assert sla_alerts_sweep(now=new_york(9, 8, 55)).warned == 1  # the due instant is near


def test_the_friday_afternoon_sweep_warns_before_closing(lodge, people) -> None:
    lodge(now=new_york(6, 16, 35))  # due Monday 09:05
    assert sla_alerts_sweep(now=new_york(6, 16, 54)).warned == 0  # 6 + 5 open minutes left
    assert sla_alerts_sweep(now=new_york(6, 16, 55)).warned == 1  # 5 + 5 open minutes left


def test_a_targets_own_lead_overrides_the_default(lodge, people) -> None:
    SlaTarget.objects.filter(metric="first_response").update(warning_lead=timedelta(minutes=15))
    lodge()
    assert sla_alerts_sweep(now=MONDAY_10AM + 14 * MIN).warned == 0
    assert sla_alerts_sweep(now=MONDAY_10AM + 15 * MIN).warned == 1


def test_who_turned_warning_mail_off_still_sees_the_notification(lodge, people) -> None:
    notification_mail_choose(actor=people["ana"], wanted=["sla_escalated"])
    lodge()
    result = sla_alerts_sweep(now=MONDAY_10AM + 20 * MIN)
    assert result == SweepResult(warned=1, escalated=0, notifications=2, mails=1)
    assert [name for name, _ in notified()] == ["Ana", "Bo"]
    assert mailed() == ["bo@pactdesk.test"]


def test_the_sweep_makes_as_many_queries_for_six_tickets_as_for_one(lodge, people) -> None:
    lodge()
    with CaptureQueriesContext(connection) as one:
        assert sla_alerts_sweep(now=MONDAY_10AM + 20 * MIN).warned == 1
    later = MONDAY_10AM + 60 * MIN
    for minute in range(6):
        lodge(now=later + minute * MIN, subject=f"Printer {minute}")
    with CaptureQueriesContext(connection) as six:
        assert sla_alerts_sweep(now=later + 25 * MIN).warned == 6
    assert len(six.captured_queries) == len(one.captured_queries)
    # Ana and Bo for each of the 7 tickets; Mo for the first one's breach (10:30).
    assert Notification.objects.count() == 15


def test_two_sweeps_that_decided_before_either_claimed_send_once(lodge, people) -> None:
    """The race itself, step by step: both workers read the same due clock; the unique
    alert row lets the first claim win and the second insert nothing."""
    lodge()

    def decide() -> list[Alert]:
        scope = SweepScope.load(now=AT)
        tickets = list(alert_candidates(scope=scope))
        return with_cycles(alerts_due(tickets=tickets, scope=scope))

    first, second = decide(), decide()
    assert len(first) == len(second) == 1
    with transaction.atomic():
        won = alerts_claim(alerts=first, now=AT)
        alerts_deliver(alerts=won, audience=Audience.load(), now=AT)
    with transaction.atomic():
        assert alerts_claim(alerts=second, now=AT) == []
    assert won == first
    assert (SlaAlert.objects.count(), Notification.objects.count()) == (1, 2)
