"""PayPal's webhook notifications made and signed for a test run.

`Signer` holds an RSA key and a self-signed certificate made once per run; the local
PayPal server (`paypal_server.py`) serves the certificate, and `signer.headers(body)`
gives the PAYPAL-* headers PayPal would send with `body`: the signature over
`transmission_id|transmission_time|webhook_id|crc32(body)`, RSA PKCS#1 v1.5 SHA-256.
`capture_event(...)` and `refund_event(...)` write bodies shaped as PayPal's.
"""

from __future__ import annotations

import base64
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import count
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from tests.support.paypal_server import PayPalServer

WEBHOOK_ID = "8PT597110X687430LKGECATA"
TRANSMISSION_TIME = "2026-03-02T15:00:00Z"
_transmissions = count(1)


@dataclass(frozen=True)
class KeyPair:
    key: rsa.RSAPrivateKey
    pem: bytes  # the certificate


def key_pair_make(*, not_before: datetime, not_after: datetime) -> KeyPair:
    """An RSA key with a self-signed certificate valid from `not_before` to `not_after`."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "messageverificationcerts.test")])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .sign(key, hashes.SHA256())
    )
    return KeyPair(key=key, pem=certificate.public_bytes(serialization.Encoding.PEM))


_RUN_PAIR: list[KeyPair] = []


def run_key_pair() -> KeyPair:
    """The key pair of this test run (made once; valid a day either side of now)."""
    if not _RUN_PAIR:
        now = datetime.now(UTC)
        _RUN_PAIR.append(
            key_pair_make(not_before=now - timedelta(days=1), not_after=now + timedelta(days=1))
        )
    return _RUN_PAIR[0]


class Signer:
    """Signs notifications with `pair` for `webhook_id`; its certificate at `cert_url`."""

    def __init__(self, *, pair: KeyPair, cert_url: str, webhook_id: str = WEBHOOK_ID) -> None:
        self.pair = pair
        self.cert_url = cert_url
        self.webhook_id = webhook_id

    def headers(self, body: bytes, *, transmission_id: str | None = None) -> dict[str, str]:
        transmission_id = (
            transmission_id or f"b2384410-{next(_transmissions):04d}-11ef-a2c4-0a5b7c1d9e2f"
        )
        message = f"{transmission_id}|{TRANSMISSION_TIME}|{self.webhook_id}|{zlib.crc32(body)}"
        signature = self.pair.key.sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())
        return {
            "PAYPAL-TRANSMISSION-ID": transmission_id,
            "PAYPAL-TRANSMISSION-TIME": TRANSMISSION_TIME,
            "PAYPAL-TRANSMISSION-SIG": base64.b64encode(signature).decode(),
            "PAYPAL-CERT-URL": self.cert_url,
            "PAYPAL-AUTH-ALGO": "SHA256withRSA",
        }


def event_body(data: dict[str, Any]) -> bytes:
    return json.dumps(data, separators=(",", ":")).encode()


def capture_event(
    *,
    event_id: str,
    capture_id: str,
    amount: Decimal,
    currency: str = "USD",
    event_type: str = "PAYMENT.CAPTURE.COMPLETED",
    status: str = "COMPLETED",
    order_id: str | None = None,
    custom_id: str | None = None,
) -> bytes:
    """A capture notification as PayPal sends it (resource: the capture)."""
    resource: dict[str, Any] = {
        "id": capture_id,
        "status": status,
        "amount": {"currency_code": currency, "value": str(amount)},
        "final_capture": True,
        "create_time": "2026-03-02T14:59:58Z",
        "links": [
            {
                "href": f"https://api.sandbox.paypal.com/v2/payments/captures/{capture_id}",
                "rel": "self",
                "method": "GET",
            },
            {
                "href": f"https://api.sandbox.paypal.com/v2/payments/captures/{capture_id}/refund",
                "rel": "refund",
                "method": "POST",
            },
        ],
    }
    if order_id:
        resource["supplementary_data"] = {"related_ids": {"order_id": order_id}}
        resource["links"].append(
            {
                "href": f"https://api.sandbox.paypal.com/v2/checkout/orders/{order_id}",
                "rel": "up",
                "method": "GET",
            }
        )
    if custom_id:
        resource["custom_id"] = custom_id
    return event_body(
        {
            "id": event_id,
            "event_version": "1.0",
            "create_time": "2026-03-02T15:00:00.000Z",
            "resource_type": "capture",
            "resource_version": "2.0",
            "event_type": event_type,
            "summary": f"Payment {status.lower()} for {amount} {currency}",
            "resource": resource,
        }
    )


def refund_event(
    *,
    event_id: str,
    refund_id: str,
    capture_id: str,
    amount: Decimal,
    currency: str = "USD",
    event_type: str = "PAYMENT.CAPTURE.REFUNDED",
    custom_id: str | None = None,
) -> bytes:
    """A refund (or reversal) notification (resource: the refund, `up` its capture)."""
    resource: dict[str, Any] = {
        "id": refund_id,
        "status": "COMPLETED",
        "amount": {"currency_code": currency, "value": str(amount)},
        "links": [
            {
                "href": f"https://api.sandbox.paypal.com/v2/payments/refunds/{refund_id}",
                "rel": "self",
                "method": "GET",
            },
            {
                "href": f"https://api.sandbox.paypal.com/v2/payments/captures/{capture_id}",
                "rel": "up",
                "method": "GET",
            },
        ],
    }
    if custom_id:
        resource["custom_id"] = custom_id
    return event_body(
        {
            "id": event_id,
            "event_version": "1.0",
            "create_time": "2026-03-02T15:00:00.000Z",
            "resource_type": "refund",
            "resource_version": "2.0",
            "event_type": event_type,
            "summary": f"A {amount} {currency} capture payment was refunded",
            "resource": resource,
        }
    )


@pytest.fixture
def paypal_signer(settings: Any, paypal_server: PayPalServer) -> Iterator[Signer]:
    """Webhooks configured for the local PayPal: our webhook id, its origin allowed for
    certificates, the run's certificate served there; a `Signer` for notifications."""
    from pactdesk.payments.notifications import certificates_forget

    pair = run_key_pair()
    settings.PACTDESK_PAYPAL_WEBHOOK_ID = WEBHOOK_ID
    settings.PACTDESK_PAYPAL_CERT_ORIGINS = [paypal_server.base_url]
    cert_url = paypal_server.cert_add("CERT-360caa42-fca2a594-test", pair.pem)
    yield Signer(pair=pair, cert_url=cert_url)
    certificates_forget()
