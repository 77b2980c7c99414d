"""Fixtures of the alert tests: a business-hours shared client (New York, 9 to 5) with
the default targets (first response 30 min, effective answer 4 h), its pool of agents,
an agent seated for another client and a manager."""

from __future__ import annotations

import pytest

from pactdesk.accounts.models import Role, User
from pactdesk.agreements.services import seat_assign
from tests.desk.conftest import MONDAY_10AM, lodge  # noqa: F401 (the desk tests' clock and fixture)
from tests.factories import (
    ClientFactory,
    UserFactory,
    dedicated_agreement,
    shared_agreement,
)

# MONDAY_10AM: Monday 2 March 2026, 10:00 in New York (EST, UTC-5), inside business hours.


@pytest.fixture
def agreement(db):
    client = ClientFactory(name="Northwind", slug="northwind", support_email="s@northwind.test")
    return shared_agreement(client)


@pytest.fixture
def dedicated(db):
    client = ClientFactory(name="Lotus", slug="lotus", support_email="help@lotus.test")
    return dedicated_agreement(client, seats=2)


@pytest.fixture
def people(db, dedicated):
    """Ana and Bo (the pool), Sam (seated for Lotus), Mo (manager), Ad (admin)."""
    ana = UserFactory(role=Role.AGENT, name="Ana", email="ana@pactdesk.test")
    bo = UserFactory(role=Role.AGENT, name="Bo", email="bo@pactdesk.test")
    sam = UserFactory(role=Role.AGENT, name="Sam", email="sam@pactdesk.test")
    mo = UserFactory(role=Role.MANAGER, name="Mo", email="mo@pactdesk.test")
    ad = UserFactory(role=Role.ADMIN, name="Ad", email="ad@pactdesk.test")
    gone = UserFactory(role=Role.AGENT, name="Gone", email="gone@pactdesk.test")
    User.objects.filter(pk=gone.pk).update(is_active=False)
    seat_assign(seat=dedicated.seats.get(number=1), agent=sam)
    return {"ana": ana, "bo": bo, "sam": sam, "mo": mo, "ad": ad}
