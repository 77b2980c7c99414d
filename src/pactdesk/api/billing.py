"""Billing for client integrations: parse, call one billing selector or service, answer.

`GET /api/billing/invoices` and `GET /api/billing/hires` list the caller's own client's
(a staff token: every client's, for provider admins and managers);
`GET /api/billing/hires/{hire_id}/refund-preview` is what cancelling now would refund,
per line of the first invoice, changing nothing; `POST /api/billing/hires/{hire_id}/cancel`
cancels (inside the guarantee: credit note, refund, hire ended; after it: the hire ends at
its period's end). Cancelling again answers 200 with `changed: false` and what the first
cancel did (the same credit note and refund). `POST /api/billing/invoices/{invoice_id}/payments`
(staff tokens of provider admins and managers) records a bank transfer; a retry with the
same `Idempotency-Key` answers 200 with the payment recorded first, never a second one.

A client key acts as its client's billing admin here. Another client's hire is a 404
`hire_not_found`, exactly as an unknown one. Amounts are strings with exactly the
currency's decimals ("4087.75", "500" in JPY).
"""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Header, Router, Schema, Status
from pydantic import ConfigDict, StringConstraints

from pactdesk.accounts.models import Role, User
from pactdesk.api.auth import principal_of
from pactdesk.api.tickets.lookups import query_check
from pactdesk.api.tickets.outputs import ErrorOut
from pactdesk.billing.formats import (
    hire_as_dict,
    invoice_as_dict,
    payment_as_dict,
    preview_as_dict,
)
from pactdesk.billing.gateway import gateway_configured
from pactdesk.billing.selectors import hire_list, invoice_list
from pactdesk.billing.services.cancel import hire_cancel, hire_cancel_preview, hire_get
from pactdesk.billing.services.payments import BankTransfer, bank_transfer_record
from pactdesk.billing.settlement import invoice_settlements
from pactdesk.platform.clock import clock_now
from pactdesk.platform.ids import Id

router = Router(tags=["billing"])
REFUSALS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404, 409, 422, 502), ErrorOut)
PAGE = 500  # the newest invoices a list answers


class NoQuery(Schema):
    """These operations take no query parameters."""


class InvoiceOut(Schema):
    id: int
    number: str | None
    status: str
    currency: str
    period_start: str
    period_end: str
    period_last_day: str
    issue_date: str | None
    due_date: str | None
    paid_on: str | None
    net_total: str
    tax_rate: str
    tax_total: str
    total: str
    credited: str
    paid: str
    refunded: str
    settlement: str
    to_pay: str
    to_refund: str
    hire: int


class HireOut(Schema):
    id: int
    kind: str
    seat: int | None
    start_date: str
    guarantee_days: int
    status: str
    cancelled_on: str | None
    last_day: str | None


class RefundLineOut(Schema):
    description: str
    kind: str
    charged: str
    net: str
    tax: str
    total: str


class PreviewOut(Schema):
    hire: int
    on: str
    in_window: bool
    day: int
    guarantee_last_day: str
    last_day: str
    currency: str
    already: bool
    lines: list[RefundLineOut]
    total: str
    refund: str


class CancelOut(Schema):
    changed: bool
    hire: HireOut
    preview: PreviewOut
    credit_note: str | None
    refund_status: str | None


class BankTransferIn(Schema):
    """A payment received by bank transfer: the amount as on the statement ("5760.00"),
    its currency (the invoice's), the day it arrived (``YYYY-MM-DD``, from the invoice's
    issue day to the client's today)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    amount: Annotated[str, StringConstraints(min_length=1, max_length=30)]
    currency: Annotated[str, StringConstraints(min_length=3, max_length=3)]
    received_on: Annotated[str, StringConstraints(min_length=10, max_length=10)]


class PaymentOut(Schema):
    id: int
    invoice: int
    method: str
    status: str
    amount: str
    currency: str
    received_on: str | None
    invoice_status: str


def billing_actor(request: HttpRequest) -> User:
    """The caller as billing sees it: a client key is its client's billing admin; a
    staff token is its member of staff (also used by `api.billing_admin`)."""
    principal = principal_of(request)
    if principal.is_staff:
        return principal.actor
    return User(
        email=principal.actor.email,
        name=principal.actor.name,
        role=Role.CLIENT_ADMIN,
        client=principal.client,
        is_active=True,
    )


@router.get(
    "/billing/invoices",
    response={200: list[InvoiceOut], **REFUSALS},
    summary="Invoices, newest first",
)
def list_invoices(request: HttpRequest) -> object:
    query_check(request, NoQuery)
    invoices = list(invoice_list(actor=billing_actor(request))[:PAGE])
    accounts = invoice_settlements(invoices=invoices)
    return Status(200, [invoice_as_dict(invoice, accounts[invoice.pk]) for invoice in invoices])


@router.get("/billing/hires", response={200: list[HireOut], **REFUSALS}, summary="Hires")
def list_hires(request: HttpRequest) -> object:
    query_check(request, NoQuery)
    return Status(200, [hire_as_dict(hire) for hire in hire_list(actor=billing_actor(request))])


@router.get(
    "/billing/hires/{hire_id}/refund-preview",
    response={200: PreviewOut, **REFUSALS},
    summary="What cancelling the hire now would refund, per line (changes nothing)",
)
def refund_preview(request: HttpRequest, hire_id: Id) -> object:
    query_check(request, NoQuery)
    hire = hire_get(actor=billing_actor(request), hire_id=hire_id)
    return Status(200, preview_as_dict(hire_cancel_preview(hire=hire, now=clock_now())))


@router.post(
    "/billing/hires/{hire_id}/cancel",
    response={200: CancelOut, **REFUSALS},
    summary="Cancel a hire (idempotent): inside the guarantee, refund the unused part",
)
def cancel_hire(request: HttpRequest, hire_id: Id) -> object:
    query_check(request, NoQuery)
    outcome = hire_cancel(
        actor=billing_actor(request), hire_id=hire_id, now=clock_now(), gateway=gateway_configured()
    )
    return Status(
        200,
        {
            "changed": outcome.changed,
            "hire": hire_as_dict(outcome.hire),
            "preview": preview_as_dict(outcome.preview),
            "credit_note": outcome.credit_note.number if outcome.credit_note else None,
            "refund_status": outcome.refund.status if outcome.refund else None,
        },
    )


@router.post(
    "/billing/invoices/{invoice_id}/payments",
    response={200: PaymentOut, 201: PaymentOut, **REFUSALS},
    summary="Record a bank transfer received (provider staff; idempotent with a key)",
)
def record_bank_transfer(
    request: HttpRequest,
    invoice_id: Id,
    payload: BankTransferIn,
    idempotency_key: str | None = Header(
        None,
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="Retrying with the same key answers 200 with the payment made first.",
    ),
) -> object:
    query_check(request, NoQuery)
    transfer = BankTransfer(
        invoice_id=invoice_id,
        amount=payload.amount,
        currency=payload.currency,
        received_on=payload.received_on,
        idempotency_key=f"api:{idempotency_key}" if idempotency_key is not None else None,
    )
    recorded = bank_transfer_record(
        actor=billing_actor(request), transfer=transfer, now=clock_now()
    )
    return Status(201 if recorded.made_now else 200, payment_as_dict(recorded.payment))
