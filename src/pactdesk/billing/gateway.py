"""The seam between billing and PayPal: one set of types, `pactdesk.payments`'.

Billing sits above payments in the import layers, so it uses payments' own values and
protocol (re-exported here: `GatewayOrder`, `GatewayCapture`, `GatewayRefund`,
`PaymentGateway`) and payments' errors as they are raised, codes passed through
(`payments.errors`):

- `PaymentUnavailable` (`provider_unavailable`, 503): PayPal's 5xx, a time-out or a
  lost connection after the SDK's retries. PayPal may have acted: the same call again
  with the same request id learns the outcome and never acts twice. Billing keeps the
  invoice payable (nothing of ours is written before the provider answers) and a
  refund `failed`, retried by the billing run.
- `PaymentRefused` (422): `refund_exceeds_capture`, `provider_rejected`,
  `invalid_amount`, `too_many_decimals`, `unknown_currency`: the same request will not
  succeed. A refused guarantee refund becomes `by_hand` (the provider pays it back).
- `PaymentError` (502): `provider_auth_failed`, our credentials were refused.

Every call carries a `request_id` derived from our own rows
(`invoice-<id>-order-<attempt>`, `invoice-<id>-capture-<order>`, `refund-hire-<id>`),
sent as `PayPal-Request-Id`.
"""

from __future__ import annotations

from django.conf import settings

from pactdesk.payments.errors import PaymentError, PaymentRefused, PaymentUnavailable
from pactdesk.payments.types import GatewayCapture, GatewayOrder, GatewayRefund, PaymentGateway

__all__ = [
    "GatewayCapture",
    "GatewayOrder",
    "GatewayRefund",
    "PaymentError",
    "PaymentGateway",
    "PaymentRefused",
    "PaymentUnavailable",
    "gateway_configured",
    "paypal_checkout_origin",
    "paypal_configured",
]

# Where PayPal's approval page (the order's `payer-action` link) lives, per mode.
CHECKOUT_ORIGINS = {"sandbox": "https://www.sandbox.paypal.com", "live": "https://www.paypal.com"}


def paypal_configured() -> bool:
    """True when PayPal's client id and secret are set (the pay button shows); read
    from the settings without loading the SDK."""
    return bool(settings.PACTDESK_PAYPAL_CLIENT_ID and settings.PACTDESK_PAYPAL_CLIENT_SECRET)


def paypal_checkout_origin() -> str:
    """The origin the Pay button's form is redirected to (`https://www.paypal.com`
    live): the invoice page's Content-Security-Policy lets its forms go there."""
    return CHECKOUT_ORIGINS[settings.PACTDESK_PAYPAL_MODE]


def gateway_configured() -> PaymentGateway | None:
    """`payments.paypal.paypal_gateway()` (the official SDK, one client per
    configuration) when PayPal is configured, else None: the PayPal button is hidden
    and payments are recorded by hand. The SDK is imported only here, when used."""
    if not paypal_configured():
        return None
    from pactdesk.payments.paypal import paypal_gateway

    return paypal_gateway()
