"""IMAP mailboxes polled for a client's mail."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

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
    )  # fmt: skip
    username = models.CharField(max_length=250)
    password = SealedTextField(help_text="Kept sealed under the secret key.")
    folder = models.CharField(max_length=250, default="INBOX")
    done_folder = models.CharField(
        max_length=250, blank=True,
        help_text="Move taken messages to this folder (it must exist) instead of deleting "
        "them.",
    )  # fmt: skip
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
                {"starttls": "Choose IMAP over TLS or STARTTLS, not both."}, code="invalid"
            )
