"""The real paypal-server-sdk against the local PayPal server: orders, captures,
refunds, PayPal-Request-Id on every POST, and each failure's stable code."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pactdesk.payments.errors import PaymentError, PaymentRefused, PaymentUnavailable
from pactdesk.payments.paypal import PayPalConfig, PayPalGateway, money_value, paypal_gateway
from pactdesk.payments.types import GatewayCapture, GatewayOrder, GatewayRefund, PaymentGateway
from tests.support.paypal_server import CLIENT_ID, CLIENT_SECRET, PayPalServer

USD_120 = {"reference": "2026-000123", "amount": Decimal("120.00"), "currency": "USD"}
URLS = {"return_url": "https://desk.test/pay/return", "cancel_url": "https://desk.test/pay/cancel"}


def gateway_for(server: PayPalServer, **options: object) -> PayPalGateway:
    config = PayPalConfig(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, base_url=server.base_url, backoff=0
    )
    return PayPalGateway(config=PayPalConfig(**{**config.__dict__, **options}))


def captured(gateway: PaymentGateway, server: PayPalServer) -> GatewayCapture:
    order = gateway.order_create(**USD_120, request_id="invoice-7-order", **URLS)
    server.approve(order.order_id)
    return gateway.order_capture(order_id=order.order_id, request_id="invoice-7-capture")


def test_without_credentials_there_is_no_gateway(settings) -> None:
    settings.PACTDESK_PAYPAL_CLIENT_ID = ""
    settings.PACTDESK_PAYPAL_CLIENT_SECRET = ""

    assert paypal_gateway() is None


def test_settings_build_one_gateway_for_the_local_server(paypal_settings) -> None:
    gateway = paypal_gateway()

    assert gateway is paypal_gateway()
    assert gateway is not None
    assert gateway.config == PayPalConfig(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        base_url=paypal_settings.base_url,
        timeout=5,
        retries=2,
        backoff=0.5,
    )


def test_live_and_sandbox_modes_pick_paypal_s_hosts(settings) -> None:
    settings.PACTDESK_PAYPAL_CLIENT_ID = "id"
    settings.PACTDESK_PAYPAL_CLIENT_SECRET = "secret"
    settings.PACTDESK_PAYPAL_BASE_URL = ""
    settings.PACTDESK_PAYPAL_MODE = "live"
    live = paypal_gateway()
    settings.PACTDESK_PAYPAL_MODE = "sandbox"
    sandbox = paypal_gateway()

    assert live is not None
    assert sandbox is not None
    assert (live.config.base_url, sandbox.config.base_url) == (
        "https://api-m.paypal.com",
        "https://api-m.sandbox.paypal.com",
    )


def test_an_order_is_created_with_its_request_id_and_a_token(paypal_settings) -> None:
    gateway = paypal_gateway()
    assert gateway is not None

    order = gateway.order_create(**USD_120, request_id="invoice-7-order", **URLS)

    assert order == GatewayOrder(
        order_id="ORD00000000000002",
        approve_url="https://www.sandbox.paypal.com/checkoutnow?token=ORD00000000000002",
        status="PAYER_ACTION_REQUIRED",
    )
    token, create = paypal_settings.requests
    assert (token.path, token.body) == ("/v1/oauth2/token", "grant_type=client_credentials")
    assert token.headers["authorization"].startswith("Basic ")
    assert create.headers["authorization"] == "Bearer A21AA00000000000001"
    assert create.request_id == "invoice-7-order"
    assert create.body == {
        "intent": "CAPTURE",
        "purchase_units": [
            {
                "amount": {"currency_code": "USD", "value": "120.00"},
                "reference_id": "2026-000123",
                "custom_id": "2026-000123",
            }
        ],
        "payment_source": {
            "paypal": {
                "experience_context": {
                    "shipping_preference": "NO_SHIPPING",
                    "contact_preference": "NO_CONTACT_INFO",
                    "return_url": "https://desk.test/pay/return",
                    "cancel_url": "https://desk.test/pay/cancel",
                    "landing_page": "NO_PREFERENCE",
                    "user_action": "PAY_NOW",
                    "payment_method_preference": "UNRESTRICTED",
                }
            }
        },
    }


def test_one_token_serves_many_calls(paypal_settings) -> None:
    gateway = paypal_gateway()
    assert gateway is not None

    captured(gateway, paypal_settings)

    assert [r.path for r in paypal_settings.requests].count("/v1/oauth2/token") == 1


def test_an_approved_order_is_captured(paypal_server) -> None:
    gateway = gateway_for(paypal_server)

    capture = captured(gateway, paypal_server)

    assert capture == GatewayCapture(
        capture_id="CAP00000000000003",
        status="COMPLETED",
        amount=Decimal("120.00"),
        currency="USD",
    )
    (post,) = paypal_server.posts("/capture")
    assert (post.request_id, post.headers["prefer"]) == (
        "invoice-7-capture",
        "return=representation",
    )


def test_a_zero_decimal_currency_is_sent_without_decimals(paypal_server) -> None:
    gateway = gateway_for(paypal_server)

    order = gateway.order_create(
        reference="2026-000124", amount=Decimal("50000"), currency="jpy", request_id="o", **URLS
    )
    paypal_server.approve(order.order_id)
    capture = gateway.order_capture(order_id=order.order_id, request_id="c")

    (post,) = paypal_server.posts("/v2/checkout/orders")[:1]
    assert post.body["purchase_units"][0]["amount"] == {"currency_code": "JPY", "value": "50000"}
    assert (capture.amount, capture.currency) == (Decimal("50000"), "JPY")


def test_a_capture_is_refunded_in_part(paypal_server) -> None:
    gateway = gateway_for(paypal_server)
    capture = captured(gateway, paypal_server)

    refund = gateway.capture_refund(
        capture_id=capture.capture_id,
        amount=Decimal("72.26"),
        currency="USD",
        request_id="credit-note-3-refund",
        note="Money-back guarantee: 18 unused days of 31",
    )

    assert refund == GatewayRefund(
        refund_id="REF00000000000004", status="COMPLETED", amount=Decimal("72.26"), currency="USD"
    )
    (post,) = paypal_server.posts("/refund")
    assert post.request_id == "credit-note-3-refund"
    assert post.body == {
        "amount": {"currency_code": "USD", "value": "72.26"},
        "note_to_payer": "Money-back guarantee: 18 unused days of 31",
    }
    assert paypal_server.capture(capture.capture_id).refunded == Decimal("72.26")


def test_a_refund_above_what_is_left_is_refund_exceeds_capture(paypal_server) -> None:
    gateway = gateway_for(paypal_server)
    capture = captured(gateway, paypal_server)
    gateway.capture_refund(
        capture_id=capture.capture_id,
        amount=Decimal("100.00"),
        currency="USD",
        request_id="r1",
        note="",
    )

    with pytest.raises(PaymentRefused) as refused:
        gateway.capture_refund(
            capture_id=capture.capture_id,
            amount=Decimal("20.01"),
            currency="USD",
            request_id="r2",
            note="",
        )

    error = refused.value
    assert (error.code, error.field, error.http_status) == ("refund_exceeds_capture", "amount", 422)
    assert (error.provider_status, error.provider_issue) == (422, "REFUND_AMOUNT_EXCEEDED")
    assert paypal_server.capture(capture.capture_id).refunded == Decimal("100.00")


def test_the_same_refund_request_id_refunds_once(paypal_server) -> None:
    gateway = gateway_for(paypal_server)
    capture = captured(gateway, paypal_server)
    refund = {
        "capture_id": capture.capture_id,
        "amount": Decimal("30.00"),
        "currency": "USD",
        "request_id": "credit-note-3-refund",
        "note": "",
    }

    first = gateway.capture_refund(**refund)
    second = gateway.capture_refund(**refund)

    assert first == second
    assert len(paypal_server.posts("/refund")) == 2
    assert paypal_server.capture(capture.capture_id).refunded == Decimal("30.00")


def test_a_5xx_is_retried_with_the_same_request_id_and_acts_once(paypal_server) -> None:
    gateway = gateway_for(paypal_server)
    capture = captured(gateway, paypal_server)
    paypal_server.fault("/refund", status=503)

    refund = gateway.capture_refund(
        capture_id=capture.capture_id,
        amount=Decimal("30.00"),
        currency="USD",
        request_id="credit-note-3-refund",
        note="",
    )

    posts = paypal_server.posts("/refund")
    assert [p.request_id for p in posts] == ["credit-note-3-refund"] * 2
    assert refund.amount == Decimal("30.00")
    assert paypal_server.capture(capture.capture_id).refund_ids == [refund.refund_id]


def test_an_answer_lost_after_the_effect_is_recovered_by_the_retry(paypal_server) -> None:
    """PayPal refunded but its answer failed: the retry (same id) gets the first
    refund back, and no second one is made."""
    gateway = gateway_for(paypal_server)
    capture = captured(gateway, paypal_server)
    paypal_server.fault("/refund", status=500, after_effect=True)

    refund = gateway.capture_refund(
        capture_id=capture.capture_id,
        amount=Decimal("30.00"),
        currency="USD",
        request_id="credit-note-3-refund",
        note="",
    )

    assert len(paypal_server.posts("/refund")) == 2
    assert paypal_server.capture(capture.capture_id).refund_ids == [refund.refund_id]
    assert paypal_server.capture(capture.capture_id).refunded == Decimal("30.00")


def test_a_timeout_is_retried_with_the_same_request_id(paypal_server) -> None:
    gateway = gateway_for(paypal_server, timeout=0.3)
    order = gateway.order_create(**USD_120, request_id="invoice-7-order", **URLS)
    paypal_server.approve(order.order_id)
    paypal_server.fault("/capture", delay=1.0)

    capture = gateway.order_capture(order_id=order.order_id, request_id="invoice-7-capture")

    assert [p.request_id for p in paypal_server.posts("/capture")] == ["invoice-7-capture"] * 2
    assert capture.status == "COMPLETED"
    assert len(paypal_server.state.captures) == 1


def test_timeouts_past_the_retries_are_provider_unavailable(paypal_server) -> None:
    gateway = gateway_for(paypal_server, timeout=0.3, retries=2)
    capture = captured(gateway, paypal_server)
    paypal_server.fault("/refund", delay=1.0, times=3)
    refund = {
        "capture_id": capture.capture_id,
        "amount": Decimal("30.00"),
        "currency": "USD",
        "request_id": "credit-note-3-refund",
        "note": "",
    }

    with pytest.raises(PaymentUnavailable) as unavailable:
        gateway.capture_refund(**refund)

    assert (unavailable.value.code, unavailable.value.http_status) == (
        "provider_unavailable",
        503,
    )
    assert [p.request_id for p in paypal_server.posts("/refund")] == ["credit-note-3-refund"] * 3
    # PayPal did act on the first attempt: asking again with the same id tells us so.
    again = gateway.capture_refund(**refund)
    assert paypal_server.capture(capture.capture_id).refund_ids == [again.refund_id]


def test_5xx_past_the_retries_is_provider_unavailable(paypal_server) -> None:
    gateway = gateway_for(paypal_server, retries=1)
    paypal_server.fault("/v2/checkout/orders", status=502, times=2)

    with pytest.raises(PaymentUnavailable) as unavailable:
        gateway.order_create(**USD_120, request_id="invoice-7-order", **URLS)

    assert (unavailable.value.code, unavailable.value.provider_status) == (
        "provider_unavailable",
        502,
    )
    assert paypal_server.state.orders == {}


def test_paypal_out_of_reach_is_provider_unavailable() -> None:
    gateway = PayPalGateway(
        config=PayPalConfig(
            client_id="id",
            client_secret="secret",
            base_url="http://127.0.0.1:9",
            backoff=0,
        )
    )

    with pytest.raises(PaymentUnavailable) as unavailable:
        gateway.order_create(**USD_120, request_id="invoice-7-order", **URLS)

    assert unavailable.value.code == "provider_unavailable"


def test_wrong_credentials_are_provider_auth_failed(paypal_server) -> None:
    gateway = gateway_for(paypal_server, client_secret="not-it")

    with pytest.raises(PaymentError) as failed:
        gateway.order_create(**USD_120, request_id="invoice-7-order", **URLS)

    assert (failed.value.code, failed.value.provider_status) == ("provider_auth_failed", 401)
    assert paypal_server.posts("/v2/") == []


def test_capturing_an_unapproved_order_is_provider_rejected(paypal_server) -> None:
    gateway = gateway_for(paypal_server)
    order = gateway.order_create(**USD_120, request_id="invoice-7-order", **URLS)

    with pytest.raises(PaymentRefused) as refused:
        gateway.order_capture(order_id=order.order_id, request_id="invoice-7-capture")

    assert (refused.value.code, refused.value.provider_issue) == (
        "provider_rejected",
        "ORDER_NOT_APPROVED",
    )


@pytest.mark.parametrize(
    ("amount", "currency", "code"),
    [
        (Decimal("10.001"), "USD", "too_many_decimals"),
        (Decimal("10.5"), "JPY", "too_many_decimals"),
        (Decimal("0.00"), "USD", "invalid_amount"),
        (Decimal("-1.00"), "USD", "invalid_amount"),
        (Decimal("NaN"), "USD", "invalid_amount"),
        (10.5, "USD", "invalid_amount"),
        (Decimal("10.00"), "XXY", "unknown_currency"),
    ],
)
def test_bad_amounts_are_refused_before_paypal_is_asked(
    paypal_server, amount, currency, code
) -> None:
    gateway = gateway_for(paypal_server)

    with pytest.raises(PaymentRefused) as refused:
        gateway.order_create(
            reference="2026-000123",
            amount=amount,
            currency=currency,
            request_id="invoice-7-order",
            **URLS,
        )

    assert refused.value.code == code
    assert paypal_server.requests == []


@pytest.mark.parametrize(
    ("amount", "currency", "written"),
    [
        (Decimal("12.5"), "usd", ("12.50", "USD")),
        (Decimal("500"), "JPY", ("500", "JPY")),
        (Decimal("500.00"), "JPY", ("500", "JPY")),
        (Decimal("1.5"), "KWD", ("1.500", "KWD")),
        (Decimal("0.01"), "EUR", ("0.01", "EUR")),
    ],
)
def test_money_is_written_at_the_currency_s_minor_unit(amount, currency, written) -> None:
    assert money_value(amount, currency) == written
