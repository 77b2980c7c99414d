from __future__ import annotations

from datetime import timedelta

import pytest

from pactdesk.accounts.models import Role
from pactdesk.desk.selectors import (
    TicketFilter,
    customer_ticket_get,
    customer_ticket_list,
    ticket_get,
    ticket_list,
)
from pactdesk.desk.services import ticket_assign, ticket_lodge, ticket_mark_invalid, ticket_reply
from pactdesk.platform.errors import NotFound, ValidationFailed
from tests.desk.conftest import MONDAY_10AM
from tests.factories import ClientFactory, UserFactory, shared_agreement

pytestmark = pytest.mark.django_db
MIN = timedelta(minutes=1)
LATER = MONDAY_10AM + timedelta(days=1)


def refs(page) -> list[str]:
    return [t.subject for t in page.items]


@pytest.fixture
def two_clients(lodge):
    ours = [lodge(subject=f"ours {n}", now=MONDAY_10AM + n * MIN) for n in range(3)]
    theirs_agreement = shared_agreement(ClientFactory())
    theirs = ticket_lodge(
        client=theirs_agreement.client,
        customer_email="jo@shop.test",
        subject="theirs",
        body="b",
        channel="api",
        now=MONDAY_10AM,
    )
    return ours, theirs


def test_a_client_user_lists_and_gets_only_their_clients_tickets(two_clients) -> None:
    ours, theirs = two_clients
    user = UserFactory(role=Role.CLIENT_MEMBER, client=ours[0].client)
    page = ticket_list(actor=user, filters=TicketFilter(), now=LATER)
    assert refs(page) == ["ours 2", "ours 1", "ours 0"]
    assert ticket_get(actor=user, ticket_id=ours[0].pk).pk == ours[0].pk
    with pytest.raises(NotFound):
        ticket_get(actor=user, ticket_id=theirs.pk)
    staff = UserFactory(role=Role.AGENT)
    assert len(ticket_list(actor=staff, filters=TicketFilter(), now=LATER).items) == 4


def test_a_customer_sees_only_their_own_tickets_at_that_client(two_clients, lodge) -> None:
    ours, theirs = two_clients
    other = lodge(customer_email="someone.else@shop.test", subject="other customer")
    customer = ours[0].customer
    assert {t.pk for t in customer_ticket_list(customer=customer)} == {t.pk for t in ours}
    for foreign in (theirs, other):  # same address at another client; another customer
        with pytest.raises(NotFound):
            customer_ticket_get(customer=customer, ticket_id=foreign.pk)


def test_the_cursor_walks_every_ticket_once(lodge) -> None:
    for n in range(7):
        lodge(subject=f"t{n}", now=MONDAY_10AM + (n // 2) * MIN)  # pairs share an instant
    staff = UserFactory(role=Role.AGENT)
    seen, cursor = [], None
    while True:
        page = ticket_list(actor=staff, filters=TicketFilter(), now=LATER, cursor=cursor, limit=3)
        seen += refs(page)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert sorted(seen) == [f"t{n}" for n in range(7)]
    assert len(seen) == 7


@pytest.mark.parametrize("cursor", ["garbage", "bm90fGE", "MjAyNi0wMS0wMXwx"])
def test_a_forged_cursor_is_refused(cursor) -> None:
    with pytest.raises(ValidationFailed) as caught:
        ticket_list(actor=UserFactory(), filters=TicketFilter(), now=LATER, cursor=cursor)
    assert (caught.value.code, caught.value.field) == ("invalid_cursor", "cursor")


def test_filters_unassigned_mine_search_validity_and_breaching_soon(lodge, agent) -> None:
    urgent = lodge(subject="Server down", now=MONDAY_10AM)
    mine = lodge(subject="Invoice copy", now=MONDAY_10AM + 20 * MIN)
    spam = lodge(subject="Cheap pills", now=MONDAY_10AM + 21 * MIN)
    ticket_assign(actor=agent, ticket=mine, assignee=agent, now=MONDAY_10AM + 21 * MIN)
    ticket_reply(actor=agent, ticket=mine, body="ok", now=MONDAY_10AM + 22 * MIN)
    ticket_mark_invalid(actor=agent, ticket=spam, reason="spam", now=MONDAY_10AM + 22 * MIN)
    at = MONDAY_10AM + 25 * MIN

    def listed(**f) -> list[str]:
        return refs(ticket_list(actor=agent, filters=TicketFilter(**f), now=at))

    assert listed(assignee_id=agent.pk) == ["Invoice copy"]
    assert listed(unassigned=True) == ["Cheap pills", "Server down"]
    assert listed(search="invoice") == ["Invoice copy"]
    assert listed(search=f"PD-{urgent.pk}") == ["Server down"]
    assert listed(valid=False) == ["Cheap pills"]
    # Server down is due at 10:30; mine was answered; the spam left the SLA.
    assert listed(breaching_within=timedelta(minutes=10)) == ["Server down"]
    assert listed(breaching_within=timedelta(minutes=1)) == []


def test_listing_costs_the_same_queries_for_3_and_30_tickets(
    lodge, agent, django_assert_num_queries
) -> None:
    for n in range(3):
        lodge(subject=f"a{n}", customer_email=f"c{n}@shop.test")
    with django_assert_num_queries(1):
        len(ticket_list(actor=agent, filters=TicketFilter(), now=LATER).items[0].customer.email)
    for n in range(27):
        lodge(subject=f"b{n}", customer_email=f"d{n}@shop.test")
    with django_assert_num_queries(1):
        page = ticket_list(actor=agent, filters=TicketFilter(), now=LATER)
        assert {t.customer.email for t in page.items} >= {"d0@shop.test"}
        assert {t.client.name for t in page.items} == {"Northwind"}
