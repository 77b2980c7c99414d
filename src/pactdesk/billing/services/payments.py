"""Payments (by hand, or a PayPal order captured) and refunds, applied idempotently.

The payment provider's notifications (``PAYMENT.CAPTURE.COMPLETED``, ``.DENIED``,
``.REVERSED``, ``.REFUNDED``) call :func:`payment_capture_apply` and
:func:`payment_refund_apply`; both may be called any number of times with the same
values and change nothing after the first. A capture or refund we do not know is
logged and ignored.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum

from pactdesk.accounts.models import User
from pactdesk.billing.error_codes import BillingErrorCode
from pactdesk.billing.gateway import GatewayOrder, PaymentError, PaymentGateway, PaymentRefused
from pactdesk.billing.models import (
    Invoice,
    InvoiceStatus,
    LedgerKind,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Refund,
    RefundStatus,
)
from pactdesk.billing.services.access import (
    actor_row,
    amount_parse,
    billing_actor_check,
    billing_staff_check,
    currency_check,
    local_today,
)
from pactdesk.billing.services.dates import day_parse, received_on_check
from pactdesk.billing.services.ledger import ledger_record
from pactdesk.domain.billing_money import rounded
from pactdesk.platform.clock import clock_now
from pactdesk.platform.errors import Conflict, NotFound, ValidationFailed

logger = logging.getLogger(__name__)
ZERO = Decimal(0)
RECEIVED = (PaymentStatus.COMPLETED, PaymentStatus.REVERSED)
PROVIDER_ID_MAX = 64  # Payment.order_id, .capture_id, Refund.refund_id
OPEN_REFUNDS = (RefundStatus.REQUESTED, RefundStatus.PENDING, RefundStatus.FAILED)


def invoice_get(*, actor: User, invoice_id: int) -> Invoice:
    """The invoice ``actor`` may see (drafts are nobody's to see).

    Raises:
        PermissionDenied: ``not_allowed``; NotFound: ``invoice_not_found``.
    """
    billing_actor_check(actor)
    invoice = (
        Invoice.objects.for_actor(actor)
        .exclude(status=InvoiceStatus.DRAFT)
        .select_related("agreement__plan", "client", "hire__seat")
        .filter(pk=invoice_id)
        .first()
    )
    if invoice is None:
        raise NotFound(
            f"No invoice {invoice_id}.", code=BillingErrorCode.INVOICE_NOT_FOUND, field="invoice"
        )
    return invoice


def invoice_outstanding(*, invoice: Invoice) -> Decimal:
    """total - credit notes - payments received + refunds completed (a reversed payment
    counts as received, and its reversal as a refund). A void invoice owes nothing: 0
    (it is voided only while nothing was paid or credited on it, and its ledger
    reversal takes its whole total back)."""
    if invoice.status == InvoiceStatus.VOID:
        return ZERO
    credited = invoice.credit_notes.aggregate(s=Sum("total"))["s"] or ZERO
    paid = invoice.payments.filter(status__in=RECEIVED).aggregate(s=Sum("amount"))
    refunded = Refund.objects.filter(
        Q(payment__invoice=invoice) | Q(credit_note__invoice=invoice),
        status=RefundStatus.COMPLETED,
    ).aggregate(s=Sum("amount"))
    return invoice.total - credited - (paid["s"] or ZERO) + (refunded["s"] or ZERO)


def invoice_refundable(*, invoice: Invoice) -> Decimal:
    """What was paid of the invoice and not yet refunded (nor asked to be)."""
    paid = invoice.payments.filter(status__in=RECEIVED).aggregate(s=Sum("amount"))
    refunds = Refund.objects.filter(payment__invoice=invoice).exclude(
        status__in=(RefundStatus.FAILED,)
    )
    return (paid["s"] or ZERO) - (refunds.aggregate(s=Sum("amount"))["s"] or ZERO)


def _settle(*, invoice: Invoice, on: date) -> None:
    """Paid when nothing is outstanding; payable again when a payment went back."""
    outstanding = invoice_outstanding(invoice=invoice)
    if invoice.status == InvoiceStatus.ISSUED and outstanding <= 0:
        invoice.status, invoice.paid_on = InvoiceStatus.PAID, on
        invoice.save(update_fields=["status", "paid_on"])
    elif invoice.status == InvoiceStatus.PAID and outstanding > 0:
        invoice.status, invoice.paid_on = InvoiceStatus.ISSUED, None
        invoice.save(update_fields=["status", "paid_on"])


def _payable(invoice: Invoice) -> Decimal:
    outstanding = invoice_outstanding(invoice=invoice)
    if invoice.status != InvoiceStatus.ISSUED or outstanding <= 0:
        raise Conflict(
            f"Invoice {invoice.number} is {invoice.status}: nothing is to pay.",
            code=BillingErrorCode.INVOICE_NOT_PAYABLE,
            field="invoice",
        )
    return outstanding


@dataclass(frozen=True)
class BankTransfer:
    """A payment received by bank transfer, as typed: ``amount`` as on the statement,
    ``received_on`` a day (``YYYY-MM-DD`` text or a date), ``idempotency_key`` the
    form's one-time token (``form:<token>``) or the API's header (``api:<key>``)."""

    invoice_id: int
    amount: Decimal | str
    currency: str
    received_on: date | str
    idempotency_key: str | None = None


@dataclass(frozen=True)
class TransferRecorded:
    payment: Payment
    made_now: bool  # False: a retry answered with the payment recorded first


def bank_transfer_record(*, actor: User, transfer: BankTransfer, now: datetime) -> TransferRecorded:
    """Record a payment received by bank transfer, once per idempotency key: a retry (a
    double submit, a repeated API call) with the same key and values answers the payment
    recorded first, even once the invoice is paid; nothing is written twice.

    ``received_on`` must lie from the invoice's issue day to the client's today (the
    agreement's time zone).

    Raises:
        PermissionDenied: ``not_allowed`` (provider admins and managers only).
        NotFound: ``invoice_not_found``.
        ValidationFailed: ``currency_mismatch``, ``too_many_decimals``, ``invalid_amount``,
            ``invalid_date``, ``date_in_future``, ``date_too_early``.
        Conflict: ``invoice_not_payable``, ``amount_exceeds_balance``,
            ``idempotency_key_reused`` (the key was used for other values).
    """
    billing_staff_check(actor)
    invoice = invoice_get(actor=actor, invoice_id=transfer.invoice_id)
    currency_check(given=transfer.currency, expected=invoice.currency)
    value = amount_parse(transfer.amount, currency=invoice.currency)
    received_on = received_on_check(
        value=day_parse(transfer.received_on, field="received_on"),
        today=local_today(agreement=invoice.agreement, now=now),
        issued=invoice.issue_date,
    )
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        earlier = _transfer_of_retry(
            invoice=invoice, key=transfer.idempotency_key, amount=value, received_on=received_on
        )
        if earlier is not None:
            return TransferRecorded(payment=earlier, made_now=False)
        outstanding = _payable(invoice)
        if value > outstanding:
            raise Conflict(
                f"{value} is more than the {rounded(outstanding, invoice.currency)}"
                f" {invoice.currency} still owed.",
                code=BillingErrorCode.AMOUNT_EXCEEDS_BALANCE,
                field="amount",
            )
        payment = Payment.objects.create(
            client_id=invoice.client_id,
            invoice=invoice,
            method=PaymentMethod.BANK_TRANSFER,
            status=PaymentStatus.COMPLETED,
            amount=value,
            currency=invoice.currency,
            received_on=received_on,
            recorded_by=actor_row(actor),
            idempotency_key=transfer.idempotency_key,
            created_at=now,
        )
        ledger_record(
            client_id=invoice.client_id,
            kind=LedgerKind.PAYMENT,
            document_id=payment.pk,
            currency=invoice.currency,
            amount=-value,
            on=received_on,
            now=now,
        )
        _settle(invoice=invoice, on=received_on)
    return TransferRecorded(payment=payment, made_now=True)


def _transfer_of_retry(
    *, invoice: Invoice, key: str | None, amount: Decimal, received_on: date
) -> Payment | None:
    """The payment an earlier request with ``key`` recorded (None: no key, or unused).

    Raises:
        Conflict: ``idempotency_key_reused`` (another invoice, amount or day).
    """
    if key is None:
        return None
    payment = Payment.objects.filter(client_id=invoice.client_id, idempotency_key=key).first()
    if payment is None:
        return None
    if (payment.invoice_id, payment.amount, payment.received_on) != (
        invoice.pk,
        amount,
        received_on,
    ):
        raise Conflict(
            "This idempotency key already recorded another payment"
            f" ({payment.amount} {payment.currency} on {payment.received_on}).",
            code=BillingErrorCode.IDEMPOTENCY_KEY_REUSED,
            field="idempotency_key",
        )
    return payment


def payment_record_manual(
    *,
    actor: User,
    invoice_id: int,
    amount: Decimal | str,
    currency: str,
    received_on: date,
    now: datetime,
) -> Payment:
    """Record a payment received by bank transfer (no retry key): the payment of
    :func:`bank_transfer_record`, which says what is refused."""
    transfer = BankTransfer(
        invoice_id=invoice_id, amount=amount, currency=currency, received_on=received_on
    )
    return bank_transfer_record(actor=actor, transfer=transfer, now=now).payment


def invoice_pay_start(
    *,
    actor: User,
    invoice_id: int,
    gateway: PaymentGateway | None,
    return_url: str,
    cancel_url: str,
    now: datetime,
) -> GatewayOrder:
    """Open a PayPal order for what the invoice still owes and keep it as a pending
    payment. Request id ``invoice-<id>-order-<attempt>``: asking again (a double click,
    a retry after PayPal's 5xx) answers the same order; a new attempt (after a denied
    capture, or when the amount owed changed) is a new order.

    Raises:
        PermissionDenied, NotFound as :func:`invoice_get`; Conflict
        ``invoice_not_payable`` (paid, void, or a capture pending at PayPal);
        ValidationFailed ``payment_not_configured``; the gateway's ``PaymentError``
        (``provider_unavailable`` ...), with nothing stored: the invoice stays payable.
    """
    invoice = invoice_get(actor=actor, invoice_id=invoice_id)
    gateway = _require(gateway)
    outstanding = _payable(invoice)
    orders = list(invoice.payments.filter(method=PaymentMethod.PAYPAL).order_by("id"))
    if any(p.status == PaymentStatus.PENDING and p.capture_id for p in orders):
        raise Conflict(
            f"A payment of invoice {invoice.number} is pending at PayPal.",
            code=BillingErrorCode.INVOICE_NOT_PAYABLE,
            field="invoice",
        )
    last = orders[-1] if orders else None
    reuse = last is not None and last.status == PaymentStatus.PENDING and last.amount == outstanding
    attempt = len(orders) if reuse else len(orders) + 1
    order = gateway.order_create(
        reference=invoice.number or str(invoice.pk),
        amount=outstanding,
        currency=invoice.currency,
        request_id=f"invoice-{invoice.pk}-order-{attempt}",
        return_url=return_url,
        cancel_url=cancel_url,
    )
    Payment.objects.get_or_create(
        order_id=order.order_id,
        defaults={
            "client_id": invoice.client_id,
            "invoice": invoice,
            "method": PaymentMethod.PAYPAL,
            "amount": outstanding,
            "currency": invoice.currency,
            "created_at": now,
        },
    )
    return order


def invoice_pay_return(
    *, actor: User, invoice_id: int, order_id: str, gateway: PaymentGateway | None, now: datetime
) -> Payment:
    """Capture the order the client approved (request id ``invoice-<id>-capture-<order>``)
    and apply the capture: ``COMPLETED`` pays the invoice, ``PENDING`` waits for the
    webhook. Once captured (or settled) the order is not captured again: a reload of
    the return page answers the payment as it is.

    Raises:
        NotFound ``invoice_not_found`` (also for an order of another invoice);
        ValidationFailed ``currency_mismatch`` (the capture is not in the invoice's
        currency: nothing written); the gateway's ``PaymentError`` (the invoice stays
        payable; the same request id is used again next time).
    """
    invoice = invoice_get(actor=actor, invoice_id=invoice_id)
    gateway = _require(gateway)
    payment = Payment.objects.filter(invoice=invoice, order_id=order_id).first()
    if payment is None:
        raise NotFound(
            f"No order {order_id!r} for this invoice.",
            code=BillingErrorCode.INVOICE_NOT_FOUND,
            field="order",
        )
    if payment.status != PaymentStatus.PENDING or payment.capture_id:
        return payment
    capture = gateway.order_capture(
        order_id=order_id, request_id=f"invoice-{invoice.pk}-capture-{order_id}"
    )
    applied = payment_capture_apply(
        capture_id=capture.capture_id,
        status=capture.status,
        amount=capture.amount,
        currency=capture.currency,
        order_id=order_id,
        now=now,
    )
    return applied or payment


def payment_capture_apply(
    *,
    capture_id: str,
    status: str,
    amount: Decimal,
    currency: str,
    order_id: str | None = None,
    now: datetime | None = None,
) -> Payment | None:
    """Apply a capture's state (``COMPLETED``, ``PENDING``, ``DENIED``, ``DECLINED``,
    ``REVERSED``; ``REFUNDED`` is :func:`payment_refund_apply`'s) to its payment, found
    by capture id, else by order id. Idempotent; None for an unknown capture (logged).

    Raises:
        ValidationFailed: ``currency_mismatch`` (nothing applied).
    """
    now = now or clock_now()
    if not _ids_fit(capture_id, order_id or ""):
        logger.warning("capture id %.80r is longer than any of ours: ignored", capture_id)
        return None
    with transaction.atomic():
        payment = _payment_of(capture_id=capture_id, order_id=order_id)
        if payment is None:
            logger.warning("capture %s (order %s) is not ours: ignored", capture_id, order_id)
            return None
        currency_check(given=currency, expected=payment.currency)
        if payment.capture_id is None:
            payment.capture_id = capture_id
            payment.save(update_fields=["capture_id"])
        invoice = Invoice.objects.select_for_update().get(pk=payment.invoice_id)
        on = local_today(agreement=invoice.agreement, now=now)
        state = status.upper()
        if state == "COMPLETED" and payment.status == PaymentStatus.PENDING:
            payment.status, payment.amount, payment.received_on = (
                PaymentStatus.COMPLETED,
                amount_parse(amount, currency=payment.currency),
                on,
            )
            payment.save(update_fields=["status", "amount", "received_on"])
            ledger_record(
                client_id=payment.client_id,
                kind=LedgerKind.PAYMENT,
                document_id=payment.pk,
                currency=payment.currency,
                amount=-payment.amount,
                on=on,
                now=now,
            )
        elif state in ("DENIED", "DECLINED", "FAILED") and payment.status == PaymentStatus.PENDING:
            payment.status = PaymentStatus.DENIED
            payment.save(update_fields=["status"])
        elif state == "REVERSED" and payment.status == PaymentStatus.COMPLETED:
            _reverse(
                payment=payment,
                reversal_id=None,
                amount=amount_parse(amount, currency=payment.currency),
                now=now,
            )
        _settle(invoice=invoice, on=on)
    return payment


def payment_reversal_apply(
    *,
    capture_id: str,
    reversal_id: str | None,
    amount: Decimal,
    currency: str,
    now: datetime | None = None,
) -> Refund | None:
    """Apply a reversal (a chargeback) of ``amount`` of a captured payment, as
    ``PAYMENT.CAPTURE.REVERSED`` reports it: a completed refund row of that amount
    (request id ``reversal-<reversal id>``, its ledger entry) — a part of the payment,
    or all of it; the payment is ``reversed`` once nothing of it is left, and the
    invoice payable again for what came back. The same reversal again changes nothing;
    None for a capture that is not ours (logged).

    Raises:
        ValidationFailed: ``currency_mismatch``, ``too_many_decimals``,
            ``invalid_amount``, ``refund_exceeds_capture`` (more than is left of the
            payment): nothing written.
    """
    now = now or clock_now()
    if not _ids_fit(capture_id, reversal_id or ""):
        logger.warning("reversal id %.80r is longer than any of ours: ignored", reversal_id)
        return None
    with transaction.atomic():
        payment = Payment.objects.select_for_update().filter(capture_id=capture_id).first()
        if payment is None:
            logger.warning("reversal of capture %s is not ours: ignored", capture_id)
            return None
        currency_check(given=currency, expected=payment.currency)
        value = amount_parse(amount, currency=payment.currency)
        if payment.status not in RECEIVED:
            logger.warning("reversal of capture %s, not completed: ignored", capture_id)
            return None
        invoice = Invoice.objects.select_for_update().get(pk=payment.invoice_id)
        refund = _reverse(payment=payment, reversal_id=reversal_id, amount=value, now=now)
        _settle(invoice=invoice, on=local_today(agreement=invoice.agreement, now=now))
    return refund


def _reverse(
    *, payment: Payment, reversal_id: str | None, amount: Decimal, now: datetime
) -> Refund:
    """The reversal's refund (once per reversal id; the capture's id when the provider
    names none) and the payment ``reversed`` when nothing of it is left."""
    request_id = f"reversal-{reversal_id or payment.capture_id}"
    done = Refund.objects.filter(request_id=request_id).first()
    if done is not None:
        return done
    _check_refundable(payment=payment, amount=amount)
    refund = _refund_completed(
        payment=payment, refund_id=reversal_id, request_id=request_id, amount=amount, now=now
    )
    if _left(payment) <= 0 and payment.status == PaymentStatus.COMPLETED:
        payment.status = PaymentStatus.REVERSED
        payment.save(update_fields=["status"])
    return refund


def _left(payment: Payment) -> Decimal:
    """What of the payment has not been refunded, reversed or asked back."""
    taken = payment.refunds.exclude(status=RefundStatus.FAILED).aggregate(s=Sum("amount"))
    return payment.amount - (taken["s"] or ZERO)


def _ids_fit(*ids: str) -> bool:
    """The provider's ids fit our columns (PayPal's are 17 characters)."""
    return all(len(value) <= PROVIDER_ID_MAX for value in ids)


def _payment_of(*, capture_id: str, order_id: str | None) -> Payment | None:
    payment = Payment.objects.select_for_update().filter(capture_id=capture_id).first()
    if payment is None and order_id:
        payment = Payment.objects.select_for_update().filter(order_id=order_id).first()
    return payment


def payment_refund_apply(
    *,
    refund_id: str,
    capture_id: str,
    status: str,
    amount: Decimal,
    currency: str,
    now: datetime | None = None,
) -> Refund | None:
    """Apply a refund's state reported by the provider. Ours (by refund id, or the open
    guarantee refund of that capture) is completed; one made at the provider directly
    is recorded. Idempotent; None for an unknown capture (logged).

    Raises:
        ValidationFailed: ``currency_mismatch``, ``refund_exceeds_capture``.
    """
    now = now or clock_now()
    if not _ids_fit(capture_id, refund_id):
        logger.warning("refund id %.80r is longer than any of ours: ignored", refund_id)
        return None
    with transaction.atomic():
        payment = Payment.objects.select_for_update().filter(capture_id=capture_id).first()
        refund = Refund.objects.select_for_update().filter(refund_id=refund_id).first()
        if payment is None and refund is None:
            logger.warning("refund %s of capture %s is not ours: ignored", refund_id, capture_id)
            return None
        if payment is None and refund is not None:
            payment = refund.payment
        expected = payment.currency if payment else refund.currency  # type: ignore[union-attr]
        currency_check(given=currency, expected=expected)
        value = amount_parse(amount, currency=expected)
        if refund is None and payment is not None:
            refund = (
                Refund.objects.select_for_update()
                .filter(payment=payment, refund_id__isnull=True, status__in=OPEN_REFUNDS)
                .filter(amount=value)
                .first()
            )
        if status.upper() != "COMPLETED":
            if refund is not None and refund.status in OPEN_REFUNDS:
                refund.refund_id = refund_id
                refund.status = RefundStatus.PENDING
                refund.save(update_fields=["refund_id", "status"])
            return refund
        if refund is not None:
            if refund.status != RefundStatus.COMPLETED:
                refund.refund_id = refund_id
                refund.save(update_fields=["refund_id"])
                _complete(refund=refund, now=now)
            return refund
        assert payment is not None
        _check_refundable(payment=payment, amount=value)
        return _refund_completed(
            payment=payment,
            refund_id=refund_id,
            request_id=f"provider-{refund_id}",
            amount=value,
            now=now,
        )


def _check_refundable(*, payment: Payment, amount: Decimal) -> None:
    left = _left(payment)
    if amount > left:
        raise ValidationFailed(
            f"A refund of {amount} is more than the {rounded(left, payment.currency)} "
            f"{payment.currency} left of the capture.",
            code=BillingErrorCode.REFUND_EXCEEDS_CAPTURE,
            field="amount",
        )


def _refund_completed(
    *, payment: Payment, refund_id: str | None, request_id: str, amount: Decimal, now: datetime
) -> Refund:
    refund, _ = Refund.objects.get_or_create(
        request_id=request_id,
        defaults={
            "client_id": payment.client_id,
            "payment": payment,
            "amount": amount,
            "currency": payment.currency,
            "refund_id": refund_id,
            "created_at": now,
        },
    )
    if refund.status != RefundStatus.COMPLETED:
        _complete(refund=refund, now=now)
    return refund


def _complete(*, refund: Refund, now: datetime, on: date | None = None) -> None:
    """Complete ``refund``: its ledger entry dated ``on`` (the day the money went back;
    by default the client's today, the day PayPal says it did) and the invoice settled."""
    invoice = (refund.payment or refund.credit_note).invoice  # type: ignore[union-attr]
    on = on or local_today(agreement=invoice.agreement, now=now)
    refund.status, refund.completed_at, refund.last_error = RefundStatus.COMPLETED, now, ""
    refund.save(update_fields=["status", "completed_at", "last_error"])
    ledger_record(
        client_id=refund.client_id,
        kind=LedgerKind.REFUND,
        document_id=refund.pk,
        currency=refund.currency,
        amount=refund.amount,
        on=on,
        now=now,
    )
    _settle(invoice=invoice, on=on)


def refund_send(*, refund: Refund, gateway: PaymentGateway | None, now: datetime) -> Refund:
    """Ask the provider for a requested (or failed) refund, with its own request id; a
    refund already sent, completed or paid by hand is left alone. The provider's answer
    is stored on the refund, not raised: unavailable (5xx, time-out) or our credentials
    refused → ``failed``, retried by the billing run with the same request id; refused
    as it stands (``refund_exceeds_capture``, ``provider_rejected`` ...) → ``by_hand``,
    for the provider to pay back. ``last_error`` holds ``<code>: <message>``; no ledger
    entry is written until the refund completes.
    """
    refund = Refund.objects.select_related("payment").get(pk=refund.pk)
    if refund.status not in (RefundStatus.REQUESTED, RefundStatus.FAILED) or gateway is None:
        return refund
    payment = refund.payment
    if payment is None or not payment.capture_id:
        return refund
    try:
        answer = gateway.capture_refund(
            capture_id=payment.capture_id,
            amount=refund.amount,
            currency=refund.currency,
            request_id=refund.request_id,
            note="Refund of the unused part of a cancelled staff hire",
        )
    except PaymentError as error:
        refused = isinstance(error, PaymentRefused)
        refund.status = RefundStatus.BY_HAND if refused else RefundStatus.FAILED
        refund.last_error = f"{error.code}: {error.message}"
        refund.save(update_fields=["status", "last_error"])
        logger.warning("refund %s failed: %s", refund.request_id, refund.last_error)
        return refund
    applied = payment_refund_apply(
        refund_id=answer.refund_id,
        capture_id=payment.capture_id,
        status=answer.status,
        amount=answer.amount,
        currency=answer.currency,
        now=now,
    )
    return applied or refund


def refund_mark_paid(*, actor: User, refund_id: int, now: datetime) -> Refund:
    """A refund to pay back by hand (the invoice was paid by bank transfer) was paid.

    Its ledger entry is dated the day the money left the bank (``refund.paid_on``, as
    a bank transfer's payment is dated the day it arrived), not the day it is recorded:
    the client's statement then matches its bank's. Without ``paid_on``: the client's
    today.

    Raises:
        PermissionDenied ``not_allowed``; NotFound ``refund_not_found``.
    """
    billing_staff_check(actor)
    with transaction.atomic():
        refund = Refund.objects.select_for_update().filter(pk=refund_id).first()
        if refund is None:
            raise NotFound(
                f"No refund {refund_id}.", code=BillingErrorCode.REFUND_NOT_FOUND, field="refund"
            )
        if refund.status == RefundStatus.BY_HAND:
            _complete(refund=refund, now=now, on=refund.paid_on)
    return refund


def _require(gateway: PaymentGateway | None) -> PaymentGateway:
    if gateway is None:
        raise ValidationFailed(
            "Online payment is not set up: pay by bank transfer.",
            code=BillingErrorCode.PAYMENT_NOT_CONFIGURED,
        )
    return gateway
