"""Operators' retries of outbox mail, at the service: who may, and what is refused."""

from __future__ import annotations

import pytest

from pactdesk.accounts.models import Role
from pactdesk.notify.models import OutboundMail, OutboxStatus
from pactdesk.notify.services import MailOut, mail_queue, mail_retry_now, outbox_retry_failed
from pactdesk.platform.errors import Conflict, NotFound, PermissionDenied
from tests.conftest import NOW
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db


def queued(status: str = OutboxStatus.FAILED) -> OutboundMail:
    mail = mail_queue(
        mail=MailOut(
            client_id=ClientFactory().pk,
            kind="reply",
            to_address="jo@shop.test",
            from_address="support@acme.test",
            subject="Re: Help",
            body="Done.",
        ),
        now=NOW,
    )
    OutboundMail.objects.filter(pk=mail.pk).update(status=status, attempts=8)
    return mail


def test_only_admins_and_managers_retry() -> None:
    mail = queued()
    agent = UserFactory(role=Role.AGENT)
    with pytest.raises(PermissionDenied):
        mail_retry_now(actor=agent, mail_id=mail.pk, now=NOW)
    with pytest.raises(PermissionDenied):
        outbox_retry_failed(actor=agent, now=NOW)
    assert OutboundMail.objects.get(pk=mail.pk).status == OutboxStatus.FAILED


def test_unknown_and_suppressed_mail_are_refused() -> None:
    manager = UserFactory(role=Role.MANAGER)
    with pytest.raises(NotFound):
        mail_retry_now(actor=manager, mail_id=999_999, now=NOW)
    mail = queued(OutboxStatus.SUPPRESSED)
    with pytest.raises(Conflict) as refused:
        mail_retry_now(actor=manager, mail_id=mail.pk, now=NOW)
    assert refused.value.message == (
        f"Mail {mail.pk} is not sent (demo history); only a failed or waiting mail can be retried."
    )
    assert refused.value.code == "mail_not_retryable"


def test_retry_all_failed_answers_how_many_and_leaves_the_rest(
    django_capture_on_commit_callbacks,
) -> None:
    failed, sent = queued(), queued(OutboxStatus.SENT)
    admin = UserFactory(role=Role.ADMIN)
    with django_capture_on_commit_callbacks(execute=False) as delivery:
        assert outbox_retry_failed(actor=admin, now=NOW) == 1
        assert outbox_retry_failed(actor=admin, now=NOW) == 0
    assert len(delivery) == 1  # nothing handed over when nothing was failed
    statuses = dict(OutboundMail.objects.values_list("pk", "status"))
    assert statuses == {failed.pk: OutboxStatus.PENDING, sent.pk: OutboxStatus.SENT}
