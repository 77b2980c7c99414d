"""Shared fixtures. Tests under tests/domain need none of this and no database."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fast_and_plain(request: pytest.FixtureRequest) -> None:
    """Fast password hashing, plain static storage and a cache of its own (rate-limit
    counters start at zero and never leak between tests or workers) for every Django
    test."""
    if "domain" in request.node.path.parts:
        return
    settings = request.getfixturevalue("settings")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = str(request.getfixturevalue("tmp_path") / "media")
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"test-{uuid.uuid4()}",
        }
    }


@pytest.fixture(autouse=True)
def _tickets_change_through_the_helper(request: pytest.FixtureRequest) -> Iterator[None]:
    """A stored ticket is saved by `desk.services.changes` only (so no service can
    forget the SLA clocks): a save from anywhere else in pactdesk fails the test."""
    if "domain" in request.node.path.parts:
        yield
        return
    from tests.ticket_writes import stray_ticket_saves

    with stray_ticket_saves() as strays:
        yield
    assert not strays, f"tickets saved outside desk.services.changes: {strays}"


def pytest_configure(config: pytest.Config) -> None:
    """Background tasks run inline in tests (Huey's immediate mode, in memory), and
    queued mail is handed to them by the committing thread, not a courier thread."""
    from django.conf import settings

    if settings.configured:  # not when run with -p no:django (tests/domain alone)
        settings.HUEY.immediate = True
        settings.PACTDESK_OUTBOX_HANDOVER = "inline"


@pytest.fixture
def now() -> datetime:
    return NOW
