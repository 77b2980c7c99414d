"""A dedicated client's tickets reach only its seat holders, whichever way they come
in (mail, web form, portal follow-up, API), whoever reassigns or merges them, and
whoever presses "next ticket"; the pool never gets them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client as Browser

from pactdesk.api.services import api_key_create
from pactdesk.desk.error_codes import DeskErrorCode
from pactdesk.desk.models import Channel, Ticket
from pactdesk.desk.services import (
    ticket_assign,
    ticket_customer_reply,
    ticket_merge,
    ticket_status_change,
)
from pactdesk.intake.services import mail_receive
from pactdesk.platform.errors import Conflict
from pactdesk.routing.services import queue_next, tickets_route
from tests.routing.conftest import MONDAY_10AM

MIN = timedelta(minutes=1)
MAIL = (
    b"From: Jo <jo@shop.test>\r\nTo: help@lotus.test\r\nSubject: By mail\r\n"
    b"Message-ID: <m1@shop.test>\r\n\r\nHello\r\n"
)


def _by_every_way(lotus, people, lodge, django_capture_on_commit_callbacks) -> list[Ticket]:
    client = lotus.client
    with django_capture_on_commit_callbacks(execute=True):
        mail_receive(
            raw=MAIL, recipients=["help@lotus.test"], envelope_sender=None, now=MONDAY_10AM
        )
    browser = Browser()
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(
            f"/c/{client.slug}/new",
            {"email": "wf@shop.test", "subject": "By web form", "body": "Hi"},
        )
    closed = lodge(lotus, subject="Earlier", channel=Channel.PORTAL)
    ticket_assign(actor=people["mo"], ticket=closed, assignee=people["sam"], now=MONDAY_10AM)
    for status in ("solved", "closed"):
        ticket_status_change(actor=people["sam"], ticket=closed, status=status, now=MONDAY_10AM)
    with django_capture_on_commit_callbacks(execute=True):
        ticket_customer_reply(
            ticket=closed, customer=closed.customer, body="Again", now=MONDAY_10AM, channel="portal"
        )
    secret = api_key_create(now=MONDAY_10AM, client_slug=client.slug).secret
    with django_capture_on_commit_callbacks(execute=True):
        answer = Browser().post(
            "/api/tickets",
            {"customer_email": "api@shop.test", "subject": "By API", "body": "Hi"},
            content_type="application/json",
            headers={"Authorization": f"Bearer {secret}"},
        )
    assert answer.status_code == 201, answer.content
    waiting = list(Ticket.objects.filter(client=client, assignee__isnull=True).order_by("pk"))
    assert sorted(t.channel for t in waiting) == ["api", "email", "portal", "web"]
    return waiting


def test_every_way_in_waits_for_the_seats_and_reaches_only_them(
    lotus, northwind, people, available, lodge, django_capture_on_commit_callbacks
) -> None:
    waiting = _by_every_way(lotus, people, lodge, django_capture_on_commit_callbacks)
    available(people["ana"], people["bo"], people["mo"])

    tickets_route(now=MONDAY_10AM + MIN)
    assert queue_next(actor=people["ana"], now=MONDAY_10AM + MIN) is None
    assert queue_next(actor=people["mo"], now=MONDAY_10AM + MIN) is None
    assert (
        Ticket.objects.filter(pk__in=[t.pk for t in waiting], assignee__isnull=False).count() == 0
    )

    available(people["sam"], people["sue"])
    taken = queue_next(actor=people["sue"], now=MONDAY_10AM + 2 * MIN)
    tickets_route(now=MONDAY_10AM + 2 * MIN)

    holders = {people["sam"].pk, people["sue"].pk}
    assigned = set(
        Ticket.objects.filter(pk__in=[t.pk for t in waiting]).values_list("assignee_id", flat=True)
    )
    assert taken is not None
    assert assigned <= holders
    assert None not in assigned


@pytest.mark.parametrize("who", ["ana", "bo"])
def test_reassigning_to_someone_without_a_seat_is_refused_and_changes_nothing(
    lotus, people, lodge, who
) -> None:
    ticket = lodge(lotus)
    ticket_assign(actor=people["mo"], ticket=ticket, assignee=people["sam"], now=MONDAY_10AM)

    with pytest.raises(Conflict) as refused:
        ticket_assign(
            actor=people["mo"], ticket=ticket, assignee=people[who], now=MONDAY_10AM + MIN
        )

    assert refused.value.code == DeskErrorCode.NOT_SEATED
    assert Ticket.objects.get(pk=ticket.pk).assignee_id == people["sam"].pk


def test_the_api_refuses_an_assignee_without_a_seat(lotus, people, lodge) -> None:
    ticket = lodge(lotus)
    secret = api_key_create(now=MONDAY_10AM, staff_email=people["mo"].email).secret

    answer = Browser().patch(
        f"/api/tickets/{ticket.pk}",
        {"assignee_id": people["ana"].pk},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )

    assert (answer.status_code, answer.json()["code"]) == (409, "not_seated")
    assert Ticket.objects.get(pk=ticket.pk).assignee_id is None


def test_a_merge_keeps_the_target_with_the_seats(lotus, people, available, lodge) -> None:
    duplicate = lodge(lotus, subject="Twice")
    target = lodge(lotus, subject="Once")
    available(people["ana"], people["sam"])

    ticket_merge(actor=people["mo"], ticket=duplicate, into=target, now=MONDAY_10AM + MIN)
    tickets_route(now=MONDAY_10AM + 2 * MIN)

    assert Ticket.objects.get(pk=duplicate.pk).assignee_id is None  # closed: never routed
    assert Ticket.objects.get(pk=target.pk).assignee_id == people["sam"].pk
