from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pactdesk.accounts.models import Role
from pactdesk.desk.services import ticket_lodge

__all__ = ["MONDAY_10AM", "ticket_lodge"]
from tests.factories import ClientFactory, UserFactory, shared_agreement

# Monday 2 March 2026, 10:00 in New York (EST, UTC-5): inside business hours.
MONDAY_10AM = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


@pytest.fixture
def agreement(db):
    return shared_agreement(ClientFactory(name="Northwind", slug="northwind",
                                          support_email="support@northwind.test"))  # fmt: skip


@pytest.fixture
def agent(db):
    return UserFactory(role=Role.AGENT, name="Ana Agent")


@pytest.fixture
def lodge(agreement, django_capture_on_commit_callbacks):
    """Lodge a ticket (overriding any argument); after-commit work (mail) runs."""

    def make(**overrides):
        values = {
            "client": agreement.client,
            "customer_email": "jo@shop.test",
            "customer_name": "Jo",
            "subject": "Printer on fire",
            "body": "It is on fire.",
            "channel": "api",
            "now": MONDAY_10AM,
        }
        values.update(overrides)
        with django_capture_on_commit_callbacks(execute=True):
            return ticket_lodge(**values)

    return make
