"""Reads on agreements, scoped by the actor, and the domain values they stand for."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from django.db.models import Q, QuerySet

from pactdesk.accounts.models import Client, User
from pactdesk.agreements.error_codes import AgreementsErrorCode
from pactdesk.agreements.models import Agreement, Calendar, Plan, Seat, SlaPolicy
from pactdesk.agreements.rules import calendar_spec
from pactdesk.domain.calendars import BusinessCalendar
from pactdesk.domain.sla import Policy, Target
from pactdesk.domain.sla.promises import ROUND_THE_CLOCK_WORDS, duration_words, opening_hours_words
from pactdesk.domain.vocabulary import Metric
from pactdesk.platform.errors import NotFound, ValidationFailed
from pactdesk.platform.refcache import memo


def plan_list(*, active_only: bool = True) -> QuerySet[Plan]:
    """The catalogue is public to every signed-in user."""
    plans = Plan.objects.all()
    return plans.filter(is_active=True) if active_only else plans


def agreement_for_lodging(*, client: Client, on: date) -> Agreement:
    """The agreement a new ticket of `client` lodged on `on` goes on: the latest one
    in force that day, with its plan, calendar and SLA policy (targets prefetched).
    Read once per process and day until reference data changes
    (`pactdesk.platform.refcache`): callers must not modify it."""
    agreement = memo(
        ("agreement_for_lodging", client.pk, on), lambda: _agreement_in_force(client, on)
    )
    if agreement is None:
        raise ValidationFailed(
            f"{client.name} has no agreement in force on {on.isoformat()}",
            code=AgreementsErrorCode.NO_AGREEMENT,
        )
    return agreement


def _agreement_in_force(client: Client, on: date) -> Agreement | None:
    return (
        Agreement.objects.filter(client=client, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=on))
        .select_related("plan", "calendar", "sla_policy")
        .prefetch_related("sla_policy__targets")
        .order_by("-start_date", "-id")
        .first()
    )


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
    """The SLA calendar, built once per distinct spec (calendars are immutable values)."""
    spec = agreement_calendar_spec(agreement=agreement, years=years)
    return _calendar_of(json.dumps(spec, sort_keys=True))


@lru_cache(maxsize=256)
def _calendar_of(spec_json: str) -> BusinessCalendar:
    return BusinessCalendar.from_spec(json.loads(spec_json))


def sla_policy_value(*, policy: SlaPolicy) -> Policy:
    """The domain value of a stored policy (targets prefetched or loaded here)."""
    return Policy(
        targets=tuple(
            Target(
                metric=target.metric,
                duration=target.duration,
                goal=target.goal,
                priority=target.priority or None,
            )
            for target in policy.targets.all()
        ),
        pause_while_waiting=policy.pause_while_waiting,
        confirmation_window=policy.confirmation_window,
    )


@dataclass(frozen=True)
class Promise:
    """What an agreement promises a new ticket, in words for the customer.

    `first_response` is the target for the ticket's priority ("" when the policy has
    none); `support_hours` the calendar's opening hours in its own time zone, or
    "around the clock, every day of the year"."""

    first_response: str
    round_the_clock: bool
    support_hours: str


def agreement_promise(*, agreement: Agreement, priority: str) -> Promise:
    """The first-response target for `priority` and the hours it is counted in
    (targets prefetched, as `agreement_for_lodging` gives them: no query)."""
    target = sla_policy_value(policy=agreement.sla_policy).target_for(
        Metric.FIRST_RESPONSE, priority
    )
    round_the_clock = agreement.is_round_the_clock or agreement.calendar.always_open
    first_response = (
        ""
        if target is None
        else duration_words(target.duration, business_hours=not round_the_clock)
    )
    if round_the_clock:
        return Promise(first_response, True, ROUND_THE_CLOCK_WORDS)
    calendar = agreement.calendar
    hours = _opening_hours_words(
        json.dumps(calendar.hours, sort_keys=True),
        calendar.timezone,
        bool(calendar.holiday_country),
        bool(calendar.closed_dates),
    )
    return Promise(first_response, False, hours)


@lru_cache(maxsize=256)
def _opening_hours_words(
    hours_json: str, timezone: str, public_holidays: bool, closing_days: bool
) -> str:
    return opening_hours_words(
        json.loads(hours_json),
        timezone=timezone,
        public_holidays=public_holidays,
        closing_days=closing_days,
    )
