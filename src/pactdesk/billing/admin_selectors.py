"""Reads of billing's administration: a client's billing agreement and terms, its seats
and hires for the staff, credit notes (both sides, scoped by the actor), the audit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, Q, QuerySet

from pactdesk.accounts.models import Client, User
from pactdesk.agreements.models import Agreement, Seat
from pactdesk.billing.error_codes import BillingErrorCode
from pactdesk.billing.models import (
    BillingChange,
    BillingChangeKind,
    BillingTerms,
    CreditNote,
    Hire,
    HireStatus,
    Invoice,
    Refund,
    RefundStatus,
)
from pactdesk.billing.services.access import (
    billing_actor_check,
    billing_staff_check,
    local_today,
)
from pactdesk.platform.errors import NotFound


def billing_client_get(*, actor: User, slug: str) -> Client:
    """The client of ``slug`` (provider staff only).

    Raises:
        PermissionDenied: ``not_allowed``. NotFound: ``client_not_found``."""
    billing_staff_check(actor)
    client = Client.objects.filter(slug=slug).first()
    if client is None:
        raise NotFound(
            f"No client {slug[:60]!r}.", code=BillingErrorCode.CLIENT_NOT_FOUND, field="client"
        )
    return client


def billing_agreement_of(*, client: Client, now: datetime) -> Agreement:
    """The agreement the client is billed on at ``now``: the latest in force on its own
    calendar day (each agreement's time zone, not the server's UTC day: Lotus's new
    agreement is in force from 18:30 UTC the evening before), else the latest begun,
    with its plan.

    Raises:
        NotFound: ``agreement_not_found`` (the client has no agreement begun)."""
    agreements = (
        Agreement.objects.filter(client=client)
        .select_related("plan", "client")
        .order_by("-start_date", "-id")
    )
    begun = [a for a in agreements if a.start_date <= local_today(agreement=a, now=now)]
    in_force = [
        a for a in begun if a.end_date is None or a.end_date > local_today(agreement=a, now=now)
    ]
    agreement = (in_force or begun or [None])[0]
    if agreement is None:
        raise NotFound(
            f"{client.name} has no agreement to bill.",
            code=BillingErrorCode.AGREEMENT_NOT_FOUND,
            field="client",
        )
    return agreement


def billing_terms_of(*, agreement: Agreement) -> BillingTerms | None:
    return BillingTerms.objects.filter(agreement=agreement).first()


def billing_clients(*, actor: User) -> QuerySet[Client]:
    """Every client, by name, for the staff's billing pages (provider staff only).

    Raises:
        PermissionDenied: ``not_allowed``."""
    billing_staff_check(actor)
    return Client.objects.order_by("name")


@dataclass(frozen=True)
class SeatRow:
    seat: Seat
    hire: Hire | None  # the seat's hire not yet ended, if any


def seat_rows(*, agreement: Agreement) -> list[SeatRow]:
    """The agreement's seats with their technician and open hire; two queries."""
    seats = list(Seat.objects.filter(agreement=agreement).select_related("agent"))
    open_hires = {
        hire.seat_id: hire
        for hire in Hire.objects.filter(agreement=agreement, seat__isnull=False).exclude(
            status=HireStatus.ENDED
        )
    }
    return [SeatRow(seat=seat, hire=open_hires.get(seat.pk)) for seat in seats]


def client_hires(*, actor: User, client: Client) -> QuerySet[Hire]:
    """The client's hires, newest first, with seat, technician and plan (staff only)."""
    billing_staff_check(actor)
    return (
        Hire.objects.filter(client=client)
        .select_related("seat__agent", "agreement__plan", "client")
        .order_by("-start_date", "-id")
    )


def credit_note_list(*, actor: User) -> QuerySet[CreditNote]:
    """The credit notes ``actor`` may see (their own client's; staff: all), newest first.

    Raises:
        PermissionDenied: ``not_allowed``."""
    billing_actor_check(actor)
    return (
        CreditNote.objects.for_actor(actor)
        .select_related("invoice", "client")
        .order_by("-issue_date", "-id")
    )


def credit_note_get(*, actor: User, credit_note_id: int) -> CreditNote:
    """The credit note ``actor`` may see, with its invoice, client and hire.

    Raises:
        PermissionDenied: ``not_allowed``. NotFound: ``credit_note_not_found`` (another
        client's answers the same)."""
    billing_actor_check(actor)
    note = (
        CreditNote.objects.for_actor(actor)
        .select_related("invoice__agreement__billing_terms", "client", "hire__seat")
        .filter(pk=credit_note_id)
        .first()
    )
    if note is None:
        raise NotFound(
            f"No credit note {credit_note_id}.",
            code=BillingErrorCode.CREDIT_NOTE_NOT_FOUND,
            field="credit_note",
        )
    return note


def invoice_void_change(*, invoice: Invoice) -> BillingChange | None:
    """Who voided the invoice, and when (None unless void)."""
    return (
        BillingChange.objects.filter(kind=BillingChangeKind.INVOICE_VOIDED, subject_id=invoice.pk)
        .select_related("actor")
        .first()
    )


def refunds_by_hand(*, actor: User) -> QuerySet[Refund]:
    """Refunds the provider pays back by hand: still to pay, then those paid (newest
    first). Staff only."""
    billing_staff_check(actor)
    return (
        Refund.objects.filter(Q(status=RefundStatus.BY_HAND) | Q(paid_on__isnull=False))
        .select_related("client", "credit_note__invoice__agreement", "payment__invoice__agreement")
        .order_by(F("paid_on").desc(nulls_first=True), "-created_at", "-id")
    )


def billing_changes(*, actor: User, client: Client, limit: int = 50) -> list[BillingChange]:
    """The client's billing audit, newest first (staff only)."""
    billing_staff_check(actor)
    return list(
        BillingChange.objects.filter(client=client)
        .select_related("actor")
        .order_by("-at", "-id")[:limit]
    )


def invoice_by_number(*, actor: User, number: str) -> Invoice:
    """The issued (or paid, or void) invoice numbered ``number`` that ``actor`` may see.

    Raises:
        PermissionDenied: ``not_allowed``. NotFound: ``invoice_not_found``."""
    billing_actor_check(actor)
    invoice = Invoice.objects.for_actor(actor).filter(number=number.strip()).first()
    if invoice is None:
        raise NotFound(
            f"No invoice {number[:20]!r}.", code=BillingErrorCode.INVOICE_NOT_FOUND, field="invoice"
        )
    return invoice
