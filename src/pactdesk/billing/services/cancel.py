"""Cancelling a hire, and the 14-day money-back guarantee.

Inside the guarantee window (the first period's day 1 ... ``guarantee_days``, or before
the start) the client sees what comes back per line of the first invoice — the seat and
the option, net and tax each refunded with ``domain.billing.guarantee_refund`` — and
confirming issues a credit note against that invoice, ends the hire and refunds what
was paid (through the gateway for a captured payment, by hand for a bank transfer).
After the window a cancellation ends the hire at its current period's end, with no
renewal and nothing refunded. Cancelling again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction

from pactdesk.accounts.models import User
from pactdesk.billing.error_codes import BillingErrorCode
from pactdesk.billing.gateway import PaymentGateway
from pactdesk.billing.models import (
    CreditNote,
    CreditNoteLine,
    Hire,
    HireEvent,
    HireStatus,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    LedgerKind,
    LineKind,
    Refund,
    RefundStatus,
)
from pactdesk.billing.services.access import actor_row, billing_actor_check, local_today
from pactdesk.billing.services.ledger import ledger_record
from pactdesk.billing.services.numbering import CREDIT_NOTE_SERIES, document_number_next
from pactdesk.billing.services.payments import invoice_refundable, refund_send
from pactdesk.domain.billing import guarantee_refund
from pactdesk.domain.billing_money import period_bounds, period_index_on
from pactdesk.platform.errors import Conflict, NotFound


@dataclass(frozen=True)
class RefundLine:
    """What one line of the first invoice gives back: net and tax, and both together."""

    description: str
    kind: str
    charged: Decimal  # the line's amount with its tax
    net: Decimal
    tax: Decimal

    @property
    def total(self) -> Decimal:
        return self.net + self.tax


@dataclass(frozen=True)
class CancelPreview:
    """What cancelling ``hire`` on ``on`` (the client's day) would do.

    ``in_window``: inside the guarantee (a credit note of ``total``, the hire ends on
    ``ends_on``); otherwise the hire ends at its period's end (``ends_on``) and
    nothing comes back. ``refund``: how much of ``total`` goes back as money (what
    was paid of the first invoice); the rest reduces what is still owed.
    """

    hire: Hire
    on: date
    in_window: bool
    day: int  # the day of the first period it is (1 = the start day; 0 before it)
    window_ends: date  # the last day of the guarantee window
    ends_on: date  # the first day no longer hired
    currency: str
    lines: tuple[RefundLine, ...]
    total: Decimal
    refund: Decimal
    already: bool  # cancelled or ended before: nothing would change


@dataclass(frozen=True)
class GuaranteeWindow:
    """A hire's money-back window as of the client's day ``on`` (no query)."""

    on: date
    ends: date | None  # its last day; None when the hire has no guarantee
    open: bool  # cancelling now would refund the unused part
    days_left: int


def guarantee_window(*, hire: Hire, now: datetime) -> GuaranteeWindow:
    """Whether ``hire`` (its agreement loaded) can still be cancelled with a refund."""
    on = local_today(agreement=hire.agreement, now=now)
    if hire.guarantee_days <= 0:
        return GuaranteeWindow(on=on, ends=None, open=False, days_left=0)
    ends = hire.start_date + timedelta(days=hire.guarantee_days - 1)
    is_open = hire.status == HireStatus.ACTIVE and on <= ends
    return GuaranteeWindow(
        on=on, ends=ends, open=is_open, days_left=(ends - on).days + 1 if is_open else 0
    )


def hire_get(*, actor: User, hire_id: int) -> Hire:
    """The hire ``actor`` may see.

    Raises:
        PermissionDenied: ``not_allowed`` (agents, client members).
        NotFound: ``hire_not_found`` (another client's hire answers the same).
    """
    billing_actor_check(actor)
    hire = (
        Hire.objects.for_actor(actor)
        .select_related("agreement__plan", "seat", "client")
        .filter(pk=hire_id)
        .first()
    )
    if hire is None:
        raise NotFound(f"No hire {hire_id}.", code=BillingErrorCode.HIRE_NOT_FOUND, field="hire")
    return hire


def hire_cancel_preview(*, hire: Hire, now: datetime) -> CancelPreview:
    """What cancelling ``hire`` now would refund, line by line, before anything is done."""
    on = local_today(agreement=hire.agreement, now=now)
    # A void first invoice was never owed: nothing to credit, the hire ends at period end.
    invoice = (
        Invoice.objects.filter(hire=hire, period_index=0).exclude(status=InvoiceStatus.VOID).first()
    )
    currency = invoice.currency if invoice else hire.agreement.plan.currency
    day = (on - hire.start_date).days + 1 if on >= hire.start_date else 0
    window_ends = hire.start_date + timedelta(days=max(hire.guarantee_days - 1, 0))
    in_window = hire.guarantee_days > 0 and day <= hire.guarantee_days and invoice is not None
    already = hire.status != HireStatus.ACTIVE
    lines: tuple[RefundLine, ...] = ()
    if in_window and invoice is not None:
        lines = tuple(_refund_lines(hire=hire, invoice=invoice, on=on))
        ends_on = max(on + timedelta(days=1), hire.start_date)
    else:
        index = max(period_index_on(start=hire.start_date, on=on), 0)
        ends_on = period_bounds(start=hire.start_date, index=index)[1]
    if already and hire.end_date is not None:
        ends_on = hire.end_date
    zero = Decimal(0)
    total = sum((line.total for line in lines), zero)
    refund = min(total, invoice_refundable(invoice=invoice)) if invoice and lines else zero
    return CancelPreview(
        hire=hire,
        on=on,
        in_window=in_window and not already,
        day=day,
        window_ends=window_ends,
        ends_on=ends_on,
        currency=currency,
        lines=lines if not already else (),
        total=total if not already else zero,
        refund=refund if not already else zero,
        already=already,
    )


def _refund_lines(*, hire: Hire, invoice: Invoice, on: date) -> list[RefundLine]:
    lines = InvoiceLine.objects.filter(invoice=invoice).exclude(kind=LineKind.SERVICE_CREDIT)
    return [
        RefundLine(
            description=line.description,
            kind=line.kind,
            charged=line.amount + line.tax,
            net=_back(line.amount, invoice=invoice, hire=hire, on=on),
            tax=_back(line.tax, invoice=invoice, hire=hire, on=on),
        )
        for line in lines
    ]


def _back(fee: Decimal, *, invoice: Invoice, hire: Hire, on: date) -> Decimal:
    return guarantee_refund(
        fee=fee,
        currency=invoice.currency,
        start=hire.start_date,
        cancelled_on=on,
        guarantee_days=hire.guarantee_days,
    )


@dataclass(frozen=True)
class CancelOutcome:
    preview: CancelPreview
    hire: Hire
    credit_note: CreditNote | None
    refund: Refund | None
    changed: bool


def hire_cancel(
    *, actor: User, hire_id: int, now: datetime, gateway: PaymentGateway | None
) -> CancelOutcome:
    """Cancel a hire as :func:`hire_cancel_preview` showed. Inside the window: a credit
    note against the first invoice, the hire ended, and a refund of what was paid (sent
    to ``gateway`` after the commit with request id ``refund-hire-<id>``; a provider
    failure leaves the refund ``failed`` for the billing run to retry). After it: the
    hire ends at its period's end. A second call changes nothing (``changed`` False)
    but retries a refund that failed.

    Raises:
        PermissionDenied: ``not_allowed``; NotFound: ``hire_not_found``.
    """
    hire = hire_get(actor=actor, hire_id=hire_id)
    with transaction.atomic():
        hire = Hire.objects.select_for_update().select_related("agreement__plan").get(pk=hire.pk)
        preview = hire_cancel_preview(hire=hire, now=now)
        credit_note, refund = None, None
        if not preview.already:
            if preview.in_window:
                credit_note, refund = _credit(hire=hire, preview=preview, now=now)
                hire.status = HireStatus.ENDED
            else:
                hire.status = HireStatus.CANCELLING
            hire.cancelled_on = preview.on
            hire.end_date = preview.ends_on
            hire.save(update_fields=["status", "cancelled_on", "end_date"])
            HireEvent.objects.create(
                client_id=hire.client_id,
                hire=hire,
                kind="cancelled",
                at=now,
                on=preview.on,
                actor=actor_row(actor),
                detail={
                    "in_window": preview.in_window,
                    "ends_on": preview.ends_on.isoformat(),
                    "credit_note": credit_note.number if credit_note else None,
                    "credited": str(preview.total),
                    "refund": str(preview.refund),
                },
            )
    if refund is None:
        refund = Refund.objects.filter(request_id=f"refund-hire-{hire.pk}").first()
    if refund is not None and refund.status in (RefundStatus.REQUESTED, RefundStatus.FAILED):
        refund = refund_send(refund=refund, gateway=gateway, now=now)
    return CancelOutcome(
        preview=preview,
        hire=hire,
        credit_note=credit_note,
        refund=refund,
        changed=not preview.already,
    )


def _credit(
    *, hire: Hire, preview: CancelPreview, now: datetime
) -> tuple[CreditNote, Refund | None]:
    invoice = Invoice.objects.select_for_update().get(hire=hire, period_index=0)
    if CreditNote.objects.filter(hire=hire, reason="guarantee").exists():
        raise Conflict("This hire was refunded already.", code=BillingErrorCode.NOT_ALLOWED)
    note = CreditNote.objects.create(
        client_id=hire.client_id,
        invoice=invoice,
        hire=hire,
        reason="guarantee",
        number=document_number_next(series=CREDIT_NOTE_SERIES, year=preview.on.year),
        issue_date=preview.on,
        currency=invoice.currency,
        net_total=sum((line.net for line in preview.lines), Decimal(0)),
        tax_total=sum((line.tax for line in preview.lines), Decimal(0)),
        total=preview.total,
        created_at=now,
    )
    originals = {
        line.description: line
        for line in InvoiceLine.objects.filter(invoice=invoice).exclude(
            kind=LineKind.SERVICE_CREDIT
        )
    }
    CreditNoteLine.objects.bulk_create(
        CreditNoteLine(
            client_id=hire.client_id,
            credit_note=note,
            invoice_line=originals[line.description],
            description=f"Refund of {line.description} (guarantee, day {preview.day})",
            amount=line.net,
            tax=line.tax,
        )
        for line in preview.lines
    )
    ledger_record(
        client_id=hire.client_id,
        kind=LedgerKind.CREDIT_NOTE,
        document_id=note.pk,
        currency=note.currency,
        amount=-note.total,
        on=preview.on,
        now=now,
    )
    refund = None
    if preview.refund > 0:
        payment = invoice.payments.filter(status="completed").order_by("-capture_id", "id").first()
        refund = Refund.objects.create(
            client_id=hire.client_id,
            payment=payment,
            credit_note=note,
            amount=preview.refund,
            currency=note.currency,
            status=RefundStatus.REQUESTED
            if payment is not None and payment.capture_id
            else RefundStatus.BY_HAND,
            request_id=f"refund-hire-{hire.pk}",
            created_at=now,
        )
    return note, refund
