"""The local PayPal server and the webhook signer, for the payments tests."""

from tests.support.paypal_server import paypal_server, paypal_settings
from tests.support.paypal_webhooks import paypal_signer

__all__ = ["paypal_server", "paypal_settings", "paypal_signer"]
