"""Deterministic demo data, made through the same services users go through."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction

from pactdesk.accounts.models import Client, Role, User
from pactdesk.accounts.services import client_create, user_create
from pactdesk.agreements.models import Metric, PlanKind, Priority, Seat
from pactdesk.agreements.services import (
    TargetSpec,
    agreement_create,
    calendar_create,
    plan_create,
    seat_assign,
    sla_policy_create,
    sla_policy_create_default_shared,
)

DEMO_PASSWORD = "kettle-lantern-42"
DEMO_EPOCH = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
DEMO_START = date(2025, 1, 1)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    client: str


STAFF = [
    ("admin@pactdesk.test", "Avery Admin", Role.ADMIN),
    ("manager@pactdesk.test", "Morgan Manager", Role.MANAGER),
]
CLIENTS = [
    ("Northwind Outfitters", "northwind"),
    ("Lotus Telecom", "lotus"),
    ("Thames Analytics", "thames"),
]
AGENTS = [
    ("Ana Souza", "ana"),
    ("Bilal Khan", "bilal"),
    ("Chen Wei", "chen"),
    ("Dara O'Neill", "dara"),
    ("Emeka Obi", "emeka"),
    ("Farah Haddad", "farah"),
    ("Goran Petrov", "goran"),
    ("Hana Sato", "hana"),
]


def business_hours(start: str, end: str) -> dict[str, list[list[str]]]:
    hours: dict[str, list[list[str]]] = {day: [[start, end]] for day in WEEKDAYS}
    hours.update(sat=[], sun=[])
    return hours


def demo_is_loaded() -> bool:
    return Client.objects.exists()


@transaction.atomic
def demo_load() -> None:
    """Plans, three clients with agreements, staff and client users. Same every time;
    `demo_logins()` lists the users it makes."""
    shared = plan_create(
        code="shared",
        name="Shared support",
        kind=PlanKind.SHARED,
        price=Decimal("1200.00"),
        currency="USD",
    )
    dedicated = plan_create(
        code="dedicated",
        name="Dedicated technician",
        kind=PlanKind.DEDICATED,
        price=Decimal("4200.00"),
        currency="USD",
    )
    plan_create(
        code="shared-24x7",
        name="Shared support, round the clock",
        kind=PlanKind.SHARED,
        price=Decimal("2900.00"),
        currency="USD",
        round_the_clock=True,
    )
    for email, name, role in STAFF:
        user_create(email=email, name=name, role=role, password=DEMO_PASSWORD)
    agents = [
        user_create(
            email=f"{slug}@pactdesk.test", name=name, role=Role.AGENT, password=DEMO_PASSWORD
        )
        for name, slug in AGENTS
    ]

    northwind, lotus, thames = (_client(name, slug) for name, slug in CLIENTS)
    agreement_create(
        client=northwind,
        plan=shared,
        start_date=DEMO_START,
        timezone="America/New_York",
        calendar=calendar_create(
            client=northwind,
            name="New York business hours",
            holiday_country="US",
            spec={"timezone": "America/New_York", "hours": business_hours("09:00", "17:00")},
        ),
        sla_policy=sla_policy_create_default_shared(client=northwind),
    )

    agreement_create(
        client=lotus,
        plan=shared,
        start_date=DEMO_START,
        timezone="Asia/Kolkata",
        round_the_clock=True,
        calendar=calendar_create(
            client=lotus,
            name="Always open (IST)",
            spec={"timezone": "Asia/Kolkata", "always_open": True},
        ),
        sla_policy=sla_policy_create_default_shared(client=lotus),
    )

    london = agreement_create(
        client=thames,
        plan=dedicated,
        start_date=DEMO_START,
        timezone="Europe/London",
        seat_count=2,
        calendar=calendar_create(
            client=thames,
            name="London business hours",
            holiday_country="GB",
            holiday_subdivision="ENG",
            spec={"timezone": "Europe/London", "hours": business_hours("08:30", "17:30")},
        ),
        sla_policy=sla_policy_create(
            client=thames,
            name="Dedicated seats",
            pause_while_waiting=True,
            targets=[
                TargetSpec(Metric.FIRST_RESPONSE, timedelta(hours=1)),
                TargetSpec(Metric.FIRST_RESPONSE, timedelta(minutes=15), priority=Priority.URGENT),
                TargetSpec(Metric.NEXT_REPLY, timedelta(hours=4)),
            ],
        ),
    )
    for seat, agent in zip(Seat.objects.filter(agreement=london), agents[-2:], strict=True):
        seat_assign(seat=seat, agent=agent)
    demo_presences(agents=agents)


def demo_presences(*, agents: list[User]) -> None:
    """Routing's demo: the agents are there (the first with a cap of 5), but one of
    Thames's technicians is away until 09:00 tomorrow, London time."""
    from pactdesk.platform.clock import clock_now
    from pactdesk.routing.services import PresenceIn, presence_set

    now = clock_now()
    for n, agent in enumerate(agents):
        presence_set(
            actor=agent, given=PresenceIn(status="available", cap=5 if n == 0 else None), now=now
        )
    # The docstring's word, not "12 hours on": set up at 20:00 this read "back 08:00".
    london = ZoneInfo("Europe/London")
    tomorrow = now.astimezone(london).date() + timedelta(days=1)
    back_at = datetime.combine(tomorrow, time(9, 0), tzinfo=london)
    presence_set(
        actor=agents[-1],
        given=PresenceIn(status="away", timezone="Europe/London", back_at=back_at),
        now=now,
    )


def demo_logins() -> list[DemoLogin]:
    """The logins `demo_load` made, for printing after a later start."""
    logins = [DemoLogin(email, role, "") for email, _name, role in STAFF]
    logins += [DemoLogin(f"{slug}@pactdesk.test", Role.AGENT, "") for _name, slug in AGENTS]
    for name, slug in CLIENTS:
        logins.append(DemoLogin(f"admin@{slug}.test", Role.CLIENT_ADMIN, name))
        logins.append(DemoLogin(f"member@{slug}.test", Role.CLIENT_MEMBER, name))
    return logins


def _client(name: str, slug: str) -> Client:
    client = client_create(
        name=name, slug=slug, support_email=f"support@{slug}.test", now=DEMO_EPOCH
    )
    for role, local in ((Role.CLIENT_ADMIN, "admin"), (Role.CLIENT_MEMBER, "member")):
        email = f"{local}@{slug}.test"
        user_create(
            email=email, name=f"{name} {local}", role=role, client=client, password=DEMO_PASSWORD
        )
    return client
