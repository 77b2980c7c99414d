"""The tenant matrix: every route, every kind of outsider, the victim's objects.

The routes are read from the URL configuration (web pages, portal, public form, the
Operations pages, the Django admin, the API) and the API's methods, query parameters
and body fields from its OpenAPI schema, so a new route or field is in the matrix
without anyone listing it. Each path parameter is filled with the victim client's
objects (its ticket, attachment, message, customer, client, template, mail, quarantined
mail, API key); a parameter the test does not know fails it until it is added to
PARAMS or ROUTE_PARAMS below, with what to put there.

The outsiders belong to another client: its API key, its client admin, its client
member and one of its customers signed in to its portal. They send GET and POST (CSRF
checks off, as a script would) to every web route, and every method the schema lists
to every API operation. The test fails when any answer carries the victim's data (its
ticket's subject, message texts, customer's address or name, file name or bytes, raw
mail) and when any victim row changed afterwards. The public web form may lodge new
tickets for the victim client (that is what it is for); nothing else may.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from itertools import product
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client as Browser
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils.http import urlsafe_base64_encode

from pactdesk.accounts.models import Client, Customer, Role, User
from pactdesk.accounts.selectors import customer_portal_token
from pactdesk.agreements.models import Agreement
from pactdesk.alerts.models import Notification
from pactdesk.alerts.services import sla_alerts_sweep
from pactdesk.api.main import api
from pactdesk.api.models import ApiKey
from pactdesk.api.services import api_key_create
from pactdesk.billing.models import (
    BillingChange,
    BillingTerms,
    CreditNote,
    Hire,
    Invoice,
    LedgerEntry,
    Payment,
    Refund,
)
from pactdesk.billing.services.hires import hire_start
from pactdesk.billing.services.terms import TermsSpec, billing_terms_set
from pactdesk.desk.models import Attachment, Channel, Message, Ticket, TicketEvent
from pactdesk.desk.services import ticket_reply
from pactdesk.intake.models import QuarantinedMail
from pactdesk.intake.services import mail_receive
from pactdesk.notify.models import AcknowledgementTemplate, OutboundMail
from pactdesk.notify.services import acknowledgement_template_save
from pactdesk.platform.clock import clock_now
from pactdesk.routing.models import Pool
from pactdesk.web.portal_access import SESSION_KEY
from pactdesk.web.ticket_actions import ACTIONS as TICKET_ACTIONS
from pactdesk.web.workspace import WORK_LISTS
from pactdesk.work.models import Task, TaskEvent, TimeEntry, WorkItem, WorkOrder
from tests.factories import ClientFactory, UserFactory, client_user, shared_agreement

pytestmark = pytest.mark.django_db

# What only the victim's own people may read; no answer to an outsider may carry it.
SUBJECT = "Victim subject kestrel-4471"
BODY = "Victim body heron-9924"
REPLY = "Victim reply wren-1187"
CUSTOMER_EMAIL = "vera@victim-shop.test"
CUSTOMER_NAME = "Vera Victimova"
FILENAME = "victim-ledger-5521.txt"
FILE_BYTES = "victim file osprey-3318"
TEMPLATE = "Victim template lark-2290"
QUARANTINED = "victim quarantine plover-6603"
TASK = "Victim task finch-7730"
BILLING_CONTACT = "ledger-7731@victim-shop.test"
SECRETS = (
    BILLING_CONTACT,
    SUBJECT,
    BODY,
    REPLY,
    CUSTOMER_EMAIL,
    CUSTOMER_NAME,
    FILENAME,
    FILE_BYTES,
    TEMPLATE,
    QUARANTINED,
    TASK,
)


@dataclass
class Victim:
    client: Client
    ticket: Ticket
    message: Message
    attachment: Attachment
    customer: Customer
    admin: User
    template: AcknowledgementTemplate
    mail: OutboundMail
    quarantined: QuarantinedMail
    key: ApiKey
    notification: Notification
    task: Task
    hire: Hire
    invoice: Invoice


@dataclass
class Outsider:
    """Another client's people, and a customer of theirs with a portal link."""

    client: Client
    secret: str
    admin: User
    member: User
    customer: Customer
    token: str = ""


def _victim_mail(support: str) -> bytes:
    mail = EmailMessage()
    mail["From"] = f"{CUSTOMER_NAME} <{CUSTOMER_EMAIL}>"
    mail["To"] = support
    mail["Subject"] = SUBJECT
    mail["Message-ID"] = "<victim-1@victim-shop.test>"
    mail.set_content(BODY)
    mail.add_attachment(FILE_BYTES.encode(), maintype="text", subtype="plain", filename=FILENAME)
    return mail.as_bytes()


@pytest.fixture
def victim(django_capture_on_commit_callbacks) -> Victim:
    """The victim client with a ticket lodged by mail (a message with its raw mail and
    an attachment), a public reply, an acknowledgement template, its outbound mail, a
    mail held in quarantine for it and an API key."""
    client = ClientFactory(name="Victim Co", slug="victim-co", support_email="help@victim.test")
    agreement = shared_agreement(client, round_the_clock=True)
    admin = client_user(client, Role.CLIENT_ADMIN)
    agent = UserFactory(role=Role.AGENT)
    now = clock_now()
    with django_capture_on_commit_callbacks(execute=True):
        mail_receive(
            raw=_victim_mail(client.support_email),
            recipients=[client.support_email],
            envelope_sender=CUSTOMER_EMAIL,
            now=now,
        )
        ticket = Ticket.objects.get(client=client)
        ticket_reply(actor=agent, ticket=ticket, body=REPLY, now=now)
        mail_receive(
            raw=f"\x00 {QUARANTINED}\r\n".encode(),
            recipients=[client.support_email],
            envelope_sender=CUSTOMER_EMAIL,
            now=now,
        )
    template = acknowledgement_template_save(
        actor=admin, client=client, language="en", body=TEMPLATE, is_default=True
    )
    message = ticket.messages.get(kind="customer")
    # A breach warning of the effective answer (due in 4 h) to the agent, whose text
    # holds the subject.
    sla_alerts_sweep(now=ticket.lodged_at + timedelta(hours=3, minutes=30))
    mail = OutboundMail.objects.filter(client=client).first()
    hire = _victim_hire(agreement, now)
    return Victim(
        client=client,
        ticket=ticket,
        message=message,
        attachment=message.attachments.get(),
        customer=ticket.customer,
        admin=admin,
        template=template,
        mail=mail,
        quarantined=QuarantinedMail.objects.get(client=client),
        key=api_key_create(now=now, client_slug=client.slug).key,
        notification=Notification.objects.get(ticket=ticket),
        # A task of the victim's (made as a row: the victim is on a shared plan).
        task=Task.objects.create(
            client=client, title=TASK, description=TASK, created_at=now, updated_at=now
        ),
        hire=hire,
        invoice=Invoice.objects.get(hire=hire),
    )


def _victim_hire(agreement: Agreement, now: datetime) -> Hire:
    """The victim's plan billed from today: a hire, its invoice mailed to its contact."""
    provider = UserFactory(role=Role.ADMIN)
    billing_terms_set(
        actor=provider,
        agreement=agreement,
        spec=TermsSpec(currency="USD", fee="1200.00", contacts=(BILLING_CONTACT,)),
    )
    hire = hire_start(actor=provider, agreement=agreement, seat=None, now=now)
    _victim_credit_note(hire, now)
    return hire


def _victim_credit_note(hire: Hire, now: datetime) -> None:
    """A credit note of the victim's invoice and a refund to pay back by hand (rows: a
    shared plan has no guarantee), for the credit-note and refund routes."""
    invoice = Invoice.objects.get(hire=hire)
    common = {"client_id": hire.client_id, "currency": "USD", "created_at": now}
    note = CreditNote.objects.create(
        invoice=invoice,
        hire=hire,
        reason="goodwill",
        number="CN-2026-000001",
        issue_date=invoice.issue_date,
        net_total=10,
        tax_total=0,
        total=10,
        **common,
    )
    Refund.objects.create(
        credit_note=note, amount=10, status="by_hand", request_id="victim-refund", **common
    )


@pytest.fixture
def outsider(victim, django_capture_on_commit_callbacks) -> Outsider:
    client = ClientFactory(name="Other Co", slug="other-co", support_email="help@other.test")
    shared_agreement(client, round_the_clock=True)
    with django_capture_on_commit_callbacks(execute=True):
        mail_receive(
            raw=b"From: owen@other-shop.test\r\nTo: help@other.test\r\nSubject: Ours\r\n"
            b"Message-ID: <other-1@other-shop.test>\r\n\r\nOur own question.\r\n",
            recipients=[client.support_email],
            envelope_sender="owen@other-shop.test",
            now=clock_now(),
        )
    customer = Customer.objects.get(client=client)
    return Outsider(
        client=client,
        secret=api_key_create(now=clock_now(), client_slug=client.slug).secret,
        admin=client_user(client, Role.CLIENT_ADMIN),
        member=client_user(client, Role.CLIENT_MEMBER),
        customer=customer,
        token=customer_portal_token(customer=customer),
    )


@pytest.fixture
def neighbour(victim, django_capture_on_commit_callbacks) -> Outsider:
    """Another customer of the victim's own client, with a ticket and a portal link: a
    customer sees only what is theirs, not only what is their client's."""
    with django_capture_on_commit_callbacks(execute=True):
        mail_receive(
            raw=b"From: nell@victim-shop.test\r\nTo: help@victim.test\r\nSubject: Mine\r\n"
            b"Message-ID: <nell-1@victim-shop.test>\r\n\r\nMy own question.\r\n",
            recipients=[victim.client.support_email],
            envelope_sender="nell@victim-shop.test",
            now=clock_now(),
        )
    customer = Customer.objects.get(client=victim.client, email="nell@victim-shop.test")
    return Outsider(
        client=victim.client,
        secret="",
        admin=victim.admin,
        member=victim.admin,
        customer=customer,
        token=customer_portal_token(customer=customer),
    )


# --- What goes into each path parameter --------------------------------------------

Values = Callable[[Victim, Outsider], list[Any]]
ADMIN_OBJECTS: dict[str, Callable[[Victim], Any]] = {
    "accounts/client": lambda v: v.client.pk,
    "accounts/customer": lambda v: v.customer.pk,
    "accounts/user": lambda v: v.admin.pk,
    "notify/acknowledgementtemplate": lambda v: v.template.pk,
}

# By parameter name, for every route that has it.
PARAMS: dict[str, Values] = {
    "ticket_id": lambda v, o: [v.ticket.pk],
    "attachment_id": lambda v, o: [v.attachment.pk],
    "message_id": lambda v, o: [v.message.pk],
    "client_id": lambda v, o: [v.client.pk],
    "template_id": lambda v, o: [v.template.pk],
    "mail_id": lambda v, o: [v.mail.pk],
    "entry_id": lambda v, o: [v.quarantined.pk],
    "notification_id": lambda v, o: [v.notification.pk],
    "task_id": lambda v, o: [v.task.pk],
    "user_id": lambda v, o: [v.admin.pk],
    # An invitation's set-password link for the victim's admin, with a made-up token.
    "uidb64": lambda v, o: [urlsafe_base64_encode(str(v.admin.pk).encode())],
    "hire_id": lambda v, o: [v.hire.pk],
    "invoice_id": lambda v, o: [v.invoice.pk],
    "credit_note_id": lambda v, o: list(
        CreditNote.objects.filter(client=v.client).values_list("pk", flat=True)
    ),
    "refund_id": lambda v, o: list(
        Refund.objects.filter(client=v.client).values_list("pk", flat=True)
    ),
    "prefix": lambda v, o: [v.key.prefix],
    # A client's public pages: the victim's, and the outsider's own with victim ids.
    "slug": lambda v, o: [v.client.slug, o.client.slug],
    # The outsider's own portal link, tried on the victim's portal too.
    "token": lambda v, o: [o.token, "not-a-token"],
    "rest": lambda v, o: [f"tickets/{v.ticket.pk}/messages"],
    # The Django admin (provider admins only): the victim's row of each model.
    "content_type_id": lambda v, o: [1],
    "app_label": lambda v, o: ["accounts"],
    "url": lambda v, o: [f"desk/ticket/{v.ticket.pk}/"],  # no such admin page
    "id": lambda v, o: [v.admin.pk],
    # Pools are the provider's, no client's: any outsider's change of one is refused.
    "pool_id": lambda v, o: list(Pool.objects.values_list("pk", flat=True)),
}
# By (route name, parameter) where the name alone does not say what goes there.
ROUTE_PARAMS: dict[tuple[str, str], Values] = {
    ("web:ticket_action", "action"): lambda v, o: list(TICKET_ACTIONS),
    ("intake_pages:action", "action"): lambda v, o: ["reprocess", "discard"],
    ("web:work_list", "name"): lambda v, o: list(WORK_LISTS),
    # Staffing: the pool's roster spans clients (operators only); an agent's calendar
    # is the agent's own (the victim's admin stands in for a staff id).
    ("web:staffing_roster", "week"): lambda v, o: ["2026-W49"],
    ("web:staffing_roster_csv", "week"): lambda v, o: ["2026-W49"],
    ("web:staffing_roster_ical", "week"): lambda v, o: ["2026-W49"],
    ("web:staffing_roster_ical", "agent_id"): lambda v, o: [v.admin.pk],
    # A monthly report: the victim's month (its ticket's), a past one, one that is no
    # month; a client user reaching another's is also checked in test_report_pages.
    ("web:monthly_report", "month"): lambda v, o: [
        v.ticket.lodged_at.strftime("%Y-%m"),
        "2026-01",
        "2026-13",
    ],
    ("web:monthly_report_pdf", "month"): lambda v, o: [v.ticket.lodged_at.strftime("%Y-%m")],
    ("api:monthly_one", "month"): lambda v, o: [v.ticket.lodged_at.strftime("%Y-%m")],
    # The admin's "view on site" redirect (behind the admin's own log-in).
    ("admin:view_on_site", "object_id"): lambda v, o: [v.customer.pk],
}
# Admin change, delete and history pages take the victim's row of their own model.
ADMIN_OBJECT = re.compile(r"^admin/(\w+/\w+)/<path:object_id>/")

# Query strings of the web pages: references to the victim's rows.
WEB_QUERY: Callable[[Victim], dict[str, Any]] = lambda v: {  # noqa: E731
    "client": v.client.pk,
    "q": v.ticket.reference,
    "ticket": v.ticket.pk,
}
# API query parameters and body fields (from the schema), by name: a victim reference
# where the field names a row, otherwise a plain valid value. A new field fails the
# test until it is classified here.
API_FIELDS: dict[str, Callable[[Victim], Any]] = {
    "client": lambda v: v.client.pk,
    "q": lambda v: v.ticket.reference,
    "into": lambda v: v.ticket.pk,
    "assignee_id": lambda v: v.admin.pk,
    "assignee": lambda v: str(v.admin.pk),
    "customer_email": lambda v: "mallory@evil.test",
    "customer_name": lambda v: "Mallory",
    "subject": lambda v: "Matrix",
    "body": lambda v: "x",
    "status": lambda v: "solved",
    "priority": lambda v: "urgent",
    "valid": lambda v: False,
    "invalid_reason": lambda v: "matrix",
    "attachments": lambda v: [],
    "breaching_within_minutes": lambda v: 60,
    "cursor": lambda v: None,
    "limit": lambda v: 100,
    "to_customer_id": lambda v: v.customer.pk,
    "confirm_other_customer": lambda v: True,
    "copy_customers": lambda v: True,
    "language": lambda v: "de",
    # reports: `client` is the tickets list's pk above; the reports read a slug, and a
    # victim's slug is checked in tests/reports/test_entry_points.py
    "month": lambda v: v.ticket.lodged_at.strftime("%Y-%m"),
    "from": lambda v: "2026-01-01",
    "to": lambda v: "2026-12-31",
    "by_agent": lambda v: True,
    "by": lambda v: "agent",
    "format": lambda v: "csv",
    # presence (staff tokens only; a member of staff's own row, no client's)
    "cap": lambda v: 5,
    "timezone": lambda v: "Europe/London",
    "back_at": lambda v: None,
    # the work order: a victim's ticket in a reorder of the list
    "version": lambda v: 0,
    "items": lambda v: [{"kind": "ticket", "id": v.ticket.pk}],
    # a bank transfer against the victim's invoice (the path names it); for the terms
    # the same currency (a change of it alone would be a no-op, the fees below are not)
    "amount": lambda v: "1.00",
    "currency": lambda v: v.invoice.currency,
    "received_on": lambda v: v.invoice.issue_date.isoformat(),
    # billing administration (staff tokens only): the victim's terms, seat, invoice, refund
    "monthly_fee": lambda v: "1.00",
    "seat_fee": lambda v: "0",
    "round_the_clock_fee": lambda v: "0",
    "tax_rate": lambda v: "50",
    "tax_label": lambda v: "Matrix",
    "payment_days": lambda v: "1",
    "billing_contacts": lambda v: "mallory@evil.test",
    "credit_percent_per_point": lambda v: "1",
    "credit_cap_percent": lambda v: "1",
    "seat": lambda v: None,
    "start": lambda v: v.invoice.issue_date.isoformat(),
    "reason": lambda v: "matrix",
    "paid_on": lambda v: v.invoice.issue_date.isoformat(),
    "reference": lambda v: "matrix",
}
# One form for every POST to a web page: every field a page reads, victim references
# where a field names a row.
FORM: Callable[[Victim], dict[str, Any]] = lambda v: {  # noqa: E731
    "body": "matrix",
    "status": "solved",
    "priority": "urgent",
    "assignee": "me",
    "reason": "matrix",
    "into": v.ticket.reference,
    "client": v.client.pk,
    "email": "mallory@evil.test",
    "name": "Mallory",
    "subject": "Matrix",
    "language": "en",
    "is_default": "on",
    "state": "failed",
    # client work: tasks, the work order, logged time, a client's users
    "title": "Matrix",
    "description": "matrix",
    "estimate_minutes": "5",
    "item": f"ticket:{v.ticket.pk}",
    "by": "-1",
    "version": "0",
    "entry_rule": "top",
    "members_may_reorder": "on",
    "role": "client_member",
    "active": "",
    "started_at": "2026-01-05T09:00",
    "minutes": "5",
    "new_password1": "matrix-password-9931",
    "new_password2": "matrix-password-9931",
    # a bank transfer recorded on an invoice page (one-time token)
    "amount": "1.00",
    "currency": v.invoice.currency,
    "received_on": v.invoice.issue_date.isoformat(),
    "token": "0" * 32,
}


# --- The routes ----------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    pattern: str  # as in the URL configuration, e.g. "desk/tickets/<id:ticket_id>/"
    name: str
    params: tuple[str, ...] = field(default=())


PARAM = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def routes() -> list[Route]:
    def walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[Route]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}:{entry.namespace}" if entry.namespace else namespace
                yield from walk(entry.url_patterns, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                pattern = prefix + str(entry.pattern)
                name = f"{namespace.strip(':')}:{entry.name}" if entry.name else pattern
                names = tuple(a or b for a, b in PARAM.findall(pattern))
                yield Route(pattern=pattern, name=name, params=names)

    return list(walk(get_resolver().url_patterns, "", ""))


def values_for(route: Route, param: str) -> Values | None:
    if (route.name, param) in ROUTE_PARAMS:
        return ROUTE_PARAMS[(route.name, param)]
    admin = ADMIN_OBJECT.match(route.pattern)
    if admin and param == "object_id":
        pick = ADMIN_OBJECTS.get(admin.group(1))
        return lambda v, o: [pick(v) if pick else v.ticket.pk]
    return PARAMS.get(param)


def paths(route: Route, victim: Victim, outsider: Outsider) -> list[str]:
    choices = [values_for(route, p)(victim, outsider) for p in route.params]  # type: ignore[misc]
    made = []
    for combination in product(*choices):
        filled = iter(combination)
        path = PARAM.sub(lambda _, given=filled: str(next(given)), route.pattern)
        made.append("/" + path.replace("^", "").replace("$", ""))
    return made


def test_every_route_parameter_is_classified() -> None:
    unknown = [(r.name, p) for r in routes() for p in r.params if values_for(r, p) is None]
    assert unknown == [], "say what goes in these parameters (PARAMS or ROUTE_PARAMS)"


def api_operations() -> list[tuple[str, str, dict[str, Any]]]:
    """(method, path template, operation) of every API operation in the schema."""
    schema = api.get_openapi_schema()
    return [
        (method.upper(), path, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    ]


def test_every_api_field_is_classified() -> None:
    names: set[str] = set()
    for _, _, operation in api_operations():
        names |= {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        names |= _body_fields(operation)
    assert names - set(API_FIELDS) == set(), "classify the new API field in API_FIELDS"


# --- The outsiders ---------------------------------------------------------------------


class Actor:
    """One kind of outsider. `browser()` is signed in afresh when a request ended the
    sign-in (a log-out route of the site or of the portal)."""

    def __init__(self, kind: str, outsider: Outsider) -> None:
        self.kind, self.outsider = kind, outsider
        self.session_key = ""

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.outsider.secret}"} if self.kind == "key" else {}

    def browser(self) -> Browser:
        browser = Browser()
        if self.kind == "key":
            return browser
        held = SessionStore(session_key=self.session_key).load() if self.session_key else {}
        if (SESSION_KEY if self.kind == "portal" else "_auth_user_id") not in held:
            self.session_key = self._sign_in(browser)
        browser.cookies[settings.SESSION_COOKIE_NAME] = self.session_key
        return browser

    def _sign_in(self, browser: Browser) -> str:
        if self.kind == "portal":
            session = browser.session
            session[SESSION_KEY] = {
                "client": self.outsider.client.pk,
                "customer": self.outsider.customer.pk,
            }
            session.save()
            return session.session_key or ""
        user = self.outsider.admin if self.kind == "admin" else self.outsider.member
        browser.force_login(user)
        return browser.cookies[settings.SESSION_COOKIE_NAME].value


ACTORS = ["key", "admin", "member", "portal", "neighbour"]


def body_of(response: Any) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", "replace")


def victim_rows(victim: Victim) -> dict[str, list[dict[str, Any]]]:
    """Every row of the victim's that existed before the matrix, as stored."""
    ticket_ids = [victim.ticket.pk]
    rows = {
        "client": Client.objects.filter(pk=victim.client.pk),
        "ticket": Ticket.objects.filter(pk__in=ticket_ids),
        "messages": Message.objects.filter(ticket_id__in=ticket_ids),
        "attachments": Attachment.objects.filter(message__ticket_id__in=ticket_ids),
        "events": TicketEvent.objects.filter(ticket_id__in=ticket_ids),
        "customer": Customer.objects.filter(pk=victim.customer.pk),
        "users": User.objects.filter(client=victim.client),
        "keys": ApiKey.objects.filter(pk=victim.key.pk),
        "templates": AcknowledgementTemplate.objects.filter(client=victim.client),
        "mail": OutboundMail.objects.filter(pk=victim.mail.pk),
        "quarantined": QuarantinedMail.objects.filter(pk=victim.quarantined.pk),
        "notifications": Notification.objects.filter(ticket_id__in=ticket_ids),
        "tasks": Task.objects.filter(client=victim.client),
        "task_events": TaskEvent.objects.filter(client=victim.client),
        "time": TimeEntry.objects.filter(client=victim.client),
        "work_order": WorkOrder.objects.filter(client=victim.client),
        "work_items": WorkItem.objects.filter(client=victim.client),
        "hires": Hire.objects.filter(client=victim.client),
        "invoices": Invoice.objects.filter(client=victim.client),
        "credit_notes": CreditNote.objects.filter(client=victim.client),
        "payments": Payment.objects.filter(client=victim.client),
        "ledger": LedgerEntry.objects.filter(client=victim.client),
        "refunds": Refund.objects.filter(client=victim.client),
        "terms": BillingTerms.objects.filter(client=victim.client),
        "billing_changes": BillingChange.objects.filter(client=victim.client),
    }
    return {name: list(query.order_by("pk").values()) for name, query in rows.items()}


@pytest.mark.parametrize("kind", ACTORS)
def test_no_outsider_reads_or_changes_the_victim_s_rows(
    kind, victim, request, django_capture_on_commit_callbacks
) -> None:
    """Each kind of outsider of another client, and a portal customer of the victim's
    own client ("neighbour"), through every route."""
    outsider = request.getfixturevalue("neighbour" if kind == "neighbour" else "outsider")
    actor = Actor("portal" if kind == "neighbour" else kind, outsider)
    before = victim_rows(victim)
    own_tickets = set(Ticket.objects.filter(client=victim.client).values_list("pk", flat=True))
    leaks: list[str] = []

    def check(method: str, path: str, response: Any) -> None:
        text = body_of(response)
        found = [secret for secret in SECRETS if secret in text]
        if found:
            leaks.append(f"{method} {path} as {kind}: {response.status_code} shows {found}")

    web = [r for r in routes() if not r.pattern.startswith("api/")]
    with django_capture_on_commit_callbacks(execute=True):
        for route in web:
            for path in paths(route, victim, outsider):
                resolved = resolve(path).route.replace("^", "")
                assert resolved == route.pattern.replace("^", ""), f"{path}: {route.pattern}"
                headers = actor.headers()
                for query in ({}, WEB_QUERY(victim)):
                    check("GET", path, actor.browser().get(path, query, headers=headers))
                check("POST", path, actor.browser().post(path, FORM(victim), headers=headers))
        for method, template, operation in api_operations():
            path = template.replace("{ticket_id}", str(victim.ticket.pk))
            path = path.replace("{client_id}", str(victim.client.pk))
            path = path.replace("{hire_id}", str(victim.hire.pk))
            path = path.replace("{invoice_id}", str(victim.invoice.pk))
            path = path.replace("{slug}", victim.client.slug)
            for name, model in (("credit_note_id", CreditNote), ("refund_id", Refund)):
                row = model.objects.filter(client=victim.client).first()
                path = path.replace(f"{{{name}}}", str(row.pk if row else 1))
            send = getattr(actor.browser(), method.lower())
            if method == "GET":  # bare, then each query parameter alone
                names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
                for query in [{}, *({n: API_FIELDS[n](victim)} for n in names)]:
                    query = {n: value for n, value in query.items() if value is not None}
                    check(method, path, send(path, query, headers=actor.headers()))
            else:
                body = {n: API_FIELDS[n](victim) for n in _body_fields(operation)}
                check(
                    method,
                    path,
                    send(
                        path,
                        json.dumps(body),
                        content_type="application/json",
                        headers=actor.headers(),
                    ),
                )

    assert leaks == [], "\n".join(leaks)
    assert victim_rows(victim) == before
    lodged = Ticket.objects.filter(client=victim.client).exclude(pk__in=own_tickets)
    assert set(lodged.values_list("channel", flat=True)) <= {Channel.WEB}


def _body_fields(operation: dict[str, Any]) -> set[str]:
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if not content:
        return set()
    component = content["schema"]["$ref"].rsplit("/", 1)[-1]
    return set(api.get_openapi_schema()["components"]["schemas"][component]["properties"])
