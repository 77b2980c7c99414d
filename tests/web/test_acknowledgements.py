"""The client admin's acknowledgement page: scoped to their client, refused to others."""

from __future__ import annotations

import pytest
from django.test import Client as Browser

from pactdesk.accounts.models import Role
from pactdesk.notify.models import AcknowledgementTemplate
from pactdesk.notify.services import acknowledgement_template_save
from tests.factories import UserFactory, client_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(agreement):
    return client_user(agreement.client, Role.CLIENT_ADMIN)


@pytest.fixture
def admin_browser(admin) -> Browser:
    browser = Browser()
    browser.force_login(admin)
    return browser


@pytest.fixture
def german(admin, agreement) -> AcknowledgementTemplate:
    return acknowledgement_template_save(
        actor=admin, client=agreement.client, language="de", body="Hallo {{ customer_name }}."
    )


def test_a_client_admin_lists_their_templates_and_finds_the_nav_link(
    admin_browser, german, other_agreement
) -> None:
    theirs = client_user(other_agreement.client)
    acknowledgement_template_save(
        actor=theirs, client=other_agreement.client, language="fr", body="Bonjour"
    )
    page = admin_browser.get("/desk/acknowledgements/").content.decode()
    assert '<a href="/desk/acknowledgements/" aria-current="page">Acknowledgements</a>' in page
    assert f'<td><a href="/desk/acknowledgements/{german.pk}/">de</a></td>' in page
    assert "Bonjour" not in page


def test_a_client_admin_adds_a_template_with_csrf(admin, agreement) -> None:
    browser = Browser(enforce_csrf_checks=True)
    browser.force_login(admin)
    data = {
        "language": "fr-ca",
        "body": "Bonjour {{ customer_name }}",
        "is_default": "on",
        "save": "1",
    }
    assert browser.post("/desk/acknowledgements/new/", data).status_code == 403  # no token
    form = browser.get("/desk/acknowledgements/new/")
    response = browser.post(
        "/desk/acknowledgements/new/", {**data, "csrfmiddlewaretoken": form.context["csrf_token"]}
    )
    assert (response.status_code, response["Location"]) == (302, "/desk/acknowledgements/")
    saved = AcknowledgementTemplate.objects.get()
    assert (saved.client, saved.language, saved.body, saved.is_default) == (
        agreement.client,
        "fr-CA",
        "Bonjour {{ customer_name }}",
        True,
    )


def test_the_preview_renders_a_sample_without_saving(admin_browser) -> None:
    response = admin_browser.post(
        "/desk/acknowledgements/new/",
        {"language": "en", "body": "Hi {{ customer_name }} of {{ client_name }}", "preview": "1"},
    )
    assert response.status_code == 200
    assert response.context["preview"] == (
        "Hi Jo Example of Northwind\n\n"
        "Follow it online: https://support.example/portal/northwind/link/…/"
    )
    assert AcknowledgementTemplate.objects.count() == 0


def test_a_bad_template_is_shown_beside_the_text(admin_browser) -> None:
    response = admin_browser.post(
        "/desk/acknowledgements/new/", {"language": "en", "body": "Hi {{ agent }}", "save": "1"}
    )
    assert response.status_code == 422
    assert response.context["form"].errors == {
        "body": [
            "Unknown variable agent; use customer_name, ticket_reference, ticket_subject, "
            "client_name, first_response_target, support_hours, round_the_clock, portal_link."
        ]
    }
    assert AcknowledgementTemplate.objects.count() == 0


def test_a_client_admin_edits_and_deletes_their_template(admin_browser, german) -> None:
    response = admin_browser.post(
        f"/desk/acknowledgements/{german.pk}/",
        {"language": "de", "body": "Guten Tag {{ customer_name }}.", "save": "1"},
    )
    assert response.status_code == 302
    german.refresh_from_db()
    assert german.body == "Guten Tag {{ customer_name }}."
    assert admin_browser.post(f"/desk/acknowledgements/{german.pk}/delete/").status_code == 302
    assert AcknowledgementTemplate.objects.count() == 0


def test_another_clients_admin_gets_404_for_a_foreign_template(german, other_agreement):
    browser = Browser()
    browser.force_login(client_user(other_agreement.client, Role.CLIENT_ADMIN))
    assert browser.get(f"/desk/acknowledgements/{german.pk}/").status_code == 404
    assert browser.post(f"/desk/acknowledgements/{german.pk}/delete/").status_code == 404
    assert (
        browser.post(
            f"/desk/acknowledgements/{german.pk}/", {"language": "de", "body": "x", "save": "1"}
        ).status_code
        == 404
    )
    assert AcknowledgementTemplate.objects.get().body == "Hallo {{ customer_name }}."


@pytest.mark.parametrize("role", [Role.CLIENT_MEMBER, Role.AGENT])
def test_members_and_staff_are_refused(agreement, german, role) -> None:
    browser = Browser()
    user = (
        client_user(agreement.client, role)
        if role == Role.CLIENT_MEMBER
        else UserFactory(role=role)
    )
    browser.force_login(user)
    for url in (
        "/desk/acknowledgements/",
        "/desk/acknowledgements/new/",
        f"/desk/acknowledgements/{german.pk}/",
    ):
        assert browser.get(url).status_code == 403
    assert browser.post(f"/desk/acknowledgements/{german.pk}/delete/").status_code == 403
    assert 'href="/desk/acknowledgements/"' not in browser.get("/desk/list/all/").content.decode()


def test_anonymous_users_are_sent_to_log_in(german) -> None:
    response = Browser().get("/desk/acknowledgements/")
    assert (response.status_code, response["Location"]) == (
        302,
        "/login/?next=/desk/acknowledgements/",
    )
