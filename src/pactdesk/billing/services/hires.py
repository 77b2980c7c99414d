"""Starting hires and ending them at their period's end; each change is a HireEvent."""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, transaction

from pactdesk.accounts.models import User
from pactdesk.agreements.models import Agreement, PlanKind, Seat
from pactdesk.billing.error_codes import BillingErrorCode
from pactdesk.billing.models import Hire, HireEvent, HireKind, HireStatus, Invoice
from pactdesk.billing.services.access import actor_row, billing_staff_check, local_today, terms_of
from pactdesk.billing.services.dates import hire_start_check
from pactdesk.billing.services.invoices import invoice_issue
from pactdesk.domain.billing import currency_minor_unit
from pactdesk.platform.errors import Conflict, ValidationFailed


def hire_start(
    *,
    actor: User,
    agreement: Agreement,
    seat: Seat | None,
    start_date: date | None = None,
    now: datetime,
) -> Hire:
    """Start a month-to-month hire: a seat of a dedicated agreement (its guarantee is the
    plan's ``guarantee_days``) or a shared plan (no seat). Its first invoice is issued
    at once, in advance. ``start_date`` defaults to the client's today.

    Raises:
        PermissionDenied: ``not_allowed`` (provider admins and managers start hires).
        NotFound: ``no_billing_terms``.
        ValidationFailed: ``seat_not_in_agreement`` (a seat of another agreement, a
            dedicated hire without a seat, a shared one with a seat).
        ValidationFailed: ``date_too_early``, ``date_too_late`` (``start_date`` outside
            the agreement, more than a month back or a year ahead: ``services.dates``).
        Conflict: ``seat_already_hired`` (the seat has a hire not yet ended),
            ``plan_already_hired`` (a shared plan with a hire not yet ended: one
            open hire per shared agreement, so a double submit never bills twice).
    """
    billing_staff_check(actor)
    terms = terms_of(agreement)
    currency_minor_unit(terms.currency)
    dedicated = agreement.plan.kind == PlanKind.DEDICATED
    if (seat is None) == dedicated or (seat is not None and seat.agreement_id != agreement.pk):
        raise ValidationFailed(
            "A dedicated agreement hires one of its own seats; a shared one hires no seat.",
            code=BillingErrorCode.SEAT_NOT_IN_AGREEMENT,
            field="seat",
        )
    today = local_today(agreement=agreement, now=now)
    start = hire_start_check(
        value=start_date or today,
        today=today,
        agreement_start=agreement.start_date,
        agreement_end=agreement.end_date,
    )
    try:
        with transaction.atomic():
            hire = Hire.objects.create(
                client_id=agreement.client_id,
                agreement=agreement,
                seat=seat,
                kind=HireKind.SEAT if dedicated else HireKind.PLAN,
                start_date=start,
                guarantee_days=agreement.plan.guarantee_days if dedicated else 0,
                created_at=now,
            )
            HireEvent.objects.create(
                client_id=hire.client_id,
                hire=hire,
                kind="started",
                at=now,
                on=today,
                actor=actor_row(actor),
                detail={"start": start.isoformat(), "guarantee_days": hire.guarantee_days},
            )
            invoice_issue(hire=hire, period_index=0, now=now)
    except IntegrityError:
        if seat is None:
            raise Conflict(
                "The plan already has a hire that has not ended: it is hired once at a time"
                " (cancel or end that hire first).",
                code=BillingErrorCode.PLAN_ALREADY_HIRED,
                field="seat",
            ) from None
        raise Conflict(
            f"Seat {seat.number} already has a hire that has not ended.",
            code=BillingErrorCode.SEAT_ALREADY_HIRED,
            field="seat",
        ) from None
    return hire


def hires_end_due(*, now: datetime) -> list[Hire]:
    """End the hires cancelled for their period's end once that day has come (the
    client's local day). Safe to run twice."""
    ended = []
    for hire in Hire.objects.filter(status=HireStatus.CANCELLING).select_related("agreement"):
        today = local_today(agreement=hire.agreement, now=now)
        if hire.end_date is None or hire.end_date > today:
            continue
        with transaction.atomic():
            locked = Hire.objects.select_for_update().get(pk=hire.pk)
            if locked.status != HireStatus.CANCELLING:
                continue
            locked.status = HireStatus.ENDED
            locked.save(update_fields=["status"])
            HireEvent.objects.create(
                client_id=locked.client_id,
                hire=locked,
                kind="ended",
                at=now,
                on=today,
                detail={"end": locked.end_date.isoformat() if locked.end_date else None},
            )
        ended.append(locked)
    return ended


def hire_first_invoice(*, hire: Hire) -> Invoice | None:
    return Invoice.objects.filter(hire=hire, period_index=0).first()
