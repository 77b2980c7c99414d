"""Production mode passes Django's deployment checks with nothing to say, serves only
over HTTPS (directly or behind a TLS-terminating proxy), and local mode (`make run`,
plain http on 127.0.0.1) keeps all of that off."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client as Browser

from pactdesk.config.env import env_proxy_ssl_header

KEY = "k3-" + "0123456789abcdefghijklmnopqrstuvwxyz" * 2
PRODUCTION = {
    "PACTDESK_MODE": "production",
    "PACTDESK_SECRET_KEY": KEY,
    "PACTDESK_ALLOWED_HOSTS": "desk.example.com",
}
HTTPS_SETTINGS = [
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
]


def run(tmp_path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PACTDESK_")}
    environ.update(PACTDESK_VAR_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, *args], env=environ, capture_output=True, text=True, check=False
    )


def https_settings(tmp_path, **env: str) -> dict[str, object]:
    script = (
        "import json, pactdesk.config.settings as s; "
        f"print(json.dumps({{name: getattr(s, name) for name in {HTTPS_SETTINGS!r}}}))"
    )
    result = run(tmp_path, "-c", script, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.slow
def test_check_deploy_in_production_mode_finds_nothing(tmp_path) -> None:
    result = run(
        tmp_path,
        "-m",
        "pactdesk.cli.main",
        "check",
        "--deploy",
        "--fail-level",
        "DEBUG",
        **PRODUCTION,
    )
    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        "System check identified no issues (0 silenced).\n",
        "",
    )


def test_production_defaults_to_https_only(tmp_path) -> None:
    assert https_settings(tmp_path, **PRODUCTION) == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SECURE_PROXY_SSL_HEADER": None,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
    }


def test_local_mode_stays_plain_http(tmp_path) -> None:
    got = https_settings(tmp_path)
    assert (got["SECURE_SSL_REDIRECT"], got["SECURE_HSTS_SECONDS"]) == (False, 0)
    assert (got["SESSION_COOKIE_SECURE"], got["CSRF_COOKIE_SECURE"]) == (False, False)


def test_behind_a_proxy_each_part_is_configurable(tmp_path) -> None:
    got = https_settings(
        tmp_path,
        **PRODUCTION,
        PACTDESK_PROXY_SSL_HEADER="X-Forwarded-Proto",
        PACTDESK_SSL_REDIRECT="0",
        PACTDESK_HSTS_SECONDS="600",
        PACTDESK_HSTS_INCLUDE_SUBDOMAINS="no",
        PACTDESK_HSTS_PRELOAD="off",
    )
    assert got["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert [got[name] for name in HTTPS_SETTINGS[:4]] == [False, 600, False, False]


def test_the_proxy_header_must_be_a_header_name() -> None:
    assert env_proxy_ssl_header("H", {}) is None
    assert env_proxy_ssl_header("H", {"H": " X-Forwarded-Proto "}) == (
        "HTTP_X_FORWARDED_PROTO",
        "https",
    )
    with pytest.raises(ImproperlyConfigured, match=r"H='X-Forwarded-Proto: https' is not a header"):
        env_proxy_ssl_header("H", {"H": "X-Forwarded-Proto: https"})


@pytest.mark.parametrize(
    ("variable", "key"),
    [
        ("PACTDESK_SECRET_KEY", "s" * 32 + "0123456789"),  # 42 characters
        ("PACTDESK_SECRET_KEY", "ab" * 30),  # long, but 2 different characters
        ("PACTDESK_SECRET_KEY", "django-insecure-" + KEY),
        ("PACTDESK_SECRET_KEY_FALLBACKS", f"{KEY},short-old-key"),
    ],
)
def test_production_refuses_a_weak_secret_key(tmp_path, variable, key) -> None:
    result = run(tmp_path, "-c", "import pactdesk.config.settings", **{**PRODUCTION, variable: key})
    assert result.returncode == 1
    assert f"{variable} must be at least 50 random characters in production" in result.stderr


@pytest.fixture
def https_only(settings):
    """Production's HTTPS settings behind a proxy that says X-Forwarded-Proto: https (a
    new test client reads them when it builds its middleware)."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


@pytest.mark.django_db
@pytest.mark.usefixtures("https_only")
def test_plain_http_is_redirected_but_healthz_is_answered() -> None:
    browser = Browser()
    response = browser.get("/login/?next=/desk/")
    assert (response.status_code, response["Location"]) == (
        301,
        "https://testserver/login/?next=/desk/",
    )
    assert browser.get("/healthz").status_code == 503  # answered (no worker beats here)
    assert browser.get("/login/", headers={"X-Forwarded-Proto": "http"}).status_code == 301


@pytest.mark.django_db
@pytest.mark.usefixtures("https_only")
def test_https_through_the_proxy_is_served_with_hsts() -> None:
    response = Browser().get("/login/", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
