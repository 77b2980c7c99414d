"""Issuing invoices: one per period of a hire, in advance, numbered without gaps.

An invoice's lines are the hire's fee (the seat's, or the shared plan's), the
round-the-clock option as its own line, and any service credit still to carry (a
negative line, at most the invoice's charges). Tax is computed per line at the
agreement's rate and shown apart. Everything is stored when issued and never
recomputed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum

from pactdesk.billing.models import (
    BillingTerms,
    Hire,
    HireEvent,
    HireKind,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    LedgerKind,
    LineKind,
    ServiceCredit,
)
from pactdesk.billing.services.access import local_today, terms_of
from pactdesk.billing.services.ledger import ledger_record
from pactdesk.billing.services.mails import invoice_mail_queue
from pactdesk.billing.services.numbering import INVOICE_SERIES, document_number_next
from pactdesk.domain.billing_money import money, period_bounds, rounded, tax_on


@dataclass(frozen=True)
class LineDraft:
    kind: LineKind
    description: str
    amount: Decimal
    service_credit: ServiceCredit | None = None


def invoice_issue(*, hire: Hire, period_index: int, now: datetime) -> Invoice:
    """The invoice of period ``period_index`` of ``hire``: issued now, or the one issued
    before (issuing twice changes nothing). A new invoice is mailed with its PDF to the
    billing contacts through the outbox, in the same transaction.

    Raises:
        NotFound: ``no_billing_terms``.
    """
    existing = Invoice.objects.filter(hire=hire, period_index=period_index).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return _issue(hire=hire, period_index=period_index, now=now)
    except IntegrityError:  # issued meanwhile by another process: that one stands
        return Invoice.objects.get(hire=hire, period_index=period_index)


def _issue(*, hire: Hire, period_index: int, now: datetime) -> Invoice:
    agreement = hire.agreement
    terms = terms_of(agreement)
    first, end = period_bounds(start=hire.start_date, index=period_index)
    today = local_today(agreement=agreement, now=now)
    invoice = Invoice.objects.create(
        client_id=hire.client_id,
        agreement=agreement,
        hire=hire,
        period_index=period_index,
        period_start=first,
        period_end=end,
        currency=terms.currency,
        tax_rate=terms.tax_rate,
        tax_label=terms.tax_label,
        created_at=now,
    )
    drafts = _charges(hire=hire, terms=terms, first=first, end=end)
    charges = sum((draft.amount for draft in drafts), Decimal(0))
    drafts += _credits(hire=hire, terms=terms, charges=charges)
    lines = InvoiceLine.objects.bulk_create(
        InvoiceLine(
            client_id=hire.client_id,
            invoice=invoice,
            position=position,
            kind=draft.kind,
            description=draft.description,
            amount=draft.amount,
            tax=tax_on(draft.amount, rate=terms.tax_rate, currency=terms.currency),
            service_credit=draft.service_credit,
        )
        for position, draft in enumerate(drafts, start=1)
    )
    invoice.net_total = sum((line.amount for line in lines), Decimal(0))
    invoice.tax_total = sum((line.tax for line in lines), Decimal(0))
    invoice.total = invoice.net_total + invoice.tax_total
    invoice.number = document_number_next(series=INVOICE_SERIES, year=today.year)
    invoice.status = InvoiceStatus.ISSUED
    invoice.issue_date = today
    invoice.due_date = today + timedelta(days=terms.payment_days)
    invoice.save()
    charged = sum(
        (line.amount + line.tax for line in lines if line.kind != LineKind.SERVICE_CREDIT),
        Decimal(0),
    )
    ledger_record(
        client_id=hire.client_id,
        kind=LedgerKind.INVOICE,
        document_id=invoice.pk,
        currency=invoice.currency,
        amount=charged,
        on=today,
        now=now,
    )
    for line in lines:
        if line.kind == LineKind.SERVICE_CREDIT:
            ledger_record(
                client_id=hire.client_id,
                kind=LedgerKind.SERVICE_CREDIT,
                document_id=line.pk,
                currency=invoice.currency,
                amount=line.amount + line.tax,
                on=today,
                now=now,
            )
    if period_index > 0:
        HireEvent.objects.create(
            client_id=hire.client_id,
            hire=hire,
            kind="renewed",
            at=now,
            on=today,
            detail={"period": period_index, "from": first.isoformat(), "invoice": invoice.number},
        )
    invoice_mail_queue(invoice=invoice, now=now)
    return invoice


def _charges(*, hire: Hire, terms: BillingTerms, first: date, end: date) -> list[LineDraft]:
    span = f"{first.isoformat()} to {(end - timedelta(days=1)).isoformat()}"
    currency = terms.currency
    if hire.kind == HireKind.SEAT:
        seat = hire.seat.number if hire.seat is not None else "-"
        drafts = [
            LineDraft(
                LineKind.SEAT,
                f"Dedicated seat {seat}, staff hire {hire.pk}, {span}",
                money(terms.seat_fee, currency),
            )
        ]
    else:
        plan = hire.agreement.plan.name
        drafts = [LineDraft(LineKind.PLAN, f"{plan}, {span}", money(terms.monthly_fee, currency))]
    if terms.round_the_clock_fee > 0:
        drafts.append(
            LineDraft(
                LineKind.ROUND_THE_CLOCK,
                f"Round-the-clock option, {span}",
                money(terms.round_the_clock_fee, currency),
            )
        )
    return drafts


def _credits(*, hire: Hire, terms: BillingTerms, charges: Decimal) -> list[LineDraft]:
    """Service credits of the agreement still to carry, up to the invoice's charges."""
    drafts: list[LineDraft] = []
    room = charges
    credits = (
        ServiceCredit.objects.filter(agreement_id=hire.agreement_id, amount__gt=0)
        .annotate(
            carried=Sum("lines__amount", filter=~Q(lines__invoice__status=InvoiceStatus.VOID))
        )
        .order_by("month", "id")
    )
    for credit in credits:
        remaining = credit.amount + (credit.carried or 0)  # carried lines are negative
        part = rounded(min(remaining, room), terms.currency)
        if part <= 0:
            continue
        room -= part
        drafts.append(
            LineDraft(
                LineKind.SERVICE_CREDIT,
                f"Service credit for {credit.month:%B %Y}: {credit.metric.replace('_', ' ')} "
                f"{credit.attainment:.1f}% against a goal of {credit.goal}%",
                -part,
                credit,
            )
        )
    return drafts
