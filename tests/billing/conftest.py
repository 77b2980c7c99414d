"""Billing fixtures: a dedicated agreement with terms, a provider admin, the local
PayPal server (`paypal_server`, `paypal_settings`, `paypal_signer`) and, for tests of
billing's own logic (not of PayPal), a small in-memory gateway."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from pactdesk.accounts.models import Client, Role, User
from pactdesk.agreements.models import Agreement
from pactdesk.billing.gateway import (
    GatewayCapture,
    GatewayOrder,
    GatewayRefund,
    PaymentGateway,
    PaymentRefused,
    PaymentUnavailable,
    gateway_configured,
)
from pactdesk.billing.models import Hire
from pactdesk.billing.services.hires import hire_start
from pactdesk.billing.services.terms import TermsSpec, billing_terms_set
from pactdesk.payments.error_codes import PaymentsErrorCode
from tests.factories import ClientFactory, UserFactory, dedicated_agreement, shared_agreement
from tests.support.paypal_server import PayPalServer, paypal_server, paypal_settings
from tests.support.paypal_webhooks import paypal_signer

__all__ = ["paypal_server", "paypal_settings", "paypal_signer"]

# Noon in London on 1 March 2026: the client's day is 2026-03-01.
START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def at(day: date) -> datetime:
    """Noon UTC of ``day`` (the same day in London and New York)."""
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)


@dataclass
class FakeGateway:
    """A payment provider in memory for tests of billing's own logic (the ledger
    property plays hundreds of sequences): the same request id gets the same answer; a
    refund above what is left of the capture is refused; raising payments' errors as
    `PayPalGateway` does. PayPal itself is tested against the local server."""

    fail_with: int | None = None  # answer every call with this HTTP status
    orders: dict[str, GatewayOrder] = field(default_factory=dict)
    amounts: dict[str, tuple[Decimal, str]] = field(default_factory=dict)
    captures: dict[str, GatewayCapture] = field(default_factory=dict)
    refunds: dict[str, GatewayRefund] = field(default_factory=dict)
    refunded: dict[str, Decimal] = field(default_factory=dict)
    calls: list[tuple[str, str]] = field(default_factory=list)
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def _fail(self) -> None:
        if self.fail_with:
            raise PaymentUnavailable(
                f"PayPal answered {self.fail_with}",
                code=PaymentsErrorCode.PROVIDER_UNAVAILABLE,
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
        self.calls.append(("order_create", request_id))
        self._fail()
        if request_id not in self.orders:
            order_id = f"ORDER{next(self.ids)}"
            self.orders[request_id] = GatewayOrder(
                order_id, f"https://pay.test/{order_id}", "CREATED"
            )
            self.amounts[order_id] = (amount, currency)
        return self.orders[request_id]

    def order_capture(self, *, order_id: str, request_id: str) -> GatewayCapture:
        self.calls.append(("order_capture", request_id))
        self._fail()
        if request_id not in self.captures:
            amount, currency = self.amounts[order_id]
            self.captures[request_id] = GatewayCapture(
                f"CAPTURE{next(self.ids)}", "COMPLETED", amount, currency
            )
        return self.captures[request_id]

    def capture_refund(
        self, *, capture_id: str, amount: Decimal, currency: str, request_id: str, note: str
    ) -> GatewayRefund:
        self.calls.append(("capture_refund", request_id))
        self._fail()
        if request_id not in self.refunds:
            captured = next(c.amount for c in self.captures.values() if c.capture_id == capture_id)
            if self.refunded.get(capture_id, Decimal(0)) + amount > captured:
                raise PaymentRefused(
                    "The refund amount must be less than or equal to the capture amount",
                    code=PaymentsErrorCode.REFUND_EXCEEDS_CAPTURE,
                )
            self.refunded[capture_id] = self.refunded.get(capture_id, Decimal(0)) + amount
            self.refunds[request_id] = GatewayRefund(
                f"REFUND{next(self.ids)}", "COMPLETED", amount, currency
            )
        return self.refunds[request_id]


@pytest.fixture
def gateway(paypal_settings: PayPalServer) -> PaymentGateway:
    """The real `PayPalGateway` (the official SDK), configured by the settings to talk to
    the local PayPal server (`paypal_server`: approve orders, inject faults, read the
    requests)."""
    gateway = gateway_configured()
    assert gateway is not None
    return gateway


@pytest.fixture
def admin(db: None) -> User:
    return UserFactory(role=Role.ADMIN)


@pytest.fixture
def client_row(db: None) -> Client:
    return ClientFactory(name="Thames", slug="thames")


@pytest.fixture
def client_admin(client_row: Client) -> User:
    return UserFactory(role=Role.CLIENT_ADMIN, client=client_row)


@pytest.fixture
def agreement(client_row: Client, admin: User) -> Agreement:
    """Dedicated, GBP, 2 seats: £4,200.00 a seat, £600.00 round-the-clock, VAT 20%."""
    agreement = dedicated_agreement(client_row, seats=2)
    billing_terms_set(
        actor=admin,
        agreement=agreement,
        spec=TermsSpec(
            currency="GBP",
            fee="4200.00",
            round_the_clock_fee="600.00",
            tax_rate="20",
            tax_label="VAT",
            contacts=("accounts@thames.test",),
            credit_percent_per_point="2",
            credit_cap_percent="10",
        ),
    )
    return agreement


@pytest.fixture
def shared(db: None, admin: User) -> Agreement:
    """Shared, USD 1,200.00 a month, no tax, for another client."""
    agreement = shared_agreement(ClientFactory(name="Northwind", slug="northwind"))
    billing_terms_set(
        actor=admin, agreement=agreement, spec=TermsSpec(currency="USD", fee="1200.00")
    )
    return agreement


def seat_hire(agreement: Agreement, admin: User, *, start: date, number: int = 1) -> Hire:
    seat = agreement.seats.get(number=number)
    return hire_start(actor=admin, agreement=agreement, seat=seat, start_date=start, now=at(start))
