"""IMAP mailboxes polled for a client's mail."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from pactdesk.intake.error_codes import IntakeErrorCode
from pactdesk.platform.models import ClientOwned
from pactdesk.platform.sealed import SealedTextField


class Mailbox(ClientOwned):
    """A client's IMAP mailbox. Mail in `folder` becomes tickets and replies and, once
    committed, is moved to `done_folder` (or deleted when that is empty); a message
    that fails stays for the next poll."""

    host = models.CharField(max_length=250)
    port = models.PositiveIntegerField(default=993)
    use_ssl = models.BooleanField(default=True, help_text="IMAP over TLS (port 993).")
    starttls = models.BooleanField(
        default=False,
        help_text="Plain IMAP upgraded to TLS with STARTTLS before log-in (port 143); "
        "leave IMAP over TLS off.",
    )
    username = models.CharField(max_length=250)
    password = SealedTextField(help_text="Kept sealed under the secret key.")
    folder = models.CharField(max_length=250, default="INBOX")
    done_folder = models.CharField(
        max_length=250,
        blank=True,
        help_text="Move taken messages to this folder (it must exist) instead of deleting them.",
    )
    is_active = models.BooleanField(default=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["client", "username"]
        constraints = [
            models.UniqueConstraint(
                fields=["host", "port", "username", "folder"], name="mailbox_unique_folder"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.username}@{self.host}/{self.folder}"

    def clean(self) -> None:
        if self.use_ssl and self.starttls:
            raise ValidationError(
                {"starttls": "Choose IMAP over TLS or STARTTLS, not both."},
                code=IntakeErrorCode.INVALID,
            )


class QuarantineStatus(models.TextChoices):
    HELD = "held", "Held"
    LODGED = "lodged", "Re-processed"
    DISCARDED = "discarded", "Discarded"


class QuarantinedMail(models.Model):
    """Mail we took (SMTP answered 250, IMAP removed it) but could not lodge for a
    reason retrying would not cure: kept with its raw bytes and the error until staff
    re-process it (`quarantine_reprocess`) or discard it. Not client-owned: the
    client may be unknown, and only provider admins and managers see it."""

    raw_mail = models.ForeignKey("desk.RawMail", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=10)  # smtp | imap
    mailbox = models.ForeignKey(
        Mailbox, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    client = models.ForeignKey(
        "accounts.Client", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )  # when the mail was for one known client
    recipients = models.TextField(blank=True)  # one address per line
    envelope_sender = models.TextField(blank=True)
    sender = models.TextField(blank=True)  # the From header, for the list
    subject = models.TextField(blank=True)
    stage = models.CharField(max_length=10)  # parse | lodge
    error_code = models.CharField(max_length=60)
    error = models.TextField()
    status = models.CharField(
        max_length=10, choices=QuarantineStatus.choices, default=QuarantineStatus.HELD
    )
    received_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=1)
    last_attempt_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    result = models.TextField(blank=True)  # what re-processing made of it
    alerted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["status", "received_at"], name="quarantine_status")]

    def __str__(self) -> str:
        return f"quarantined mail {self.pk} ({self.error_code})"
