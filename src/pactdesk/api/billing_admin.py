"""Billing administration and credit notes: parse, call one billing selector or service,
answer.

Both sides: `GET /api/billing/credit-notes` (the caller's own client's; a staff token:
every client's) and `GET /api/billing/credit-notes/{credit_note_id}` with its lines;
another client's credit note is a 404 `credit_note_not_found`, exactly as an unknown one.

Staff tokens of provider admins and managers only (a client key is 403 `not_allowed`):
`GET`/`PATCH /api/billing/clients/{slug}/terms` (fields as strings, as typed: only those
given change; `changed` answers each field's text before and after),
`POST /api/billing/clients/{slug}/hires` (`{"seat": 2, "start": "2026-03-01"}`),
`POST /api/billing/invoices/{invoice_id}/void` (`{"reason": ...}`; again: 200 with
`changed: false`), `POST /api/billing/refunds/{refund_id}/paid`
(`{"paid_on": "2026-03-10", "reference": "BACS 42"}`; again: `changed: false`).
Amounts are strings with exactly the currency's decimals.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import BeforeValidator, ConfigDict, Field, Strict

from pactdesk.api.billing import HireOut, billing_actor
from pactdesk.api.tickets.lookups import query_check
from pactdesk.api.tickets.outputs import ErrorOut
from pactdesk.billing.admin_selectors import (
    billing_agreement_of,
    billing_client_get,
    billing_terms_of,
    credit_note_get,
    credit_note_list,
)
from pactdesk.billing.formats import amount_text, hire_as_dict, invoice_as_dict
from pactdesk.billing.models import CreditNote
from pactdesk.billing.services.hire_admin import hire_start_for_seat
from pactdesk.billing.services.refund_by_hand import refund_pay_by_hand
from pactdesk.billing.services.terms_change import billing_terms_update, terms_values
from pactdesk.billing.services.void import invoice_void
from pactdesk.platform.clock import clock_now
from pactdesk.platform.ids import Id

router = Router(tags=["billing"])
REFUSALS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404, 409, 422), ErrorOut)
PAGE = 500


class NoQuery(Schema):
    """These operations take no query parameters."""


class CreditNoteLineOut(Schema):
    description: str
    amount: str
    tax: str


class CreditNoteOut(Schema):
    id: int
    number: str
    invoice: str | None
    invoice_id: int
    hire: int
    reason: str
    issue_date: str
    currency: str
    net_total: str
    tax_total: str
    total: str
    lines: list[CreditNoteLineOut]


class TermsOut(Schema):
    currency: str
    monthly_fee: str
    seat_fee: str
    round_the_clock_fee: str
    tax_rate: str
    tax_label: str
    payment_days: str
    billing_contacts: str
    credit_percent_per_point: str
    credit_cap_percent: str


class TermsAnswer(Schema):
    client: str
    agreement: int
    terms: TermsOut
    changed: dict[str, list[str]]


class TermsIn(Schema):
    """Only the fields given change; each is text as typed (see the terms rules)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    currency: str | None = Field(None, max_length=3)
    monthly_fee: str | None = Field(None, max_length=30)
    seat_fee: str | None = Field(None, max_length=30)
    round_the_clock_fee: str | None = Field(None, max_length=30)
    tax_rate: str | None = Field(None, max_length=10)
    tax_label: str | None = Field(None, max_length=40)
    payment_days: str | None = Field(None, max_length=4)
    billing_contacts: str | None = Field(None, max_length=2000)
    credit_percent_per_point: str | None = Field(None, max_length=10)
    credit_cap_percent: str | None = Field(None, max_length=10)


DAY_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


def _day_text(value: object) -> object:
    """A day comes as JSON text ``YYYY-MM-DD`` only: pydantic's lax dates would also
    take a number (a Unix time), ``true``, or a date-time at midnight."""
    if not isinstance(value, str) or not DAY_TEXT.fullmatch(value):
        raise ValueError("a day is text written YYYY-MM-DD (e.g. 2026-03-01)")
    return value


# Not strict as a whole (strict dates would refuse JSON's text), so each field says
# what it takes: a day as YYYY-MM-DD text, a number as a JSON integer (not "2", 2.0 or
# true).
JsonDay = Annotated[date, BeforeValidator(_day_text)]


class HireIn(Schema):
    model_config = ConfigDict(extra="forbid")

    seat: Annotated[int, Strict()] | None = Field(
        None, ge=1, le=9999, description="The seat's number; none: shared"
    )
    start: JsonDay = Field(description="The hire's first day (the client's calendar).")


class HireStarted(HireOut):
    """A hire as `GET /billing/hires` lists it, with the number of its first invoice."""

    invoice: str | None


class VoidIn(Schema):
    model_config = ConfigDict(extra="forbid", strict=True)

    reason: str = Field(max_length=300, description="Why; the client sees it.")


class InvoiceVoided(Schema):
    changed: bool
    number: str | None
    status: str
    voided_on: str | None
    void_reason: str
    total: str
    currency: str


class RefundPaidIn(Schema):
    model_config = ConfigDict(extra="forbid")

    paid_on: JsonDay
    reference: str = Field(max_length=100, description="The bank's reference.")


class RefundPaidOut(Schema):
    changed: bool
    id: int
    status: str
    amount: str
    currency: str
    paid_on: str | None
    reference: str


def _note(note: CreditNote) -> dict[str, object]:
    currency = note.currency
    return {
        "id": note.pk,
        "number": note.number,
        "invoice": note.invoice.number,
        "invoice_id": note.invoice_id,
        "hire": note.hire_id,
        "reason": note.reason,
        "issue_date": note.issue_date.isoformat(),
        "currency": currency,
        "net_total": amount_text(note.net_total, currency),
        "tax_total": amount_text(note.tax_total, currency),
        "total": amount_text(note.total, currency),
        "lines": [
            {
                "description": line.description,
                "amount": amount_text(line.amount, currency),
                "tax": amount_text(line.tax, currency),
            }
            for line in note.lines.all()
        ],
    }


@router.get(
    "/billing/credit-notes",
    response={200: list[CreditNoteOut], **REFUSALS},
    summary="Credit notes, newest first",
)
def list_credit_notes(request: HttpRequest) -> object:
    query_check(request, NoQuery)
    notes = credit_note_list(actor=billing_actor(request)).prefetch_related("lines")[:PAGE]
    return Status(200, [_note(note) for note in notes])


@router.get(
    "/billing/credit-notes/{credit_note_id}",
    response={200: CreditNoteOut, **REFUSALS},
    summary="One credit note with its lines",
)
def get_credit_note(request: HttpRequest, credit_note_id: Id) -> object:
    query_check(request, NoQuery)
    return Status(
        200, _note(credit_note_get(actor=billing_actor(request), credit_note_id=credit_note_id))
    )


def _terms_answer(request: HttpRequest, slug: str, values: dict[str, str]) -> object:
    actor = billing_actor(request)
    now = clock_now()
    client = billing_client_get(actor=actor, slug=slug)
    agreement = billing_agreement_of(client=client, now=now)
    changed: dict[str, tuple[str, str]] = {}
    if values:
        change = billing_terms_update(actor=actor, agreement=agreement, values=values, now=now)
        changed = change.changed
    terms = terms_values(agreement=agreement, terms=billing_terms_of(agreement=agreement))
    return Status(
        200,
        {
            "client": client.slug,
            "agreement": agreement.pk,
            "terms": terms,
            "changed": {name: list(pair) for name, pair in changed.items()},
        },
    )


@router.get(
    "/billing/clients/{slug}/terms",
    response={200: TermsAnswer, **REFUSALS},
    summary="A client's billing terms (staff tokens)",
)
def get_terms(request: HttpRequest, slug: str) -> object:
    query_check(request, NoQuery)
    return _terms_answer(request, slug[:60], {})


@router.patch(
    "/billing/clients/{slug}/terms",
    response={200: TermsAnswer, **REFUSALS},
    summary="Change a client's billing terms, field by field (staff tokens)",
)
def patch_terms(request: HttpRequest, slug: str, payload: TermsIn) -> object:
    query_check(request, NoQuery)
    values = {name: value for name, value in payload.model_dump().items() if value is not None}
    return _terms_answer(request, slug[:60], values)


@router.post(
    "/billing/clients/{slug}/hires",
    response={201: HireStarted, **REFUSALS},
    summary="Start a hire of a seat (its first invoice at once; staff tokens)",
)
def start_hire(request: HttpRequest, slug: str, payload: HireIn) -> object:
    query_check(request, NoQuery)
    actor = billing_actor(request)
    now = clock_now()
    client = billing_client_get(actor=actor, slug=slug[:60])
    hire = hire_start_for_seat(
        actor=actor,
        agreement=billing_agreement_of(client=client, now=now),
        seat_number=payload.seat,
        start_date=payload.start,
        now=now,
    )
    invoice = hire.invoices.order_by("period_index").first()
    return Status(201, {**hire_as_dict(hire), "invoice": invoice.number if invoice else None})


@router.post(
    "/billing/invoices/{invoice_id}/void",
    response={200: InvoiceVoided, **REFUSALS},
    summary="Void an issued, unpaid invoice (idempotent; staff tokens)",
)
def void_invoice(request: HttpRequest, invoice_id: Id, payload: VoidIn) -> object:
    query_check(request, NoQuery)
    outcome = invoice_void(
        actor=billing_actor(request), invoice_id=invoice_id, reason=payload.reason, now=clock_now()
    )
    data = invoice_as_dict(outcome.invoice)
    invoice = outcome.invoice
    return Status(
        200,
        {
            "changed": outcome.changed,
            "number": invoice.number,
            "status": invoice.status,
            "voided_on": invoice.voided_on.isoformat() if invoice.voided_on else None,
            "void_reason": invoice.void_reason,
            "total": data["total"],
            "currency": invoice.currency,
        },
    )


@router.post(
    "/billing/refunds/{refund_id}/paid",
    response={200: RefundPaidOut, **REFUSALS},
    summary="A refund to pay back by hand was paid (idempotent; staff tokens)",
)
def refund_paid(request: HttpRequest, refund_id: Id, payload: RefundPaidIn) -> object:
    query_check(request, NoQuery)
    outcome = refund_pay_by_hand(
        actor=billing_actor(request),
        refund_id=refund_id,
        paid_on=payload.paid_on,
        reference=payload.reference,
        now=clock_now(),
    )
    refund = outcome.refund
    return Status(
        200,
        {
            "changed": outcome.changed,
            "id": refund.pk,
            "status": refund.status,
            "amount": amount_text(refund.amount, refund.currency),
            "currency": refund.currency,
            "paid_on": refund.paid_on.isoformat() if refund.paid_on else None,
            "reference": refund.paid_reference,
        },
    )
