"""The one error class of payments: a refusal with a `PaymentsErrorCode`."""

from __future__ import annotations

from typing import ClassVar

from pactdesk.payments.error_codes import PaymentsErrorCode
from pactdesk.platform.errors import ApplicationError


class PaymentError(ApplicationError):
    """PayPal refused, failed or was never reached, or a webhook is not PayPal's.

    `code` is always a `PaymentsErrorCode`; `provider_status` is PayPal's HTTP status
    (None when PayPal was not reached) and `provider_issue` its `details[0].issue` or
    `name` (`"REFUND_AMOUNT_EXCEEDED"`), for the logs. Nothing was charged or refunded
    by a call that raised, except after `provider_unavailable`, where PayPal may have
    acted: repeat the call with the same request id to learn the outcome.
    """

    http_status: ClassVar[int] = 502

    def __init__(
        self,
        message: str,
        *,
        code: PaymentsErrorCode,
        field: str | None = None,
        provider_status: int | None = None,
        provider_issue: str | None = None,
    ) -> None:
        super().__init__(message, code=code, field=field)
        self.provider_status = provider_status
        self.provider_issue = provider_issue


class PaymentRefused(PaymentError):
    """The request cannot succeed as it is: a bad amount or currency, a refund above
    what is left of the capture, or PayPal's refusal of it (repeating will not help)."""

    http_status: ClassVar[int] = 422


class PaymentUnavailable(PaymentError):
    """PayPal is not configured, or not reachable after the retries: try again later,
    with the same request id."""

    http_status: ClassVar[int] = 503
