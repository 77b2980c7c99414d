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
from enum import StrEnum

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
from pactdesk.billing.services.payments import (
    invoice_outstanding,
    invoice_refundable,
    refund_send,
)
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
    """What cancelling ``hire`` on ``on`` (the client's day) would do — or, for a hire
    cancelled before (``already``), what its cancellation did: the same lines, credit
    and refund, ``on`` the day it was cancelled.

    ``in_window``: inside the guarantee (a credit note of ``total``); otherwise the
    hire ends at its period's end and nothing comes back. ``refund``: how much of
    ``total`` goes back as money (what was paid of the first invoice); the rest
    reduces what is still owed. Days: ``last_day`` is the hire's last day hired
    (inclusive), ``ends_on`` the first day no longer hired (exclusive, as
    ``Hire.end_date``); ``window_ends`` the guarantee's last day (inclusive).
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
    # For a hire cancelled before: its guarantee credit note and refund (if any).
    credit_note: CreditNote | None = None
    refund_row: Refund | None = None

    @property
    def last_day(self) -> date:
        """The hire's last day hired (inclusive): the day before ``ends_on``."""
        return self.ends_on - timedelta(days=1)


class GuaranteeState(StrEnum):
    """Where a hire stands with its money-back guarantee, as the hires list words it."""

    NONE = "none"  # no guarantee (a shared plan)
    OPEN = "open"  # cancelling now refunds the unused part (until ``ends``)
    USED = "used"  # cancelled inside the window (on ``cancelled_on``): credited, refunded
    CLOSED = "closed"  # cancelled (on ``cancelled_on``) without using it
    ENDED = "ended"  # its last day (``ends``) has passed


@dataclass(frozen=True)
class GuaranteeWindow:
    """A hire's money-back window as of the client's day ``on`` (no query)."""

    on: date
    ends: date | None  # its last day; None when the hire has no guarantee
    open: bool  # cancelling now would refund the unused part
    days_left: int
    state: GuaranteeState = GuaranteeState.NONE
    cancelled_on: date | None = None


def guarantee_window(*, hire: Hire, now: datetime, used: bool = False) -> GuaranteeWindow:
    """Whether ``hire`` (its agreement loaded) can still be cancelled with a refund.
    ``used``: the hire has a guarantee credit note (the caller knows; no query here).
    A cancelled hire's window is never "ended" on a future day: it was used (cancelled
    inside it, with a credit) or closed by the cancellation."""
    on = local_today(agreement=hire.agreement, now=now)
    if hire.guarantee_days <= 0:
        return GuaranteeWindow(on=on, ends=None, open=False, days_left=0)
    ends = hire.start_date + timedelta(days=hire.guarantee_days - 1)
    cancelled = hire.status != HireStatus.ACTIVE
    is_open = not cancelled and on <= ends
    if used:
        state = GuaranteeState.USED
    elif is_open:
        state = GuaranteeState.OPEN
    elif cancelled and (hire.cancelled_on is None or hire.cancelled_on <= ends) and on <= ends:
        state = GuaranteeState.CLOSED
    else:
        state = GuaranteeState.ENDED
    return GuaranteeWindow(
        on=on,
        ends=ends,
        open=is_open,
        days_left=(ends - on).days + 1 if is_open else 0,
        state=state,
        cancelled_on=hire.cancelled_on,
    )


def guarantee_notes(*, hires: list[Hire]) -> dict[int, CreditNote]:
    """The guarantee credit notes of ``hires`` by hire id, each with its refund loaded
    (``note.refund``, when money went back); one query whatever their number."""
    notes = CreditNote.objects.filter(
        hire__in=[hire.pk for hire in hires], reason="guarantee"
    ).select_related("refund")
    return {note.hire_id: note for note in notes}


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
    """What cancelling ``hire`` now would refund, line by line, before anything is done;
    for a hire cancelled before, what that cancellation did (:func:`cancel_done`)."""
    if hire.status != HireStatus.ACTIVE:
        return cancel_done(hire=hire, now=now)
    on = local_today(agreement=hire.agreement, now=now)
    # A void first invoice was never owed: nothing to credit, the hire ends at period end.
    invoice = (
        Invoice.objects.filter(hire=hire, period_index=0).exclude(status=InvoiceStatus.VOID).first()
    )
    currency = invoice.currency if invoice else hire.agreement.plan.currency
    day = (on - hire.start_date).days + 1 if on >= hire.start_date else 0
    window_ends = hire.start_date + timedelta(days=max(hire.guarantee_days - 1, 0))
    # Before its start any hire (a shared plan's too) is called off whole, as the
    # domain's contract says (the whole fee back); after it, only inside the guarantee.
    before_start = day == 0
    in_window = invoice is not None and (
        before_start or (hire.guarantee_days > 0 and day <= hire.guarantee_days)
    )
    lines: tuple[RefundLine, ...] = ()
    if in_window and invoice is not None:
        lines = tuple(_refund_lines(hire=hire, invoice=invoice, on=on))
        ends_on = max(on + timedelta(days=1), hire.start_date)
    elif before_start:
        ends_on = hire.start_date  # its first invoice was void: nothing to credit
    else:
        index = max(period_index_on(start=hire.start_date, on=on), 0)
        ends_on = period_bounds(start=hire.start_date, index=index)[1]
    zero = Decimal(0)
    total = sum((line.total for line in lines), zero)
    refund = _money_back(invoice=invoice, credit=total) if invoice and lines else zero
    return CancelPreview(
        hire=hire,
        on=on,
        in_window=in_window,
        day=day,
        window_ends=window_ends,
        ends_on=ends_on,
        currency=currency,
        lines=lines,
        total=total,
        refund=refund,
        already=False,
    )


def cancel_done(*, hire: Hire, now: datetime) -> CancelPreview:
    """What the cancellation of ``hire`` (no longer active) did, from its rows: the day
    it was cancelled, the guarantee credit note's lines, total and refund (none after
    the window), its last day. A repeated cancel answers this: what the first did."""
    note = (
        CreditNote.objects.filter(hire=hire, reason="guarantee")
        .select_related("refund")
        .prefetch_related("lines__invoice_line")
        .first()
    )
    on = hire.cancelled_on or local_today(agreement=hire.agreement, now=now)
    zero = Decimal(0)
    lines = tuple(
        RefundLine(
            description=line.invoice_line.description,
            kind=line.invoice_line.kind,
            charged=line.invoice_line.amount + line.invoice_line.tax,
            net=line.amount,
            tax=line.tax,
        )
        for line in (note.lines.all() if note else ())
    )
    refund = getattr(note, "refund", None) if note else None
    return CancelPreview(
        hire=hire,
        on=on,
        in_window=note is not None,
        day=(on - hire.start_date).days + 1 if on >= hire.start_date else 0,
        window_ends=hire.start_date + timedelta(days=max(hire.guarantee_days - 1, 0)),
        ends_on=hire.end_date or on,
        currency=note.currency if note else hire.agreement.plan.currency,
        lines=lines,
        total=note.total if note else zero,
        refund=refund.amount if refund is not None else zero,
        already=True,
        credit_note=note,
        refund_row=refund,
    )


def _money_back(*, invoice: Invoice, credit: Decimal) -> Decimal:
    """What of a ``credit`` against ``invoice`` goes back as money: only what the client
    paid beyond what the invoice still charges after the credit (and no more than is
    left of its payments). Unpaid: nothing (the credit reduces what is owed); paid in
    full: all of it; paid in part: the overpayment, so the invoice ends settled rather
    than refunded and then owed again."""
    overpaid = credit - invoice_outstanding(invoice=invoice)
    return max(min(overpaid, invoice_refundable(invoice=invoice)), Decimal(0))


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
    but retries a refund that failed, and answers what the first did: the same
    credit note, refund and preview (:func:`cancel_done`).

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
            elif preview.ends_on <= hire.start_date:
                hire.status = HireStatus.ENDED  # called off before it began
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
    if credit_note is None:
        credit_note = CreditNote.objects.filter(hire=hire, reason="guarantee").first()
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
            description=f"Refund of {line.description} "
            + (
                "(called off before its start)"
                if preview.day == 0
                else f"(guarantee, day {preview.day})"
            ),
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
