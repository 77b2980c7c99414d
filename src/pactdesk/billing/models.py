"""Hires, invoices, credit notes, payments, refunds, service credits and the ledger.

Money columns are Decimals with 3 decimal places (enough for every CLDR currency);
each stored amount carries exactly its currency's minor unit, checked by the services
(`domain.billing_money.money`). Documents are written once: an issued invoice's
periods, lines and totals never change; a correction is a credit note.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import models
from django.db.models import Q

from pactdesk.platform.models import ClientOwned

MONEY = {"max_digits": 15, "decimal_places": 3}


class BillingTerms(ClientOwned):
    """What an agreement costs: the prices, tax and contacts billing reads.

    ``monthly_fee`` is a shared plan's fee per month, ``seat_fee`` a dedicated plan's
    fee per seat hire per month, ``round_the_clock_fee`` the round-the-clock option per
    hire per month (0 when the plan includes it or the agreement lacks it). The
    currency is the agreement's plan's."""

    agreement = models.OneToOneField(
        "agreements.Agreement", on_delete=models.PROTECT, related_name="billing_terms"
    )
    currency = models.CharField(max_length=3)
    monthly_fee = models.DecimalField(**MONEY, default=0)
    seat_fee = models.DecimalField(**MONEY, default=0)
    round_the_clock_fee = models.DecimalField(**MONEY, default=0)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    tax_label = models.CharField(max_length=40, default="Tax")
    payment_days = models.PositiveSmallIntegerField(default=14)
    billing_contacts = models.JSONField(default=list, blank=True)
    credit_percent_per_point = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    credit_cap_percent = models.DecimalField(max_digits=5, decimal_places=2, default=0)

    def __str__(self) -> str:
        return f"billing terms of {self.agreement_id}"


class HireKind(models.TextChoices):
    SEAT = "seat", "Dedicated seat"
    PLAN = "plan", "Shared plan"


class HireStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    CANCELLING = "cancelling", "Ends at period end"
    ENDED = "ended", "Ended"


class Hire(ClientOwned):
    """A month-to-month subscription billed in advance from ``start_date``: a seat of a
    dedicated agreement (a staff hire) or a shared plan. Period k runs from the same
    day k months after the start (clamped to the month's end) to the next one."""

    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.PROTECT, related_name="hires"
    )
    seat = models.ForeignKey(
        "agreements.Seat", null=True, blank=True, on_delete=models.PROTECT, related_name="hires"
    )
    kind = models.CharField(max_length=10, choices=HireKind.choices)
    start_date = models.DateField()
    guarantee_days = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=12, choices=HireStatus.choices, default="active")
    cancelled_on = models.DateField(null=True, blank=True)
    end_date = models.DateField(
        null=True, blank=True, help_text="The first day no longer hired (end excluded)."
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["client", "start_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["seat"],
                condition=~Q(status="ended") & Q(seat__isnull=False),
                name="hire_one_open_per_seat",
            ),
            # A shared plan is hired once at a time: a second open hire of it would
            # bill the same plan twice (a double submit, a retry, a second start).
            models.UniqueConstraint(
                fields=["agreement"],
                condition=~Q(status="ended") & Q(seat__isnull=True),
                name="hire_one_open_plan_per_agreement",
            ),
        ]

    def __str__(self) -> str:
        return f"hire {self.pk} ({self.get_kind_display()}) from {self.start_date}"

    @property
    def last_day(self) -> date | None:
        """The last day hired (inclusive; ``end_date`` is the first day not hired), or
        None while the hire runs on. What pages, the API and the CLI show."""
        return self.end_date - timedelta(days=1) if self.end_date else None


class HireEvent(ClientOwned):
    """The audit trail of a hire: started, renewed, cancelled, ended, refunded."""

    hire = models.ForeignKey(Hire, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20)
    at = models.DateTimeField()
    on = models.DateField(help_text="The client's local day of the change.")
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["hire", "at", "id"]

    def __str__(self) -> str:
        return f"hire {self.hire_id} {self.kind} on {self.on}"


class DocumentCounter(models.Model):
    """The last number given to a kind of document in a year; incremented in the
    transaction that issues the document, so numbers have no gaps."""

    series = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["series", "year"], name="document_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.series} {self.year}: {self.last}"


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ISSUED = "issued", "Issued"
    PAID = "paid", "Paid"
    VOID = "void", "Void"


class Invoice(ClientOwned):
    """One period of one hire, billed in advance. Totals are stored at issue."""

    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.PROTECT, related_name="invoices"
    )
    hire = models.ForeignKey(Hire, on_delete=models.PROTECT, related_name="invoices")
    period_index = models.PositiveIntegerField()
    period_start = models.DateField()
    period_end = models.DateField(help_text="The day after the period's last (excluded).")
    number = models.CharField(max_length=20, null=True, blank=True, unique=True)
    status = models.CharField(max_length=10, choices=InvoiceStatus.choices, default="draft")
    currency = models.CharField(max_length=3)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2)
    tax_label = models.CharField(max_length=40, default="Tax")
    net_total = models.DecimalField(**MONEY, default=0)
    tax_total = models.DecimalField(**MONEY, default=0)
    total = models.DecimalField(**MONEY, default=0)
    issue_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    paid_on = models.DateField(null=True, blank=True)
    voided_on = models.DateField(null=True, blank=True, help_text="The client's day it was voided.")
    void_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-issue_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["hire", "period_index"], name="invoice_one_per_hire_period"
            ),
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="invoice_status_due")]

    def __str__(self) -> str:
        return self.number or f"draft {self.pk}"


class LineKind(models.TextChoices):
    PLAN = "plan", "Shared plan"
    SEAT = "seat", "Dedicated seat"
    ROUND_THE_CLOCK = "round_the_clock", "Round-the-clock option"
    SERVICE_CREDIT = "service_credit", "Service credit"


class InvoiceLine(ClientOwned):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=LineKind.choices)
    description = models.CharField(max_length=300)
    amount = models.DecimalField(**MONEY)
    tax = models.DecimalField(**MONEY)
    service_credit = models.ForeignKey(
        "ServiceCredit", null=True, blank=True, on_delete=models.PROTECT, related_name="lines"
    )

    class Meta:
        ordering = ["invoice", "position"]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount}"


class CreditNote(ClientOwned):
    """A credit against an issued invoice; the guarantee's is one per hire."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="credit_notes")
    hire = models.ForeignKey(Hire, on_delete=models.PROTECT, related_name="credit_notes")
    reason = models.CharField(max_length=20, default="guarantee")
    number = models.CharField(max_length=20, unique=True)
    issue_date = models.DateField()
    currency = models.CharField(max_length=3)
    net_total = models.DecimalField(**MONEY)
    tax_total = models.DecimalField(**MONEY)
    total = models.DecimalField(**MONEY)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-issue_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["hire"], condition=Q(reason="guarantee"), name="credit_note_one_guarantee"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class CreditNoteLine(ClientOwned):
    credit_note = models.ForeignKey(CreditNote, on_delete=models.CASCADE, related_name="lines")
    invoice_line = models.ForeignKey(InvoiceLine, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(max_length=300)
    amount = models.DecimalField(**MONEY)
    tax = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["credit_note", "id"]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount}"


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", "Bank transfer"
    PAYPAL = "paypal", "PayPal"


class PaymentStatus(models.TextChoices):
    PENDING = "pending", "Awaiting approval"
    COMPLETED = "completed", "Completed"
    DENIED = "denied", "Denied"
    REVERSED = "reversed", "Reversed"


class Payment(ClientOwned):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    method = models.CharField(max_length=20, choices=PaymentMethod.choices)
    status = models.CharField(max_length=10, choices=PaymentStatus.choices, default="pending")
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    order_id = models.CharField(max_length=64, null=True, blank=True, unique=True)
    capture_id = models.CharField(max_length=64, null=True, blank=True, unique=True)
    received_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    idempotency_key = models.CharField(
        max_length=210,
        null=True,
        blank=True,
        help_text="A bank transfer's retry key: 'form:<one-time token>' or 'api:<header>'.",
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "idempotency_key"], name="payment_idempotency_key_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.amount} {self.currency} ({self.status})"


class RefundStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    PENDING = "pending", "Pending at the provider"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed, to retry"
    BY_HAND = "by_hand", "To pay back by hand"


class Refund(ClientOwned):
    """Money going back to the client: the guarantee's (against its credit note) or one
    made at the provider and reported by its webhook."""

    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="refunds"
    )
    credit_note = models.OneToOneField(
        CreditNote, null=True, blank=True, on_delete=models.PROTECT, related_name="refund"
    )
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=10, choices=RefundStatus.choices, default="requested")
    request_id = models.CharField(max_length=80, unique=True)
    refund_id = models.CharField(max_length=64, null=True, blank=True, unique=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    paid_on = models.DateField(
        null=True, blank=True, help_text="The day a refund paid back by hand left our account."
    )
    paid_reference = models.CharField(
        max_length=100, blank=True, help_text="The bank's reference of a refund paid by hand."
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"refund {self.amount} {self.currency} ({self.status})"


class ServiceCredit(ClientOwned):
    """The decision of one month and one SLA target: attainment under the goal earns a
    credit (0 otherwise); carried by the next invoices as negative lines."""

    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.PROTECT, related_name="service_credits"
    )
    month = models.DateField(help_text="The first day of the month decided.")
    metric = models.CharField(max_length=20)
    priority = models.CharField(max_length=10, blank=True)
    goal = models.DecimalField(max_digits=5, decimal_places=2)
    attainment = models.DecimalField(max_digits=9, decimal_places=4, null=True, blank=True)
    met = models.PositiveIntegerField(default=0)
    missed = models.PositiveIntegerField(default=0)
    fee = models.DecimalField(**MONEY)
    percent = models.DecimalField(max_digits=9, decimal_places=4, default=0)
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["-month", "metric", "priority"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "month", "metric", "priority"],
                name="service_credit_once_per_month_target",
            ),
        ]

    def __str__(self) -> str:
        return f"credit {self.month:%Y-%m} {self.metric}: {self.amount} {self.currency}"


class LedgerKind(models.TextChoices):
    INVOICE = "invoice", "Invoice"
    PAYMENT = "payment", "Payment"
    CREDIT_NOTE = "credit_note", "Credit note"
    REFUND = "refund", "Refund"
    SERVICE_CREDIT = "service_credit", "Service credit"
    INVOICE_VOID = "invoice_void", "Invoice voided"


class LedgerEntry(ClientOwned):
    """One money movement: + what the client owes us more, - what it owes less, in
    minor units of ``currency``. One entry per document (``kind``, ``document_id``);
    a voided invoice's reversal is its own kind (``invoice_void``, the invoice's id)."""

    kind = models.CharField(max_length=20, choices=LedgerKind.choices)
    document_id = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    amount_minor = models.BigIntegerField()
    on = models.DateField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["client", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "document_id"], name="ledger_one_per_document"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.document_id}: {self.amount_minor} {self.currency}"


class InvoiceReminder(ClientOwned):
    """A reminder mailed about an unpaid invoice, ``days`` after its due date."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="reminders")
    days = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["invoice", "days"], name="invoice_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"reminder {self.days}d of invoice {self.invoice_id}"


class BillingChangeKind(models.TextChoices):
    TERMS_SET = "terms_set", "Billing terms changed"
    INVOICE_VOIDED = "invoice_voided", "Invoice voided"
    REFUND_PAID = "refund_paid", "Refund paid back by hand"


class BillingChange(ClientOwned):
    """The audit trail of what provider staff change in a client's billing (hires have
    their own, ``HireEvent``): who, when, and the values before and after in ``detail``
    (JSON: amounts as strings)."""

    kind = models.CharField(max_length=20, choices=BillingChangeKind.choices)
    subject_id = models.BigIntegerField(help_text="The terms', invoice's or refund's id.")
    at = models.DateTimeField()
    on = models.DateField(help_text="The client's local day of the change.")
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["client", "at", "id"]
        indexes = [models.Index(fields=["kind", "subject_id"], name="billing_change_subject")]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_id} on {self.on}"
