"""The PayPal settings: read from the environment, a bad value stops start-up."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from pactdesk.config.env import env_base_url, env_choice, env_origins
from tests.config.test_env import load_settings


def test_the_mode_is_sandbox_or_live() -> None:
    assert env_choice("M", "sandbox", ("sandbox", "live"), {}) == "sandbox"
    assert env_choice("M", "sandbox", ("sandbox", "live"), {"M": " Live "}) == "live"
    with pytest.raises(
        ImproperlyConfigured, match="M='production' is not known: use sandbox or live"
    ):
        env_choice("M", "sandbox", ("sandbox", "live"), {"M": "production"})


def test_certificate_origins_are_scheme_host_and_port_only() -> None:
    assert env_origins("O", ["https://api.paypal.com"], {}) == ["https://api.paypal.com"]
    assert env_origins("O", [], {"O": "https://API.PayPal.com/, http://127.0.0.1:8765"}) == [
        "https://api.paypal.com",
        "http://127.0.0.1:8765",
    ]
    for bad in ["ftp://x.test", "https://x.test/certs", "https://u@x.test", "x.test", "http://x:y"]:
        with pytest.raises(ImproperlyConfigured, match="is not an origin"):
            env_origins("O", [], {"O": bad})


def test_the_base_url_is_http_or_https() -> None:
    assert env_base_url("B", {}) == ""
    assert env_base_url("B", {"B": "http://127.0.0.1:8765/"}) == "http://127.0.0.1:8765"
    with pytest.raises(ImproperlyConfigured, match="must be an http:// or https:// URL"):
        env_base_url("B", {"B": "api-m.paypal.com"})


def test_a_client_id_without_its_secret_stops_start_up(tmp_path) -> None:
    result = load_settings(tmp_path, PACTDESK_PAYPAL_CLIENT_ID="abc")

    assert result.returncode != 0
    assert "PACTDESK_PAYPAL_CLIENT_ID and PACTDESK_PAYPAL_CLIENT_SECRET go together" in (
        result.stderr
    )


def test_an_unknown_mode_stops_start_up(tmp_path) -> None:
    result = load_settings(tmp_path, PACTDESK_PAYPAL_MODE="production")

    assert "PACTDESK_PAYPAL_MODE='production' is not known" in result.stderr
