"""Reading settings from the environment: every variable is validated, and a bad one
stops start-up with an error naming the variable and what it accepts."""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_DB_SCHEMES = {"sqlite", "postgres", "postgresql", "pgsql"}
_HEADER_NAME = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")


def env_bool(name: str, default: bool, environ: Mapping[str, str] = os.environ) -> bool:
    raw = environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use 1/0, true/false, yes/no")


def env_int(name: str, default: int, minimum: int, environ: Mapping[str, str] = os.environ) -> int:
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={value} must be at least {minimum}")
    return value


def env_list(name: str, default: list[str], environ: Mapping[str, str] = os.environ) -> list[str]:
    raw = environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_file(name: str, environ: Mapping[str, str] = os.environ) -> str | None:
    """The path of an existing, readable file, or None when the variable is unset."""
    raw = environ.get(name, "").strip()
    if not raw:
        return None
    if not os.path.isfile(raw) or not os.access(raw, os.R_OK):
        raise ImproperlyConfigured(f"{name}={raw!r} is not a readable file")
    return raw


def env_networks(
    name: str, environ: Mapping[str, str] = os.environ
) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """Comma-separated addresses or CIDR networks (10.0.0.0/8, ::1)."""
    networks = []
    for item in env_list(name, [], environ):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: {item!r} is not an IP address or network (like 10.0.0.0/8)"
            ) from None
    return networks


def env_proxy_ssl_header(
    name: str, environ: Mapping[str, str] = os.environ
) -> tuple[str, str] | None:
    """Django's SECURE_PROXY_SSL_HEADER from the name of the header a TLS-terminating
    proxy sets to `https` (X-Forwarded-Proto): ("HTTP_X_FORWARDED_PROTO", "https").

    None when unset: no header is believed, so a request is secure only when it reached
    us over TLS. Set it only behind a proxy that overwrites the header on every request.
    """
    raw = environ.get(name, "").strip()
    if not raw:
        return None
    if not _HEADER_NAME.fullmatch(raw):
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a header name: use the header your proxy sets to "
            "'https', like X-Forwarded-Proto"
        )
    return "HTTP_" + raw.upper().replace("-", "_"), "https"


def env_choice(
    name: str, default: str, choices: tuple[str, ...], environ: Mapping[str, str] = os.environ
) -> str:
    """One of `choices` (compared in lower case), or `default` when unset."""
    value = environ.get(name, "").strip().lower() or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} is not known: use {' or '.join(choices)}")
    return value


def env_origins(
    name: str, default: list[str], environ: Mapping[str, str] = os.environ
) -> list[str]:
    """Comma-separated origins, `scheme://host[:port]` (http or https, no path), each
    normalised to lower case: `https://api.paypal.com,http://127.0.0.1:8765`."""
    origins = []
    for item in env_list(name, default, environ):
        parts = urlsplit(item)
        try:
            port = parts.port
        except ValueError:
            port = -1
        if (
            parts.scheme not in {"http", "https"}
            or not parts.hostname
            or port == -1
            or parts.path not in {"", "/"}
            or parts.query
            or parts.fragment
            or parts.username
        ):
            raise ImproperlyConfigured(
                f"{name}: {item!r} is not an origin (like https://api.paypal.com)"
            )
        origins.append(f"{parts.scheme}://{parts.netloc.lower()}")
    return origins


def env_base_url(name: str, environ: Mapping[str, str] = os.environ) -> str:
    """An http(s) URL without query or fragment, without its trailing slash; "" unset."""
    raw = environ.get(name, "").strip().rstrip("/")
    if not raw:
        return ""
    parts = urlsplit(raw)
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.query:
        raise ImproperlyConfigured(
            f"{name}={raw!r} must be an http:// or https:// URL without a query"
        )
    return raw


def env_mode(environ: Mapping[str, str] = os.environ) -> str:
    mode = environ.get("PACTDESK_MODE", "local").strip().lower()
    if mode not in {"local", "production"}:
        raise ImproperlyConfigured(
            f"PACTDESK_MODE={mode!r} is not known: use 'local' or 'production'"
        )
    return mode


def database_from_url(url: str) -> dict[str, Any]:
    """A Django DATABASES entry from PACTDESK_DATABASE_URL.

    SQLite runs in WAL mode with a busy timeout and IMMEDIATE transactions, so the web
    server and the worker can write side by side without "database is locked".
    """
    scheme = url.split(":", 1)[0].lower()
    if scheme not in _DB_SCHEMES:
        raise ImproperlyConfigured(
            f"PACTDESK_DATABASE_URL scheme {scheme!r} is not supported: "
            "use sqlite:///path/to/file.sqlite3 or postgres://user:password@host:port/name"
        )
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url))
    except ValueError as exc:
        raise ImproperlyConfigured(f"PACTDESK_DATABASE_URL is malformed: {exc}") from None
    if scheme == "sqlite":
        if not config.get("NAME") or config["NAME"] == ":memory:":
            raise ImproperlyConfigured("PACTDESK_DATABASE_URL must name a SQLite file")
        config["ENGINE"] = "pactdesk.platform.sqlite"  # writers queue instead of polling
        config["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA busy_timeout=20000; PRAGMA foreign_keys=ON;"
            ),
        }
        config["TEST"] = {"NAME": ":memory:"}  # the test database lives in memory
    # Keep connections between requests (re-opening SQLite and re-running its PRAGMAs
    # cost more than a query).
    config["CONN_MAX_AGE"] = 60
    config["CONN_HEALTH_CHECKS"] = True
    return config


def smtp_from_url(url: str) -> tuple[str, int, str, str, bool, bool]:
    """(host, port, user, password, use_tls, use_ssl) from PACTDESK_SMTP_URL."""
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
        raise ImproperlyConfigured(
            f"PACTDESK_SMTP_URL={url!r} must look like smtp://user:password@host:port"
        )
    try:
        port = parts.port or (465 if parts.scheme == "smtps" else 25)
    except ValueError:
        raise ImproperlyConfigured(f"PACTDESK_SMTP_URL={url!r} has a bad port") from None
    starttls = parse_qs(parts.query).get("starttls", ["0"])[0] in _TRUE
    return (
        parts.hostname,
        port,
        unquote(parts.username or ""),
        unquote(parts.password or ""),
        starttls,
        parts.scheme == "smtps",
    )
