"""Lodgings written together in one group-commit batch make exactly the rows the same
lodgings make one by one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction

from pactdesk.accounts.services import customer_get_or_create
from pactdesk.desk.models import IdempotencyKey, Message, Ticket, TicketEvent
from pactdesk.desk.services import AttachmentIn, LodgingRequest, ticket_lodge
from pactdesk.desk.services.lodging import _fingerprint, _plan, _write_plans
from pactdesk.notify.models import OutboundMail
from tests.desk.conftest import MONDAY_10AM
from tests.factories import ClientFactory, shared_agreement

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
REQUESTS = [
    {
        "customer_email": "known@shop.test",
        "subject": "One",
        "body": "First",
        "priority": "normal",
        "idempotency_key": "k1",
    },
    {
        "customer_email": "New@Shop.test",
        "subject": "Two",
        "body": "Second",
        "priority": "urgent",
        "customer_name": "Nia",
        "mail_message_id": "<m2@shop.test>",
    },
    {
        "customer_email": "new@shop.test",
        "subject": "Three",
        "body": "Third",
        "priority": "low",
        "attachments": (AttachmentIn("a.png", PNG),),
        "idempotency_key": "k3",
    },
]


def make_client(slug: str):
    client = ClientFactory(slug=slug, name=slug.title(), support_email=f"help@{slug}.test")
    shared_agreement(client)
    customer_get_or_create(client=client, email="known@shop.test", name="Kim", now=MONDAY_10AM)
    return client


def snapshot(client) -> dict[str, list[tuple]]:
    """The client's rows, ids replaced by order of lodging."""
    tickets = list(Ticket.objects.filter(client=client).order_by("lodged_at"))
    order = {ticket.pk: index for index, ticket in enumerate(tickets)}
    skip = {"id", "client", "customer", "agreement"}
    fields = [f.attname for f in Ticket._meta.concrete_fields if f.name not in skip]
    return {
        "tickets": [
            (ticket.customer.email, ticket.customer.name, *(getattr(ticket, f) for f in fields))
            for ticket in tickets
        ],
        "messages": sorted(
            (
                order[m.ticket_id],
                m.body,
                m.kind,
                m.mail_message_id,
                m.created_at,
                m.customer.email,
                m.attachments.count(),
            )
            for m in Message.objects.filter(client=client)
        ),
        "events": sorted(
            (order[e.ticket_id], e.kind, e.value, e.at)
            for e in TicketEvent.objects.filter(client=client)
        ),
        "keys": sorted(
            (order[k.ticket_id], k.key, k.fingerprint, k.created_at)
            for k in IdempotencyKey.objects.filter(client=client)
        ),
        "mails": sorted(
            (
                order[m.ticket_id_ref],
                m.kind,
                m.to_address,
                m.subject.split("] ", 1)[1],
                m.in_reply_to,
                m.created_at,
                m.body.split("logged it as")[0],
            )
            for m in OutboundMail.objects.filter(client_id=client.pk)
        ),
    }


def lodging_of(client, index: int, request: dict):
    values = {
        "customer_name": "",
        "attachments": (),
        "mail_message_id": "",
        "raw_mail": None,
        "language": None,
        "idempotency_key": None,
        **request,
    }
    fingerprint = _fingerprint(
        values["customer_email"],
        values["subject"],
        values["body"],
        "api",
        values["priority"],
        values["attachments"],
    )
    request = LodgingRequest(
        client=client, channel="api", now=MONDAY_10AM + timedelta(seconds=index), **values
    )
    return _plan(request, fingerprint=fingerprint)


def test_a_batch_writes_what_the_same_lodgings_write_one_by_one() -> None:
    one_by_one, together = make_client("single"), make_client("batched")
    for index, request in enumerate(REQUESTS):
        ticket_lodge(
            client=one_by_one, channel="api", now=MONDAY_10AM + timedelta(seconds=index), **request
        )
    lodgings = [lodging_of(together, i, request) for i, request in enumerate(REQUESTS)]
    with transaction.atomic():
        written = _write_plans(lodgings)
    assert [t.subject for t in written] == ["One", "Two", "Three"]
    assert all(t.pk is not None for t in written)
    expected, got = snapshot(one_by_one), snapshot(together)
    assert got == expected
    assert [row[0] for row in got["tickets"]] == [
        "known@shop.test",
        "new@shop.test",
        "new@shop.test",
    ]
    assert len(got["events"]) == 3 * 2 + 2  # lodged + auto_reply each, two priorities
    assert (len(got["mails"]), len(got["keys"])) == (3, 2)


def test_a_batch_written_again_after_a_failure_makes_no_duplicates() -> None:
    client = make_client("retry")
    lodgings = [lodging_of(client, i, request) for i, request in enumerate(REQUESTS)]
    with transaction.atomic():
        _write_plans(lodgings)
        transaction.set_rollback(True)  # the batch failed after writing
    assert Ticket.objects.filter(client=client).count() == 0
    with transaction.atomic():
        written = _write_plans(lodgings)  # the same prepared lodgings, written again
    assert len({t.pk for t in written}) == 3
    assert Ticket.objects.filter(client=client).count() == 3
    assert Message.objects.filter(client=client).count() == 3
