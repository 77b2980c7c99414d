"""Writes on plans, calendars, SLA policies, agreements and seats."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction

from pactdesk.accounts.models import Client, Role, User
from pactdesk.agreements.error_codes import AgreementsErrorCode
from pactdesk.agreements.models import (
    Agreement,
    Calendar,
    Metric,
    Plan,
    PlanKind,
    Seat,
    SlaPolicy,
    SlaTarget,
)
from pactdesk.platform.errors import Conflict, ValidationFailed
from pactdesk.platform.validation import validated_save

GUARANTEE_DAYS_DEDICATED = 14


@dataclass(frozen=True)
class TargetSpec:
    metric: str
    duration: timedelta
    goal: Decimal = Decimal("90")
    priority: str = ""


DEFAULT_SHARED_TARGETS = (
    TargetSpec(Metric.FIRST_RESPONSE, timedelta(minutes=30), Decimal("90")),
    TargetSpec(Metric.EFFECTIVE_ANSWER, timedelta(hours=4), Decimal("90")),
)


def plan_create(
    *,
    code: str,
    name: str,
    kind: str,
    price: Decimal,
    currency: str,
    round_the_clock: bool = False,
    guarantee_days: int | None = None,
) -> Plan:
    """A catalogue entry. The guarantee defaults to 14 days for dedicated seat hires."""
    if guarantee_days is None:
        guarantee_days = GUARANTEE_DAYS_DEDICATED if kind == PlanKind.DEDICATED else 0
    plan = Plan(
        code=code,
        name=name,
        kind=kind,
        price=price,
        currency=currency,
        round_the_clock=round_the_clock,
        guarantee_days=guarantee_days,
    )
    validated_save(plan)
    return plan


def calendar_create(
    *,
    client: Client,
    name: str,
    spec: dict[str, Any],
    holiday_country: str = "",
    holiday_subdivision: str = "",
) -> Calendar:
    """A calendar from the domain spec ({"timezone", "hours", "closed"} or always_open)."""
    known = {"timezone", "hours", "closed", "always_open"}
    unknown = sorted(set(spec) - known)
    if unknown:
        raise ValidationFailed(
            f"spec: unknown keys {', '.join(unknown)}",
            code=AgreementsErrorCode.UNKNOWN_FIELD,
            field=unknown[0],
        )
    calendar = Calendar(
        client=client,
        name=name,
        timezone=spec.get("timezone", ""),
        always_open=bool(spec.get("always_open", False)),
        hours=spec.get("hours", {}),
        closed_dates=spec.get("closed", []),
        holiday_country=holiday_country.upper(),
        holiday_subdivision=holiday_subdivision,
    )
    validated_save(calendar)
    return calendar


def sla_policy_create(
    *,
    client: Client,
    name: str,
    targets: tuple[TargetSpec, ...] | list[TargetSpec],
    pause_while_waiting: bool = False,
    confirmation_window: timedelta = timedelta(hours=72),
) -> SlaPolicy:
    """A policy and its targets, saved together or not at all."""
    if not targets:
        raise ValidationFailed("targets: a policy needs at least one target", field="targets")
    with transaction.atomic():
        policy = SlaPolicy(
            client=client,
            name=name,
            pause_while_waiting=pause_while_waiting,
            confirmation_window=confirmation_window,
        )
        validated_save(policy)
        for index, spec in enumerate(targets):
            target = SlaTarget(
                client=client,
                policy=policy,
                metric=spec.metric,
                duration=spec.duration,
                goal=spec.goal,
                priority=spec.priority,
            )
            try:
                validated_save(target)
            except ValidationFailed as error:
                error.field = f"targets[{index}].{error.field}" if error.field else "targets"
                raise
    return policy


def sla_policy_create_default_shared(*, client: Client) -> SlaPolicy:
    """The shared plan's promise: first response 30 min and effective answer 4 h, at 90%."""
    return sla_policy_create(
        client=client, name="Shared plan standard", targets=DEFAULT_SHARED_TARGETS
    )


def agreement_create(
    *,
    client: Client,
    plan: Plan,
    start_date: date,
    timezone: str,
    calendar: Calendar,
    sla_policy: SlaPolicy,
    round_the_clock: bool = False,
    seat_count: int = 0,
) -> Agreement:
    """A client's agreement; a dedicated one gets its seats, numbered from 1."""
    if calendar.client_id != client.pk:
        raise ValidationFailed("calendar: belongs to another client", field="calendar")
    if sla_policy.client_id != client.pk:
        raise ValidationFailed("sla_policy: belongs to another client", field="sla_policy")
    if plan.kind == PlanKind.DEDICATED and seat_count < 1:
        raise ValidationFailed(
            "seat_count: a dedicated plan needs at least one seat", field="seat_count"
        )
    if plan.kind == PlanKind.SHARED and seat_count != 0:
        raise ValidationFailed("seat_count: a shared plan has no seats", field="seat_count")
    with transaction.atomic():
        agreement = Agreement(
            client=client,
            plan=plan,
            start_date=start_date,
            timezone=timezone,
            calendar=calendar,
            sla_policy=sla_policy,
            round_the_clock=round_the_clock,
            seat_count=seat_count,
        )
        validated_save(agreement)
        Seat.objects.bulk_create(
            Seat(client=client, agreement=agreement, number=n) for n in range(1, seat_count + 1)
        )
    return agreement


def seat_assign(*, seat: Seat, agent: User) -> Seat:
    """Give a seat to an agent. An agent holds seats of one client at most at a time."""
    if agent.role not in (Role.AGENT, Role.MANAGER) or not agent.is_active:
        raise ValidationFailed(
            f"agent: {agent.email} is not an active agent",
            code=AgreementsErrorCode.NOT_AN_AGENT,
            field="agent",
        )
    with transaction.atomic():
        # Lock the agent's row so two assignments to different clients cannot interleave.
        User.objects.select_for_update().filter(pk=agent.pk).first()
        other = (
            Seat.objects.filter(agent=agent)
            .exclude(client_id=seat.client_id)
            .select_related("client")
            .first()
        )
        if other is not None:
            raise Conflict(
                f"agent: {agent.email} already holds seat {other.number} of {other.client}; "
                "release it before seating them for another client",
                code=AgreementsErrorCode.AGENT_SEATED_ELSEWHERE,
                field="agent",
            )
        seat.agent = agent
        seat.save(update_fields=["agent"])
    return seat


def seat_release(*, seat: Seat) -> Seat:
    seat.agent = None
    seat.save(update_fields=["agent"])
    return seat
