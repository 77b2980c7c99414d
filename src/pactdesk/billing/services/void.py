"""Voiding an issued invoice nobody has paid: it stays, numbered and marked void.

Numbers are gap-free, so a void invoice is never deleted: its number stays used, its
lines and totals stay as issued, and it shows "Void" with the reason. The ledger gets
one reversing entry (``invoice_void``, minus the invoice's total: its charges and any
service credit it carried), so the client's balance is still the sum of its live
documents; a service credit it carried is carried again by the next invoice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from pactdesk.accounts.models import User
from pactdesk.billing.error_codes import BillingErrorCode
from pactdesk.billing.models import (
    BillingChangeKind,
    Invoice,
    InvoiceStatus,
    LedgerKind,
    PaymentMethod,
    PaymentStatus,
)
from pactdesk.billing.services.access import billing_staff_check, local_today
from pactdesk.billing.services.audit import billing_change_record
from pactdesk.billing.services.ledger import ledger_record
from pactdesk.domain.billing_money import rounded
from pactdesk.platform.errors import Conflict, NotFound, ValidationFailed

REASON_MAX = 300


@dataclass(frozen=True)
class VoidOutcome:
    invoice: Invoice
    changed: bool  # False: it was void already, nothing written


def invoice_void(*, actor: User, invoice_id: int, reason: str, now: datetime) -> VoidOutcome:
    """Void an issued, unpaid invoice with ``reason`` (1 to 300 printable characters,
    runs of white space read as one space): status
    ``void``, ``voided_on`` the client's today, a reversing ledger entry, a
    ``BillingChange`` (``invoice_voided``) with the actor. PayPal orders opened for it
    and not captured are closed (``denied``), so a late approval captures nothing.
    Voiding a void invoice changes nothing.

    Raises:
        PermissionDenied: ``not_allowed`` (provider admins and managers only).
        ValidationFailed: ``invalid_reason``.
        NotFound: ``invoice_not_found`` (drafts too).
        Conflict: ``invoice_paid`` (paid, part-paid, or a payment pending at PayPal),
            ``invoice_credited`` (a credit note was issued against it: void that
            instead of the invoice is not possible; the credit stands).
    """
    billing_staff_check(actor)
    text = " ".join(reason.split())
    # Printable only: a control character (NUL above all: PostgreSQL refuses it in
    # text, a 500) has no place on an invoice the client reads and prints.
    if not 1 <= len(text) <= REASON_MAX or not text.isprintable():
        raise ValidationFailed(
            f"Say why the invoice is void, in 1 to {REASON_MAX} printable characters.",
            code=BillingErrorCode.INVALID_REASON,
            field="reason",
        )
    with transaction.atomic():
        invoice = (
            Invoice.objects.select_for_update()
            .exclude(status=InvoiceStatus.DRAFT)
            .filter(pk=invoice_id)
            .first()
        )
        if invoice is None:
            raise NotFound(
                f"No invoice {invoice_id}.",
                code=BillingErrorCode.INVOICE_NOT_FOUND,
                field="invoice",
            )
        if invoice.status == InvoiceStatus.VOID:
            return VoidOutcome(invoice=invoice, changed=False)
        _check_voidable(invoice)
        on = local_today(agreement=invoice.agreement, now=now)
        invoice.payments.filter(
            method=PaymentMethod.PAYPAL, status=PaymentStatus.PENDING, capture_id__isnull=True
        ).update(status=PaymentStatus.DENIED)
        invoice.status, invoice.voided_on, invoice.void_reason = InvoiceStatus.VOID, on, text
        invoice.save(update_fields=["status", "voided_on", "void_reason"])
        ledger_record(
            client_id=invoice.client_id,
            kind=LedgerKind.INVOICE_VOID,
            document_id=invoice.pk,
            currency=invoice.currency,
            amount=-invoice.total,
            on=on,
            now=now,
        )
        billing_change_record(
            client_id=invoice.client_id,
            kind=BillingChangeKind.INVOICE_VOIDED,
            subject_id=invoice.pk,
            actor=actor,
            now=now,
            on=on,
            detail={
                "number": invoice.number,
                "reason": text,
                "total": str(rounded(invoice.total, invoice.currency)),
                "currency": invoice.currency,
            },
        )
    return VoidOutcome(invoice=invoice, changed=True)


def _check_voidable(invoice: Invoice) -> None:
    received = invoice.payments.filter(
        status__in=(PaymentStatus.COMPLETED, PaymentStatus.REVERSED)
    ).exists()
    pending = invoice.payments.filter(
        status=PaymentStatus.PENDING, capture_id__isnull=False
    ).exists()
    if invoice.status == InvoiceStatus.PAID or received or pending:
        raise Conflict(
            f"Invoice {invoice.number} is paid or part-paid: it cannot be voided (a"
            " credit note and a refund correct it instead).",
            code=BillingErrorCode.INVOICE_PAID,
            field="invoice",
        )
    if invoice.credit_notes.exists():
        raise Conflict(
            f"Invoice {invoice.number} has a credit note against it: it cannot be voided.",
            code=BillingErrorCode.INVOICE_CREDITED,
            field="invoice",
        )
    if invoice.status != InvoiceStatus.ISSUED:
        raise Conflict(
            f"Invoice {invoice.number} is {invoice.status}: only an issued one is voided.",
            code=BillingErrorCode.INVOICE_NOT_VOIDABLE,
            field="invoice",
        )
