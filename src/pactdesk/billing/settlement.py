"""Where an invoice stands: what it charged, what was credited, paid and paid back, and
the balance worded by its sign — never a negative "still to pay".

``balance = total - credited - paid + refunded`` (a reversed payment counts as paid and
its reversal as refunded, as :func:`services.payments.invoice_outstanding` counts):

- above zero: ``to_pay`` is still owed (``due``);
- zero: ``settled``;
- below zero: more was credited than the client kept paid — ``to_refund`` goes back to
  the client (a refund requested, pending at the provider or to pay by hand).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.db.models import Q, Sum

from pactdesk.billing.models import (
    CreditNote,
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentStatus,
    Refund,
    RefundStatus,
)
from pactdesk.domain.billing_money import rounded

ZERO = Decimal(0)
RECEIVED = (PaymentStatus.COMPLETED, PaymentStatus.REVERSED)


class SettlementState(StrEnum):
    DUE = "due"  # something is still to pay
    SETTLED = "settled"  # nothing is owed either way
    REFUND_DUE = "refund_due"  # money goes back to the client
    VOID = "void"  # the invoice was voided: nothing is owed


@dataclass(frozen=True)
class Settlement:
    """An invoice's money, each amount at the currency's minor unit and not negative."""

    currency: str
    total: Decimal
    credited: Decimal  # credit notes against the invoice
    paid: Decimal  # payments received
    refunded: Decimal  # refunds and reversals completed
    void: bool = False

    @property
    def balance(self) -> Decimal:
        """What the client still owes on the invoice (negative: owed to the client)."""
        return rounded(self.total - self.credited - self.paid + self.refunded, self.currency)

    @property
    def to_pay(self) -> Decimal:
        return max(self.balance, rounded(ZERO, self.currency)) if not self.void else self.zero

    @property
    def to_refund(self) -> Decimal:
        return max(-self.balance, rounded(ZERO, self.currency))

    @property
    def zero(self) -> Decimal:
        return rounded(ZERO, self.currency)

    @property
    def state(self) -> SettlementState:
        if self.balance < 0:
            return SettlementState.REFUND_DUE
        if self.void:
            return SettlementState.VOID
        return SettlementState.DUE if self.balance > 0 else SettlementState.SETTLED


def invoice_settlement(*, invoice: Invoice) -> Settlement:
    """Where one invoice stands (three queries)."""
    return invoice_settlements(invoices=[invoice])[invoice.pk]


def invoice_settlements(*, invoices: list[Invoice]) -> dict[int, Settlement]:
    """Where each of ``invoices`` stands, by id; three queries whatever their number."""
    ids = [invoice.pk for invoice in invoices]
    credited = _sums(CreditNote.objects.filter(invoice__in=ids), "invoice", "total")
    paid = _sums(Payment.objects.filter(invoice__in=ids, status__in=RECEIVED), "invoice", "amount")
    refunded: dict[int, Decimal] = defaultdict(Decimal)
    refunds = Refund.objects.filter(
        Q(payment__invoice__in=ids) | Q(credit_note__invoice__in=ids),
        status=RefundStatus.COMPLETED,
    ).values_list("amount", "payment__invoice", "credit_note__invoice")
    for amount, by_payment, by_note in refunds:  # one row per refund (to-one joins)
        refunded[by_payment or by_note] += amount
    return {
        invoice.pk: Settlement(
            currency=invoice.currency,
            total=rounded(invoice.total, invoice.currency),
            credited=rounded(credited.get(invoice.pk, ZERO), invoice.currency),
            paid=rounded(paid.get(invoice.pk, ZERO), invoice.currency),
            refunded=rounded(refunded.get(invoice.pk, ZERO), invoice.currency),
            void=invoice.status == InvoiceStatus.VOID,
        )
        for invoice in invoices
    }


def _sums(rows: object, key: str, field: str) -> dict[int, Decimal]:
    grouped = rows.values(key).annotate(s=Sum(field)).order_by()  # type: ignore[attr-defined]
    return {row[key]: row["s"] or ZERO for row in grouped}
