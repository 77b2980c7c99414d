from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client as Browser

from pactdesk.accounts.models import Role
from pactdesk.platform.clock import clock_now
from pactdesk.platform.services import heartbeat_record
from tests.factories import PASSWORD, ClientFactory, UserFactory, shared_agreement

pytestmark = pytest.mark.django_db


def log_in(browser: Browser, email: str, password: str):
    return browser.post(
        "/login/", {"username": email, "password": password}, REMOTE_ADDR="10.0.0.7"
    )


def test_login_form_signs_in_and_lands_on_home() -> None:
    user = UserFactory(role=Role.AGENT, name="Ana Agent")
    browser = Browser(enforce_csrf_checks=True)
    page = browser.get("/login/")
    assert page.status_code == 200
    token = page.cookies["csrftoken"].value
    response = browser.post(
        "/login/",
        {"username": user.email.upper(), "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert (response.status_code, response["Location"]) == (302, "/")
    home = browser.get("/")
    assert home.status_code == 200
    assert "Welcome, Ana Agent" in home.content.decode()


def test_wrong_password_shows_the_form_again_with_an_error() -> None:
    user = UserFactory()
    response = log_in(Browser(), user.email, "wrong-password")
    assert response.status_code == 200
    assert "did not match" in response.content.decode()


def test_login_locks_after_five_failures_even_with_the_right_password() -> None:
    user = UserFactory()
    browser = Browser()
    for _ in range(5):
        log_in(browser, user.email, "wrong-password")
    locked = log_in(browser, user.email, PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed log-ins" in locked.content.decode()
    assert "_auth_user_id" not in browser.session


def test_behind_a_trusted_proxy_the_lockout_is_per_forwarded_client(settings) -> None:
    import ipaddress

    settings.PACTDESK_TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.0/8")]
    user = UserFactory()
    browser = Browser()

    def attempt(password: str, client: str):
        return browser.post(
            "/login/",
            {"username": user.email, "password": password},
            REMOTE_ADDR="10.0.0.7",
            HTTP_X_FORWARDED_FOR=client,
        )

    for _ in range(5):
        attempt("wrong-password", "198.51.100.1")
    assert attempt(PASSWORD, "198.51.100.1").status_code == 429
    assert attempt(PASSWORD, "198.51.100.2").status_code == 302  # another client: not locked


def test_anonymous_home_redirects_to_login() -> None:
    response = Browser().get("/")
    assert (response.status_code, response["Location"]) == (302, "/login/?next=/")


def test_home_shows_a_client_user_only_their_own_agreement() -> None:
    ours, theirs = (
        shared_agreement(ClientFactory(name="Ours Ltd")),
        shared_agreement(ClientFactory(name="Theirs Inc")),
    )
    user = UserFactory(role=Role.CLIENT_MEMBER, client=ours.client)
    browser = Browser()
    browser.force_login(user)
    page = browser.get("/").content.decode()
    assert "Ours Ltd" in page
    assert "Theirs Inc" not in page
    assert theirs.client.name == "Theirs Inc"


@pytest.mark.parametrize(
    ("role", "status"), [(Role.ADMIN, 200), (Role.MANAGER, 403), (Role.AGENT, 403)]
)
def test_django_admin_is_for_provider_admins(role, status) -> None:
    browser = Browser()
    browser.force_login(UserFactory(role=role))
    assert browser.get("/admin/agreements/agreement/").status_code == status


def test_healthz_is_503_without_a_worker_heartbeat() -> None:
    response = Browser().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unhealthy",
        "database": True,
        "migrations_applied": True,
        "pending_migrations": 0,
        "worker_heartbeat_age_seconds": None,
        "worker_heartbeat_max_age_seconds": 180,
    }


def test_healthz_is_200_with_a_fresh_heartbeat_and_503_with_a_stale_one() -> None:
    heartbeat_record(name="huey@test", now=clock_now() - timedelta(seconds=30))
    fresh = Browser().get("/healthz")
    assert fresh.status_code == 200
    assert fresh.json()["status"] == "ok"
    assert 29 <= fresh.json()["worker_heartbeat_age_seconds"] <= 60
    heartbeat_record(name="huey@test", now=clock_now() - timedelta(minutes=10))
    assert Browser().get("/healthz").status_code == 503
