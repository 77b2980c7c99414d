"""Tickets and their history.

A ticket's history is its `TicketEvent` rows: the SLA clocks are a replay of them by
`pactdesk.domain.sla.evaluate`, and the result is stored on the ticket (the `sla_*`
columns) after every change, so work lists and sweeps read columns, not replays.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

# The desk's words (statuses, priorities, SLA states, event kinds) are the domain's
# enums, re-exported here: field choices and labels derive from them.
from pactdesk.domain.vocabulary import EventKind, Metric, Priority, SlaState, Status, choices
from pactdesk.platform.models import ClientOwned


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    WEB = "web", "Web"
    PORTAL = "portal", "Customer portal"
    API = "api", "API"


class Ticket(ClientOwned):
    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.PROTECT, related_name="tickets"
    )
    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.PROTECT, related_name="tickets"
    )
    subject = models.CharField(max_length=250)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    status = models.CharField(max_length=10, choices=choices(Status), default=Status.NEW)
    priority = models.CharField(max_length=10, choices=choices(Priority), default=Priority.NORMAL)
    assignee = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_valid = models.BooleanField(default=True)
    invalid_reason = models.CharField(max_length=200, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_tickets"
    )
    lodged_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField()
    solved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    # Stored SLA state: one state and due instant per metric, the soonest due instant
    # of a running clock (what "breaching soon" sorts by), and the full result.
    sla_first_response_state = models.CharField(
        max_length=16, choices=choices(SlaState), blank=True
    )
    sla_first_response_due_at = models.DateTimeField(null=True, blank=True)
    sla_effective_answer_state = models.CharField(
        max_length=16, choices=choices(SlaState), blank=True
    )
    sla_effective_answer_due_at = models.DateTimeField(null=True, blank=True)
    sla_next_reply_state = models.CharField(max_length=16, choices=choices(SlaState), blank=True)
    sla_next_reply_due_at = models.DateTimeField(null=True, blank=True)
    sla_next_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # When time alone may change the state (a clock falls due, a solve is confirmed).
    sla_recheck_at = models.DateTimeField(null=True, blank=True, db_index=True)
    sla_detail = models.JSONField(default=dict, blank=True)
    # What the attainment reports aggregate (pactdesk.reports): per reported metric the
    # met instant and the time it took, in open time on the agreement's calendar and in
    # wall-clock time from lodging. While a solve awaits confirmation the effective
    # answer's met instant is still None, `sla_effective_answer_confirm_at` says when
    # it will be met by time alone, and its durations are already those of the solve.
    sla_first_response_met_at = models.DateTimeField(null=True, blank=True)
    sla_first_response_open = models.DurationField(null=True, blank=True)
    sla_first_response_wall = models.DurationField(null=True, blank=True)
    sla_effective_answer_met_at = models.DateTimeField(null=True, blank=True)
    sla_effective_answer_open = models.DurationField(null=True, blank=True)
    sla_effective_answer_wall = models.DurationField(null=True, blank=True)
    sla_effective_answer_confirm_at = models.DateTimeField(null=True, blank=True)
    sla_evaluated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-lodged_at", "-id"]
        indexes = [
            models.Index(fields=["client", "-lodged_at", "-id"], name="ticket_client_lodged"),
            models.Index(fields=["status", "-lodged_at", "-id"], name="ticket_status_lodged"),
            models.Index(
                fields=["client", "status", "-lodged_at", "-id"], name="ticket_client_status"
            ),
            models.Index(fields=["assignee", "status"], name="ticket_assignee_status"),
            models.Index(fields=["client", "sla_next_due_at", "id"], name="ticket_client_next_due"),
            # The attainment reports read a period's tickets from this index alone (their
            # rows, sla_detail included, are several times wider): keep every column
            # `pactdesk.reports.selectors` reads of a ticket in it. Its condition holds
            # for every row; the reports state it (`REPORT_INDEX_CONDITION`) and other
            # queries do not, so they cannot pick this index for the states and due
            # instants it holds (PostgreSQL did for the warning sweep, scanning all of
            # it: 640 ms instead of 1 ms).
            models.Index(
                fields=[
                    "agreement",
                    "lodged_at",
                    "is_valid",
                    "merged_into",
                    "priority",
                    "assignee",
                    *(
                        f"sla_{metric}_{part}"
                        for metric in ("first_response", "effective_answer")
                        for part in ("state", "due_at", "met_at", "open", "wall")
                    ),
                    "sla_effective_answer_confirm_at",
                    "sla_next_reply_state",
                    "sla_next_reply_due_at",
                ],
                name="ticket_agreement_report",
                condition=Q(lodged_at__isnull=False),
            ),
            # ... and the period's invalid and merged tickets, listed apart, from this.
            models.Index(
                fields=["agreement", "lodged_at"],
                name="ticket_agreement_excluded",
                condition=Q(is_valid=False) | Q(merged_into__isnull=False),
            ),
            # Routing and "next ticket" read the waiting tickets most urgent first.
            models.Index(
                fields=["sla_next_due_at", "lodged_at", "id"],
                name="ticket_waiting_due",
                condition=Q(
                    assignee__isnull=True,
                    status__in=[Status.NEW, Status.OPEN],
                    merged_into__isnull=True,
                    is_valid=True,
                ),
            ),
            models.Index(
                fields=["client", "sla_next_due_at", "lodged_at", "id"],
                name="ticket_client_waiting_due",
                condition=Q(
                    assignee__isnull=True,
                    status__in=[Status.NEW, Status.OPEN],
                    merged_into__isnull=True,
                    is_valid=True,
                ),
            ),
            # The breach warning sweep reads each metric's clocks by due instant.
            *(
                models.Index(fields=[f"sla_{metric}_due_at"], name=f"ticket_{metric}_due")
                for metric in Metric
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="ticket_invalid_has_reason",
                condition=Q(is_valid=True) | ~Q(invalid_reason=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    @property
    def reference(self) -> str:
        """The token threading mail back to this ticket, e.g. PD-1042."""
        return f"PD-{self.pk}"


class RawMail(models.Model):
    """An inbound mail's bytes exactly as received (SMTP DATA or IMAP FETCH), kept with
    the messages it became or with its quarantine entry. Not client-owned: one mail
    may reach several clients; only provider staff download it."""

    received_at = models.DateTimeField(db_index=True)
    source = models.CharField(max_length=10)  # smtp | imap
    envelope_sender = models.TextField(blank=True)
    recipients = models.TextField(blank=True)  # one address per line
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    content = models.FileField(upload_to="mail/%Y/%m/", max_length=255)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"raw mail {self.pk} ({self.size} bytes, {self.source})"


class MessageKind(models.TextChoices):
    CUSTOMER = "customer", "Customer message"
    STAFF = "staff", "Staff reply"
    NOTE = "note", "Internal note"


class Message(ClientOwned):
    """A customer message (`customer` is its writer, who may differ from the ticket's
    customer after a merge across customers), a public staff reply (`author`; its
    `recipients` are the customers it was sent to) or an internal note."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=10, choices=MessageKind.choices)
    author = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    customer = models.ForeignKey(
        "accounts.Customer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField()
    channel = models.CharField(max_length=10, choices=Channel.choices)
    created_at = models.DateTimeField()
    # Message-IDs may be of any length: kept whole, looked up by their SHA-256.
    mail_message_id = models.TextField(blank=True)
    mail_message_key = models.CharField(max_length=64, blank=True, db_index=True)
    raw_mail = models.ForeignKey(
        RawMail, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.ticket_id}"

    @property
    def is_public(self) -> bool:
        return self.kind != MessageKind.NOTE


class MessageRecipient(ClientOwned):
    """A customer a public staff reply was sent to: the writer it answers (`copied`
    false) or a customer staff chose to copy (`copied` true). The portal shows a reply
    only to its recipients, and a customer message only to its writer."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="recipients")
    customer = models.ForeignKey("accounts.Customer", on_delete=models.PROTECT, related_name="+")
    copied = models.BooleanField(default=False)

    class Meta:
        ordering = ["copied", "id"]
        constraints = [
            models.UniqueConstraint(fields=["message", "customer"], name="message_recipient_once"),
        ]

    def __str__(self) -> str:
        return f"{'cc' if self.copied else 'to'} customer {self.customer_id} of {self.message_id}"


class TicketCopy(ClientOwned):
    """A customer copied on every public reply of a ticket besides its own customer:
    only ever by staff's choice, when merging a ticket of another customer into it."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="copies")
    customer = models.ForeignKey("accounts.Customer", on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "customer"], name="ticket_copy_once"),
        ]

    def __str__(self) -> str:
        return f"customer {self.customer_id} copied on {self.ticket_id}"


class Attachment(ClientOwned):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    filename = models.TextField()  # as sent, whole, for display and download
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    # Stored under a short name of our own (see records.storage_name), never the sender's.
    content = models.FileField(upload_to="attachments/%Y/%m/", max_length=255)

    def __str__(self) -> str:
        return self.filename


class TicketEvent(ClientOwned):
    """One change in a ticket's life. `kind` is an `EventKind`: one the SLA replay reads
    (`vocabulary.REPLAYED_KINDS`) or an audit-only one (`vocabulary.AUDIT_KINDS`)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    kind = models.CharField(max_length=30, choices=choices(EventKind))
    value = models.CharField(max_length=200, blank=True)
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["ticket", "at", "id"], name="event_ticket_at")]

    def __str__(self) -> str:
        return f"{self.kind} {self.value} @ {self.at.isoformat()}"


class IdempotencyKey(ClientOwned):
    """A retried create with the same key answers with the same ticket."""

    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="idempotency_key_unique"),
        ]

    def __str__(self) -> str:
        return self.key
