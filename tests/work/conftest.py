"""Fixtures of the client-work tests: Thames (dedicated, two seats held by Sam and
Tia), its admin and member; Other (dedicated too, one seat held by Uma) with its own
admin and member; Shared (a shared plan); Mo, a provider manager, and Ana, an agent
of the pool."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from pactdesk.accounts.models import Client, Role, User
from pactdesk.agreements.services import seat_assign
from pactdesk.desk.models import Ticket
from tests.factories import (
    ClientFactory,
    UserFactory,
    client_user,
    dedicated_agreement,
    shared_agreement,
    ticket_lodged,
)

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


@dataclass
class Side:
    client: Client
    admin: User
    member: User
    techs: list[User]


@dataclass
class World:
    thames: Side
    other: Side
    shared: Side
    manager: User
    pool_agent: User


def _side(name: str, slug: str, *, dedicated: bool, techs: list[User]) -> Side:
    client = ClientFactory(name=name, slug=slug, support_email=f"help@{slug}.test")
    if dedicated:
        agreement = dedicated_agreement(client, seats=max(len(techs), 1))
        for seat, tech in zip(agreement.seats.order_by("number"), techs, strict=False):
            seat_assign(seat=seat, agent=tech)
    else:
        shared_agreement(client, round_the_clock=True)
    return Side(
        client,
        client_user(client, Role.CLIENT_ADMIN),
        client_user(client, Role.CLIENT_MEMBER),
        techs,
    )


@pytest.fixture
def world(db) -> World:
    sam = UserFactory(role=Role.AGENT, name="Sam Seat", email="sam@pactdesk.test")
    tia = UserFactory(role=Role.AGENT, name="Tia Seat", email="tia@pactdesk.test")
    uma = UserFactory(role=Role.AGENT, name="Uma Other", email="uma@pactdesk.test")
    return World(
        thames=_side("Thames", "thames", dedicated=True, techs=[sam, tia]),
        other=_side("Other", "other", dedicated=True, techs=[uma]),
        shared=_side("Shared", "shared", dedicated=False, techs=[]),
        manager=UserFactory(role=Role.MANAGER, name="Mo", email="mo@pactdesk.test"),
        pool_agent=UserFactory(role=Role.AGENT, name="Ana", email="ana@pactdesk.test"),
    )


@pytest.fixture
def lodge(django_capture_on_commit_callbacks):
    def make(client: Client, **overrides: object) -> Ticket:
        values = {"client": client, "channel": "api", "now": NOW, **overrides}
        return ticket_lodged(capture=django_capture_on_commit_callbacks, **values)

    return make
