"""Reads on agreements, scoped by the actor, and the domain values they stand for."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from pactdesk.accounts.models import User
from pactdesk.agreements.models import Agreement, Calendar, Plan, Seat, SlaPolicy
from pactdesk.agreements.rules import calendar_spec
from pactdesk.domain.calendars import BusinessCalendar
from pactdesk.platform.errors import NotFound


def plan_list(*, active_only: bool = True) -> QuerySet[Plan]:
    """The catalogue is public to every signed-in user."""
    plans = Plan.objects.all()
    return plans.filter(is_active=True) if active_only else plans


def agreement_list(*, actor: User) -> QuerySet[Agreement]:
    return Agreement.objects.for_actor(actor).select_related(
        "client", "plan", "calendar", "sla_policy"
    )


def agreement_get(*, actor: User, agreement_id: int) -> Agreement:
    agreement = agreement_list(actor=actor).filter(pk=agreement_id).first()
    if agreement is None:
        raise NotFound(f"Agreement {agreement_id} was not found.")
    return agreement


def calendar_list(*, actor: User) -> QuerySet[Calendar]:
    return Calendar.objects.for_actor(actor)


def calendar_get(*, actor: User, calendar_id: int) -> Calendar:
    calendar = calendar_list(actor=actor).filter(pk=calendar_id).first()
    if calendar is None:
        raise NotFound(f"Calendar {calendar_id} was not found.")
    return calendar


def sla_policy_list(*, actor: User) -> QuerySet[SlaPolicy]:
    return SlaPolicy.objects.for_actor(actor).prefetch_related("targets")


def sla_policy_get(*, actor: User, policy_id: int) -> SlaPolicy:
    policy = sla_policy_list(actor=actor).filter(pk=policy_id).first()
    if policy is None:
        raise NotFound(f"SLA policy {policy_id} was not found.")
    return policy


def seat_list(*, actor: User) -> QuerySet[Seat]:
    return Seat.objects.for_actor(actor).select_related("agreement", "agent", "client")


def calendar_spec_of(*, calendar: Calendar, years: Iterable[int]) -> dict[str, Any]:
    return calendar_spec(
        timezone=calendar.timezone,
        always_open=calendar.always_open,
        hours=calendar.hours,
        closed_dates=calendar.closed_dates,
        holiday_country=calendar.holiday_country,
        holiday_subdivision=calendar.holiday_subdivision,
        years=years,
    )


def agreement_calendar_spec(*, agreement: Agreement, years: Iterable[int]) -> dict[str, Any]:
    """The calendar the agreement's SLA clocks run on: always open with round-the-clock."""
    if agreement.is_round_the_clock:
        return {"timezone": agreement.timezone, "always_open": True}
    return calendar_spec_of(calendar=agreement.calendar, years=years)


def agreement_calendar(*, agreement: Agreement, years: Iterable[int]) -> BusinessCalendar:
    return BusinessCalendar.from_spec(agreement_calendar_spec(agreement=agreement, years=years))
