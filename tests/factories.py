"""Factories for Django tests: rows built through the services, as users make them."""

from __future__ import annotations

from datetime import date
from typing import Any

import factory

from pactdesk.accounts.models import Client, Role, User
from pactdesk.accounts.services import client_create, user_create
from pactdesk.agreements.models import Agreement, PlanKind
from pactdesk.agreements.services import (
    agreement_create,
    calendar_create,
    plan_create,
    sla_policy_create_default_shared,
)
from pactdesk.desk.models import Message, Ticket, TicketEvent
from pactdesk.desk.services import ticket_lodge
from tests.conftest import NOW

PASSWORD = "correct-horse-battery"
NINE_TO_FIVE = {
    **{day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
    "sat": [],
    "sun": [],
}


class ClientFactory(factory.Factory):
    class Meta:
        model = Client

    name = factory.Sequence(lambda n: f"Client {n}")
    slug = factory.Sequence(lambda n: f"client-{n}")
    support_email = factory.Sequence(lambda n: f"support@client-{n}.test")

    @classmethod
    def _create(cls, model_class: type, **kwargs: object) -> Client:
        return client_create(now=NOW, **kwargs)  # type: ignore[arg-type]


class UserFactory(factory.Factory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    name = factory.Sequence(lambda n: f"User {n}")
    role = Role.AGENT
    client = None
    password = PASSWORD

    @classmethod
    def _create(cls, model_class: type, **kwargs: object) -> User:
        return user_create(**kwargs)  # type: ignore[arg-type]


TICKET = {
    "customer_email": "jo@shop.test",
    "customer_name": "Jo",
    "subject": "Printer on fire",
    "body": "It is on fire.",
}


def ticket_lodged(*, client: Client, capture: Any, **overrides: Any) -> Ticket:
    """Lodge a ticket through the desk with sensible defaults, running the after-commit
    work (mail); `capture` is pytest-django's django_capture_on_commit_callbacks."""
    values = {"client": client, "channel": "email", **TICKET, **overrides}
    with capture(execute=True):
        return ticket_lodge(**values)


def client_user(client: Client, role: str = Role.CLIENT_ADMIN) -> User:
    return UserFactory(role=role, client=client)


def shared_agreement(client: Client, *, round_the_clock: bool = False) -> Agreement:
    plan = plan_create(
        code=f"shared-{client.slug}",
        name="Shared",
        kind=PlanKind.SHARED,
        price="1200.00",
        currency="USD",
    )
    calendar = calendar_create(
        client=client,
        name="Office hours",
        holiday_country="US",
        spec={"timezone": "America/New_York", "hours": NINE_TO_FIVE},
    )
    return agreement_create(
        client=client,
        plan=plan,
        start_date=date(2026, 1, 1),
        timezone="America/New_York",
        calendar=calendar,
        sla_policy=sla_policy_create_default_shared(client=client),
        round_the_clock=round_the_clock,
    )


def dedicated_agreement(client: Client, seats: int = 2) -> Agreement:
    plan = plan_create(
        code=f"dedicated-{client.slug}",
        name="Dedicated",
        kind=PlanKind.DEDICATED,
        price="4200.00",
        currency="GBP",
    )
    calendar = calendar_create(
        client=client, name="London", spec={"timezone": "Europe/London", "hours": NINE_TO_FIVE}
    )
    return agreement_create(
        client=client,
        plan=plan,
        start_date=date(2026, 1, 1),
        timezone="Europe/London",
        calendar=calendar,
        sla_policy=sla_policy_create_default_shared(client=client),
        seat_count=seats,
    )


def ticket_snapshot(ticket: Ticket) -> tuple:
    """Everything a ticket action might write: the ticket's own fields and the count of
    every event and message (any ticket's), to assert that a refused action wrote
    nothing."""
    ticket.refresh_from_db()
    return (
        ticket.status,
        ticket.priority,
        ticket.assignee_id,
        ticket.is_valid,
        ticket.merged_into_id,
        TicketEvent.objects.count(),
        Message.objects.count(),
    )
