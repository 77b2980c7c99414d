from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pactdesk.accounts.models import Role
from tests.factories import ClientFactory, UserFactory, shared_agreement, ticket_lodged

# Monday 2 March 2026, 10:00 in New York (EST, UTC-5): inside business hours.
MONDAY_10AM = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


@pytest.fixture
def agreement(db):
    return shared_agreement(
        ClientFactory(name="Northwind", slug="northwind", support_email="support@northwind.test")
    )


@pytest.fixture
def agent(db):
    return UserFactory(role=Role.AGENT, name="Ana Agent")


@pytest.fixture
def lodge(agreement, django_capture_on_commit_callbacks):
    """Lodge a ticket (overriding any argument); after-commit work (mail) runs."""

    def make(**overrides):
        values = {"client": agreement.client, "channel": "api", "now": MONDAY_10AM, **overrides}
        return ticket_lodged(capture=django_capture_on_commit_callbacks, **values)

    return make
