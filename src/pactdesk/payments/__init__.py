"""Payments through PayPal: the gateway billing calls, and PayPal's webhooks.

- `payments.types`: what billing sees (`GatewayOrder`, `GatewayCapture`,
  `GatewayRefund`, the `PaymentGateway` protocol, `PayPalEvent`).
- `payments.paypal`: `PayPalGateway`, the official `paypal-server-sdk` behind that
  protocol; `paypal_gateway()` builds it from the settings (None without credentials).
- `payments.notifications`: `webhook_verify`, PayPal's signature checked offline.
- `payments.services`: `webhook_event_record` (replay idempotency) and the capture
  event hooks billing registers into (`on_capture_event`), so payments never imports
  billing.
- `payments.webhook`: the view at `POST /payments/paypal/webhook/`.
"""
