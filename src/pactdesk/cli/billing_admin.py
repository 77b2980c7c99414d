"""The administration subcommands of `pactdesk billing`: terms, hire, invoice, refund.

`billing terms --client SLUG [--set field=value ...] [--json]` prints (after changing)
the client's billing terms; `billing hire start --client SLUG [--seat N] --start DATE`,
`billing hire list [--client SLUG]`, `billing hire cancel --hire ID`; `billing invoice
void --invoice NUMBER --reason TEXT`; `billing refund paid --refund ID --on DATE
--reference REF`. The command line acts as the provider (an admin that is no one:
audit rows carry no actor). Refusals exit 2 with the code (`pactdesk.cli.main`).
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import TextIO

from pactdesk.accounts.models import User
from pactdesk.billing.admin_selectors import (
    billing_agreement_of,
    billing_client_get,
    billing_terms_of,
    invoice_by_number,
)
from pactdesk.billing.error_codes import BillingErrorCode
from pactdesk.billing.formats import hire_as_dict
from pactdesk.billing.gateway import gateway_configured
from pactdesk.billing.selectors import hire_list
from pactdesk.billing.services.cancel import hire_cancel
from pactdesk.billing.services.hire_admin import hire_start_for_seat
from pactdesk.billing.services.refund_by_hand import refund_pay_by_hand
from pactdesk.billing.services.terms_change import billing_terms_update, terms_values
from pactdesk.billing.services.void import invoice_void
from pactdesk.platform.clock import clock_now
from pactdesk.platform.errors import NotFound, ValidationFailed
from pactdesk.platform.ids import id_parse

ADMIN_KINDS = ("terms", "hire", "invoice", "refund")


def admin_parsers_add(kinds: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the administration subcommands to `pactdesk billing`."""
    terms = kinds.add_parser("terms", help="show or change a client's billing terms")
    terms.add_argument("--client", required=True, help="the client's slug")
    terms.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="change a field (repeat); e.g. --set tax_rate=17.5 --set payment_days=30",
    )
    terms.add_argument("--json", action="store_true", help="JSON for programs")

    hire = kinds.add_parser("hire", help="start, list or cancel staff hires")
    hires = hire.add_subparsers(dest="hire_action", required=True)
    start = hires.add_parser("start", help="start a hire of a seat (first invoice at once)")
    start.add_argument("--client", required=True, help="the client's slug")
    start.add_argument("--seat", help="the seat's number (none for a shared plan)")
    start.add_argument("--start", required=True, help="the first day, YYYY-MM-DD")
    start.add_argument("--json", action="store_true", help="JSON for programs")
    listing = hires.add_parser("list", help="hires, newest first")
    listing.add_argument("--client", help="only this client's (slug)")
    listing.add_argument("--json", action="store_true", help="JSON for programs")
    cancel = hires.add_parser("cancel", help="cancel a hire (a refund inside the guarantee)")
    cancel.add_argument("--hire", required=True, help="the hire's id")

    invoice = kinds.add_parser("invoice", help="void an issued, unpaid invoice")
    invoices = invoice.add_subparsers(dest="invoice_action", required=True)
    void = invoices.add_parser("void", help="void an invoice; its number stays used")
    void.add_argument("--invoice", required=True, help="the invoice's number, e.g. 2026-000012")
    void.add_argument("--reason", required=True, help="why (the client sees it)")

    refund = kinds.add_parser("refund", help="mark a refund paid back by hand")
    refunds = refund.add_subparsers(dest="refund_action", required=True)
    paid = refunds.add_parser("paid", help="a refund to pay back by hand was paid")
    paid.add_argument("--refund", required=True, help="the refund's id")
    paid.add_argument("--on", required=True, help="the day it was paid, YYYY-MM-DD")
    paid.add_argument("--reference", required=True, help="the bank's reference")


def admin_handle(*, kind: str, options: dict[str, object], out: TextIO, actor: User) -> None:
    """Run one administration subcommand; refusals raise ``ApplicationError``."""
    if kind == "terms":
        _terms(options, out, actor)
    elif kind == "hire":
        _hire(options, out, actor)
    elif kind == "invoice":
        number = str(options["invoice"])
        invoice = invoice_by_number(actor=actor, number=number)
        outcome = invoice_void(
            actor=actor, invoice_id=invoice.pk, reason=str(options["reason"]), now=clock_now()
        )
        state = "voided" if outcome.changed else "was void already: nothing changed"
        out.write(f"Invoice {invoice.number} {state}.\n")
    else:
        refund_id = _id(options["refund"], code=BillingErrorCode.REFUND_NOT_FOUND, what="refund")
        paid = refund_pay_by_hand(
            actor=actor,
            refund_id=refund_id,
            paid_on=_day(options["on"], field="on"),
            reference=str(options["reference"]),
            now=clock_now(),
        )
        state = "marked paid" if paid.changed else "was paid already: nothing changed"
        out.write(f"Refund {refund_id} {state} ({paid.refund.paid_reference}).\n")


def _terms(options: dict[str, object], out: TextIO, actor: User) -> None:
    now = clock_now()
    client = billing_client_get(actor=actor, slug=str(options["client"]))
    agreement = billing_agreement_of(client=client, now=now)
    values: dict[str, str] = {}
    for pair in options["set"]:  # type: ignore[attr-defined]
        name, sep, value = str(pair).partition("=")
        if not sep:
            raise ValidationFailed(
                f"--set takes FIELD=VALUE, not {str(pair)[:40]!r}.",
                code=BillingErrorCode.UNKNOWN_TERMS_FIELD,
                field="set",
            )
        values[name.strip()] = value
    changed: dict[str, tuple[str, str]] = {}
    if values:
        changed = billing_terms_update(
            actor=actor, agreement=agreement, values=values, now=now
        ).changed
    terms = terms_values(agreement=agreement, terms=billing_terms_of(agreement=agreement))
    if options["json"]:
        data = {"client": client.slug, "agreement": agreement.pk, "terms": terms}
        out.write(json.dumps({**data, "changed": changed}, indent=2) + "\n")
        return
    out.write(f"Billing terms of {client.name} ({agreement.plan.name}):\n")
    width = max(len(name) for name in terms)
    for name, value in terms.items():
        mark = f"   (was {changed[name][0] or '-'})" if name in changed else ""
        out.write(f"  {name.ljust(width)}  {value or '-'}{mark}\n")
    if values and not changed:
        out.write("Nothing changed.\n")


def _hire(options: dict[str, object], out: TextIO, actor: User) -> None:
    action = options["hire_action"]
    now = clock_now()
    if action == "cancel":
        hire_id = _id(options["hire"], code=BillingErrorCode.HIRE_NOT_FOUND, what="hire")
        outcome = hire_cancel(actor=actor, hire_id=hire_id, now=now, gateway=gateway_configured())
        if not outcome.changed:
            out.write(f"Hire {hire_id} was cancelled already: nothing changed.\n")
        elif outcome.credit_note is not None:
            out.write(
                f"Hire {hire_id} ended; credit note {outcome.credit_note.number} of"
                f" {outcome.preview.total} {outcome.preview.currency}.\n"
            )
        else:
            out.write(f"Hire {hire_id}'s last day is {outcome.hire.last_day} (not renewed).\n")
        return
    if action == "start":
        client = billing_client_get(actor=actor, slug=str(options["client"]))
        seat = options["seat"]
        hire = hire_start_for_seat(
            actor=actor,
            agreement=billing_agreement_of(client=client, now=now),
            seat_number=_seat(seat) if seat is not None else None,
            start_date=_day(options["start"], field="start"),
            now=now,
        )
        invoice = hire.invoices.order_by("period_index").first()
        if options["json"]:
            data = {**hire_as_dict(hire), "invoice": invoice.number if invoice else None}
            out.write(json.dumps(data, indent=2) + "\n")
        else:
            number = invoice.number if invoice else "-"
            out.write(f"Hire {hire.pk} started on {hire.start_date}; invoice {number} issued.\n")
        return
    hires = hire_list(actor=actor)
    if options["client"]:
        hires = hires.filter(client=billing_client_get(actor=actor, slug=str(options["client"])))
    rows = list(hires)
    if options["json"]:
        data = [{**hire_as_dict(h), "client": h.client.slug} for h in rows]
        out.write(json.dumps(data, indent=2) + "\n")
        return
    out.write(f"{'id':>5}  {'client':<16} {'seat':>4}  {'start':<10}  {'status':<10}  last day\n")
    for h in rows:
        seat_text = str(h.seat.number) if h.seat else "-"
        ends = h.last_day.isoformat() if h.last_day else "-"
        out.write(
            f"{h.pk:>5}  {h.client.slug[:16]:<16} {seat_text:>4}  {h.start_date}  "
            f"{h.status:<10}  {ends}\n"
        )


def _id(value: object, *, code: BillingErrorCode, what: str) -> int:
    parsed = id_parse(str(value))
    if parsed is None:
        raise NotFound(f"No {what} {str(value)[:20]!r}.", code=code, field=what)
    return parsed


def _seat(value: object) -> int:
    text = str(value)
    if not text.isascii() or not text.isdigit() or len(text) > 4:
        raise ValidationFailed(
            f"--seat is a seat's number (1, 2 ...), not {text[:20]!r}.",
            code=BillingErrorCode.SEAT_NOT_IN_AGREEMENT,
            field="seat",
        )
    return int(text)


def _day(value: object, *, field: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed(
            f"--{field} is a day written YYYY-MM-DD, not {str(value)[:20]!r}.",
            code=BillingErrorCode.INVALID_DATE,
            field=field,
        ) from None
