"""Mailbox passwords are sealed at rest, open under the secret key or its fallbacks,
and can be sealed again after a key rotation."""

from __future__ import annotations

import io
import logging

import pytest
from django.core.management import call_command
from django.db import connection

from pactdesk.intake.models import Mailbox
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

PASSWORD = "hunter2-imap"


def stored(mailbox: Mailbox) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT password FROM intake_mailbox WHERE id = %s", [mailbox.pk])
        return str(cursor.fetchone()[0])


def make(username: str = "desk") -> Mailbox:
    return Mailbox.objects.create(
        client=ClientFactory(), host="imap.test", username=username, password=PASSWORD
    )


def test_the_database_holds_a_sealed_value_and_python_the_password() -> None:
    mailbox = make()
    assert stored(mailbox).startswith("fernet:")
    assert PASSWORD not in stored(mailbox)
    assert Mailbox.objects.get(pk=mailbox.pk).password == PASSWORD


def test_sealing_the_same_password_twice_gives_different_values() -> None:
    assert stored(make("one")) != stored(make("two"))


def test_a_rotated_key_still_opens_through_the_fallbacks_and_reseal_moves_it(settings):
    mailbox = make()
    old = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-key-" * 5, [old]
    assert Mailbox.objects.get(pk=mailbox.pk).password == PASSWORD
    call_command("mailbox_reseal", stdout=io.StringIO())
    settings.SECRET_KEY_FALLBACKS = []
    assert Mailbox.objects.get(pk=mailbox.pk).password == PASSWORD


def test_a_value_no_key_opens_reads_empty_and_is_logged(settings, caplog) -> None:
    mailbox = make()
    settings.SECRET_KEY = "an-unrelated-key-" * 3
    with caplog.at_level(logging.WARNING, logger="pactdesk.platform.sealed"):
        assert Mailbox.objects.get(pk=mailbox.pk).password == ""
    assert "does not open with SECRET_KEY" in caplog.text


def test_a_plain_legacy_value_reads_as_is_until_resealed() -> None:
    mailbox = make()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE intake_mailbox SET password = %s WHERE id = %s", ["plain", mailbox.pk]
        )
    assert Mailbox.objects.get(pk=mailbox.pk).password == "plain"
    call_command("mailbox_reseal", stdout=io.StringIO())
    assert stored(mailbox).startswith("fernet:")
    assert Mailbox.objects.get(pk=mailbox.pk).password == "plain"


def test_the_admin_never_shows_the_password_and_empty_keeps_it() -> None:
    from django.test import Client as Browser

    from pactdesk.accounts.models import Role
    from tests.factories import UserFactory

    browser = Browser()
    browser.force_login(UserFactory(role=Role.ADMIN))
    tenant = ClientFactory()
    form = {
        "client": tenant.pk,
        "host": "imap.test",
        "port": 993,
        "use_ssl": "on",
        "username": "desk",
        "folder": "INBOX",
        "is_active": "on",
    }
    refused = browser.post("/admin/intake/mailbox/add/", {**form, "password": ""})
    assert "A new mailbox needs its password." in refused.content.decode()
    added = browser.post("/admin/intake/mailbox/add/", {**form, "password": PASSWORD})
    assert added.status_code == 302
    mailbox = Mailbox.objects.get()
    page = browser.get(f"/admin/intake/mailbox/{mailbox.pk}/change/").content.decode()
    assert PASSWORD not in page
    assert mailbox.password not in stored(mailbox)
    kept = browser.post(
        f"/admin/intake/mailbox/{mailbox.pk}/change/", {**form, "folder": "Support", "password": ""}
    )
    assert kept.status_code == 302
    mailbox.refresh_from_db()
    assert (mailbox.folder, mailbox.password) == ("Support", PASSWORD)
