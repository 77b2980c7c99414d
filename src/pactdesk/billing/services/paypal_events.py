"""What PayPal's capture notifications mean to billing.

`BillingConfig.ready` registers :func:`capture_event_apply` with
`payments.services.on_capture_event`; payments calls it once per new verified event,
inside the transaction that records the event id (a replay calls nothing, and a
refusal raised here leaves the event unrecorded for PayPal to deliver again).
"""

from __future__ import annotations

import logging

from pactdesk.billing.services.payments import (
    payment_capture_apply,
    payment_refund_apply,
    payment_reversal_apply,
)
from pactdesk.payments.types import CaptureEventType, PayPalEvent

logger = logging.getLogger(__name__)

# The capture's state each notification reports, as payment_capture_apply reads it.
CAPTURE_STATES = {
    CaptureEventType.COMPLETED: "COMPLETED",
    CaptureEventType.DENIED: "DENIED",
}


def capture_event_apply(event: PayPalEvent) -> None:
    """Apply one notification: ``PAYMENT.CAPTURE.COMPLETED`` pays the invoice (payment
    row completed, ledger entry); ``.DENIED`` marks a pending payment denied (the invoice
    stays payable); ``.REVERSED`` reverses the amount it carries of a completed payment
    (a part or all: a reversal refund and its ledger entry; the invoice is payable
    again for it); ``.REFUNDED`` completes our refund, or
    records one made at PayPal. Each is idempotent; a capture that is not ours, or an
    event without a capture id, amount or currency, is logged and changes nothing.

    Raises:
        ValidationFailed: ``currency_mismatch``, ``refund_exceeds_capture``,
            ``too_many_decimals`` (nothing written).
    """
    if not event.capture_id or event.amount is None or not event.currency:
        logger.warning(
            "PayPal event %s (%s) names no capture or amount: ignored",
            event.event_id,
            event.event_type,
        )
        return
    if event.event_type == CaptureEventType.REFUNDED:
        if not event.refund_id:
            logger.warning("PayPal event %s names no refund: ignored", event.event_id)
            return
        payment_refund_apply(
            refund_id=event.refund_id,
            capture_id=event.capture_id,
            status=event.status or "COMPLETED",
            amount=event.amount,
            currency=event.currency,
        )
        return
    if event.event_type == CaptureEventType.REVERSED:
        # The resource is the reversal (a refund-like object): its own amount, which
        # may be a part of the capture.
        payment_reversal_apply(
            capture_id=event.capture_id,
            reversal_id=event.refund_id,
            amount=event.amount,
            currency=event.currency,
        )
        return
    payment_capture_apply(
        capture_id=event.capture_id,
        status=CAPTURE_STATES[CaptureEventType(event.event_type)],
        amount=event.amount,
        currency=event.currency,
        order_id=event.order_id,
    )
