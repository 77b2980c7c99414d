"""Service credits: at a month's end the attainment report decides, once per month and
SLA target, whether the month earned a credit (a percentage of that month's fee per
point of attainment missed, capped); the next invoices carry it as negative lines."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum

from pactdesk.agreements.models import Agreement
from pactdesk.billing.models import InvoiceLine, LineKind, ServiceCredit
from pactdesk.billing.services.access import terms_of
from pactdesk.domain.billing_money import money, rounded, service_credit_amount
from pactdesk.reports.periods import PeriodSpec
from pactdesk.reports.selectors import attainment_report


def month_fee(*, agreement: Agreement, month: date) -> Decimal:
    """The month's fee: the net charges of the agreement's invoices whose period starts
    in ``month`` (as stored when issued; credits left out)."""
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    total = (
        InvoiceLine.objects.filter(
            invoice__agreement=agreement,
            invoice__period_start__gte=month,
            invoice__period_start__lt=following,
            invoice__status__in=("issued", "paid"),
        )
        .exclude(kind=LineKind.SERVICE_CREDIT)
        .aggregate(s=Sum("amount"))["s"]
    )
    return total or Decimal(0)


def service_credits_decide(
    *, agreement: Agreement, month: date, now: datetime
) -> list[ServiceCredit]:
    """The month's decisions for each target of the agreement's policy (made now, or
    the ones made before: a month is decided once). Nothing when the terms promise no
    credit or the month had no fee.

    Raises:
        NotFound: ``no_billing_terms``.
    """
    month = month.replace(day=1)
    decided = list(ServiceCredit.objects.filter(agreement=agreement, month=month))
    terms = terms_of(agreement)
    if decided or terms.credit_percent_per_point <= 0:
        return decided
    fee = money(
        rounded(month_fee(agreement=agreement, month=month), terms.currency), terms.currency
    )
    if fee <= 0:
        return []
    last = (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    report = attainment_report(
        client=agreement.client, spec=PeriodSpec(first=month, last=last, is_month=True), now=now
    )
    if report.agreement.pk != agreement.pk:
        return []
    rows = []
    for target in report.targets:
        amount = service_credit_amount(
            fee=fee,
            currency=terms.currency,
            goal=target.goal,
            attainment=target.percent,
            percent_per_point=terms.credit_percent_per_point,
            cap_percent=terms.credit_cap_percent,
        )
        rows.append(
            ServiceCredit(
                client_id=agreement.client_id,
                agreement=agreement,
                month=month,
                metric=target.metric,
                priority=target.priority or "",
                goal=target.goal,
                attainment=None if target.percent is None else round(target.percent, 4),
                met=target.met,
                missed=target.missed,
                fee=fee,
                percent=(amount / fee * 100).quantize(Decimal("0.0001")),
                amount=amount,
                currency=terms.currency,
                decided_at=now,
            )
        )
    try:
        with transaction.atomic():
            return ServiceCredit.objects.bulk_create(rows)
    except IntegrityError:  # decided meanwhile by another run: that decision stands
        return list(ServiceCredit.objects.filter(agreement=agreement, month=month))
