"""What billing sees of a payment provider: values and the gateway protocol.

Amounts are `Decimal`s at the currency's minor unit (`Decimal("120.00")` in USD,
`Decimal("500")` in JPY); currencies are ISO 4217 codes in upper case.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Protocol


@dataclass(frozen=True)
class GatewayOrder:
    """An order the payer must approve at `approve_url`; `status` is PayPal's
    (`CREATED`, `PAYER_ACTION_REQUIRED`, `APPROVED`, `COMPLETED`)."""

    order_id: str
    approve_url: str
    status: str


@dataclass(frozen=True)
class GatewayCapture:
    """The money taken for an order; `status` `COMPLETED`, `PENDING`, `DECLINED` ..."""

    capture_id: str
    status: str
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class GatewayRefund:
    """Money given back from a capture; `status` `COMPLETED`, `PENDING`, `FAILED` ..."""

    refund_id: str
    status: str
    amount: Decimal
    currency: str


class PaymentGateway(Protocol):
    """Orders, captures and refunds. `request_id` is derived from our own rows and sent
    as `PayPal-Request-Id`: the same id repeated is the same operation, never a second
    charge or refund. Raises `PaymentError` (`payments.errors`)."""

    def order_create(
        self,
        *,
        reference: str,
        amount: Decimal,
        currency: str,
        request_id: str,
        return_url: str,
        cancel_url: str,
    ) -> GatewayOrder: ...

    def order_capture(self, *, order_id: str, request_id: str) -> GatewayCapture: ...

    def capture_refund(
        self, *, capture_id: str, amount: Decimal, currency: str, request_id: str, note: str
    ) -> GatewayRefund: ...


@dataclass(frozen=True)
class PayPalEvent:
    """A verified webhook notification about a capture or a refund of one.

    `event_type` is PayPal's (`PAYMENT.CAPTURE.COMPLETED`, `PAYMENT.CAPTURE.REFUNDED`,
    `PAYMENT.CAPTURE.DENIED`, `PAYMENT.CAPTURE.REVERSED`, or any other, carried as is).
    For a capture event the resource is the capture: `capture_id` is its id and
    `refund_id` None. For a refund or reversal the resource is the refund: `refund_id`
    is its id and `capture_id` the capture it belongs to (its `up` link). `order_id`
    comes from `supplementary_data.related_ids` when PayPal sends it; `custom_id` is
    the reference we gave the order. `amount`/`currency` are the resource's own (the
    refund's amount for a refund), None when absent.
    """

    event_id: str
    event_type: str
    resource_type: str
    status: str
    capture_id: str | None
    refund_id: str | None
    order_id: str | None
    custom_id: str | None
    amount: Decimal | None
    currency: str | None


class CaptureEventType(StrEnum):
    """The notifications about a capture that billing applies; any other type is
    answered 200 and ignored."""

    COMPLETED = "PAYMENT.CAPTURE.COMPLETED"
    REFUNDED = "PAYMENT.CAPTURE.REFUNDED"
    DENIED = "PAYMENT.CAPTURE.DENIED"
    REVERSED = "PAYMENT.CAPTURE.REVERSED"
