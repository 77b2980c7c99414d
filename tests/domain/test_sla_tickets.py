"""SLA rules for next reply, validity, priority, the result object and bad histories."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pactdesk.domain.calendars import BusinessCalendar
from pactdesk.domain.errors import DomainError, SlaError
from pactdesk.domain.sla import Event, Policy, Target, TargetResult, TicketSla, evaluate

ALWAYS = BusinessCalendar.from_spec({"timezone": "UTC", "always_open": True})
M = timedelta(minutes=1)
H = timedelta(hours=1)
FIRST = Target("first_response", 30 * M)
URGENT_FIRST = Target("first_response", 10 * M, priority="urgent")
ANSWER = Target("effective_answer", 4 * H)
HIGH_ANSWER = Target("effective_answer", 2 * H, priority="high")
NEXT = Target("next_reply", H)
POLICY = Policy(targets=(FIRST, URGENT_FIRST, ANSWER, HIGH_ANSWER, NEXT))


def t(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, 2, hour, minute, tzinfo=UTC)


def ev(at: datetime, kind: str, value: str | None = None) -> Event:
    return Event(at, kind, value)


def run(events: list[Event], now: datetime, policy: Policy = POLICY) -> TicketSla:
    return evaluate(events=events, policy=policy, calendar=ALWAYS, now=now)


def fields(result: TargetResult) -> tuple[object, ...]:
    return (
        result.state,
        result.due_at,
        result.met_at,
        result.breached_at,
        result.used,
        result.remaining,
    )


LODGED = ev(t(9), "lodged")
REPLIED = [LODGED, ev(t(9, 20), "staff_reply")]

# -- next reply -----------------------------------------------------------------------


def test_next_reply_does_not_apply_before_a_customer_reply_after_staff() -> None:
    early_customer = [LODGED, ev(t(9, 5), "customer_reply")]

    assert fields(run(REPLIED, t(12))["next_reply"]) == (
        "not_applicable",
        None,
        None,
        None,
        timedelta(0),
        H,
    )
    assert run(early_customer, t(12))["next_reply"].state == "not_applicable"


def test_next_reply_runs_from_the_first_unanswered_customer_reply() -> None:
    events = [*REPLIED, ev(t(10), "customer_reply"), ev(t(10, 30), "customer_reply")]

    assert fields(run(events, t(10, 40))["next_reply"]) == (
        "running",
        t(11),
        None,
        None,
        40 * M,
        20 * M,
    )


def test_next_reply_met_by_the_next_staff_reply() -> None:
    events = [*REPLIED, ev(t(10), "customer_reply"), ev(t(10, 45), "staff_reply")]

    assert fields(run(events, t(12))["next_reply"]) == (
        "met",
        t(11),
        t(10, 45),
        None,
        45 * M,
        15 * M,
    )


def test_next_reply_unanswered_past_due_is_breached() -> None:
    events = [*REPLIED, ev(t(10), "customer_reply")]

    assert fields(run(events, t(11, 30))["next_reply"]) == (
        "breached",
        t(11),
        None,
        t(11),
        90 * M,
        timedelta(0),
    )


def test_an_earlier_breached_cycle_keeps_the_ticket_breached() -> None:
    events = [
        *REPLIED,
        ev(t(10), "customer_reply"),
        ev(t(11, 30), "staff_reply"),
        ev(t(12), "customer_reply"),
        ev(t(12, 10), "staff_reply"),
    ]

    assert fields(run(events, t(14))["next_reply"]) == (
        "breached",
        t(13),
        t(12, 10),
        t(11),
        10 * M,
        50 * M,
    )


# -- validity -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["invalid", "merged"])
def test_invalid_or_merged_ticket_is_not_applicable_everywhere(kind: str) -> None:
    events = [LODGED, ev(t(9, 5), kind, "spam")]

    sla = run(events, t(12))

    assert sla.valid is False
    assert [fields(result) for result in sla] == [
        ("not_applicable", None, None, None, timedelta(0), 30 * M),
        ("not_applicable", None, None, None, timedelta(0), 4 * H),
        ("not_applicable", None, None, None, timedelta(0), H),
    ]


def test_valid_after_invalid_restores_the_clocks() -> None:
    events = [LODGED, ev(t(9, 5), "invalid", "spam"), ev(t(9, 10), "valid")]

    sla = run(events, t(9, 40))

    assert sla.valid is True
    assert fields(sla["first_response"]) == (
        "breached",
        t(9, 30),
        None,
        t(9, 30),
        40 * M,
        timedelta(0),
    )


# -- priority -------------------------------------------------------------------------


def test_priority_change_applies_its_target_measured_from_lodging() -> None:
    events = [LODGED, ev(t(9, 5), "priority", "urgent"), ev(t(9, 8), "staff_reply")]

    sla = run(events, t(9, 30))

    assert sla.priority == "urgent"
    assert sla["first_response"].applied == URGENT_FIRST
    assert fields(sla["first_response"]) == ("met", t(9, 10), t(9, 8), None, 8 * M, 2 * M)
    assert sla["effective_answer"].applied == ANSWER


def test_late_priority_change_can_breach_retroactively() -> None:
    events = [LODGED, ev(t(9, 20), "staff_reply"), ev(t(9, 25), "priority", "urgent")]

    sla = run(events, t(9, 30))

    assert fields(sla["first_response"]) == (
        "breached",
        t(9, 10),
        t(9, 20),
        t(9, 10),
        20 * M,
        timedelta(0),
    )


def test_lodged_may_carry_the_initial_priority_and_the_latest_wins() -> None:
    events = [
        ev(t(9), "lodged", "high"),
        ev(t(9, 30), "priority", "urgent"),
        ev(t(9, 40), "priority", "high"),
    ]

    sla = run(events, t(10))

    assert sla.priority == "high"
    assert sla["first_response"].applied == FIRST
    assert sla["effective_answer"].applied == HIGH_ANSWER
    assert sla["effective_answer"].due_at == t(11)


def test_metric_without_a_target_for_the_priority_is_not_applicable() -> None:
    policy = Policy(targets=(FIRST, Target("next_reply", H, priority="urgent")))

    sla = run([*REPLIED, ev(t(10), "customer_reply")], t(12), policy)

    assert fields(sla["next_reply"]) == (
        "not_applicable",
        None,
        None,
        None,
        timedelta(0),
        timedelta(0),
    )
    assert sla["next_reply"].applied is None


# -- the result object ----------------------------------------------------------------


def test_ticket_sla_is_keyed_by_policy_metric() -> None:
    sla = evaluate(events=REPLIED, policy=Policy.default_shared(), calendar=ALWAYS, now=t(10))

    assert list(sla.targets) == ["first_response", "effective_answer"]
    assert sla.get("first_response") is sla["first_response"]
    assert sla.get("next_reply") is None
    assert "effective_answer" in sla
    assert (sla.status, sla.priority, sla.evaluated_at) == ("open", "normal", t(10))
    with pytest.raises(KeyError):
        sla["next_reply"]


# -- bad histories --------------------------------------------------------------------

NAIVE = datetime(2026, 3, 2, 9, 30)  # noqa: DTZ001 - deliberately naive


@pytest.mark.parametrize(
    ("events", "now", "code", "field"),
    [
        ([], t(10), "bad_events", "events"),
        ([ev(t(8), "note"), LODGED], t(10), "bad_events", "events"),
        ([LODGED, ev(t(9, 5), "lodged")], t(10), "bad_events", "events"),
        ([LODGED, ev(t(9, 5), "phone_call")], t(10), "bad_events", "events[1].kind"),
        ([LODGED, ev(t(9, 5), "status", "pending")], t(10), "bad_events", "events[1].value"),
        ([LODGED, ev(t(9, 5), "status")], t(10), "bad_events", "events[1].value"),
        ([LODGED, ev(t(9, 5), "priority", "critical")], t(10), "bad_events", "events[1].value"),
        ([ev(t(9), "lodged", "asap")], t(10), "bad_events", "events[0].value"),
        ([LODGED, "staff_reply"], t(10), "bad_events", "events[1]"),
        ([LODGED, Event(NAIVE, "staff_reply")], t(10), "naive_datetime", "events[1].at"),
        (REPLIED, NAIVE, "naive_datetime", "now"),
        (REPLIED, t(8), "bad_events", "now"),
    ],
)
def test_bad_history_is_refused(events: list[Event], now: datetime, code: str, field: str) -> None:
    with pytest.raises(DomainError) as caught:
        run(events, now)

    assert isinstance(caught.value, SlaError | DomainError)
    assert (caught.value.code, caught.value.field) == (code, field)
