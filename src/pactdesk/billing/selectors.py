"""Billing's reads: balances from the ledger, lists scoped by the actor."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth

from pactdesk.accounts.models import User
from pactdesk.billing.models import (
    CreditNote,
    Hire,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    LedgerEntry,
    LineKind,
    Payment,
    PaymentStatus,
    Refund,
    RefundStatus,
)
from pactdesk.billing.services.access import billing_actor_check, billing_staff_check
from pactdesk.billing.services.payments import RECEIVED
from pactdesk.domain.billing_money import from_minor, rounded


def client_balances(*, client_id: int) -> dict[str, Decimal]:
    """What the client owes per currency (negative: in credit), summed from the ledger.

    Shape: ``{"GBP": Decimal("185.80")}``; one query."""
    rows = (
        LedgerEntry.objects.filter(client_id=client_id)
        .values("currency")
        .annotate(units=Sum("amount_minor"))
        .order_by("currency")
    )
    totals: dict[str, int] = defaultdict(int)
    for row in rows:
        totals[row["currency"]] += row["units"] or 0
    return {currency: from_minor(units, currency) for currency, units in totals.items()}


# --- lists a client admin (or the provider) reads -----------------------------------


def invoice_list(*, actor: User) -> QuerySet[Invoice]:
    """Issued, paid and void invoices ``actor`` may see, newest first.

    Raises:
        PermissionDenied: ``not_allowed``."""
    billing_actor_check(actor)
    return (
        Invoice.objects.for_actor(actor)
        .exclude(status=InvoiceStatus.DRAFT)
        .select_related("client", "agreement__plan")
        .order_by("-issue_date", "-id")
    )


def hire_list(*, actor: User) -> QuerySet[Hire]:
    """The hires ``actor`` may see, newest first. Raises PermissionDenied ``not_allowed``."""
    billing_actor_check(actor)
    return (
        Hire.objects.for_actor(actor)
        .select_related("client", "seat__agent", "agreement__plan")
        .order_by("-start_date", "-id")
    )


def payment_list(*, actor: User) -> QuerySet[Payment]:
    billing_actor_check(actor)
    return (
        Payment.objects.for_actor(actor)
        .exclude(status=PaymentStatus.PENDING)
        .select_related("invoice", "client")
        .order_by("-created_at", "-id")
    )


def refund_list(*, actor: User) -> QuerySet[Refund]:
    billing_actor_check(actor)
    return (
        Refund.objects.for_actor(actor)
        .select_related("credit_note__invoice", "payment__invoice", "client")
        .order_by("-created_at", "-id")
    )


# --- the provider's figures ---------------------------------------------------------


@dataclass(frozen=True)
class Receivable:
    invoice: Invoice
    outstanding: Decimal
    days_late: int  # 0 when not yet due


def receivables(*, actor: User, today: date) -> list[Receivable]:
    """Every issued (unpaid) invoice with what is still owed, most overdue first; two
    queries whatever their number.

    Raises:
        PermissionDenied: ``not_allowed`` (provider admins and managers only)."""
    billing_staff_check(actor)
    invoices = list(
        Invoice.objects.filter(status=InvoiceStatus.ISSUED)
        .select_related("client")
        .annotate(
            credited=Coalesce(
                Subquery(
                    CreditNote.objects.filter(invoice=OuterRef("pk"))
                    .values("invoice")
                    .annotate(s=Sum("total"))
                    .values("s")
                ),
                Value(Decimal(0)),
                output_field=DecimalField(max_digits=15, decimal_places=3),
            ),
            paid=Coalesce(
                Subquery(
                    Payment.objects.filter(invoice=OuterRef("pk"), status__in=RECEIVED)
                    .values("invoice")
                    .annotate(s=Sum("amount"))
                    .values("s")
                ),
                Value(Decimal(0)),
                output_field=DecimalField(max_digits=15, decimal_places=3),
            ),
            refunded=Coalesce(
                Subquery(
                    Refund.objects.filter(
                        payment__invoice=OuterRef("pk"), status=RefundStatus.COMPLETED
                    )
                    .values("payment__invoice")
                    .annotate(s=Sum("amount"))
                    .values("s")
                ),
                Value(Decimal(0)),
                output_field=DecimalField(max_digits=15, decimal_places=3),
            ),
        )
        .order_by("due_date", "id")
    )
    rows = [
        Receivable(
            invoice=invoice,
            outstanding=invoice.total
            - invoice.credited  # type: ignore[attr-defined]
            - invoice.paid  # type: ignore[attr-defined]
            + invoice.refunded,  # type: ignore[attr-defined]
            days_late=max((today - invoice.due_date).days, 0) if invoice.due_date else 0,
        )
        for invoice in invoices
    ]
    return [row for row in rows if row.outstanding > 0]


@dataclass(frozen=True)
class RevenueRow:
    month: date
    plan: str
    currency: str
    net: Decimal


def revenue_by_plan_month(*, actor: User, first: date, last: date) -> list[RevenueRow]:
    """Net charges invoiced (credits and void invoices left out) per month of the
    period's start, plan and currency, from ``first`` to ``last`` (months); one query.

    Raises:
        PermissionDenied: ``not_allowed``."""
    billing_staff_check(actor)
    rows = (
        InvoiceLine.objects.filter(
            invoice__status__in=(InvoiceStatus.ISSUED, InvoiceStatus.PAID),
            invoice__period_start__gte=first,
            invoice__period_start__lte=last,
        )
        .exclude(kind=LineKind.SERVICE_CREDIT)
        .annotate(month=TruncMonth("invoice__period_start"))
        .values("month", "invoice__agreement__plan__name", "invoice__currency")
        .annotate(net=Sum("amount"))
        .order_by("month", "invoice__agreement__plan__name", "invoice__currency")
    )
    return [
        RevenueRow(
            month=row["month"],
            plan=row["invoice__agreement__plan__name"],
            currency=row["invoice__currency"],
            net=rounded(row["net"], row["invoice__currency"]),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class MrrPoint:
    month: date
    amount: Decimal


def mrr_series(*, rows: list[RevenueRow], currency: str, months: list[date]) -> list[MrrPoint]:
    """Monthly recurring revenue in ``currency``: the month's recurring charges (every
    plan's), one point per month of ``months`` (0 where nothing was invoiced)."""
    totals: dict[date, Decimal] = defaultdict(Decimal)
    for row in rows:
        if row.currency == currency:
            totals[row.month] += row.net
    return [MrrPoint(month=m, amount=rounded(totals[m], currency)) for m in months]
