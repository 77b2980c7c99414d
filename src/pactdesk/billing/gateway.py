"""The seam between billing and a payment provider (PayPal).

Billing calls a :class:`PaymentGateway`; the PayPal implementation lives in
``pactdesk.payments.paypal`` and is found by name (``PACTDESK_PAYMENT_GATEWAY``, a
dotted path to a callable taking no argument and answering a ``PaymentGateway``), so
billing never imports the provider's SDK and tests pass a small fake of their own.

Every call carries a ``request_id`` derived from our own rows (``invoice-<id>-order``,
``invoice-<id>-capture-<order>``, ``refund-hire-<id>``): the provider answers a
repeated request id with the first answer, so a retry is never a second charge or
refund.

Errors an implementation raises: :class:`PaymentGatewayError` with
``BillingErrorCode.PAYMENT_PROVIDER_FAILED`` (the provider's 5xx, a time-out, an
answer we cannot read: 502), ``REFUND_EXCEEDS_CAPTURE`` (the provider refused a refund
above what was captured: 422) or ``CURRENCY_MISMATCH`` (422).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from pactdesk.billing.error_codes import BillingErrorCode
from pactdesk.domain.error_codes import ErrorCode
from pactdesk.platform.errors import ApplicationError

PAYPAL_SETTINGS = (
    "PACTDESK_PAYPAL_CLIENT_ID",
    "PACTDESK_PAYPAL_SECRET",
    "PACTDESK_PAYPAL_MODE",
    "PACTDESK_PAYPAL_BASE_URL",
)
DEFAULT_GATEWAY = "pactdesk.payments.paypal.gateway_from_settings"
# The codes answered 422 (the request was refused as it stands); any other is a 502.
REFUSED = frozenset({BillingErrorCode.REFUND_EXCEEDS_CAPTURE, BillingErrorCode.CURRENCY_MISMATCH})


@dataclass(frozen=True)
class GatewayOrder:
    order_id: str
    approve_url: str
    status: str


@dataclass(frozen=True)
class GatewayCapture:
    capture_id: str
    status: str
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class GatewayRefund:
    refund_id: str
    status: str
    amount: Decimal
    currency: str


class PaymentGateway(Protocol):
    """What billing asks of a payment provider. Amounts are Decimals at the currency's
    minor unit; currencies ISO 4217 codes in upper case."""

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


class PaymentGatewayError(ApplicationError):
    """The payment provider failed or refused; nothing of ours was changed by it.

    Raised with ``REFUND_EXCEEDS_CAPTURE`` or ``CURRENCY_MISMATCH`` it is a
    :class:`PaymentRefused` (422); with any other code (``PAYMENT_PROVIDER_FAILED``) a
    502."""

    http_status = 502

    def __init__(
        self, message: str, *, code: ErrorCode | str | None = None, field: str | None = None
    ):
        super().__init__(
            message, code=code or BillingErrorCode.PAYMENT_PROVIDER_FAILED, field=field
        )

    def __new__(
        cls, message: str, *, code: ErrorCode | str | None = None, field: str | None = None
    ) -> PaymentGatewayError:
        kind = PaymentRefused if code in REFUSED else cls
        return super().__new__(kind, message)


class PaymentRefused(PaymentGatewayError):
    """The provider refused the request as it stands (a refund above the capture)."""

    http_status = 422


def gateway_configured() -> PaymentGateway | None:
    """The configured payment provider, or None when PayPal is not set up (every one of
    ``PACTDESK_PAYPAL_CLIENT_ID``, ``_SECRET``, ``_MODE`` and ``_BASE_URL`` is needed):
    then the pay button is hidden and payments are recorded by hand.

    Raises:
        ImproperlyConfigured: the settings are there but the gateway cannot be loaded.
    """
    if not all(getattr(settings, name, "") for name in PAYPAL_SETTINGS):
        return None
    path = getattr(settings, "PACTDESK_PAYMENT_GATEWAY", "") or DEFAULT_GATEWAY
    try:
        factory = import_string(path)
    except ImportError as error:
        raise ImproperlyConfigured(f"PACTDESK_PAYMENT_GATEWAY={path!r}: {error}") from error
    gateway: PaymentGateway = factory()
    return gateway
