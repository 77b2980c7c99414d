"""Fixtures of the routing tests: a business-hours shared client (Northwind, New York,
9 to 5), a round-the-clock shared client (Orbit), a dedicated client (Lotus, London,
two seats held by Sam and Sue), pool agents Ana and Bo, a manager and a client user."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client as Browser

from pactdesk.accounts.models import Role
from pactdesk.agreements.services import seat_assign
from pactdesk.api.services import api_key_create
from pactdesk.routing.services import PresenceIn, presence_set
from tests.factories import (
    ClientFactory,
    UserFactory,
    client_user,
    dedicated_agreement,
    shared_agreement,
    ticket_lodged,
)

# Monday 2 March 2026, 15:00 UTC: 10:00 in New York, 15:00 in London (both open).
MONDAY_10AM = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


@pytest.fixture
def northwind(db):
    client = ClientFactory(name="Northwind", slug="northwind", support_email="s@northwind.test")
    return shared_agreement(client)


@pytest.fixture
def orbit(db):
    client = ClientFactory(name="Orbit", slug="orbit", support_email="s@orbit.test")
    return shared_agreement(client, round_the_clock=True)


@pytest.fixture
def lotus(db):
    client = ClientFactory(name="Lotus", slug="lotus", support_email="help@lotus.test")
    return dedicated_agreement(client, seats=2)


@pytest.fixture
def people(db, lotus):
    """Ana and Bo (the pool), Sam and Sue (Lotus's seats), Mo (manager), Cy (Lotus's
    client admin). Nobody has a presence yet (all offline)."""
    ana = UserFactory(role=Role.AGENT, name="Ana", email="ana@pactdesk.test")
    bo = UserFactory(role=Role.AGENT, name="Bo", email="bo@pactdesk.test")
    sam = UserFactory(role=Role.AGENT, name="Sam", email="sam@pactdesk.test")
    sue = UserFactory(role=Role.AGENT, name="Sue", email="sue@pactdesk.test")
    mo = UserFactory(role=Role.MANAGER, name="Mo", email="mo@pactdesk.test")
    seat_assign(seat=lotus.seats.get(number=1), agent=sam)
    seat_assign(seat=lotus.seats.get(number=2), agent=sue)
    cy = client_user(lotus.client)
    return {"ana": ana, "bo": bo, "sam": sam, "sue": sue, "mo": mo, "cy": cy}


@pytest.fixture
def available():
    """Make the given people available (with an optional cap) at MONDAY_10AM."""

    def make(*users, cap=None, at=MONDAY_10AM):
        for user in users:
            presence_set(actor=user, given=PresenceIn(status="available", cap=cap), now=at)

    return make


@pytest.fixture
def lodge(django_capture_on_commit_callbacks):
    def make(agreement, **overrides):
        values = {"client": agreement.client, "channel": "api", "now": MONDAY_10AM, **overrides}
        return ticket_lodged(capture=django_capture_on_commit_callbacks, **values)

    return make


@pytest.fixture
def api(people, monkeypatch):
    """PUT /api/presence as Sam (a staff API key), at MONDAY_10AM: (status, JSON)."""
    monkeypatch.setattr("pactdesk.api.routing.clock_now", lambda: MONDAY_10AM)
    secret = api_key_create(now=MONDAY_10AM, staff_email=people["sam"].email).secret

    def put(body):
        answer = Browser().put(
            "/api/presence",
            data=body,
            content_type="application/json",
            headers={"Authorization": f"Bearer {secret}"},
        )
        return answer.status_code, answer.json()

    return put
