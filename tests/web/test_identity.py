"""One identity rule at every entry point: each place that counts, compares or looks up
an e-mail address treats its case and whitespace variants as one person
(`pactdesk.domain.identity.email_identity`)."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client as Browser
from django.test import TestCase

from pactdesk.accounts.models import Customer, Role, User
from pactdesk.accounts.selectors import customer_find
from pactdesk.accounts.services import customer_get_or_create, user_create
from pactdesk.api.services import api_key_create
from pactdesk.desk.models import Ticket
from pactdesk.desk.selectors import TicketFilter, ticket_list
from pactdesk.intake.services import mail_receive
from pactdesk.platform.clock import clock_now
from pactdesk.platform.errors import ValidationFailed
from tests.conftest import NOW
from tests.factories import PASSWORD, UserFactory
from tests.intake.conftest import mail as inbound

pytestmark = pytest.mark.django_db

OWNER = "member@thames.test"
# How people (and attackers) type the same address.
VARIANTS = [
    "member@thames.test",
    "Member@thames.test",
    " Member@THAMES.test ",
    "MEMBER@THAMES.TEST",
    "\tmember@Thames.Test\n",
]
CUSTOMER = "jo@shop.test"
CUSTOMER_VARIANTS = [
    "jo@shop.test",
    "Jo@Shop.test",
    " JO@SHOP.TEST ",
    "jO@shop.TEST\t",
    # The domain as the mailer addresses it (IDNA): fullwidth letters, a soft
    # hyphen, the long s all reach the one mailbox jo@shop.test.
    "jo@\uff53hop.test",
    "jo@sh\u00adop.test",
    "jo@\u017fhop.test",
]


def log_in(email: str, password: str, browser: Browser | None = None):
    return (browser or Browser()).post(
        "/login/", {"username": email, "password": password}, REMOTE_ADDR="10.0.0.7"
    )


@pytest.fixture
def member(agreement) -> User:
    return UserFactory(email=OWNER, role=Role.CLIENT_MEMBER, client=agreement.client)


# Log-in and the lockout -------------------------------------------------------------


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_variant_logs_in_as_the_one_user(member, variant) -> None:
    browser = Browser()
    assert log_in(variant, PASSWORD, browser).status_code == 302
    assert browser.session["_auth_user_id"] == str(member.pk)


@pytest.mark.parametrize("variant", VARIANTS)
def test_five_failures_lock_every_variant_out(member, variant) -> None:
    """The review's finding: five failures on the address, then a case variant with
    the right password logged in."""
    for _ in range(5):
        log_in(OWNER, "wrong-password")
    browser = Browser()
    locked = log_in(variant, PASSWORD, browser)
    assert locked.status_code == 429
    assert "_auth_user_id" not in browser.session


def test_failures_spread_over_variants_share_one_count(member) -> None:
    """Each variant used to get five fresh guesses."""
    codes = [log_in(variant, "wrong-password").status_code for variant in VARIANTS]
    assert codes == [200, 200, 200, 200, 429]  # the fifth failure locks
    assert log_in(OWNER, PASSWORD).status_code == 429


# Users ------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_user_is_stored_in_the_normal_form_and_a_variant_is_the_same_user(
    member, variant
) -> None:
    assert User.objects.get(pk=member.pk).email == OWNER
    assert User.objects.get_by_natural_key(variant) == member
    with pytest.raises(ValidationFailed) as refused:
        user_create(email=variant, name="Twin", role=Role.AGENT, password=None)
    assert (refused.value.field, refused.value.code) == ("email", "unique")
    assert User.objects.count() == 1


def test_the_admin_form_stores_the_normal_form(agreement) -> None:
    """Any model form (the admin's) cleans the address the same way."""
    from pactdesk.accounts.admin import UserCreationForm

    form = UserCreationForm(
        {
            "email": " New.Agent@PactDesk.test ",
            "name": "New",
            "role": Role.AGENT,
            "password": "kettle-lantern-42",
        }
    )
    assert form.is_valid(), form.errors
    assert form.save().email == "new.agent@pactdesk.test"


# Customers: portal, web form, API, mail ---------------------------------------------


@pytest.mark.parametrize("variant", CUSTOMER_VARIANTS)
def test_the_portal_mails_the_link_for_any_variant(lodge, variant) -> None:
    ticket = lodge(customer_email=CUSTOMER)
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = Browser().post("/portal/northwind/", {"email": variant})
    assert response.status_code == 200
    assert [m.to for m in mail.outbox] == [[CUSTOMER]]
    assert f"{settings.PACTDESK_BASE_URL}/portal/northwind/link/" in mail.outbox[0].body
    assert Customer.objects.get().pk == ticket.customer_id


def test_the_portal_rate_limit_counts_variants_as_one_address(lodge, settings) -> None:
    lodge(customer_email=CUSTOMER)
    settings.PACTDESK_PORTAL_LINK_LIMIT_PER_IP = 2
    codes = [
        Browser().post("/portal/northwind/", {"email": v}, REMOTE_ADDR=f"192.0.2.{i}").status_code
        for i, v in enumerate(CUSTOMER_VARIANTS[:3])  # a fresh IP each: only the address counts
    ]
    assert codes == [200, 200, 429]


@pytest.mark.parametrize("variant", CUSTOMER_VARIANTS)
def test_the_web_form_lodges_for_the_same_customer(lodge, variant) -> None:
    first = lodge(customer_email=CUSTOMER)
    form = {"name": "Jo", "email": variant, "subject": "Again", "body": "Still.", "website": ""}
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = Browser().post("/c/northwind/new", form)
    assert response.status_code == 302
    second = Ticket.objects.exclude(pk=first.pk).get()
    assert second.customer_id == first.customer_id
    assert Customer.objects.count() == 1


@pytest.mark.parametrize("variant", CUSTOMER_VARIANTS)
def test_the_api_lodges_for_the_same_customer(lodge, agreement, variant) -> None:
    first = lodge(customer_email=CUSTOMER)
    secret = api_key_create(now=NOW, client_slug="northwind").secret
    body = {"customer_email": variant, "subject": "Again", "body": "Still."}
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = Browser().post(
            "/api/tickets",
            json.dumps(body),
            content_type="application/json",
            headers={"Authorization": f"Bearer {secret}"},
        )
    assert response.status_code == 201
    assert response.json()["customer"] == {"id": first.customer_id, "email": CUSTOMER, "name": "Jo"}
    assert Customer.objects.count() == 1


@pytest.mark.parametrize("variant", CUSTOMER_VARIANTS)
def test_mail_from_a_variant_lands_on_the_same_customer_and_ticket(lodge, variant) -> None:
    ticket = lodge(customer_email=CUSTOMER)
    raw = inbound(
        sender=f"Jo <{variant.strip()}>",
        subject=f"Re: [{ticket.reference}] more",
        message_id="<m9@shop.test>",
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        (delivery,) = mail_receive(
            raw=raw,
            recipients=["SUPPORT@northwind.test"],
            envelope_sender=variant.strip(),
            now=clock_now(),
        )
    assert (delivery.action, delivery.ticket_id) == ("replied", ticket.pk)
    assert ticket.messages.last().customer_id == ticket.customer_id
    assert Customer.objects.count() == 1


@pytest.mark.parametrize("variant", CUSTOMER_VARIANTS)
def test_selectors_and_services_find_the_one_customer(lodge, agreement, agent, variant) -> None:
    ticket = lodge(customer_email=CUSTOMER)
    client = agreement.client
    assert customer_find(client=client, email=variant).pk == ticket.customer_id
    again = customer_get_or_create(client=client, email=variant, name="", now=clock_now())
    assert again.pk == ticket.customer_id
    found = ticket_list(actor=agent, filters=TicketFilter(customer_email=variant), now=NOW)
    assert [t.pk for t in found.items] == [ticket.pk]


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_staff_token_is_minted_for_any_variant(variant) -> None:
    agent = UserFactory(email=OWNER, role=Role.AGENT)
    assert api_key_create(now=NOW, staff_email=variant).key.user == agent
