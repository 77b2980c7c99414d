"""The acknowledgement states the plan's promise, in the client's wording per language."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.test import Client as Browser

from pactdesk.accounts.models import Role
from pactdesk.agreements.models import Metric, PlanKind
from pactdesk.agreements.services import (
    TargetSpec,
    agreement_create,
    calendar_create,
    plan_create,
    sla_policy_create,
)
from pactdesk.desk.services.mail import Acknowledged, ticket_mail_acknowledgements
from pactdesk.intake.services import mail_receive
from pactdesk.notify.acknowledgements import SAMPLE, acknowledgement_render
from pactdesk.notify.models import AcknowledgementTemplate, OutboundMail
from pactdesk.notify.selectors import acknowledgement_template_choose, language_preferences
from pactdesk.notify.services import acknowledgement_template_save
from pactdesk.platform.errors import PermissionDenied, ValidationFailed
from tests.conftest import NOW
from tests.factories import ClientFactory, UserFactory, client_user, shared_agreement, ticket_lodged

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://127\.0\.0\.1:8000/portal/northwind/link/\S+/")


@pytest.fixture
def northwind():
    return ClientFactory(name="Northwind", slug="northwind", support_email="support@northwind.test")


@pytest.fixture
def admin_user():
    return UserFactory(role=Role.ADMIN)


@pytest.fixture
def lodge(django_capture_on_commit_callbacks):
    def make(client, **overrides):
        values = {"client": client, "now": NOW, **overrides}
        return ticket_lodged(capture=django_capture_on_commit_callbacks, **values)

    return make


def sent_body(ticket) -> str:
    """The acknowledgement's body with the (signed, so ever-changing) portal link masked."""
    row = OutboundMail.objects.filter(ticket_id_ref=ticket.pk).order_by("-id").first()
    return LINK.sub("<link>", row.body)


def agreement_with(client, *targets: TargetSpec, round_the_clock: bool = False):
    plan = plan_create(
        code=f"p-{client.slug}", name="Plan", kind=PlanKind.SHARED, price="1.00", currency="USD"
    )
    calendar = calendar_create(
        client=client,
        name="London",
        holiday_country="GB",
        spec={
            "timezone": "Europe/London",
            "hours": {
                **{d: [["09:00", "17:30"]] for d in ("mon", "tue", "wed", "thu", "fri")},
                "sat": [["10:00", "13:00"]],
            },
        },
    )
    policy = sla_policy_create(client=client, name="Policy", targets=targets)
    return agreement_create(
        client=client,
        plan=plan,
        start_date=date(2026, 1, 1),
        timezone="Europe/London",
        calendar=calendar,
        sla_policy=policy,
        round_the_clock=round_the_clock,
    )


def test_a_shared_business_hours_plan_states_its_target_and_hours(northwind, lodge) -> None:
    shared_agreement(northwind)
    ticket = lodge(northwind)
    assert sent_body(ticket) == (
        "Hello Jo,\n\n"
        f"We have received your request and logged it as PD-{ticket.pk}. We aim to answer "
        "within 30 business minutes. Reply to this message to add anything.\n\n"
        "Our support hours are Monday–Friday 09:00–17:00 (America/New_York), except public "
        "holidays.\n\n"
        "Follow it online: <link>\n\n"
        "-- Northwind support"
    )


def test_the_target_is_the_one_for_the_tickets_priority(northwind, lodge) -> None:
    agreement_with(
        northwind,
        TargetSpec(Metric.FIRST_RESPONSE, timedelta(hours=8)),
        TargetSpec(Metric.FIRST_RESPONSE, timedelta(hours=1), priority="urgent"),
    )
    urgent, normal = lodge(northwind, priority="urgent"), lodge(northwind)
    assert "We aim to answer within 1 business hour. " in sent_body(urgent)
    assert "We aim to answer within 8 business hours. " in sent_body(normal)
    assert (
        "Our support hours are Monday–Friday 09:00–17:30; Saturday 10:00–13:00 "
        "(Europe/London), except public holidays.\n\n" in sent_body(normal)
    )


def test_a_round_the_clock_plan_says_so(northwind, lodge) -> None:
    agreement_with(
        northwind, TargetSpec(Metric.FIRST_RESPONSE, timedelta(hours=2)), round_the_clock=True
    )
    ticket = lodge(northwind, customer_name="")
    assert sent_body(ticket) == (
        "Hello jo@shop.test,\n\n"
        f"We have received your request and logged it as PD-{ticket.pk}. We aim to answer "
        "within 2 hours. Reply to this message to add anything.\n\n"
        "We answer around the clock, every day of the year.\n\n"
        "Follow it online: <link>\n\n"
        "-- Northwind support"
    )


def test_without_a_first_response_target_no_time_is_promised(northwind, lodge) -> None:
    agreement_with(northwind, TargetSpec(Metric.EFFECTIVE_ANSWER, timedelta(hours=4)))
    ticket = lodge(northwind)
    assert sent_body(ticket) == (
        "Hello Jo,\n\n"
        f"We have received your request and logged it as PD-{ticket.pk}. "
        "Reply to this message to add anything.\n\n"
        "Our support hours are Monday–Friday 09:00–17:30; Saturday 10:00–13:00 "
        "(Europe/London), except public holidays.\n\n"
        "Follow it online: <link>\n\n"
        "-- Northwind support"
    )


GERMAN = (
    "Hallo {{ customer_name }},\n\nIhre Anfrage ist {{ ticket_reference }} "
    "({{ ticket_subject }}).{% if first_response_target %} Antwort binnen "
    "{{ first_response_target }}.{% endif %}\n{{ portal_link }}\n-- {{ client_name }}"
)


def test_the_clients_default_template_is_used_and_rendered_as_plain_text(
    northwind, lodge, admin_user
) -> None:
    shared_agreement(northwind)
    acknowledgement_template_save(
        actor=admin_user, client=northwind, language="de", body=GERMAN, is_default=True
    )
    ticket = lodge(northwind, subject="Drucker <brennt> & raucht")
    assert sent_body(ticket) == (
        f"Hallo Jo,\n\nIhre Anfrage ist PD-{ticket.pk} (Drucker <brennt> & raucht). "
        "Antwort binnen 30 business minutes.\n<link>\n-- Northwind"
    )


def test_a_template_without_the_portal_link_gets_it_appended(northwind, lodge, admin_user):
    shared_agreement(northwind)
    acknowledgement_template_save(
        actor=admin_user,
        client=northwind,
        language="en",
        body="Thanks, {{ customer_name }}.",
        is_default=True,
    )
    assert sent_body(lodge(northwind)) == "Thanks, Jo.\n\nFollow it online: <link>"


def test_the_customers_language_picks_the_template(northwind, lodge, admin_user) -> None:
    shared_agreement(northwind)
    acknowledgement_template_save(actor=admin_user, client=northwind, language="de", body=GERMAN)
    ticket = lodge(northwind)
    assert sent_body(ticket).startswith("Hello Jo,")  # no hint, no default: built in
    ticket_mail_acknowledgements(
        acknowledged=[Acknowledged(ticket, ticket.customer, [], language="de-AT")]
    )
    assert sent_body(ticket).startswith("Hallo Jo,")


def template(language: str, *, is_default: bool = False) -> AcknowledgementTemplate:
    return AcknowledgementTemplate(language=language, is_default=is_default, body=language)


@pytest.mark.parametrize(
    ("language", "chosen"),
    [
        ("fr-CA", "fr-CA"),  # exact
        ("FR-ca", "fr-CA"),  # tags compare without case
        ("de-AT", "de"),  # primary subtag
        ("fr-BE", "fr"),  # the plain primary tag before a sibling region
        ("pt-BR", "pt-PT"),  # a sibling region when the primary tag has no template
        ("es", "en"),  # the client's default
        (None, "en"),
        ("", "en"),
    ],
)
def test_language_choice(language, chosen) -> None:
    templates = [
        template("de"),
        template("fr"),
        template("fr-CA"),
        template("pt-PT"),
        template("en", is_default=True),
    ]
    assert acknowledgement_template_choose(templates=templates, language=language).language == (
        chosen
    )


def test_without_a_match_or_default_the_built_in_text_is_used() -> None:
    assert acknowledgement_template_choose(templates=[template("de")], language="fr") is None


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        (
            "{% if round_the_clock %}x",
            "template_syntax",
            "body: The template does not parse: Unclosed tag on line 1: 'if'. Looking for one "
            "of: elif, else, endif.",
        ),
        (
            "{{ customer_name|shout }}",
            "template_syntax",
            "body: The template does not parse: Invalid filter: 'shout'",
        ),
        (
            "Hi {{ customer }} of {{ client }}",
            "unknown_variable",
            "body: Unknown variables client, customer; use customer_name, ticket_reference, "
            "ticket_subject, client_name, first_response_target, support_hours, round_the_clock, "
            "portal_link.",
        ),
        (
            "{% if agent %}x{% endif %}",
            "unknown_variable",
            "body: Unknown variable agent; use customer_name, ticket_reference, ticket_subject, "
            "client_name, first_response_target, support_hours, round_the_clock, portal_link.",
        ),
        (
            "{{ ticket_subject|default:secret }}",
            "unknown_variable",
            "body: Unknown variable secret; use customer_name, ticket_reference, ticket_subject, "
            "client_name, first_response_target, support_hours, round_the_clock, portal_link.",
        ),
        (
            "{% include 'x.html' %}",
            "template_tag",
            "body: The {% include %} tag is not allowed; use {% if %} / {% elif %} / {% else %} "
            "/ {% endif %} and {% comment %}.",
        ),
        (
            "{% debug %}",
            "template_tag",
            "body: The {% debug %} tag is not allowed; use {% if %} / {% elif %} / {% else %} "
            "/ {% endif %} and {% comment %}.",
        ),
        (
            "{% load static %}",
            "template_syntax",
            "body: The template does not parse: 'static' is not a registered tag library.",
        ),
        (
            "{{ customer_name.__class__ }}",
            "template_syntax",
            "body: The template does not parse: Variables and attributes may not begin with "
            "underscores: 'customer_name.__class__'",
        ),
        ("   ", "required", "body: The text must not be empty."),
    ],
)
def test_a_bad_template_is_refused_naming_the_problem(northwind, admin_user, body, code, message):
    with pytest.raises(ValidationFailed) as raised:
        acknowledgement_template_save(actor=admin_user, client=northwind, language="en", body=body)
    assert (raised.value.code, raised.value.field) == (code, "body")
    assert raised.value.message == message
    assert AcknowledgementTemplate.objects.count() == 0


@pytest.mark.parametrize(
    ("language", "stored"), [("en", "en"), ("fr-ca", "fr-CA"), ("zh-hant-tw", "zh-Hant-TW")]
)
def test_language_tags_are_kept_in_their_usual_case(northwind, admin_user, language, stored):
    saved = acknowledgement_template_save(
        actor=admin_user, client=northwind, language=language, body="Hi"
    )
    assert saved.language == stored


@pytest.mark.parametrize("language", ["english", "e", "en_GB", "en-", ""])
def test_a_bad_language_tag_is_refused(northwind, admin_user, language) -> None:
    with pytest.raises(ValidationFailed) as raised:
        acknowledgement_template_save(
            actor=admin_user, client=northwind, language=language, body="Hi"
        )
    assert raised.value.field == "language"


def test_one_template_per_language_and_one_default(northwind, admin_user) -> None:
    save = acknowledgement_template_save
    first = save(actor=admin_user, client=northwind, language="en", body="A", is_default=True)
    with pytest.raises(ValidationFailed) as raised:
        save(actor=admin_user, client=northwind, language="EN", body="B")
    assert (raised.value.code, raised.value.message) == (
        "unique_together",
        "Acknowledgement template with this Client and Language already exists.",
    )
    second = save(actor=admin_user, client=northwind, language="de", body="C", is_default=True)
    first.refresh_from_db()
    assert (first.is_default, second.is_default) == (False, True)


def test_only_the_clients_admins_and_provider_admins_edit_templates(northwind) -> None:
    other = ClientFactory()
    for actor in (
        client_user(northwind, Role.CLIENT_MEMBER),
        client_user(other),
        UserFactory(role=Role.AGENT),
    ):
        with pytest.raises(PermissionDenied):
            acknowledgement_template_save(actor=actor, client=northwind, language="en", body="x")
    saved = acknowledgement_template_save(
        actor=client_user(northwind), client=northwind, language="en", body="x"
    )
    assert saved.client == northwind


def test_the_sample_preview_renders_the_built_in_text() -> None:
    assert acknowledgement_render(body=None, facts=SAMPLE) == (
        "Hello Jo Example,\n\n"
        "We have received your request and logged it as PD-123. We aim to answer within "
        "4 business hours. Reply to this message to add anything.\n\n"
        "Our support hours are Monday–Friday 09:00–17:30 (Europe/London), except public "
        "holidays.\n\n"
        "Follow it online: https://support.example/portal/northwind/link/…/\n\n"
        "-- Northwind support"
    )


def test_provider_admins_edit_templates_in_the_django_admin_with_a_preview(
    northwind, admin_user
) -> None:
    saved = acknowledgement_template_save(
        actor=admin_user, client=northwind, language="en", body="Hi {{ customer_name }}."
    )
    browser = Browser()
    browser.force_login(admin_user)
    page = browser.get(f"/admin/notify/acknowledgementtemplate/{saved.pk}/change/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Hi Jo Example.\n\nFollow it online: https://support.example/portal/" in html
    assert "{{ first_response_target }}: the first-response target" in html


@pytest.mark.parametrize(
    ("value", "tags"),
    [
        ("de", ["de"]),
        ("de-AT,de;q=0.9,en;q=0.8", ["de-at", "de", "en"]),
        ("en;q=0.5, fr-CA , *;q=0.1", ["fr-ca", "en"]),  # best first, "*" left out
        ("pt_BR", ["pt-br"]),
        ("es;q=0, it", ["it"]),  # q=0: not acceptable
        ("x;q=abc, <script>, de", ["de"]),  # malformed entries left out
        ("", []),
        (None, []),
    ],
)
def test_language_preferences(value, tags) -> None:
    assert language_preferences(value) == tags


@pytest.mark.parametrize(
    ("language", "chosen"),
    [("es-ES,es;q=0.9,fr-CA;q=0.8,de;q=0.7", "fr-CA"), ("it, pt-BR;q=0.5", "pt-PT")],
)
def test_an_accept_language_value_is_tried_best_first(language, chosen) -> None:
    templates = [
        template("de"),
        template("fr-CA"),
        template("pt-PT"),
        template("en", is_default=True),
    ]
    assert acknowledgement_template_choose(templates=templates, language=language).language == (
        chosen
    )


def _german(northwind, admin_user) -> None:
    shared_agreement(northwind)
    acknowledgement_template_save(
        actor=admin_user, client=northwind, language="de", body="Hallo.\n{{ portal_link }}"
    )
    acknowledgement_template_save(
        actor=admin_user,
        client=northwind,
        language="en",
        body="Hello.\n{{ portal_link }}",
        is_default=True,
    )


@pytest.mark.parametrize(("accept", "greeting"), [("de-DE,de;q=0.9", "Hallo."), (None, "Hello.")])
def test_the_web_forms_accept_language_picks_the_wording(
    northwind, admin_user, django_capture_on_commit_callbacks, accept, greeting
) -> None:
    _german(northwind, admin_user)
    headers = {"HTTP_ACCEPT_LANGUAGE": accept} if accept else {}
    form = {"name": "Jo", "email": "jo@shop.test", "subject": "Hi", "body": "b", "website": ""}
    with django_capture_on_commit_callbacks(execute=True):
        assert Browser().post("/c/northwind/new", form, **headers).status_code == 302
    assert OutboundMail.objects.get().body.startswith(greeting)


@pytest.mark.parametrize(
    ("header", "greeting"),
    [
        ("Content-Language: de\r\n", "Hallo."),
        ("Content-Language: fr\r\n", "Hello."),
        ("", "Hello."),
    ],
)
def test_a_mails_content_language_picks_the_wording(
    northwind, admin_user, django_capture_on_commit_callbacks, header, greeting
) -> None:
    _german(northwind, admin_user)
    raw = (
        f"From: jo@shop.test\r\nTo: support@northwind.test\r\nSubject: Hi\r\n{header}"
        "Message-ID: <l1@shop.test>\r\n\r\nHallo"
    ).encode()
    with django_capture_on_commit_callbacks(execute=True):
        [delivery] = mail_receive(
            raw=raw, recipients=["support@northwind.test"], envelope_sender=None, now=NOW
        )
    assert delivery.action == "lodged"
    assert OutboundMail.objects.get().body.startswith(greeting)
