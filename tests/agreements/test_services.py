from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from pactdesk.accounts.models import Role
from pactdesk.agreements.models import Agreement, Calendar, Plan, Seat, SlaPolicy, SlaTarget
from pactdesk.agreements.selectors import agreement_calendar, agreement_calendar_spec
from pactdesk.agreements.services import (
    TargetSpec,
    agreement_create,
    calendar_create,
    plan_create,
    seat_assign,
    seat_release,
    sla_policy_create,
    sla_policy_create_default_shared,
)
from pactdesk.platform.errors import Conflict, ValidationFailed
from tests.factories import (
    NINE_TO_FIVE,
    ClientFactory,
    UserFactory,
    dedicated_agreement,
    shared_agreement,
)

pytestmark = pytest.mark.django_db


def test_guarantee_is_14_days_for_dedicated_and_0_for_shared_plans() -> None:
    dedicated = plan_create(
        code="d", name="D", kind="dedicated", price=Decimal("10"), currency="USD"
    )
    shared = plan_create(code="s", name="S", kind="shared", price=Decimal("10"), currency="USD")
    assert (dedicated.guarantee_days, shared.guarantee_days) == (14, 0)
    assert (dedicated.price_basis, shared.price_basis) == ("per seat per month", "per month")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "pooled"}, "kind"),
        ({"currency": "XXX"}, "currency"),
        ({"price": Decimal("-1")}, "price"),
    ],
)
def test_bad_plans_name_the_field_and_save_nothing(changes, field) -> None:
    values = {"code": "p", "name": "P", "kind": "shared", "price": Decimal("1"), "currency": "USD"}
    with pytest.raises(ValidationFailed) as caught:
        plan_create(**{**values, **changes})
    assert caught.value.field == field
    assert Plan.objects.count() == 0


def spec(**hours: list[list[str]]) -> dict:
    return {"timezone": "America/New_York", "hours": {**NINE_TO_FIVE, **hours}}


@pytest.mark.parametrize(
    ("calendar_spec", "country", "field", "words"),
    [
        (spec(mon=[["09:00", "13:00"], ["12:00", "17:00"]]), "", "hours", "overlap"),
        (spec(tue=[["17:00", "09:00"]]), "", "hours", "mon"),
        (spec(wed=[["9am", "5pm"]]), "", "hours", "wed"),
        ({**spec(), "timezone": "Mars/Olympus"}, "", "timezone", "Mars/Olympus"),
        ({"timezone": "UTC", "hours": {}}, "", "hours", "open"),
        (spec(), "ZZ", "holiday_country", "ZZ"),
        ({**spec(), "closed": ["2026-02-30"]}, "", "closed_dates", "2026-02-30"),
    ],
    ids=["overlap", "reversed", "malformed", "timezone", "never-open", "country", "date"],
)
def test_bad_calendars_name_the_field_and_save_nothing(calendar_spec, country, field, words):
    with pytest.raises(ValidationFailed) as caught:
        calendar_create(
            client=ClientFactory(), name="C", spec=calendar_spec, holiday_country=country
        )
    assert caught.value.field == field
    assert Calendar.objects.count() == 0


def test_reversed_span_message_names_the_day_and_span() -> None:
    with pytest.raises(ValidationFailed) as caught:
        calendar_create(client=ClientFactory(), name="C", spec=spec(tue=[["17:00", "09:00"]]))
    assert "tue" in caught.value.message
    assert caught.value.code == "reversed_span"


def test_a_span_may_end_at_midnight_and_a_day_may_have_several() -> None:
    calendar = calendar_create(
        client=ClientFactory(),
        name="Split",
        spec=spec(mon=[["08:00", "12:00"], ["13:00", "24:00"]]),
    )
    assert calendar.hours["mon"] == [["08:00", "12:00"], ["13:00", "24:00"]]


def test_unknown_subdivision_is_refused() -> None:
    with pytest.raises(ValidationFailed) as caught:
        calendar_create(
            client=ClientFactory(),
            name="C",
            spec=spec(),
            holiday_country="US",
            holiday_subdivision="QQ",
        )
    assert caught.value.field == "holiday_subdivision"


def test_holidays_are_resolved_into_closed_dates() -> None:
    agreement = shared_agreement(ClientFactory())
    closed = agreement_calendar_spec(agreement=agreement, years=[2026])["closed"]
    assert "2026-07-03" in closed  # Independence Day observed (4 July is a Saturday)
    assert "2026-12-25" in closed
    calendar = agreement_calendar(agreement=agreement, years=[2026])
    assert calendar.is_open(datetime(2026, 12, 24, 15, tzinfo=UTC)) is True
    assert calendar.is_open(datetime(2026, 12, 25, 15, tzinfo=UTC)) is False


def test_round_the_clock_makes_the_sla_calendar_always_open() -> None:
    agreement = shared_agreement(ClientFactory(), round_the_clock=True)
    assert agreement_calendar_spec(agreement=agreement, years=[2026]) == {
        "timezone": "America/New_York",
        "always_open": True,
    }
    sunday_night = datetime(2026, 12, 27, 3, 0, tzinfo=UTC)
    calendar = agreement_calendar(agreement=agreement, years=[2026])
    assert calendar.add(sunday_night, timedelta(minutes=30)) == sunday_night + timedelta(minutes=30)


def test_default_shared_policy_is_30_minutes_and_4_hours_at_90_percent() -> None:
    policy = sla_policy_create_default_shared(client=ClientFactory())
    targets = {(t.metric, t.duration, t.goal, t.priority) for t in policy.targets.all()}
    assert targets == {
        ("first_response", timedelta(minutes=30), Decimal("90.00"), ""),
        ("effective_answer", timedelta(hours=4), Decimal("90.00"), ""),
    }
    assert policy.confirmation_window == timedelta(hours=72)
    assert policy.pause_while_waiting is False


@pytest.mark.parametrize(
    ("target", "field"),
    [
        (TargetSpec("first_response", timedelta(minutes=-5)), "targets[1].duration"),
        (TargetSpec("first_response", timedelta(0)), "targets[1].duration"),
        (TargetSpec("first_response", timedelta(hours=1), Decimal("100.5")), "targets[1].goal"),
        (TargetSpec("first_response", timedelta(hours=1), Decimal("-1")), "targets[1].goal"),
        (TargetSpec("resolution", timedelta(hours=1)), "targets[1].metric"),
        (TargetSpec("first_response", timedelta(hours=1), priority="p1"), "targets[1].priority"),
    ],
)
def test_bad_targets_name_the_field_and_save_no_policy(target, field) -> None:
    good = TargetSpec("effective_answer", timedelta(hours=4))
    with pytest.raises(ValidationFailed) as caught:
        sla_policy_create(client=ClientFactory(), name="P", targets=[good, target])
    assert caught.value.field == field
    assert (SlaPolicy.objects.count(), SlaTarget.objects.count()) == (0, 0)


def test_goal_at_the_bounds_is_accepted() -> None:
    policy = sla_policy_create(
        client=ClientFactory(),
        name="P",
        targets=[
            TargetSpec("first_response", timedelta(hours=1), Decimal("0")),
            TargetSpec("effective_answer", timedelta(hours=1), Decimal("100")),
        ],
    )
    assert sorted(t.goal for t in policy.targets.all()) == [Decimal("0"), Decimal("100")]


def test_a_dedicated_agreement_gets_its_numbered_seats() -> None:
    agreement = dedicated_agreement(ClientFactory(), seats=3)
    assert list(agreement.seats.values_list("number", "agent")) == [(1, None), (2, None), (3, None)]
    assert {seat.client_id for seat in agreement.seats.all()} == {agreement.client_id}


def test_shared_with_seats_and_dedicated_without_are_refused() -> None:
    client = ClientFactory()
    base = shared_agreement(client)
    dedicated = plan_create(
        code="d", name="D", kind="dedicated", price=Decimal("1"), currency="USD"
    )
    common = {
        "client": client,
        "start_date": date(2026, 1, 1),
        "timezone": "UTC",
        "calendar": base.calendar,
        "sla_policy": base.sla_policy,
    }
    with pytest.raises(ValidationFailed) as caught:
        agreement_create(plan=base.plan, seat_count=1, **common)
    assert caught.value.field == "seat_count"
    with pytest.raises(ValidationFailed) as caught:
        agreement_create(plan=dedicated, seat_count=0, **common)
    assert caught.value.field == "seat_count"
    assert Agreement.objects.count() == 1


def test_another_clients_calendar_cannot_be_used() -> None:
    ours, theirs = shared_agreement(ClientFactory()), shared_agreement(ClientFactory())
    with pytest.raises(ValidationFailed) as caught:
        agreement_create(
            client=ours.client,
            plan=ours.plan,
            start_date=date(2026, 1, 1),
            timezone="UTC",
            calendar=theirs.calendar,
            sla_policy=ours.sla_policy,
        )
    assert caught.value.field == "calendar"


def test_bad_agreement_time_zone_names_the_field() -> None:
    ours = shared_agreement(ClientFactory())
    with pytest.raises(ValidationFailed) as caught:
        agreement_create(
            client=ours.client,
            plan=ours.plan,
            start_date=date(2026, 1, 1),
            timezone="Nowhere/City",
            calendar=ours.calendar,
            sla_policy=ours.sla_policy,
        )
    assert caught.value.field == "timezone"
    assert Agreement.objects.count() == 1


def test_an_agent_holds_seats_of_one_client_at_most() -> None:
    first, second = dedicated_agreement(ClientFactory()), dedicated_agreement(ClientFactory())
    agent = UserFactory(role=Role.AGENT)
    seat_a1, seat_a2 = first.seats.all()
    seat_assign(seat=seat_a1, agent=agent)
    seat_assign(seat=seat_a2, agent=agent)  # a second seat of the same client is fine
    seat_b1 = second.seats.first()
    with pytest.raises(Conflict) as caught:
        seat_assign(seat=seat_b1, agent=agent)
    assert caught.value.code == "agent_seated_elsewhere"
    assert caught.value.field == "agent"
    assert str(first.client) in caught.value.message
    assert Seat.objects.get(pk=seat_b1.pk).agent_id is None
    seat_release(seat=seat_a1)
    seat_release(seat=seat_a2)
    seat_assign(seat=seat_b1, agent=agent)
    assert Seat.objects.get(pk=seat_b1.pk).agent_id == agent.pk


def test_only_active_agents_take_seats() -> None:
    seat = dedicated_agreement(ClientFactory()).seats.first()
    client_admin = UserFactory(role=Role.CLIENT_ADMIN, client=seat.client)
    with pytest.raises(ValidationFailed) as caught:
        seat_assign(seat=seat, agent=client_admin)
    assert caught.value.code == "not_an_agent"
    assert Seat.objects.get(pk=seat.pk).agent_id is None


def test_seat_clean_refuses_a_second_client_for_the_admin_form() -> None:
    from django.core.exceptions import ValidationError

    first, second = dedicated_agreement(ClientFactory()), dedicated_agreement(ClientFactory())
    agent = UserFactory(role=Role.AGENT)
    seat_assign(seat=first.seats.first(), agent=agent)
    seat = second.seats.first()
    seat.agent = agent
    with pytest.raises(ValidationError) as caught:
        seat.full_clean()
    assert "agent" in caught.value.error_dict
