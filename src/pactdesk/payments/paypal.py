"""`PayPalGateway`: orders, captures and refunds through the official `paypal-server-sdk`.

Every POST carries `PayPal-Request-Id` = the caller's `request_id`; PayPal answers a
repeated id with the first answer and acts once. The SDK's HTTP client retries a
timeout, a lost connection, a 408, 429 or 5xx up to `retries` times with the very same
request (so the same id): a retry is never a second charge or refund. When every
attempt fails the call raises `PaymentUnavailable` (`provider_unavailable`), and the
caller may repeat it later with the same id to learn what happened.

Amounts go to PayPal as strings at the currency's minor unit (`"120.00"` USD,
`"500"` JPY), from `pactdesk.domain.billing.currency_minor_unit` (CLDR).

The SDK has no setting for its host beyond its two environments, so
`PACTDESK_PAYPAL_BASE_URL` is applied by a `Configuration` whose `get_base_uri`
answers it (the SDK binds that method once, for every controller). The OAuth token is
fetched by the SDK's own client-credentials flow and kept with the client; one client
is kept per configuration (`paypal_gateway()`), so a token serves many calls.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, NoReturn

import requests
from apimatic_core.exceptions.auth_validation_exception import AuthValidationException
from django.conf import settings
from paypalserversdk.configuration import Configuration, Environment, Server
from paypalserversdk.exceptions.api_exception import ApiException
from paypalserversdk.http.auth.o_auth_2 import ClientCredentialsAuthCredentials
from paypalserversdk.models.amount_with_breakdown import AmountWithBreakdown
from paypalserversdk.models.checkout_payment_intent import CheckoutPaymentIntent
from paypalserversdk.models.money import Money
from paypalserversdk.models.order_request import OrderRequest
from paypalserversdk.models.payment_source import PaymentSource
from paypalserversdk.models.paypal_wallet import PaypalWallet
from paypalserversdk.models.paypal_wallet_experience_context import (
    PaypalWalletExperienceContext,
)
from paypalserversdk.models.purchase_unit_request import PurchaseUnitRequest
from paypalserversdk.models.refund_request import RefundRequest
from paypalserversdk.paypal_serversdk_client import PaypalServersdkClient

from pactdesk.domain.billing import currency_minor_unit
from pactdesk.domain.errors import BillingError
from pactdesk.payments.error_codes import PaymentsErrorCode
from pactdesk.payments.errors import PaymentError, PaymentRefused, PaymentUnavailable
from pactdesk.payments.types import GatewayCapture, GatewayOrder, GatewayRefund

logger = logging.getLogger(__name__)

MODES = {"sandbox": Environment.SANDBOX, "live": Environment.PRODUCTION}
# Answers worth the same request again: PayPal's own advice for 408/429/5xx.
RETRY_STATUSES = (408, 429, 500, 502, 503, 504)
# PayPal's issues for a refund of more than is left of the capture.
REFUND_TOO_LARGE = {"REFUND_AMOUNT_EXCEEDED", "CAPTURE_FULLY_REFUNDED"}
NOTE_MAX_CHARS = 255  # PayPal's limit on note_to_payer
REFERENCE_MAX_CHARS = 127  # PayPal's limit on custom_id


@dataclass(frozen=True)
class PayPalConfig:
    """How to reach PayPal: credentials, the API's base URL (`https://api-m.paypal.com`
    live), seconds before one attempt times out, retries after the first attempt, and
    the back-off factor between them (urllib3's: 0 retries at once)."""

    client_id: str
    client_secret: str
    base_url: str
    timeout: float = 30
    retries: int = 2
    backoff: float = 0.5


def paypal_config() -> PayPalConfig | None:
    """The configuration from the settings, or None without credentials (billing then
    records payments by hand)."""
    if not (settings.PACTDESK_PAYPAL_CLIENT_ID and settings.PACTDESK_PAYPAL_CLIENT_SECRET):
        return None
    mode = MODES[settings.PACTDESK_PAYPAL_MODE]
    return PayPalConfig(
        client_id=settings.PACTDESK_PAYPAL_CLIENT_ID,
        client_secret=settings.PACTDESK_PAYPAL_CLIENT_SECRET,
        base_url=settings.PACTDESK_PAYPAL_BASE_URL
        or Configuration.environments[mode][Server.DEFAULT],
        timeout=settings.PACTDESK_PAYPAL_TIMEOUT,
        retries=settings.PACTDESK_PAYPAL_RETRIES,
    )


def paypal_gateway() -> PayPalGateway | None:
    """The gateway of the current settings (one per configuration, so its OAuth token
    is reused), or None when PayPal is not configured."""
    config = paypal_config()
    return None if config is None else _gateway(config)


@functools.lru_cache(maxsize=4)
def _gateway(config: PayPalConfig) -> PayPalGateway:
    return PayPalGateway(config=config)


class _Configuration(Configuration):  # type: ignore[misc]  # the SDK is untyped
    """The SDK's configuration, answering one base URL for every call."""

    def __init__(self, *, base_url: str, **options: Any) -> None:
        self._base_url = base_url
        super().__init__(**options)

    def get_base_uri(self, server: Server = Server.DEFAULT) -> str:
        return self._base_url


class PayPalGateway:
    """`payments.types.PaymentGateway` over PayPal's Orders v2 and Payments v2 APIs.

    Raises `PaymentError` with a `PaymentsErrorCode`:
    `PaymentRefused` for `invalid_amount`, `too_many_decimals`, `unknown_currency`,
    `refund_exceeds_capture` (PayPal's 422 `REFUND_AMOUNT_EXCEEDED`) and
    `provider_rejected` (any other 4xx, or an answer without what we asked for);
    `PaymentUnavailable` for `provider_unavailable` (timeouts, lost connections, 408,
    429, 5xx after the retries); `PaymentError` for `provider_auth_failed` (PayPal
    refused our client id and secret).
    """

    def __init__(self, *, config: PayPalConfig) -> None:
        self.config = config
        self._client = PaypalServersdkClient(config=self._sdk_configuration(config))

    @staticmethod
    def _sdk_configuration(config: PayPalConfig) -> Configuration:
        def token_fetch(last_token: object, auth: Any) -> object:
            # The SDK's default provider swallows a failed token call (and then says
            # only "token undefined"); fetching it here lets the real cause through.
            return auth.fetch_token()

        return _Configuration(
            base_url=config.base_url,
            timeout=config.timeout,
            max_retries=config.retries,
            backoff_factor=config.backoff,
            retry_statuses=list(RETRY_STATUSES),
            retry_methods=["GET", "POST"],
            client_credentials_auth_credentials=ClientCredentialsAuthCredentials(
                o_auth_client_id=config.client_id,
                o_auth_client_secret=config.client_secret,
                o_auth_token_provider=token_fetch,
            ),
        )

    def order_create(
        self,
        *,
        reference: str,
        amount: Decimal,
        currency: str,
        request_id: str,
        return_url: str,
        cancel_url: str,
    ) -> GatewayOrder:
        """Create an order to capture `amount` of `currency` once the payer approves it
        at the returned `approve_url` (PayPal's `payer-action` link); PayPal sends the
        payer back to `return_url` (or `cancel_url`). `reference` (our invoice number,
        at most 127 characters) travels as the purchase unit's `reference_id` and
        `custom_id` and comes back in capture webhooks."""
        value, code = money_value(amount, currency)
        if not reference or len(reference) > REFERENCE_MAX_CHARS:
            raise PaymentRefused(
                f"reference must be 1 to {REFERENCE_MAX_CHARS} characters",
                code=PaymentsErrorCode.PROVIDER_REJECTED,
                field="reference",
            )
        body = OrderRequest(
            intent=CheckoutPaymentIntent.CAPTURE,
            purchase_units=[
                PurchaseUnitRequest(
                    amount=AmountWithBreakdown(currency_code=code, value=value),
                    reference_id=reference,
                    custom_id=reference,
                )
            ],
            payment_source=PaymentSource(
                paypal=PaypalWallet(
                    experience_context=PaypalWalletExperienceContext(
                        return_url=return_url,
                        cancel_url=cancel_url,
                        shipping_preference="NO_SHIPPING",
                        user_action="PAY_NOW",
                    )
                )
            ),
        )
        order = self._call(
            self._client.orders.create_order,
            {"body": body, "paypal_request_id": request_id, "prefer": "return=minimal"},
        )
        links = {link.rel: link.href for link in getattr(order, "links", None) or []}
        approve_url = links.get("payer-action") or links.get("approve")
        if not getattr(order, "id", None) or not approve_url:
            _malformed("an order without an id or approval link")
        return GatewayOrder(order_id=order.id, approve_url=approve_url, status=order.status)

    def order_capture(self, *, order_id: str, request_id: str) -> GatewayCapture:
        """Capture an approved order: the money moves now. The capture's own status may
        be `PENDING` (PayPal reviewing it); a webhook tells when it completes."""
        order = self._call(
            self._client.orders.capture_order,
            {
                "id": order_id,
                "paypal_request_id": request_id,
                "prefer": "return=representation",
            },
        )
        captures = [
            capture
            for unit in getattr(order, "purchase_units", None) or []
            for capture in getattr(getattr(unit, "payments", None), "captures", None) or []
        ]
        if not captures:
            _malformed(f"order {order_id} answered without a capture")
        capture = captures[0]
        value, currency = _amount_of(capture)
        return GatewayCapture(
            capture_id=capture.id, status=capture.status, amount=value, currency=currency
        )

    def capture_refund(
        self, *, capture_id: str, amount: Decimal, currency: str, request_id: str, note: str
    ) -> GatewayRefund:
        """Refund `amount` of a capture (part or all of what is left of it); `note`
        is shown to the payer (cut to PayPal's 255 characters)."""
        value, code = money_value(amount, currency)
        body = RefundRequest(
            amount=Money(currency_code=code, value=value), note_to_payer=note[:NOTE_MAX_CHARS]
        )
        refund = self._call(
            self._client.payments.refund_captured_payment,
            {
                "capture_id": capture_id,
                "body": body,
                "paypal_request_id": request_id,
                "prefer": "return=representation",
            },
        )
        if not getattr(refund, "id", None):
            _malformed(f"refund of capture {capture_id} answered without an id")
        value_back, currency_back = _amount_of(refund)
        return GatewayRefund(
            refund_id=refund.id, status=refund.status, amount=value_back, currency=currency_back
        )

    def _call(self, operation: Any, options: dict[str, Any]) -> Any:
        """One SDK call with its retries; PayPal's answer body, or a `PaymentError`."""
        try:
            return operation(options).body
        except ApiException as error:
            _raise_provider_error(error)
        except requests.RequestException as error:
            logger.warning("PayPal not reached: %s", error)
            raise PaymentUnavailable(
                "PayPal did not answer in time; try again later",
                code=PaymentsErrorCode.PROVIDER_UNAVAILABLE,
            ) from error
        except AuthValidationException as error:
            raise PaymentError(
                "PayPal refused our credentials", code=PaymentsErrorCode.PROVIDER_AUTH_FAILED
            ) from error


def money_value(amount: Decimal, currency: str) -> tuple[str, str]:
    """`amount` as PayPal writes it, at the currency's minor unit, and the currency in
    upper case: `(Decimal("12.5"), "usd")` -> `("12.50", "USD")`, JPY 500 -> `"500"`.

    Raises:
        PaymentRefused: `unknown_currency`; `invalid_amount` unless a finite Decimal
            above zero; `too_many_decimals` when finer than the minor unit.
    """
    try:
        places = currency_minor_unit(currency)
    except BillingError as error:
        raise PaymentRefused(
            str(error), code=PaymentsErrorCode.UNKNOWN_CURRENCY, field="currency"
        ) from None
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= 0:
        raise PaymentRefused(
            f"amount must be a Decimal above zero, not {amount!r}",
            code=PaymentsErrorCode.INVALID_AMOUNT,
            field="amount",
        )
    step = Decimal(1).scaleb(-places)
    try:
        value = amount.quantize(step)
    except InvalidOperation:
        value = None
    if value is None or value != amount:
        raise PaymentRefused(
            f"{amount} has more decimals than {currency.upper()} has ({places})",
            code=PaymentsErrorCode.TOO_MANY_DECIMALS,
            field="amount",
        )
    return str(value), currency.upper()


def _amount_of(resource: Any) -> tuple[Decimal, str]:
    amount: Any = getattr(resource, "amount", None)
    try:
        return Decimal(amount.value), amount.currency_code
    except (AttributeError, TypeError, InvalidOperation):
        _malformed("an answer without a readable amount")


def _malformed(what: str) -> NoReturn:
    raise PaymentRefused(f"PayPal sent {what}", code=PaymentsErrorCode.PROVIDER_REJECTED)


def _raise_provider_error(error: ApiException) -> NoReturn:
    status = error.response_code
    details = getattr(error, "details", None) or []
    issue = getattr(details[0], "issue", None) if details else None
    issue = issue or getattr(error, "name", None) or getattr(error, "error", None)
    text = getattr(error, "message", None) or getattr(error, "error_description", None)
    logger.warning("PayPal answered %s %s: %s", status, issue, text)
    if status in RETRY_STATUSES:
        raise PaymentUnavailable(
            f"PayPal is unavailable ({status}); try again later",
            code=PaymentsErrorCode.PROVIDER_UNAVAILABLE,
            provider_status=status,
            provider_issue=issue,
        ) from error
    if status == 422 and issue in REFUND_TOO_LARGE:
        raise PaymentRefused(
            "The refund is more than what is left of the captured payment",
            code=PaymentsErrorCode.REFUND_EXCEEDS_CAPTURE,
            field="amount",
            provider_status=status,
            provider_issue=issue,
        ) from error
    if status == 401 or issue == "invalid_client":
        raise PaymentError(
            "PayPal refused our credentials",
            code=PaymentsErrorCode.PROVIDER_AUTH_FAILED,
            provider_status=status,
            provider_issue=issue,
        ) from error
    raise PaymentRefused(
        f"PayPal refused the request ({status} {issue or 'no issue given'})",
        code=PaymentsErrorCode.PROVIDER_REJECTED,
        provider_status=status,
        provider_issue=issue,
    ) from error
