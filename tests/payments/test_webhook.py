"""POST /payments/paypal/webhook/: PayPal's signature verified offline with a
certificate made for the run, each capture event applied once."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.test import Client as Browser

from pactdesk.payments.models import WebhookEvent
from pactdesk.payments.notifications import event_parse
from pactdesk.payments.services import (
    off_capture_event,
    on_capture_event,
    webhook_event_record,
)
from pactdesk.payments.types import PayPalEvent
from pactdesk.platform.error_codes import PlatformErrorCode
from pactdesk.platform.errors import Conflict
from tests.support.paypal_webhooks import (
    Signer,
    capture_event,
    event_body,
    key_pair_make,
    refund_event,
)

pytestmark = pytest.mark.django_db

URL = "/payments/paypal/webhook/"
COMPLETED = capture_event(
    event_id="WH-2WR32451HC0233532-67976317FL4543714",
    capture_id="CAP00000000000003",
    amount=Decimal("120.00"),
    order_id="ORD00000000000002",
    custom_id="2026-000123",
)


@pytest.fixture
def received():
    """The events a handler registered for the test was given."""
    events: list[PayPalEvent] = []
    on_capture_event(events.append)
    yield events
    off_capture_event(events.append)


def post(body: bytes, headers: dict[str, str]):
    return Browser().post(URL, body, content_type="application/json", headers=dict(headers.items()))


def test_a_signed_capture_event_is_applied_once(paypal_signer: Signer, received) -> None:
    answer = post(COMPLETED, paypal_signer.headers(COMPLETED))

    assert (answer.status_code, answer.json()) == (200, {"outcome": "applied"})
    assert received == [
        PayPalEvent(
            event_id="WH-2WR32451HC0233532-67976317FL4543714",
            event_type="PAYMENT.CAPTURE.COMPLETED",
            resource_type="capture",
            status="COMPLETED",
            capture_id="CAP00000000000003",
            refund_id=None,
            order_id="ORD00000000000002",
            custom_id="2026-000123",
            amount=Decimal("120.00"),
            currency="USD",
        )
    ]
    assert list(WebhookEvent.objects.values_list("event_id", "event_type")) == [
        ("WH-2WR32451HC0233532-67976317FL4543714", "PAYMENT.CAPTURE.COMPLETED")
    ]


def test_a_refund_event_names_its_capture(paypal_signer: Signer, received) -> None:
    body = refund_event(
        event_id="WH-1GE84257G0350133W-6RW800890C634293G",
        refund_id="REF00000000000004",
        capture_id="CAP00000000000003",
        amount=Decimal("72.26"),
    )

    answer = post(body, paypal_signer.headers(body))

    assert (answer.status_code, answer.json()) == (200, {"outcome": "applied"})
    (event,) = received
    assert (event.event_type, event.refund_id, event.capture_id, event.amount) == (
        "PAYMENT.CAPTURE.REFUNDED",
        "REF00000000000004",
        "CAP00000000000003",
        Decimal("72.26"),
    )


def test_a_replayed_event_is_answered_200_and_not_applied_again(
    paypal_signer: Signer, received
) -> None:
    post(COMPLETED, paypal_signer.headers(COMPLETED))

    # PayPal's redelivery: the same event in a new transmission.
    answer = post(COMPLETED, paypal_signer.headers(COMPLETED))

    assert (answer.status_code, answer.json()) == (200, {"outcome": "replayed"})
    assert len(received) == 1
    assert WebhookEvent.objects.count() == 1


def test_an_unknown_event_type_is_answered_200_and_ignored(paypal_signer: Signer, received) -> None:
    body = event_body(
        {
            "id": "WH-5Y1X4G6A8J0X96421-9KB13426E5282064X",
            "event_type": "CHECKOUT.ORDER.APPROVED",
            "resource_type": "checkout-order",
            "resource": {"id": "ORD00000000000002", "status": "APPROVED"},
        }
    )

    answer = post(body, paypal_signer.headers(body))

    assert (answer.status_code, answer.json()) == (200, {"outcome": "ignored"})
    assert (received, WebhookEvent.objects.count()) == ([], 0)


def test_a_body_changed_after_signing_is_refused(paypal_signer: Signer, received) -> None:
    headers = paypal_signer.headers(COMPLETED)
    forged = COMPLETED.replace(b'"120.00"', b'"1200.00"')

    answer = post(forged, headers)

    assert (answer.status_code, answer.json()) == (
        400,
        {
            "code": "webhook_signature_invalid",
            "message": "the signature does not match the notification",
            "field": "paypal-transmission-sig",
        },
    )
    assert (received, WebhookEvent.objects.count()) == ([], 0)


def test_a_signature_for_another_webhook_id_is_refused(paypal_signer: Signer, received) -> None:
    other = Signer(pair=paypal_signer.pair, cert_url=paypal_signer.cert_url, webhook_id="OTHER")

    answer = post(COMPLETED, other.headers(COMPLETED))

    assert (answer.status_code, answer.json()["code"]) == (400, "webhook_signature_invalid")
    assert received == []


def test_a_signature_by_another_key_is_refused(
    paypal_signer: Signer, received, paypal_server
) -> None:
    now = datetime.now(UTC)
    stranger = key_pair_make(not_before=now - timedelta(days=1), not_after=now + timedelta(days=1))
    forger = Signer(pair=stranger, cert_url=paypal_signer.cert_url)

    answer = post(COMPLETED, forger.headers(COMPLETED))

    assert (answer.status_code, answer.json()["code"]) == (400, "webhook_signature_invalid")
    assert received == []


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("PAYPAL-TRANSMISSION-SIG", None),
        ("PAYPAL-TRANSMISSION-ID", None),
        ("PAYPAL-CERT-URL", None),
        ("PAYPAL-AUTH-ALGO", "SHA1withRSA"),
        ("PAYPAL-TRANSMISSION-SIG", "not base64!"),
        ("PAYPAL-TRANSMISSION-SIG", base64.b64encode(b"short").decode()),
    ],
)
def test_missing_or_bad_headers_are_refused(paypal_signer: Signer, received, header, value) -> None:
    headers = paypal_signer.headers(COMPLETED)
    if value is None:
        del headers[header]
    else:
        headers[header] = value

    answer = post(COMPLETED, headers)

    assert (answer.status_code, answer.json()["code"]) == (400, "webhook_signature_invalid")
    assert answer.json()["field"] == header.lower()
    assert (received, WebhookEvent.objects.count()) == ([], 0)


@pytest.mark.parametrize(
    "cert_url",
    [
        "https://evil.test/v1/notifications/certs/CERT-360caa42",
        "https://api.paypal.com.evil.test/v1/notifications/certs/CERT-360caa42",
        "http://api.paypal.com/v1/notifications/certs/CERT-360caa42",
        "file:///etc/ssl/certs/ca-certificates.crt",
    ],
)
def test_a_certificate_from_a_host_not_allowed_is_refused_unfetched(
    paypal_signer: Signer, received, paypal_server, cert_url
) -> None:
    headers = {**paypal_signer.headers(COMPLETED), "PAYPAL-CERT-URL": cert_url}
    fetched_before = len(paypal_server.requests)

    answer = post(COMPLETED, headers)

    assert (answer.status_code, answer.json()["code"]) == (400, "webhook_cert_refused")
    assert len(paypal_server.requests) == fetched_before
    assert received == []


def test_certificates_come_by_default_only_from_paypal_s_hosts_over_https() -> None:
    from django.conf import settings as configured

    assert configured.PACTDESK_PAYPAL_CERT_ORIGINS == [
        "https://api.paypal.com",
        "https://api-m.paypal.com",
        "https://api.sandbox.paypal.com",
        "https://api-m.sandbox.paypal.com",
    ]


def test_an_event_id_is_recorded_once(now) -> None:
    event = event_parse(COMPLETED)

    assert [webhook_event_record(event=event, now=now) for _ in range(2)] == [True, False]
    assert WebhookEvent.objects.get().received_at == now


def test_a_handler_registered_twice_is_called_once(paypal_signer: Signer, received) -> None:
    on_capture_event(received.append)

    post(COMPLETED, paypal_signer.headers(COMPLETED))

    assert len(received) == 1


def test_the_certificate_is_fetched_once_and_kept(paypal_signer: Signer, paypal_server) -> None:
    second = refund_event(
        event_id="WH-other", refund_id="REF1", capture_id="CAP1", amount=Decimal("1.00")
    )
    post(COMPLETED, paypal_signer.headers(COMPLETED))
    post(second, paypal_signer.headers(second))

    fetched = [r.path for r in paypal_server.requests if r.method == "GET"]
    assert fetched == ["/v1/notifications/certs/CERT-360caa42-fca2a594-test"]


def test_an_expired_certificate_is_refused(paypal_signer: Signer, paypal_server, received) -> None:
    now = datetime.now(UTC)
    old = key_pair_make(not_before=now - timedelta(days=30), not_after=now - timedelta(days=1))
    url = paypal_server.cert_add("CERT-expired", old.pem)

    answer = post(COMPLETED, Signer(pair=old, cert_url=url).headers(COMPLETED))

    assert (answer.status_code, answer.json()["code"]) == (400, "webhook_cert_refused")
    assert received == []


def test_a_certificate_url_that_serves_nothing_is_refused(paypal_signer: Signer, received) -> None:
    url = paypal_signer.cert_url.replace("CERT-360caa42-fca2a594-test", "CERT-missing")
    headers = {**paypal_signer.headers(COMPLETED), "PAYPAL-CERT-URL": url}

    answer = post(COMPLETED, headers)

    assert (answer.status_code, answer.json()["code"]) == (400, "webhook_cert_refused")


def test_a_certificate_host_down_is_503_so_paypal_delivers_again(
    paypal_signer: Signer, settings, received
) -> None:
    settings.PACTDESK_PAYPAL_CERT_ORIGINS = ["http://127.0.0.1:9"]
    headers = {
        **paypal_signer.headers(COMPLETED),
        "PAYPAL-CERT-URL": "http://127.0.0.1:9/v1/notifications/certs/CERT-1",
    }

    answer = post(COMPLETED, headers)

    assert (answer.status_code, answer.json()["code"]) == (503, "provider_unavailable")
    assert WebhookEvent.objects.count() == 0


def test_without_a_webhook_id_notifications_are_not_taken(
    paypal_signer: Signer, settings, received
) -> None:
    settings.PACTDESK_PAYPAL_WEBHOOK_ID = ""

    answer = post(COMPLETED, paypal_signer.headers(COMPLETED))

    assert (answer.status_code, answer.json()["code"]) == (503, "not_configured")


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        event_body({"id": "WH-1", "event_type": "PAYMENT.CAPTURE.COMPLETED"}),
        event_body({"id": "", "event_type": "PAYMENT.CAPTURE.COMPLETED", "resource": {}}),
        event_body(
            {
                "id": "WH-1",
                "event_type": "PAYMENT.CAPTURE.COMPLETED",
                "resource_type": "capture",
                "resource": {"id": "C", "amount": {"value": "ten", "currency_code": "USD"}},
            }
        ),
        event_body(
            {
                "id": "WH-1",
                "event_type": "PAYMENT.CAPTURE.COMPLETED",
                "resource_type": "capture",
                "resource": {"id": 7, "status": "COMPLETED"},
            }
        ),
    ],
)
def test_a_signed_body_that_is_not_an_event_is_malformed(
    paypal_signer: Signer, received, body
) -> None:
    answer = post(body, paypal_signer.headers(body))

    assert (answer.status_code, answer.json()["code"]) == (400, "webhook_malformed")
    assert (received, WebhookEvent.objects.count()) == ([], 0)


def test_a_handler_s_refusal_writes_nothing_and_paypal_may_deliver_again(
    paypal_signer: Signer,
) -> None:
    def refuse(event: PayPalEvent) -> None:
        raise Conflict("currency mismatch", code=PlatformErrorCode.CONFLICT)

    on_capture_event(refuse)
    try:
        answer = post(COMPLETED, paypal_signer.headers(COMPLETED))
    finally:
        off_capture_event(refuse)

    assert (answer.status_code, answer.json()["code"]) == (409, "conflict")
    assert WebhookEvent.objects.count() == 0


def test_only_post_is_answered() -> None:
    answer = Browser().get(URL)

    assert answer.status_code == 405
