"""PayPal's webhook notifications, verified offline and read into a `PayPalEvent`.

PayPal signs each notification with the key of a certificate it names in
`PAYPAL-CERT-URL`. The signed message is
`<PAYPAL-TRANSMISSION-ID>|<PAYPAL-TRANSMISSION-TIME>|<our webhook id>|<crc32(body)>`
(the CRC-32 of the raw body as an unsigned decimal), the signature
`PAYPAL-TRANSMISSION-SIG` is base64 RSA PKCS#1 v1.5 over SHA-256
(`PAYPAL-AUTH-ALGO: SHA256withRSA`).

The certificate is fetched only from `PACTDESK_PAYPAL_CERT_ORIGINS` (PayPal's own API
hosts over https; the tests add their local server), without following redirects,
and kept in memory per URL; it must be inside its validity dates. The webhook id
(`PACTDESK_PAYPAL_WEBHOOK_ID`) ties the signature to our subscription: a notification
signed for another merchant's webhook does not verify here.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import logging
import re
import zlib
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

import requests
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.conf import settings

from pactdesk.payments.error_codes import PaymentsErrorCode
from pactdesk.payments.errors import PaymentError, PaymentUnavailable
from pactdesk.payments.types import PayPalEvent

logger = logging.getLogger(__name__)

AUTH_ALGO = "SHA256withRSA"
HEADERS = (
    "paypal-transmission-id",
    "paypal-transmission-time",
    "paypal-transmission-sig",
    "paypal-cert-url",
    "paypal-auth-algo",
)
CERT_MAX_BYTES = 64 * 1024
CERT_TIMEOUT = 10  # seconds
CAPTURE_LINK = re.compile(r"/v2/payments/captures/([^/?#]+)$")


def webhook_verify(*, headers: Mapping[str, str], body: bytes, now: datetime) -> PayPalEvent:
    """The notification in `body`, once its signature in `headers` (names in any case)
    is PayPal's for our webhook id; `now` (aware) is checked against the certificate's
    validity dates.

    Raises:
        PaymentUnavailable: `not_configured` without `PACTDESK_PAYPAL_WEBHOOK_ID`;
            `provider_unavailable` when the certificate cannot be fetched.
        PaymentError: `webhook_signature_invalid` (a header missing, another algorithm,
            a signature that does not verify; `field` names the header);
            `webhook_cert_refused` (a certificate URL outside the allowed origins, or
            not a certificate in its validity dates); `webhook_malformed` (a signed body
            that is not a PayPal event).
    """
    webhook_id = settings.PACTDESK_PAYPAL_WEBHOOK_ID
    if not webhook_id:
        raise PaymentUnavailable(
            "PayPal webhooks are not configured (PACTDESK_PAYPAL_WEBHOOK_ID)",
            code=PaymentsErrorCode.NOT_CONFIGURED,
        )
    given = {name.lower(): value for name, value in headers.items()}
    for name in HEADERS:
        if not given.get(name):
            raise _invalid(f"the {name} header is missing", field=name)
    if given["paypal-auth-algo"] != AUTH_ALGO:
        raise _invalid(f"PAYPAL-AUTH-ALGO must be {AUTH_ALGO}", field="paypal-auth-algo")
    try:
        signature = base64.b64decode(given["paypal-transmission-sig"], validate=True)
    except (binascii.Error, ValueError):
        raise _invalid("the signature is not base64", field="paypal-transmission-sig") from None
    key = _certificate_key(given["paypal-cert-url"], now=now)
    message = "|".join(
        [
            given["paypal-transmission-id"],
            given["paypal-transmission-time"],
            webhook_id,
            str(zlib.crc32(body)),
        ]
    ).encode()
    try:
        key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise _invalid(
            "the signature does not match the notification", field="paypal-transmission-sig"
        ) from None
    return event_parse(body)


def event_parse(body: bytes) -> PayPalEvent:
    """A PayPal event from its JSON (see `PayPalEvent` for what is read).

    Raises:
        PaymentError: `webhook_malformed`.
    """
    try:
        data = json.loads(body)
        resource = data["resource"]
        event_id, event_type = data["id"], data["event_type"]
        if not (isinstance(resource, dict) and _texts(event_id, event_type) and event_id):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        raise _malformed("the notification is not a PayPal event") from None
    resource_type = data.get("resource_type") or ""
    related = (resource.get("supplementary_data") or {}).get("related_ids") or {}
    resource_id = resource.get("id")
    capture_id = refund_id = None
    if resource_type == "capture":
        capture_id = resource_id
    elif resource_type == "refund":
        refund_id = resource_id
        capture_id = related.get("capture_id") or _capture_link(resource.get("links"))
    amount, currency = _amount(resource.get("amount"))
    fields = (resource_type, resource.get("status") or "", related.get("order_id"))
    if not _texts(*fields, capture_id, refund_id, resource.get("custom_id"), nullable=True):
        raise _malformed("the notification's resource is not readable")
    return PayPalEvent(
        event_id=event_id,
        event_type=event_type,
        resource_type=resource_type,
        status=resource.get("status") or "",
        capture_id=capture_id,
        refund_id=refund_id,
        order_id=related.get("order_id"),
        custom_id=resource.get("custom_id"),
        amount=amount,
        currency=currency,
    )


def certificates_forget() -> None:
    """Drop the certificates kept in memory (a rotated one is fetched again)."""
    _certificate_fetch.cache_clear()


def _certificate_key(url: str, *, now: datetime) -> rsa.RSAPublicKey:
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}".lower()
    if origin not in settings.PACTDESK_PAYPAL_CERT_ORIGINS or parts.username or parts.query:
        logger.warning("PayPal webhook certificate refused from %r", url)
        raise PaymentError(
            "the signing certificate is not from PayPal",
            code=PaymentsErrorCode.WEBHOOK_CERT_REFUSED,
            field="paypal-cert-url",
        )
    certificate = _certificate_fetch(url)
    key = certificate.public_key()
    inside = certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc
    if not inside or not isinstance(key, rsa.RSAPublicKey):
        raise PaymentError(
            "the signing certificate is expired, not yet valid or not an RSA key",
            code=PaymentsErrorCode.WEBHOOK_CERT_REFUSED,
            field="paypal-cert-url",
        )
    return key


@functools.lru_cache(maxsize=16)
def _certificate_fetch(url: str) -> x509.Certificate:
    """The certificate at `url` (an allowed origin), kept per URL; a failure is not."""
    try:
        answer = requests.get(url, timeout=CERT_TIMEOUT, allow_redirects=False, stream=True)
        data = answer.raw.read(CERT_MAX_BYTES + 1, decode_content=True)
    except requests.RequestException as error:
        logger.warning("PayPal webhook certificate not fetched from %r: %s", url, error)
        raise PaymentUnavailable(
            "PayPal's certificate could not be fetched",
            code=PaymentsErrorCode.PROVIDER_UNAVAILABLE,
        ) from error
    if answer.status_code != 200 or len(data) > CERT_MAX_BYTES:
        raise PaymentError(
            f"no certificate at the given URL ({answer.status_code})",
            code=PaymentsErrorCode.WEBHOOK_CERT_REFUSED,
            field="paypal-cert-url",
        )
    try:
        return x509.load_pem_x509_certificate(data)
    except ValueError:
        raise PaymentError(
            "the signing certificate is not a PEM certificate",
            code=PaymentsErrorCode.WEBHOOK_CERT_REFUSED,
            field="paypal-cert-url",
        ) from None


def _amount(amount: Any) -> tuple[Decimal | None, str | None]:
    if amount is None:
        return None, None
    try:
        value = Decimal(amount["value"])
        currency = amount["currency_code"]
        if not value.is_finite() or not _texts(currency):
            raise TypeError
    except (InvalidOperation, KeyError, TypeError):
        raise _malformed("the notification's amount is not readable") from None
    return value, currency.upper()


def _capture_link(links: Any) -> str | None:
    for link in links if isinstance(links, list) else []:
        if isinstance(link, dict) and link.get("rel") == "up":
            match = CAPTURE_LINK.search(str(link.get("href", "")))
            if match:
                return match[1]
    return None


def _texts(*values: object, nullable: bool = False) -> bool:
    return all(isinstance(v, str) or (nullable and v is None) for v in values)


def _invalid(message: str, *, field: str) -> PaymentError:
    return PaymentError(message, code=PaymentsErrorCode.WEBHOOK_SIGNATURE_INVALID, field=field)


def _malformed(message: str) -> PaymentError:
    return PaymentError(message, code=PaymentsErrorCode.WEBHOOK_MALFORMED)
