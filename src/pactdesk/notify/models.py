"""The outbox: every mail we send is a row first, committed with the change that caused
it, then delivered by a background job; a failed delivery is retried with backoff, never lost.
And the clients' own wording of the acknowledgement, per language."""

from __future__ import annotations

import contextlib
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from pactdesk.notify.acknowledgements import acknowledgement_body_check
from pactdesk.notify.error_codes import NotifyErrorCode
from pactdesk.platform.models import ClientOwned
from pactdesk.platform.refcache import ClientOwnedReference


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed for good"
    SUPPRESSED = "suppressed", "Not sent (demo history)"


class OutboundMail(ClientOwned):
    kind = models.CharField(max_length=30)  # acknowledgement, reply, status_notice
    ticket_id_ref = models.BigIntegerField(null=True, blank=True, db_index=True)
    from_address = models.TextField()  # "Client name <support address>"
    to_address = models.EmailField(max_length=320)
    subject = models.CharField(max_length=320)  # "Re: [PD-n] " + a 250-character subject
    body = models.TextField()
    message_id = models.CharField(max_length=250, unique=True)
    in_reply_to = models.TextField(blank=True)  # a customer's Message-ID, of any length
    references = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            # Acknowledgements per recipient per hour (`acknowledgements_over_limit`).
            models.Index(fields=["to_address", "kind", "created_at"], name="outbox_to_kind_at"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to_address} ({self.status})"


class OutboundAttachment(ClientOwned):
    """A file sent with an outbound mail (an invoice's PDF), stored with it."""

    mail = models.ForeignKey(OutboundMail, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=100)
    content_type = models.CharField(max_length=100)
    content = models.BinaryField()

    def __str__(self) -> str:
        return f"{self.filename} of mail {self.mail_id}"


_LANGUAGE_TAG = re.compile(
    r"\A(?P<language>[A-Za-z]{2,3})(?:-(?P<script>[A-Za-z]{4}))?"
    r"(?:-(?P<region>[A-Za-z]{2}|\d{3}))?(?P<variants>(?:-(?:[A-Za-z0-9]{5,8}|\d[A-Za-z0-9]{3}))*)\Z"
)


def language_tag_normalised(value: str) -> str:
    """A BCP 47 language tag (language, optional script, region and variants) in its
    usual case: "fr-ca" → "fr-CA", "zh-hant-tw" → "zh-Hant-TW". ValidationError
    otherwise."""
    match = _LANGUAGE_TAG.match(value.strip())
    if match is None:
        raise ValidationError(
            f"{value!r} is not a language tag: use a BCP 47 tag such as en, de or fr-CA",
            code=NotifyErrorCode.INVALID_LANGUAGE,
        )
    parts = [match["language"].lower()]
    if match["script"]:
        parts.append(match["script"].title())
    if match["region"]:
        parts.append(match["region"].upper())
    parts += [v.lower() for v in match["variants"].split("-") if v]
    return "-".join(parts)


def validate_language_tag(value: str) -> None:
    language_tag_normalised(value)


class AcknowledgementTemplate(ClientOwnedReference):
    """A client's wording of the acknowledgement in one language. The subject stays
    the threading one ("[PD-n] subject"); only the body is templated (see
    `pactdesk.notify.acknowledgements` for the variables and the allowed tags)."""

    language = models.CharField(
        max_length=35,
        validators=[validate_language_tag],
        help_text="A BCP 47 tag such as en, de or fr-CA.",
    )
    is_default = models.BooleanField(
        default=False,
        help_text="Used when no template matches the customer's language (one per client).",
    )
    body = models.TextField(
        help_text="Plain text as a Django template; the variables are listed beside the form."
    )

    class Meta:
        ordering = ["client", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "language"], name="ack_template_one_per_language"
            ),
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(is_default=True),
                name="ack_template_one_default",
                violation_error_message="This client already has a default template.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} acknowledgement ({self.language})"

    def clean(self) -> None:
        """Normalise the language tag (its validator reports a bad one) so that "fr-ca"
        and "fr-CA" are one language; check the body as a template."""
        with contextlib.suppress(ValidationError):
            self.language = language_tag_normalised(self.language or "")
        try:
            acknowledgement_body_check(self.body or "")
        except ValidationError as error:
            raise ValidationError({"body": error}) from None
