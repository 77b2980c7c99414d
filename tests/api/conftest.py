"""API fixtures: two clients on shared plans, a staff token, a key per client, and a
small JSON client that sends the key."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from django.test import Client as HttpClient

from pactdesk.accounts.models import Role
from pactdesk.api.services import api_key_create
from pactdesk.desk.services import ticket_lodge
from tests.conftest import NOW
from tests.factories import ClientFactory, UserFactory, shared_agreement


@dataclass
class Answer:
    status: int
    body: Any
    headers: Any


class Api:
    """JSON requests with a bearer key; answers are (status, parsed body, headers)."""

    def __init__(self, secret: str | None, capture: Any) -> None:
        self.http = HttpClient()
        self.secret = secret
        self.capture = capture

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        raw: bytes | str | None = None,
        headers: dict[str, str] | None = None,
        query: dict[str, Any] | None = None,
    ) -> Answer:
        sent = dict(headers or {})
        if self.secret is not None:
            sent.setdefault("Authorization", f"Bearer {self.secret}")
        data = raw if raw is not None else (None if body is None else json.dumps(body))
        send = getattr(self.http, method.lower())
        with self.capture(execute=True):
            if method == "GET":
                response = send(path, query or {}, headers=sent)
            else:
                response = send(path, data or "", content_type="application/json", headers=sent)
        is_json = response.headers.get("Content-Type", "").startswith("application/json")
        parsed = json.loads(response.content) if is_json else response.content
        return Answer(response.status_code, parsed, response.headers)

    def get(self, path: str, **kw: Any) -> Answer:
        return self.call("GET", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> Answer:
        return self.call("POST", path, body, **kw)

    def patch(self, path: str, body: Any = None, **kw: Any) -> Answer:
        return self.call("PATCH", path, body, **kw)


class Clock:
    """The API's "now" in tests: NOW (Monday 10:00 in New York) unless moved."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(autouse=True)
def clock(monkeypatch) -> Clock:
    fixed = Clock()
    monkeypatch.setattr("pactdesk.api.tickets.router.clock_now", fixed)
    return fixed


@pytest.fixture
def northwind(db):
    return shared_agreement(
        ClientFactory(name="Northwind", slug="northwind", support_email="support@northwind.test")
    ).client


@pytest.fixture
def contoso(db):
    return shared_agreement(
        ClientFactory(name="Contoso", slug="contoso", support_email="support@contoso.test")
    ).client


@pytest.fixture
def agent(db):
    return UserFactory(role=Role.AGENT, name="Ana Agent", email="ana@pactdesk.test")


@pytest.fixture
def staff_api(agent, django_capture_on_commit_callbacks) -> Api:
    secret = api_key_create(now=NOW, staff_email=agent.email).secret
    return Api(secret, django_capture_on_commit_callbacks)


@pytest.fixture
def client_api(northwind, django_capture_on_commit_callbacks) -> Api:
    secret = api_key_create(now=NOW, client_slug=northwind.slug).secret
    return Api(secret, django_capture_on_commit_callbacks)


@pytest.fixture
def contoso_api(contoso, django_capture_on_commit_callbacks) -> Api:
    secret = api_key_create(now=NOW, client_slug=contoso.slug).secret
    return Api(secret, django_capture_on_commit_callbacks)


@pytest.fixture
def anonymous_api(django_capture_on_commit_callbacks) -> Api:
    return Api(None, django_capture_on_commit_callbacks)


@pytest.fixture
def lodged(django_capture_on_commit_callbacks):
    """Lodge a ticket through the desk (not the API), e.g. as data for reads."""

    def make(client: Any, **overrides: Any):
        values = {
            "client": client,
            "customer_email": "jo@shop.test",
            "customer_name": "Jo",
            "subject": "Printer on fire",
            "body": "It is on fire.",
            "channel": "email",
            "now": NOW,
        }
        values.update(overrides)
        with django_capture_on_commit_callbacks(execute=True):
            return ticket_lodge(**values)

    return make


NEW_TICKET = {
    "customer_email": "jo@shop.test",
    "customer_name": "Jo",
    "subject": "Printer on fire",
    "body": "It is on fire.",
}
