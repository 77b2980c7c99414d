"""Fixtures of the web tests: a client with an agreement, staff, and lodged tickets."""

from __future__ import annotations

import pytest
from django.test import Client as Browser

from pactdesk.accounts.models import Role
from pactdesk.platform.clock import clock_now
from tests.factories import (
    ClientFactory,
    UserFactory,
    client_user,
    shared_agreement,
    ticket_lodged,
)


@pytest.fixture
def agreement(db):
    """Round the clock, so SLA clocks run whatever the real time of the test run."""
    client = ClientFactory(
        name="Northwind", slug="northwind", support_email="support@northwind.test"
    )
    return shared_agreement(client, round_the_clock=True)


@pytest.fixture
def other_agreement(db):
    client = ClientFactory(name="Lotus", slug="lotus", support_email="help@lotus.test")
    return shared_agreement(client, round_the_clock=True)


@pytest.fixture
def agent(db):
    return UserFactory(role=Role.AGENT, name="Ana Agent", email="ana@pactdesk.test")


@pytest.fixture
def lodge(agreement, django_capture_on_commit_callbacks):
    """Lodge a ticket now (overriding any argument); after-commit work (mail) runs."""

    def make(**overrides):
        values = {"client": agreement.client, "now": clock_now(), **overrides}
        return ticket_lodged(capture=django_capture_on_commit_callbacks, **values)

    return make


@pytest.fixture
def staff_browser(agent) -> Browser:
    browser = Browser()
    browser.force_login(agent)
    return browser


@pytest.fixture
def client_browser(agreement) -> Browser:
    browser = Browser()
    browser.force_login(client_user(agreement.client, Role.CLIENT_MEMBER))
    return browser
