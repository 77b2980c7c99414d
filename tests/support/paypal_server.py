"""A local PayPal on 127.0.0.1 for the real SDK to talk to: the REST shapes we use.

- `POST /v1/oauth2/token` (client credentials, HTTP Basic): a bearer token.
- `POST /v2/checkout/orders`: an order in `PAYER_ACTION_REQUIRED` with a `payer-action`
  link; `server.approve(order_id)` stands in for the payer approving it.
- `POST /v2/checkout/orders/{id}/capture`: the order `COMPLETED` with one capture,
  itself `COMPLETED` (or `server.capture_status`, e.g. `PENDING` while PayPal reviews
  it).
- `POST /v2/payments/captures/{id}/refund`: a refund of the amount given (or of what
  is left); above what is left, PayPal's 422 `REFUND_AMOUNT_EXCEEDED`.
- `GET /v1/notifications/certs/{name}`: a certificate put there with `server.cert_add`.

Like PayPal, a POST with a `PayPal-Request-Id` seen before on the same path is answered
with the first answer and has no second effect. Every request is recorded
(`server.requests`). Faults (`server.fault(...)`) make the next matching requests fail:
an HTTP status before or after the effect (the answer lost on the way back), or a delay
longer than the client waits. Effects and stored answers are written before any delay,
so a retry that arrives while the first attempt is still sleeping gets the first answer.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

CLIENT_ID = "pactdesk-test-client"
CLIENT_SECRET = "pactdesk-test-secret"
TOKEN_SECONDS = 32400


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Any

    @property
    def request_id(self) -> str | None:
        return self.headers.get("paypal-request-id")


@dataclass
class Fault:
    """The next `times` requests whose path contains `path` fail: with `status` (and
    PayPal's error body) before the effect, or after it when `after_effect`; or, with
    `delay`, answered only after `delay` seconds (effect done first)."""

    path: str
    status: int | None = None
    delay: float = 0.0
    after_effect: bool = False
    times: int = 1


@dataclass
class Capture:
    capture_id: str
    order_id: str
    amount: Decimal
    currency: str
    custom_id: str
    refunded: Decimal = Decimal(0)
    refund_ids: list[str] = field(default_factory=list)


class PayPalState:
    """What the server knows; every method is called under `lock`."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests: list[Recorded] = []
        self.faults: list[Fault] = []
        self.tokens: set[str] = set()
        self.orders: dict[str, dict[str, Any]] = {}
        self.captures: dict[str, Capture] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self.answers: dict[tuple[str, str], tuple[int, dict[str, Any]]] = {}
        self.certs: dict[str, bytes] = {}
        self.capture_status = "COMPLETED"
        self.counter = 0

    def next_id(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter:014d}"


class PayPalServer:
    """The running server: `base_url`, what it received, and the handles tests use."""

    def __init__(self) -> None:
        self.state = PayPalState()
        handler = type("Handler", (_Handler,), {"state": self.state})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def start(self) -> PayPalServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def requests(self) -> list[Recorded]:
        with self.state.lock:
            return list(self.state.requests)

    def posts(self, path_part: str) -> list[Recorded]:
        """The POSTs whose path contains `path_part` (token requests excluded)."""
        return [r for r in self.requests if r.method == "POST" and path_part in r.path]

    def fault(self, path: str, **how: Any) -> None:
        with self.state.lock:
            self.state.faults.append(Fault(path=path, **how))

    def approve(self, order_id: str) -> None:
        """The payer approves the order at PayPal."""
        with self.state.lock:
            self.state.orders[order_id]["status"] = "APPROVED"

    @property
    def capture_status(self) -> str:
        return self.state.capture_status

    @capture_status.setter
    def capture_status(self, status: str) -> None:
        """The status of the captures made from now on (`PENDING`: under review)."""
        with self.state.lock:
            self.state.capture_status = status

    def capture(self, capture_id: str) -> Capture:
        with self.state.lock:
            return self.state.captures[capture_id]

    def cert_add(self, name: str, pem: bytes) -> str:
        """Serve `pem` and answer its URL."""
        with self.state.lock:
            self.state.certs[name] = pem
        return f"{self.base_url}/v1/notifications/certs/{name}"


def _money(amount: Decimal, currency: str) -> dict[str, str]:
    return {"currency_code": currency, "value": str(amount)}


def _error(status: int, name: str, issue: str | None = None) -> tuple[int, dict[str, Any]]:
    body: dict[str, Any] = {"name": name, "message": name.replace("_", " ").lower()}
    body["debug_id"] = "f00dcafe"
    if issue:
        body["details"] = [{"issue": issue, "description": issue.replace("_", " ").lower()}]
    return status, body


ORDER = re.compile(r"^/v2/checkout/orders$")
CAPTURE = re.compile(r"^/v2/checkout/orders/(?P<id>[^/]+)/capture$")
REFUND = re.compile(r"^/v2/payments/captures/(?P<id>[^/]+)/refund$")
CERT = re.compile(r"^/v1/notifications/certs/(?P<name>[^/]+)$")


class _Handler(BaseHTTPRequestHandler):
    state: PayPalState
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read `server.requests`."""

    def do_GET(self) -> None:
        self._record(b"")
        match = CERT.match(self.path)
        with self.state.lock:
            pem = self.state.certs.get(match["name"]) if match else None
        if pem is None:
            self._answer(*_error(404, "RESOURCE_NOT_FOUND"))
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/x-pem-file")
        self.send_header("Content-Length", str(len(pem)))
        self.end_headers()
        self.wfile.write(pem)

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._record(raw)
        if self.path == "/v1/oauth2/token":
            self._answer(*self._token())
            return
        if self.headers.get("Authorization", "").removeprefix("Bearer ") not in self.state.tokens:
            self._answer(*_error(401, "AUTHENTICATION_FAILURE"))
            return
        with self.state.lock:
            fault = self._fault()
            if fault and fault.status and not fault.after_effect:
                status, body = _error(fault.status, "INTERNAL_SERVER_ERROR")
            else:
                status, body = self._once(raw)
                if fault and fault.status:
                    status, body = _error(fault.status, "INTERNAL_SERVER_ERROR")
        if fault and fault.delay:
            time.sleep(fault.delay)
        self._answer(status, body)

    def _record(self, raw: bytes) -> None:
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("latin-1")
        headers = {key.lower(): value for key, value in self.headers.items()}
        with self.state.lock:
            self.state.requests.append(Recorded(self.command, self.path, headers, body))

    def _fault(self) -> Fault | None:
        for fault in self.state.faults:
            if fault.path in self.path:
                fault.times -= 1
                if fault.times <= 0:
                    self.state.faults.remove(fault)
                return fault
        return None

    def _token(self) -> tuple[int, dict[str, Any]]:
        expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if self.headers.get("Authorization") != f"Basic {expected}":
            return 401, {
                "error": "invalid_client",
                "error_description": "Client Authentication failed",
            }
        with self.state.lock:
            token = self.state.next_id("A21AA")
            self.state.tokens.add(token)
        return 200, {
            "scope": "https://uri.paypal.com/services/payments/payment",
            "access_token": token,
            "token_type": "Bearer",
            "app_id": "APP-80W284485P519543T",
            "expires_in": TOKEN_SECONDS,
            "nonce": "2026-03-02T15:00:00Z",
        }

    def _once(self, raw: bytes) -> tuple[int, dict[str, Any]]:
        """The answer to this POST: the stored one for a request id seen before."""
        request_id = self.headers.get("PayPal-Request-Id")
        key = (self.path, request_id or "")
        if request_id and key in self.state.answers:
            return self.state.answers[key]
        answer = self._effect(json.loads(raw) if raw else {})
        if request_id and answer[0] < 500:
            self.state.answers[key] = answer
        return answer

    def _effect(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if ORDER.match(self.path):
            return self._order_create(body)
        if match := CAPTURE.match(self.path):
            return self._order_capture(match["id"])
        if match := REFUND.match(self.path):
            return self._capture_refund(match["id"], body)
        return _error(404, "RESOURCE_NOT_FOUND")

    def _order_create(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        unit = body["purchase_units"][0]
        order_id = self.state.next_id("ORD")
        context = body.get("payment_source", {}).get("paypal", {}).get("experience_context", {})
        self.state.orders[order_id] = {
            "status": "PAYER_ACTION_REQUIRED",
            "amount": Decimal(unit["amount"]["value"]),
            "currency": unit["amount"]["currency_code"],
            "custom_id": unit.get("custom_id", ""),
            "return_url": context.get("return_url"),
        }
        return 200, {
            "id": order_id,
            "status": "PAYER_ACTION_REQUIRED",
            "payment_source": {"paypal": {}},
            "links": [
                {"href": f"/v2/checkout/orders/{order_id}", "rel": "self", "method": "GET"},
                {
                    "href": f"https://www.sandbox.paypal.com/checkoutnow?token={order_id}",
                    "rel": "payer-action",
                    "method": "GET",
                },
            ],
        }

    def _order_capture(self, order_id: str) -> tuple[int, dict[str, Any]]:
        order = self.state.orders.get(order_id)
        if order is None:
            return _error(404, "RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID")
        if order["status"] == "COMPLETED":
            return _error(422, "UNPROCESSABLE_ENTITY", "ORDER_ALREADY_CAPTURED")
        if order["status"] != "APPROVED":
            return _error(422, "UNPROCESSABLE_ENTITY", "ORDER_NOT_APPROVED")
        capture_id = self.state.next_id("CAP")
        order["status"] = "COMPLETED"
        capture = Capture(
            capture_id, order_id, order["amount"], order["currency"], order["custom_id"]
        )
        self.state.captures[capture_id] = capture
        return 201, {
            "id": order_id,
            "status": "COMPLETED",
            "purchase_units": [
                {
                    "reference_id": order["custom_id"],
                    "payments": {
                        "captures": [
                            {
                                "id": capture_id,
                                "status": self.state.capture_status,
                                "amount": _money(capture.amount, capture.currency),
                                "final_capture": True,
                                "custom_id": capture.custom_id,
                            }
                        ]
                    },
                }
            ],
        }

    def _capture_refund(self, capture_id: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        capture = self.state.captures.get(capture_id)
        if capture is None:
            return _error(404, "RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID")
        left = capture.amount - capture.refunded
        amount = Decimal(body["amount"]["value"]) if "amount" in body else left
        if "amount" in body and body["amount"]["currency_code"] != capture.currency:
            return _error(422, "UNPROCESSABLE_ENTITY", "REFUND_CURRENCY_MISMATCH")
        if left <= 0:
            return _error(422, "UNPROCESSABLE_ENTITY", "CAPTURE_FULLY_REFUNDED")
        if amount > left:
            return _error(422, "UNPROCESSABLE_ENTITY", "REFUND_AMOUNT_EXCEEDED")
        refund_id = self.state.next_id("REF")
        capture.refunded += amount
        capture.refund_ids.append(refund_id)
        self.state.refunds[refund_id] = {"capture_id": capture_id, "amount": amount}
        return 201, {
            "id": refund_id,
            "status": "COMPLETED",
            "amount": _money(amount, capture.currency),
            "note_to_payer": body.get("note_to_payer"),
            "links": [
                {"href": f"/v2/payments/refunds/{refund_id}", "rel": "self", "method": "GET"},
                {"href": f"/v2/payments/captures/{capture_id}", "rel": "up", "method": "GET"},
            ],
        }

    def _answer(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (a timeout test)


@pytest.fixture
def paypal_server() -> Iterator[PayPalServer]:
    """A fresh local PayPal for one test."""
    server = PayPalServer().start()
    yield server
    server.stop()


@pytest.fixture
def paypal_settings(settings: Any, paypal_server: PayPalServer) -> PayPalServer:
    """The settings pointed at the local PayPal (credentials, base URL, no back-off
    sleeps), with a gateway built from them by `payments.paypal.paypal_gateway()`."""
    settings.PACTDESK_PAYPAL_CLIENT_ID = CLIENT_ID
    settings.PACTDESK_PAYPAL_CLIENT_SECRET = CLIENT_SECRET
    settings.PACTDESK_PAYPAL_BASE_URL = paypal_server.base_url
    settings.PACTDESK_PAYPAL_TIMEOUT = 5
    settings.PACTDESK_PAYPAL_RETRIES = 2
    return paypal_server
