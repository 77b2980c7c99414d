"""Seat advice for dedicated clients, from their history (issue 14 §4, §5).

`seat_advice_compute` gathers one dedicated agreement's inputs — the history of valid
tickets, the forecast of next week's arrivals per local hour of week, the measured
handle times, the policy's first-response targets and the calendar's hours — and asks
`planning.advise_seats`. `attainment_backtest` sets the model's predicted attainment of
each past week (Erlang C with that week's actual arrivals and the seats) beside the
week's actual attainment from the reports capability, with the error.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Q, QuerySet

from pactdesk.accounts.models import Client, User
from pactdesk.agreements.models import Agreement, PlanKind, SlaTarget
from pactdesk.domain.vocabulary import Metric, Priority
from pactdesk.platform.errors import NotFound, ValidationFailed
from pactdesk.reports.periods import PeriodSpec
from pactdesk.reports.selectors import attainment_report
from pactdesk.staffing.error_codes import StaffingErrorCode
from pactdesk.staffing.forecast import Forecast, forecast
from pactdesk.staffing.history import ClientHistory, client_history
from pactdesk.staffing.planning import (
    Promise,
    SeatQuestion,
    SeatRecommendation,
    Work,
    advise_seats,
    erlang_attainment,
)
from pactdesk.staffing.weekhours import open_spans


@dataclass(frozen=True)
class WeekCheck:
    """One past week: predicted and actual attainment of the default first-response
    target (fractions; actual None when no ticket was decided), and the error
    (predicted - actual, None without an actual)."""

    monday: date
    tickets: int
    predicted: float
    actual: float | None

    @property
    def error(self) -> float | None:
        return None if self.actual is None else self.predicted - self.actual


@dataclass(frozen=True)
class SeatAdviceResult:
    """Everything the pages and the command show for one dedicated client."""

    client: Client
    agreement: Agreement
    computed_at: datetime
    history: ClientHistory
    forecast: Forecast
    recommendation: SeatRecommendation
    backtest: tuple[WeekCheck, ...]
    question: SeatQuestion


def dedicated_agreements(*, on: date) -> QuerySet[Agreement]:
    """The dedicated agreements in force on `on`, of active clients, by client slug."""
    return (
        Agreement.objects.filter(
            plan__kind=PlanKind.DEDICATED, client__is_active=True, start_date__lte=on
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=on))
        .select_related("client", "plan", "calendar", "sla_policy")
        .prefetch_related("sla_policy__targets")
        .order_by("client__slug", "-start_date")
    )


def advice_agreement_get(*, actor: User, slug: str, on: date) -> Agreement:
    """The dedicated agreement in force of client `slug`, as `actor` may see it.

    Errors: NotFound `no_agreement_in_force` (unknown or not visible client, or none in
    force; the same answer for both); ValidationFailed `not_dedicated` (a shared client).
    """
    agreement = (
        Agreement.objects.for_actor(actor)
        .filter(client__slug=slug, client__is_active=True, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=on))
        .select_related("client", "plan", "calendar", "sla_policy")
        .prefetch_related("sla_policy__targets")
        .order_by("-start_date")
        .first()
    )
    if agreement is None:
        raise NotFound(
            f"No client {slug!r} with an agreement in force.",
            code=StaffingErrorCode.NO_AGREEMENT_IN_FORCE,
            field="client",
        )
    if agreement.plan.kind != PlanKind.DEDICATED:
        raise ValidationFailed(
            f"{agreement.client.name} is on a shared plan: seat advice is for dedicated "
            "clients (the shared pool is planned by `staffing roster`).",
            code=StaffingErrorCode.NOT_DEDICATED,
            field="client",
        )
    return agreement


def seat_advice_compute(*, agreement: Agreement, now: datetime) -> SeatAdviceResult:
    """The advice for one dedicated agreement as of `now` (a few seconds at most).

    Raises:
        ValidationFailed: ``no_seats`` (no seat on the agreement), ``no_history`` (no
            valid ticket in the complete weeks before `now`), ``invalid_staffing_goal``
            (a first-response goal of 0 or 100 %), and `planning.advise_seats`'s codes.
    """
    if agreement.seat_count < 1:
        raise ValidationFailed(
            f"{agreement.client.name} has no seat: there is nothing to advise on.",
            code=StaffingErrorCode.NO_SEATS,
            field="client",
        )
    history = client_history(agreement=agreement, now=now)
    if history.tickets == 0:
        raise ValidationFailed(
            f"{agreement.client.name} has no valid ticket in the complete weeks before "
            f"{now.date().isoformat()}: there is no history to advise from.",
            code=StaffingErrorCode.NO_HISTORY,
            field="client",
        )
    predicted = forecast(history.weekly())
    question = seat_question(agreement=agreement, history=history, arrivals=predicted.weeks[0])
    recommendation = advise_seats(question)
    return SeatAdviceResult(
        client=agreement.client,
        agreement=agreement,
        computed_at=now,
        history=history,
        forecast=predicted,
        recommendation=recommendation,
        backtest=attainment_backtest(history=history, question=question, now=now),
        question=question,
    )


def seat_question(
    *, agreement: Agreement, history: ClientHistory, arrivals: object
) -> SeatQuestion:
    """The planning inputs of `agreement` with `arrivals` (168 tickets/hour, local)."""
    touch = history.first_touch[""]
    if touch.mean is None or history.total_handle.mean is None:
        raise ValidationFailed(
            f"No ticket of {agreement.client.name} has a measured first touch (a pick-up "
            "followed by a staff reply) in the history.",
            code=StaffingErrorCode.NO_HISTORY,
            field="client",
        )
    targets = first_response_targets(agreement=agreement)
    normal = targets.get("")
    if normal is None:
        raise ValidationFailed(
            f"{agreement.client.name}'s policy has no default first-response target.",
            code=StaffingErrorCode.INVALID_STAFFING_GOAL,
            field="client",
        )
    return SeatQuestion(
        seats=agreement.seat_count,
        arrivals=tuple(float(x) for x in arrivals),  # type: ignore[attr-defined]
        urgent_share=history.priority_shares()[Priority.URGENT],
        normal=normal,
        urgent=targets.get(Priority.URGENT),
        open=open_spans(agreement=agreement),
        work=Work(
            first_touch=touch.mean, first_touch_cv=touch.cv, total_handle=history.total_handle.mean
        ),
        task_share=client_task_share(agreement=agreement),
    )


def first_response_targets(*, agreement: Agreement) -> dict[str, Promise]:
    """The policy's first-response promises by priority ("" the default); goals as
    fractions (a stored 100 % stays 1.0 and is refused by the planning checks)."""
    targets: list[SlaTarget] = list(agreement.sla_policy.targets.all())
    return {
        t.priority: Promise(within=t.duration, goal=float(t.goal / Decimal(100)))
        for t in targets
        if t.metric == Metric.FIRST_RESPONSE
    }


def client_task_share(*, agreement: Agreement) -> float:
    """Hook: the share of the seats' time the client's own tasks take.

    Client tasks arrive with the routing capability; until they are stored this is 0
    and the seats' time goes to tickets (first touch and follow-ups) only."""
    del agreement
    return 0.0


def attainment_backtest(
    *, history: ClientHistory, question: SeatQuestion, now: datetime
) -> tuple[WeekCheck, ...]:
    """Each history week: the model's attainment with that week's actual arrivals and
    the seats, beside the week's actual attainment (`attainment_report`)."""
    checks = []
    weekly = history.weekly()
    for i, monday in enumerate(history.weeks):
        spec = PeriodSpec(first=monday, last=monday + timedelta(days=6), is_month=False)
        report = attainment_report(client=history.agreement.client, spec=spec, now=now)
        default = next(
            (t for t in report.targets if t.metric == Metric.FIRST_RESPONSE and t.priority is None),
            None,
        )
        decided = 0 if default is None else default.met + default.missed
        actual = None if default is None or not decided else default.met / decided
        week = SeatQuestion(**{**question.__dict__, "arrivals": tuple(weekly[i].tolist())})
        checks.append(
            WeekCheck(
                monday=monday,
                tickets=int(weekly[i].sum()),
                predicted=erlang_attainment(week, question.seats),
                actual=actual,
            )
        )
    return tuple(checks)
