"""Refunds paid back by hand: the invoice was paid by bank transfer, so the provider
pays the money back from its bank and says so here, with the day and the reference."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction

from pactdesk.accounts.models import User
from pactdesk.billing.error_codes import BillingErrorCode
from pactdesk.billing.models import BillingChangeKind, Refund, RefundStatus
from pactdesk.billing.services.access import billing_staff_check, local_today
from pactdesk.billing.services.audit import billing_change_record
from pactdesk.billing.services.payments import refund_mark_paid
from pactdesk.domain.billing_money import rounded
from pactdesk.platform.errors import Conflict, NotFound, ValidationFailed

REFERENCE_MAX = 100


@dataclass(frozen=True)
class RefundPaid:
    refund: Refund
    changed: bool  # False: it was paid already (whatever was sent this time)


def refund_pay_by_hand(
    *, actor: User, refund_id: int, paid_on: date, reference: str, now: datetime
) -> RefundPaid:
    """Mark a refund ``by_hand`` paid on ``paid_on`` (from the refund's day to the
    client's today) with the bank's ``reference`` (1 to 100 printable characters): it
    completes (:func:`~pactdesk.billing.services.payments.refund_mark_paid`: the ledger's
    refund entry, the invoice settled again) and a ``BillingChange`` (``refund_paid``)
    records who, when and the reference. Marking it again changes nothing.

    Raises:
        PermissionDenied: ``not_allowed``. NotFound: ``refund_not_found``.
        ValidationFailed: ``invalid_reference``, ``invalid_date``.
        Conflict: ``refund_not_by_hand`` (a refund PayPal makes, or one still to send).
    """
    billing_staff_check(actor)
    text = reference.strip()
    if not 1 <= len(text) <= REFERENCE_MAX or not text.isprintable():
        raise ValidationFailed(
            f"The bank's reference is 1 to {REFERENCE_MAX} printable characters.",
            code=BillingErrorCode.INVALID_REFERENCE,
            field="reference",
        )
    with transaction.atomic():
        refund = (
            # of=self: PostgreSQL locks no row on the nullable side of an outer join
            Refund.objects.select_for_update(of=("self",))
            .select_related("credit_note__invoice__agreement", "payment__invoice__agreement")
            .filter(pk=refund_id)
            .first()
        )
        if refund is None:
            raise NotFound(
                f"No refund {refund_id}.", code=BillingErrorCode.REFUND_NOT_FOUND, field="refund"
            )
        if refund.status == RefundStatus.COMPLETED and refund.paid_on is not None:
            return RefundPaid(refund=refund, changed=False)
        if refund.status != RefundStatus.BY_HAND:
            raise Conflict(
                f"This refund is {refund.get_status_display().lower()}: only one to pay back"
                " by hand is marked paid here.",
                code=BillingErrorCode.REFUND_NOT_BY_HAND,
                field="refund",
            )
        agreement = (refund.credit_note or refund.payment).invoice.agreement  # type: ignore[union-attr]
        today = local_today(agreement=agreement, now=now)
        asked = local_today(agreement=agreement, now=refund.created_at)
        if not asked <= paid_on <= today:
            raise ValidationFailed(
                f"The refund was paid from {asked.isoformat()} (when it was due) to"
                f" {today.isoformat()} (today), not {paid_on.isoformat()}.",
                code=BillingErrorCode.INVALID_DATE,
                field="paid_on",
            )
        refund.paid_on, refund.paid_reference = paid_on, text
        refund.save(update_fields=["paid_on", "paid_reference"])
        refund = refund_mark_paid(actor=actor, refund_id=refund.pk, now=now)
        billing_change_record(
            client_id=refund.client_id,
            kind=BillingChangeKind.REFUND_PAID,
            subject_id=refund.pk,
            actor=actor,
            now=now,
            on=today,
            detail={
                "amount": str(rounded(refund.amount, refund.currency)),
                "currency": refund.currency,
                "paid_on": paid_on.isoformat(),
                "reference": text,
            },
        )
    return RefundPaid(refund=refund, changed=True)
