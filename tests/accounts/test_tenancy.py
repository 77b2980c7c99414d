"""A user of one client can neither read nor change another client's rows through any
selector or service a client user can reach."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from pactdesk.accounts import selectors as accounts
from pactdesk.accounts.models import Customer, Role
from pactdesk.accounts.services import customer_get_or_create, customer_update
from pactdesk.agreements import selectors as agreements
from pactdesk.agreements.models import Seat
from pactdesk.notify import selectors as notify
from pactdesk.notify.models import AcknowledgementTemplate
from pactdesk.platform.errors import NotFound, PermissionDenied
from tests.factories import ClientFactory, UserFactory, client_user, dedicated_agreement

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_tenants(now) -> dict[str, Any]:
    ours, theirs = ClientFactory(), ClientFactory()
    rows = {}
    for key, client in (("ours", ours), ("theirs", theirs)):
        agreement = dedicated_agreement(client, seats=1)
        rows[key] = {
            "client": client,
            "agreement": agreement,
            "calendar": agreement.calendar,
            "policy": agreement.sla_policy,
            "seat": Seat.objects.filter(agreement=agreement).first(),
            "customer": customer_get_or_create(
                client=client, email="same@person.test", name="P", now=now
            ),
            "ack_template": AcknowledgementTemplate.objects.create(
                client=client, language="en", body="Hi {{ customer_name }}"
            ),
        }
    rows["actor"] = client_user(ours)
    return rows


LISTS: list[tuple[str, Callable[..., Any]]] = [
    ("client", accounts.client_list),
    ("customer", accounts.customer_list),
    ("agreement", agreements.agreement_list),
    ("calendar", agreements.calendar_list),
    ("policy", agreements.sla_policy_list),
    ("seat", agreements.seat_list),
    ("ack_template", notify.acknowledgement_template_list),
]

GETS: list[tuple[str, Callable[..., Any], str]] = [
    ("client", accounts.client_get, "client_id"),
    ("customer", accounts.customer_get, "customer_id"),
    ("agreement", agreements.agreement_get, "agreement_id"),
    ("calendar", agreements.calendar_get, "calendar_id"),
    ("policy", agreements.sla_policy_get, "policy_id"),
    ("ack_template", notify.acknowledgement_template_get, "template_id"),
]


@pytest.mark.parametrize(("key", "selector"), LISTS, ids=[k for k, _ in LISTS])
def test_lists_hold_only_the_actors_client(two_tenants, key, selector) -> None:
    rows = list(selector(actor=two_tenants["actor"]))
    assert [row.pk for row in rows] == [two_tenants["ours"][key].pk]


@pytest.mark.parametrize(("key", "selector", "arg"), GETS, ids=[k for k, _, _ in GETS])
def test_another_clients_row_is_not_found(two_tenants, key, selector, arg) -> None:
    actor = two_tenants["actor"]
    assert selector(actor=actor, **{arg: two_tenants["ours"][key].pk}).pk == (
        two_tenants["ours"][key].pk
    )
    with pytest.raises(NotFound):
        selector(actor=actor, **{arg: two_tenants["theirs"][key].pk})


def test_user_list_holds_only_the_actors_colleagues(two_tenants) -> None:
    colleague = client_user(two_tenants["ours"]["client"], Role.CLIENT_MEMBER)
    client_user(two_tenants["theirs"]["client"])
    emails = {u.email for u in accounts.user_list(actor=two_tenants["actor"])}
    assert emails == {two_tenants["actor"].email, colleague.email}


def test_another_clients_customer_cannot_be_changed(two_tenants) -> None:
    theirs = two_tenants["theirs"]["customer"]
    with pytest.raises(NotFound):
        customer_update(actor=two_tenants["actor"], customer_id=theirs.pk, name="Hacked")
    assert Customer.objects.get(pk=theirs.pk).name == "P"


def test_own_customer_can_be_renamed_by_a_client_admin_not_a_member(two_tenants) -> None:
    ours = two_tenants["ours"]["customer"]
    customer_update(actor=two_tenants["actor"], customer_id=ours.pk, name="Pat")
    assert Customer.objects.get(pk=ours.pk).name == "Pat"
    member = client_user(two_tenants["ours"]["client"], Role.CLIENT_MEMBER)
    with pytest.raises(PermissionDenied):
        customer_update(actor=member, customer_id=ours.pk, name="Nope")
    assert Customer.objects.get(pk=ours.pk).name == "Pat"


def test_provider_staff_see_every_client(two_tenants) -> None:
    agent = UserFactory(role=Role.AGENT)
    assert accounts.customer_list(actor=agent).count() == 2
    assert agreements.agreement_list(actor=agent).count() == 2
