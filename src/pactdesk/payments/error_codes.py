"""Codes of refusals about payments through PayPal and its webhooks."""

from __future__ import annotations

from pactdesk.domain.error_codes import ErrorCode


class PaymentsErrorCode(ErrorCode):
    """Refusals of the PayPal gateway and of the webhook endpoint."""

    INVALID_AMOUNT = "invalid_amount"
    NOT_CONFIGURED = "not_configured"
    PROVIDER_AUTH_FAILED = "provider_auth_failed"
    PROVIDER_REJECTED = "provider_rejected"
    PROVIDER_UNAVAILABLE = "provider_unavailable"
    REFUND_EXCEEDS_CAPTURE = "refund_exceeds_capture"
    TOO_MANY_DECIMALS = "too_many_decimals"
    UNKNOWN_CURRENCY = "unknown_currency"
    WEBHOOK_CERT_REFUSED = "webhook_cert_refused"
    WEBHOOK_MALFORMED = "webhook_malformed"
    WEBHOOK_SIGNATURE_INVALID = "webhook_signature_invalid"
