"""Every answer carries the security headers: the Content-Security-Policy and those of
Django's SecurityMiddleware. The routes are read from the URL configuration, so a new
page is walked without anyone listing it; a route with a parameter this file has no
sample value for fails, asking for one."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.test import Client as Browser
from django.urls import URLPattern, URLResolver, get_resolver

from pactdesk.accounts.models import Role
from pactdesk.accounts.selectors import customer_portal_token
from pactdesk.desk.services import AttachmentIn
from pactdesk.notify.models import AcknowledgementTemplate
from tests.factories import UserFactory, client_user

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
# Pages each kind of visitor must get (200) in the walk: the walk renders real pages,
# not only refusals.
RENDERED = {
    "staff": {
        "web:home",
        "web:work_list",
        "web:clients",
        "web:client_tickets",
        "web:search",
        "web:ticket",
        "web:ticket_sla",
        "web:attachment",
        "web:ops_outbox",
        "api_pages:keys",
        "intake_pages:quarantine",
        "api:openapi-view",
        "api:openapi-json",
        "admin:index",
        "admin:app_list",
        "admin:password_change",
        "admin:accounts_user_changelist",
        "admin:accounts_user_change",
        "admin:agreements_agreement_change",
        "admin:notify_acknowledgementtemplate_change",
        "admin:jsi18n",
    },
    "client_admin": {
        "web:acknowledgements",
        "web:acknowledgement_new",
        "web:acknowledgement_edit",
    },
    "customer": {
        "web:portal_tickets",
        "web:portal_ticket",
        "web:portal_attachment",
        "web:portal_enter",
        "web:web_form",
    },
    "anonymous": {"web:login", "admin:login", "web:web_form", "web:portal_start"},
}
ADMIN_OBJECT = re.compile(r"admin/\w+/\w+/<path:object_id>/")
PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def policy_of(header: str) -> dict[str, list[str]]:
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in directives}


def routes(patterns=None, prefix: str = "", namespace: str = ""):
    """(name, route text) of every URL pattern, names with their namespaces."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        text = prefix + str(pattern.pattern).lstrip("^").rstrip("$")
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from routes(pattern.url_patterns, text, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name or text}", text


def admin_object_id(route: str) -> str:
    """The first object of the model an admin route is about (admin/<app>/<model>/…)."""
    _, app_label, model_name, *_ = route.split("/")
    first = apps.get_model(app_label, model_name).objects.order_by("pk").first()
    return str(first.pk) if first else "1"


@pytest.fixture
def world(lodge, agreement, agent):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 8
    ticket = lodge(attachments=[AttachmentIn("screen.png", png)])
    message = ticket.messages.get()
    template = AcknowledgementTemplate.objects.create(
        client=agreement.client, language="en", is_default=True, body="Thanks."
    )
    return {
        "ticket_id": ticket.pk,
        "attachment_id": message.attachments.get().pk,
        "message_id": message.pk,
        "client_id": agreement.client.pk,
        "template_id": template.pk,
        "mail_id": 1,
        "entry_id": 1,
        "notification_id": 1,
        "pool_id": 1,
        "week": "2026-W49",
        "agent_id": agent.pk,
        "task_id": 1,
        "user_id": str(agent.pk),
        "uidb64": "MQ",
        "hire_id": 1,
        "invoice_id": 1,
        "credit_note_id": 1,
        "refund_id": 1,
        "name": "all",
        "action": "reply",
        "slug": agreement.client.slug,
        "month": "2026-03",
        "token": customer_portal_token(customer=ticket.customer),
        "prefix": "pd_nothing",
        "rest": "nowhere",
        "url": "nowhere/",
        "app_label": "accounts",
        "content_type_id": "1",
        "object_id": "1",
        "id": str(agent.pk),
        "customer": ticket.customer,
    }


def visitors(world, agreement) -> dict[str, Browser]:
    staff = Browser()
    staff.force_login(UserFactory(role=Role.ADMIN))
    client_admin = Browser()
    client_admin.force_login(client_user(agreement.client, Role.CLIENT_ADMIN))
    customer = Browser()
    token = customer_portal_token(customer=world["customer"])
    assert customer.post(f"/portal/{world['slug']}/link/{token}/").status_code == 302
    world["token"] = customer_portal_token(customer=world["customer"])  # one not yet spent
    return {
        "staff": staff,
        "client_admin": client_admin,
        "customer": customer,
        "anonymous": Browser(),
    }


def url_of(route: str, world) -> str:
    def sample(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        if name == "object_id" and ADMIN_OBJECT.match(route):
            return admin_object_id(route)
        assert name in world, f"add a sample value for the URL parameter {name!r} ({route})"
        return str(world[name])

    return "/" + PARAMETER.sub(sample, route)


def test_every_route_answers_every_visitor_with_the_security_headers(world, agreement) -> None:
    every = sorted(set(routes()))
    assert len(every) > 100  # the walk found the admin, the API and the pages
    rendered: dict[str, set[str]] = {}
    for kind, browser in visitors(world, agreement).items():
        for name, route in every:
            response = browser.get(url_of(route, world))
            got = {header: response.get(header) for header in HEADERS}
            assert (got, policy_of(response["Content-Security-Policy"])) == (HEADERS, POLICY), (
                kind,
                route,
            )
            if response.status_code == 200:
                rendered.setdefault(kind, set()).add(name)
    for kind, names in RENDERED.items():
        assert names - rendered[kind] == set(), kind


def test_the_portal_link_page_carries_the_policy_too(world) -> None:
    # A page a visitor reaches from mail: framing it (clickjacking the button) is refused.
    response = Browser().get(f"/portal/{world['slug']}/link/{world['token']}/")
    assert response.status_code == 200
    assert policy_of(response["Content-Security-Policy"])["frame-ancestors"] == ["'none'"]
