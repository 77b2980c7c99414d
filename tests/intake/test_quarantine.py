"""The quarantine: every failure retrying cannot cure, through real SMTP and a real
Dovecot, ends in a held entry with the raw mail; re-processing lodges exactly once.
Failures retrying can cure answer 451 and keep nothing."""

from __future__ import annotations

import errno
import io

import pytest
from django.core import mail as sent_mail
from django.core.management import CommandError, call_command
from django.db import DataError, OperationalError

from pactdesk.accounts.models import Role
from pactdesk.desk.models import Message, RawMail, Ticket
from pactdesk.desk.services import lodging
from pactdesk.intake import services as intake
from pactdesk.intake.models import Mailbox, QuarantinedMail, QuarantineStatus
from pactdesk.intake.polling import mailbox_poll
from pactdesk.intake.quarantine import (
    quarantine_alert,
    quarantine_reprocess,
    raw_mail_prune_expired,
)
from pactdesk.platform.errors import Conflict
from tests.factories import ClientFactory, UserFactory, shared_agreement
from tests.intake.conftest import RECEIVED, mail

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
TEMPORARY = (451, "4.3.0 temporary failure, try again")
NO_HEADER = b"\x00\x01 not mail\r\nnot at all\r\n"


def _raise(error: Exception):
    def fail(*args, **kwargs):
        raise error

    return fail


# Each kind of failure that retrying cannot cure, at each stage, and how it is cured.
NO_FROM = b"To: support@northwind.test\r\nSubject: hi\r\nMessage-ID: <ns@x.test>\r\n\r\nhi\r\n"
PERMANENT = {
    "unparseable": {"raw": NO_HEADER, "stage": "parse", "error": "no header fields"},
    "no_sender": {
        "raw": NO_FROM,
        "sender": "nobody",
        "stage": "lodge",
        "error": "no sender address: the From header names no mailbox",
    },
    "no_agreement": {"stage": "lodge", "agreement": False},
    "value_refused": {
        "stage": "lodge",
        "patch": DataError("value too long for type varchar(250)"),
        "error": "value too long for type varchar(250)",
    },
    "internal_error": {
        "stage": "lodge",
        "patch": RuntimeError("a bug"),
        "error": "RuntimeError: a bug",
    },
}


@pytest.mark.parametrize("code", list(PERMANENT))
def test_a_permanent_failure_over_smtp_is_taken_held_and_reprocessed_once(
    code, start_receiver, monkeypatch
):
    case = PERMANENT[code]
    client = ClientFactory(
        name="Northwind", slug="northwind", support_email="support@northwind.test"
    )
    if case.get("agreement", True):
        shared_agreement(client)
    if "patch" in case:
        monkeypatch.setattr(lodging, "_plan", _raise(case["patch"]))
    receiver = start_receiver()
    raw = case.get("raw", mail(message_id=f"<{code}@shop.test>"))
    answer = receiver.send(raw, sender=case.get("sender", "jo@shop.test"))
    entry = QuarantinedMail.objects.get()
    assert answer == (250, f"2.0.0 OK held for review as Q-{entry.pk}")
    assert (entry.error_code, entry.stage, entry.status, entry.source) == (
        code,
        case["stage"],
        "held",
        "smtp",
    )
    if "error" in case:
        assert entry.error == case["error"]
    assert entry.raw_mail.content.read() == raw
    assert (Ticket.objects.count(), Message.objects.count()) == (0, 0)
    # Sent again (the sender did not see our answer): one entry, two attempts.
    receiver.send(raw, sender=case.get("sender", "jo@shop.test"))
    assert QuarantinedMail.objects.get().attempts == 2
    if code in ("unparseable", "no_sender"):
        return  # nothing on our side cures these; staff discard them
    monkeypatch.undo()
    if not case.get("agreement", True):
        shared_agreement(client)
    done = quarantine_reprocess(entry_id=entry.pk, now=RECEIVED)
    ticket = Ticket.objects.get()
    assert (done.status, done.result) == ("lodged", f"PD-{ticket.pk} lodged")
    assert ticket.messages.get().raw_mail_id == entry.raw_mail_id
    with pytest.raises(Conflict):
        quarantine_reprocess(entry_id=entry.pk, now=RECEIVED)
    assert Ticket.objects.count() == 1


TRANSIENT = {
    "database locked": OperationalError("database is locked"),
    "database unreachable": OperationalError("connection to server failed"),
    "disk full": OSError(errno.ENOSPC, "No space left on device"),
}


@pytest.mark.parametrize("name", list(TRANSIENT))
def test_a_transient_failure_answers_451_and_keeps_nothing(
    name, agreement, start_receiver, monkeypatch
):
    monkeypatch.setattr(intake, "mail_lodge", _raise(TRANSIENT[name]))
    receiver = start_receiver()
    assert receiver.send(mail()) == TEMPORARY
    assert (QuarantinedMail.objects.count(), Ticket.objects.count()) == (0, 0)


def test_a_receiver_shutting_down_answers_451(agreement, start_receiver) -> None:
    receiver = start_receiver()
    handler = receiver.handler
    handler._closing = True
    assert receiver.send(mail()) == TEMPORARY
    assert Ticket.objects.count() == 0


def test_imap_quarantines_and_removes_the_message_then_reprocess_lodges_once(
    imap, inbox, monkeypatch
):
    client = ClientFactory(
        name="Northwind", slug="northwind", support_email="support@northwind.test"
    )
    mailbox = Mailbox.objects.create(
        client=client,
        host=imap.host,
        port=imap.port,
        use_ssl=False,
        username=imap.user,
        password=imap.password,
    )
    inbox.append(mail(message_id="<imap-q@shop.test>"))
    result = mailbox_poll(mailbox=mailbox, now=RECEIVED)  # no agreement in force yet
    entry = QuarantinedMail.objects.get()
    assert (result.taken, result.errors) == (1, [])
    assert (entry.error_code, entry.source, entry.mailbox) == ("no_agreement", "imap", mailbox)
    inbox.folder.set("INBOX")
    assert list(inbox.uids("ALL")) == []  # it left the mailbox: no failing on every poll
    # A transient failure leaves the next message where it is.
    inbox.append(mail(message_id="<imap-t@shop.test>"))
    monkeypatch.setattr(intake, "mail_lodge", _raise(OperationalError("database is locked")))
    result = mailbox_poll(mailbox=mailbox, now=RECEIVED)
    assert (result.taken, len(result.errors)) == (0, 1)
    assert len(inbox.uids("ALL")) == 1
    monkeypatch.undo()
    shared_agreement(client)
    out = io.StringIO()
    call_command("mail_requeue", f"Q-{entry.pk}", stdout=out)
    ticket = Ticket.objects.get()
    assert out.getvalue() == f"Q-{entry.pk}: re-processed: PD-{ticket.pk} lodged\n"
    assert QuarantinedMail.objects.get().status == QuarantineStatus.LODGED


def test_mail_requeue_all_and_its_errors(agreement, monkeypatch) -> None:
    monkeypatch.setattr(lodging, "_plan", _raise(RuntimeError("a bug")))
    for n in (1, 2):
        intake.mail_receive(
            raw=mail(message_id=f"<all-{n}@shop.test>"),
            recipients=["support@northwind.test"],
            envelope_sender="jo@shop.test",
            now=RECEIVED,
        )
    first, _second = QuarantinedMail.objects.order_by("id")
    with pytest.raises(CommandError, match="2 entries still held"):
        call_command("mail_requeue", "--all", stdout=io.StringIO())
    monkeypatch.undo()
    out = io.StringIO()
    call_command("mail_requeue", "--all", stdout=out)
    assert out.getvalue().count("re-processed: PD-") == 2
    assert Ticket.objects.count() == 2
    with pytest.raises(CommandError, match="give one entry id or --all"):
        call_command("mail_requeue")
    with pytest.raises(CommandError, match="is not an entry id"):
        call_command("mail_requeue", "abc")
    with pytest.raises(Conflict):
        call_command("mail_requeue", str(first.pk))
    out = io.StringIO()
    call_command("mail_requeue", "--all", stdout=out)
    assert out.getvalue() == "no mail is held in quarantine\n"


def test_admins_are_told_at_most_once_an_hour(agreement, settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    UserFactory(role=Role.ADMIN, email="root@pactdesk.test")
    UserFactory(role=Role.MANAGER, email="boss@pactdesk.test")
    intake.mail_receive(
        raw=NO_HEADER,
        recipients=["support@northwind.test"],
        envelope_sender="jo@shop.test",
        now=RECEIVED,
    )
    assert quarantine_alert(now=RECEIVED) == 1
    assert [(m.to, m.subject) for m in sent_mail.outbox] == [
        (["root@pactdesk.test"], "[Pactdesk] 1 mail(s) held in quarantine")
    ]
    intake.mail_receive(
        raw=NO_HEADER + b"2",
        recipients=["support@northwind.test"],
        envelope_sender="jo@shop.test",
        now=RECEIVED,
    )
    from datetime import timedelta

    assert quarantine_alert(now=RECEIVED + timedelta(minutes=59)) == 0
    assert quarantine_alert(now=RECEIVED + timedelta(minutes=60)) == 1
    assert quarantine_alert(now=RECEIVED + timedelta(hours=3)) == 0  # nothing new
    assert len(sent_mail.outbox) == 2


def test_raw_mail_is_pruned_after_its_retention_but_never_while_held(agreement, settings):
    from datetime import timedelta

    intake.mail_receive(
        raw=mail(),
        recipients=["support@northwind.test"],
        envelope_sender="jo@shop.test",
        now=RECEIVED,
    )
    intake.mail_receive(
        raw=NO_HEADER,
        recipients=["support@northwind.test"],
        envelope_sender="jo@shop.test",
        now=RECEIVED,
    )
    assert RawMail.objects.count() == 2
    settings.PACTDESK_RAW_MAIL_RETENTION_DAYS = 0
    assert raw_mail_prune_expired(now=RECEIVED + timedelta(days=999)) == 0
    settings.PACTDESK_RAW_MAIL_RETENTION_DAYS = 30
    assert raw_mail_prune_expired(now=RECEIVED + timedelta(days=29)) == 0
    assert raw_mail_prune_expired(now=RECEIVED + timedelta(days=31)) == 1
    held = QuarantinedMail.objects.get()
    assert list(RawMail.objects.values_list("pk", flat=True)) == [held.raw_mail_id]
    message = Message.objects.get()
    assert (message.raw_mail_id, message.body) == (None, "It is on fire.")
