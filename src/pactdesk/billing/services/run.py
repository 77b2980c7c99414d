"""The billing run (every hour, and `pactdesk billing run`): decide last month's service
credits, end hires whose period ran out, issue the invoices due, remind about unpaid
ones 3, 7 and 14 days after due, and retry refunds the provider failed. Running it
twice does nothing twice: every step is keyed by a unique row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max

from pactdesk.agreements.models import Agreement
from pactdesk.billing.gateway import PaymentGateway
from pactdesk.billing.models import (
    Hire,
    HireStatus,
    Invoice,
    InvoiceReminder,
    InvoiceStatus,
    Refund,
    RefundStatus,
)
from pactdesk.billing.services.access import local_today
from pactdesk.billing.services.credits import service_credits_decide
from pactdesk.billing.services.hires import hires_end_due
from pactdesk.billing.services.invoices import invoice_issue
from pactdesk.billing.services.mails import invoice_reminder_queue
from pactdesk.billing.services.payments import refund_send
from pactdesk.domain.billing_money import period_bounds, period_index_on

REMINDER_DAYS = (3, 7, 14)


@dataclass(frozen=True)
class RunSummary:
    """What one run did: invoices issued, hires ended, credits decided (with an amount),
    reminders queued (one per invoice and step), refunds retried."""

    issued: list[str]
    ended: int
    credits: int
    reminders: int
    refunds: int


def billing_run(*, now: datetime, gateway: PaymentGateway | None) -> RunSummary:
    """One pass of every billing duty as of ``now``."""
    credits = _credits(now)
    ended = len(hires_end_due(now=now))
    issued = _issue_due(now)
    reminders = _remind(now)
    refunds = 0
    for refund in Refund.objects.filter(status__in=(RefundStatus.REQUESTED, RefundStatus.FAILED)):
        refunds += refund_send(refund=refund, gateway=gateway, now=now).status == "completed"
    return RunSummary(
        issued=issued, ended=ended, credits=credits, reminders=reminders, refunds=refunds
    )


def _credits(now: datetime) -> int:
    count = 0
    agreements = Agreement.objects.filter(
        billing_terms__credit_percent_per_point__gt=0
    ).select_related("client")
    for agreement in agreements:
        month = local_today(agreement=agreement, now=now).replace(day=1)
        previous = (month - timedelta(days=1)).replace(day=1)
        if agreement.start_date >= month:
            continue
        decided = service_credits_decide(agreement=agreement, month=previous, now=now)
        count += sum(1 for credit in decided if credit.amount > 0 and credit.decided_at == now)
    return count


def _issue_due(now: datetime) -> list[str]:
    issued = []
    hires = (
        Hire.objects.exclude(status=HireStatus.ENDED)
        .filter(agreement__billing_terms__isnull=False)
        .select_related("agreement__plan", "seat")
        .annotate(last_index=Max("invoices__period_index"))
    )
    for hire in hires:
        today = local_today(agreement=hire.agreement, now=now)
        current = period_index_on(start=hire.start_date, on=today)
        first = 0 if hire.last_index is None else hire.last_index + 1
        for index in range(first, current + 1):
            start, _ = period_bounds(start=hire.start_date, index=index)
            if hire.end_date is not None and start >= hire.end_date:
                break
            # No period is billed that starts once the agreement is over (its
            # ``end_date`` is the first day it is not in force, as everywhere).
            if hire.agreement.end_date is not None and start >= hire.agreement.end_date:
                break
            invoice = invoice_issue(hire=hire, period_index=index, now=now)
            if invoice.created_at == now:
                issued.append(invoice.number or "")
    return issued


def _remind(now: datetime) -> int:
    count = 0
    invoices = (
        Invoice.objects.filter(status=InvoiceStatus.ISSUED, due_date__isnull=False)
        .select_related("agreement__billing_terms", "client")
        .order_by("due_date", "id")
    )
    for invoice in invoices:
        today = local_today(agreement=invoice.agreement, now=now)
        late = (today - invoice.due_date).days  # type: ignore[operator]
        due_steps = [days for days in REMINDER_DAYS if days <= late]
        if not due_steps:
            continue
        days = due_steps[-1]  # one reminder a run: the latest step reached
        try:
            with transaction.atomic():
                InvoiceReminder.objects.create(
                    client_id=invoice.client_id, invoice=invoice, days=days, sent_at=now
                )
                invoice_reminder_queue(invoice=invoice, days=days, now=now)
        except IntegrityError:
            continue
        count += 1
    return count
