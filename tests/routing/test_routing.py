"""The routing sweep: pools by strategy, seats only for dedicated clients, calendars,
caps, and tickets going back from away assignees."""

from __future__ import annotations

from datetime import timedelta

from pactdesk.desk.models import Ticket, TicketEvent
from pactdesk.domain.vocabulary import EventKind
from pactdesk.routing.models import Pool
from pactdesk.routing.services import presence_status_set, tickets_return, tickets_route
from tests.routing.conftest import MONDAY_10AM

MIN = timedelta(minutes=1)


def _assignees(tickets):
    return [Ticket.objects.get(pk=t.pk).assignee_id for t in tickets]


def test_shared_tickets_go_to_the_least_loaded_available_pool_agents(
    northwind, people, available, lodge
) -> None:
    available(people["ana"], people["bo"], people["sam"])
    tickets = [lodge(northwind, subject=f"T{n}") for n in range(3)]

    result = tickets_route(now=MONDAY_10AM + MIN)

    assert (result.routed, result.waiting) == (3, 0)
    # Sam is seated with Lotus: no pool work. Ana and Bo alternate on load.
    ana, bo = people["ana"].pk, people["bo"].pk
    assert _assignees(tickets) == [ana, bo, ana]
    event = TicketEvent.objects.filter(ticket=tickets[0], kind=EventKind.ROUTED).get()
    assert (event.value, event.actor_id, event.at) == ("Ana", None, MONDAY_10AM + MIN)


def test_round_robin_continues_after_the_last_agent_served(
    northwind, people, available, lodge
) -> None:
    Pool.objects.filter(is_default=True).update(strategy="round_robin", cursor=people["ana"].pk)
    available(people["ana"], people["bo"])
    tickets = [lodge(northwind, subject=f"T{n}") for n in range(3)]

    tickets_route(now=MONDAY_10AM + MIN)

    ana, bo = people["ana"].pk, people["bo"].pk
    assert _assignees(tickets) == [bo, ana, bo]
    assert Pool.objects.get(is_default=True).cursor == bo


def test_caps_hold_and_the_rest_waits(northwind, people, available, lodge) -> None:
    available(people["ana"], cap=2)
    tickets = [lodge(northwind, subject=f"T{n}") for n in range(3)]

    result = tickets_route(now=MONDAY_10AM + MIN)

    assert (result.routed, result.waiting) == (2, 1)
    assert _assignees(tickets) == [people["ana"].pk, people["ana"].pk, None]


def test_away_and_offline_agents_get_nothing(northwind, people, available, lodge) -> None:
    available(people["ana"])
    presence_status_set(actor=people["ana"], status="away", now=MONDAY_10AM)
    ticket = lodge(northwind)

    assert tickets_route(now=MONDAY_10AM + MIN).routed == 0
    assert _assignees([ticket]) == [None]


def test_a_dedicated_clients_tickets_go_only_to_its_seat_holders(
    lotus, northwind, people, available, lodge
) -> None:
    available(people["ana"], people["bo"], people["sam"], people["mo"])
    tickets = [lodge(lotus, subject=f"L{n}") for n in range(3)]

    tickets_route(now=MONDAY_10AM + MIN)

    assert _assignees(tickets) == [people["sam"].pk] * 3


def test_a_dedicated_ticket_waits_when_no_seat_holder_is_there(
    lotus, people, available, lodge
) -> None:
    available(people["ana"], people["bo"], people["mo"])
    ticket = lodge(lotus)

    assert tickets_route(now=MONDAY_10AM + MIN).waiting == 1
    assert _assignees([ticket]) == [None]


def test_a_business_hours_ticket_lodged_at_night_waits_for_the_opening(
    northwind, orbit, people, available, lodge
) -> None:
    night = MONDAY_10AM + timedelta(hours=10)  # 01:00 in New York
    available(people["ana"], at=night)
    closed = lodge(northwind, now=night)
    round_the_clock = lodge(orbit, now=night)

    tickets_route(now=night + MIN)
    assert _assignees([closed, round_the_clock]) == [None, people["ana"].pk]

    opening = MONDAY_10AM + timedelta(hours=23)  # Tuesday 09:00 in New York
    tickets_route(now=opening)
    assert _assignees([closed]) == [people["ana"].pk]


def test_an_away_assignees_untouched_ticket_goes_back_and_is_routed_again(
    northwind, people, available, lodge
) -> None:
    available(people["ana"])
    ticket = lodge(northwind)
    tickets_route(now=MONDAY_10AM + MIN)
    presence_status_set(actor=people["ana"], status="away", now=MONDAY_10AM + 2 * MIN)
    limit = timedelta(minutes=60)

    assert tickets_return(now=MONDAY_10AM + 60 * MIN, after=limit) == 0  # not long enough
    assert tickets_return(now=MONDAY_10AM + 62 * MIN, after=limit) == 1

    assert _assignees([ticket]) == [None]
    event = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.RETURNED).get()
    assert (event.value, event.at) == ("Ana", MONDAY_10AM + 62 * MIN)
    available(people["bo"], at=MONDAY_10AM + 62 * MIN)
    tickets_route(now=MONDAY_10AM + 63 * MIN)
    assert _assignees([ticket]) == [people["bo"].pk]
