"""The IMAP poller against a real Dovecot started by the test."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from imap_tools import MailBoxUnencrypted

from pactdesk.desk.models import Message, Ticket
from pactdesk.intake.models import Mailbox, QuarantinedMail
from pactdesk.intake.polling import mailbox_poll
from pactdesk.intake.services import mail_receive_for_client
from tests.intake.conftest import RECEIVED, corpus, mail
from tests.intake.dovecot import Imap, dovecot
from tests.intake.test_parsing import KOI8_SUBJECT
from tests.smtp import free_port

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

BROKEN = b"this is not mail\r\nand has no header at all\r\n"


def mailbox_on(agreement, imap: Imap, *, tls: bool = False, starttls: bool = False) -> Mailbox:
    """A mailbox of the agreement's client on the test Dovecot (plain, TLS or STARTTLS)."""
    return Mailbox.objects.create(
        client=agreement.client,
        host=imap.host,
        port=imap.tls_port if tls else imap.port,
        use_ssl=tls,
        starttls=starttls,
        username=imap.user,
        password=imap.password,
    )


@pytest.fixture
def mailbox(agreement, imap: Imap) -> Mailbox:
    return mailbox_on(agreement, imap)


def remaining(box: MailBoxUnencrypted) -> list[tuple[bytes, tuple[str, ...]]]:
    box.folder.set("INBOX")  # see what the poller did on its own connection
    return [(m.obj.as_bytes(), m.flags) for m in box.fetch(mark_seen=False)]


def test_the_poller_takes_each_message_and_deletes_it_after_commit(inbox, mailbox) -> None:
    inbox.append(mail(message_id="<i1@shop.test>", subject="First"))
    inbox.append(BROKEN)
    inbox.append(corpus("koi8r.eml"))
    inbox.append(corpus("auto_replied.eml"))

    result = mailbox_poll(mailbox=mailbox, now=RECEIVED)

    tickets = Ticket.objects.order_by("id")
    assert [t.subject for t in tickets] == ["First", KOI8_SUBJECT]
    assert {t.lodged_at for t in tickets} == {RECEIVED}
    assert result.taken == 4  # two tickets, the quarantined mail and the dropped auto-reply
    assert result.errors == []
    assert remaining(inbox) == []
    entry = QuarantinedMail.objects.get()
    assert (entry.source, entry.mailbox, entry.client, entry.error_code) == (
        "imap",
        mailbox,
        mailbox.client,
        "unparseable",
    )
    assert (
        entry.raw_mail.content.read()
        .replace(b"\r\n", b"\n")
        .endswith(b"and has no header at all\n")
    )
    mailbox.refresh_from_db()
    assert (mailbox.last_polled_at, mailbox.last_error) == (RECEIVED, "")


def test_a_crash_between_commit_and_delete_does_not_duplicate(inbox, mailbox) -> None:
    raw = mail(message_id="<again@shop.test>")
    mail_receive_for_client(raw=raw, mailbox=mailbox, now=RECEIVED)  # committed before
    inbox.append(raw)  # ... but the message was never deleted

    result = mailbox_poll(mailbox=mailbox, now=RECEIVED)

    assert (result.taken, result.errors) == (1, [])
    assert (Ticket.objects.count(), Message.objects.count()) == (1, 1)
    assert remaining(inbox) == []


def test_a_reply_in_the_mailbox_threads_onto_its_ticket(inbox, mailbox) -> None:
    first = mail_receive_for_client(raw=mail(), mailbox=mailbox, now=RECEIVED)
    inbox.append(
        mail(message_id="<r1@shop.test>", subject=f"Re: [PD-{first.ticket_id}] x", body="Any news?")
    )
    mailbox_poll(mailbox=mailbox, now=RECEIVED)
    ticket = Ticket.objects.get()
    assert [m.body for m in ticket.messages.all()] == ["It is on fire.", "Any news?"]


def test_a_refused_login_is_recorded_and_nothing_breaks(agreement, imap) -> None:
    # A server of its own: Dovecot slows every later login from an address that failed.
    with dovecot(free_port(), free_port()) as server:
        mailbox = Mailbox.objects.create(
            client=agreement.client,
            host=server.host,
            port=server.port,
            use_ssl=False,
            username=server.user,
            password="wrong",
        )
        result = mailbox_poll(mailbox=mailbox, now=RECEIVED)
    assert result.taken == 0
    assert result.errors[0].startswith("MailboxLoginError")
    mailbox.refresh_from_db()
    assert (mailbox.last_polled_at, mailbox.last_error) == (RECEIVED, result.errors[0])


def test_a_server_that_is_down_is_recorded(agreement) -> None:
    mailbox = Mailbox.objects.create(
        client=agreement.client,
        host="127.0.0.1",
        port=free_port(),
        use_ssl=False,
        username="desk",
        password="x",
    )
    result = mailbox_poll(mailbox=mailbox, now=RECEIVED)
    assert result.taken == 0
    assert result.errors[0].startswith("ConnectionRefusedError")


def test_the_mail_poll_command_polls_every_active_mailbox(inbox, mailbox) -> None:
    inbox.append(mail())
    out = io.StringIO()
    call_command("mail_poll", stdout=out)
    assert out.getvalue() == f"mailbox {mailbox.pk}: 1 taken\n"
    assert Ticket.objects.count() == 1


def test_the_periodic_task_polls_the_mailboxes(inbox, mailbox) -> None:
    from pactdesk.intake.jobs import mailbox_poll_job

    inbox.append(mail())
    mailbox_poll_job()  # Huey runs it inline in tests
    mailbox.refresh_from_db()
    assert (Ticket.objects.count(), mailbox.last_error) == (1, "")
    assert mailbox.last_polled_at is not None


def test_with_a_done_folder_taken_mail_is_moved_there_not_deleted(inbox, mailbox) -> None:
    mailbox.done_folder = "Handled"
    mailbox.save()
    inbox.append(mail(message_id="<keep1@shop.test>", subject="Kept"))

    missing = mailbox_poll(mailbox=mailbox, now=RECEIVED)
    assert missing.taken == 0
    assert "Handled" in missing.errors[0]  # no such folder: the poll says so ...
    assert len(remaining(inbox)) == 1  # ... and the message stays
    assert Ticket.objects.count() == 1  # lodged once; the move is what failed

    inbox.folder.create("Handled")
    try:
        moved = mailbox_poll(mailbox=mailbox, now=RECEIVED)
        assert (moved.taken, moved.errors) == (1, [])
        assert remaining(inbox) == []
        inbox.folder.set("Handled")
        assert [m.subject for m in inbox.fetch(mark_seen=False)] == ["Kept"]
        assert Ticket.objects.count() == 1  # the second poll recognised it: no duplicate
    finally:
        inbox.folder.set("INBOX")
        inbox.folder.delete("Handled")


@pytest.mark.parametrize(("tls", "starttls"), [(True, False), (False, True)])
def test_the_poller_speaks_tls_and_starttls_verifying_the_server(
    inbox, agreement, imap, settings, tls, starttls
) -> None:
    settings.PACTDESK_IMAP_CA_FILE = imap.ca_file
    mailbox = mailbox_on(agreement, imap, tls=tls, starttls=starttls)
    inbox.append(mail(message_id="<tls@shop.test>", subject="Over TLS"))
    result = mailbox_poll(mailbox=mailbox, now=RECEIVED)
    assert (result.taken, result.errors) == (1, [])
    assert [t.subject for t in Ticket.objects.all()] == ["Over TLS"]


@pytest.mark.parametrize(("tls", "starttls"), [(True, False), (False, True)])
def test_an_untrusted_certificate_stops_the_poll_before_log_in(
    inbox, agreement, imap, settings, tls, starttls
) -> None:
    settings.PACTDESK_IMAP_CA_FILE = None  # the test server's certificate is self-signed
    mailbox = mailbox_on(agreement, imap, tls=tls, starttls=starttls)
    inbox.append(mail(message_id="<untrusted@shop.test>"))
    result = mailbox_poll(mailbox=mailbox, now=RECEIVED)
    assert result.taken == 0
    assert "CERTIFICATE_VERIFY_FAILED" in result.errors[0]
    assert Ticket.objects.count() == 0
    assert len(remaining(inbox)) == 1


def test_tls_and_starttls_together_are_refused(agreement) -> None:
    from django.core.exceptions import ValidationError

    mailbox = Mailbox(
        client=agreement.client,
        host="imap.test",
        username="u",
        password="p",
        use_ssl=True,
        starttls=True,
    )
    with pytest.raises(ValidationError, match="IMAP over TLS or STARTTLS, not both"):
        mailbox.full_clean()
