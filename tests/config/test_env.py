"""Settings come from the environment; a bad value stops start-up naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from pactdesk.config.env import database_from_url, env_bool, env_int


def test_sqlite_default_runs_in_wal_with_a_busy_timeout() -> None:
    config = database_from_url("sqlite:////tmp/x/pactdesk.sqlite3")
    assert config["ENGINE"] == "pactdesk.platform.sqlite"
    assert config["NAME"] == "/tmp/x/pactdesk.sqlite3"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert "busy_timeout=20000" in config["OPTIONS"]["init_command"]
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_postgres_url_is_parsed() -> None:
    config = database_from_url("postgres://desk:pw@127.0.0.1:5433/pactdesk")
    assert (config["ENGINE"], config["HOST"], config["PORT"], config["NAME"]) == (
        "django.db.backends.postgresql",
        "127.0.0.1",
        5433,
        "pactdesk",
    )


@pytest.mark.parametrize("url", ["mysql://x@h/db", "nonsense", "sqlite://"])
def test_unsupported_database_urls_are_refused(url) -> None:
    with pytest.raises(ImproperlyConfigured, match="PACTDESK_DATABASE_URL"):
        database_from_url(url)


def test_booleans_and_numbers_are_checked() -> None:
    assert env_bool("X", False, {"X": "Yes"}) is True
    with pytest.raises(ImproperlyConfigured, match="X='maybe' is not a boolean"):
        env_bool("X", False, {"X": "maybe"})
    with pytest.raises(ImproperlyConfigured, match="at least 10"):
        env_int("X", 180, 10, {"X": "5"})


def load_settings(tmp_path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PACTDESK_")}
    environ.update(PACTDESK_VAR_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "-c", "import pactdesk.config.settings as s; print(s.DEBUG, s.MODE)"],
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )


def test_local_mode_starts_with_debug_off_and_a_generated_key(tmp_path) -> None:
    result = load_settings(tmp_path)
    assert result.stdout.strip() == "False local"
    assert len((tmp_path / "secret_key").read_text()) >= 50


def test_production_refuses_to_start_without_a_secret_key(tmp_path) -> None:
    result = load_settings(
        tmp_path, PACTDESK_MODE="production", PACTDESK_ALLOWED_HOSTS="desk.example.com"
    )
    assert result.returncode != 0
    assert "PACTDESK_SECRET_KEY is required when PACTDESK_MODE=production" in result.stderr


def test_bad_redis_url_is_refused(tmp_path) -> None:
    result = load_settings(tmp_path, PACTDESK_REDIS_URL="http://localhost:6379")
    assert result.returncode != 0
    assert "PACTDESK_REDIS_URL='http://localhost:6379' must start with redis://" in result.stderr


def test_unknown_mode_is_refused(tmp_path) -> None:
    result = load_settings(tmp_path, PACTDESK_MODE="staging")
    assert "PACTDESK_MODE='staging' is not known" in result.stderr


def test_trusted_proxies_are_addresses_or_networks() -> None:
    from pactdesk.config.env import env_networks

    got = env_networks("P", {"P": "10.0.0.0/8, 127.0.0.1 ,::1"})
    assert [str(n) for n in got] == ["10.0.0.0/8", "127.0.0.1/32", "::1/128"]
    assert env_networks("P", {}) == []
    with pytest.raises(ImproperlyConfigured, match=r"P: 'proxy.internal' is not an IP address"):
        env_networks("P", {"P": "10.0.0.1,proxy.internal"})


def test_a_file_setting_must_name_a_readable_file(tmp_path) -> None:
    from pactdesk.config.env import env_file

    bundle = tmp_path / "ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    assert env_file("F", {"F": str(bundle)}) == str(bundle)
    assert env_file("F", {}) is None
    with pytest.raises(ImproperlyConfigured, match=r"F='/nonexistent/ca.pem' is not a readable"):
        env_file("F", {"F": "/nonexistent/ca.pem"})
