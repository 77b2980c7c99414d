"""Billing values as JSON-ready dicts and plain-text tables (the CLI and the API)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from pactdesk.billing.models import Hire, Invoice, Payment
from pactdesk.billing.services.cancel import CancelPreview
from pactdesk.billing.settlement import Settlement, invoice_settlement
from pactdesk.domain.billing_money import rounded


def amount_text(value: Decimal, currency: str) -> str:
    """The amount as a string with exactly the currency's decimals: "4087.75", "0"."""
    return str(rounded(value, currency))


def preview_as_dict(preview: CancelPreview) -> dict[str, object]:
    """Shape: {hire, on, in_window, day, guarantee_last_day, last_day, currency, already,
    lines: [{description, kind, charged, net, tax, total}], total, refund} with amounts
    as strings at the currency's minor unit and dates as ISO strings. Days are named
    for what they are: ``last_day`` is the hire's last day hired and
    ``guarantee_last_day`` the guarantee's last day, both inclusive (the page, the API
    and the CLI show the same days)."""
    currency = preview.currency
    return {
        "hire": preview.hire.pk,
        "on": preview.on.isoformat(),
        "in_window": preview.in_window,
        "day": preview.day,
        "guarantee_last_day": preview.window_ends.isoformat(),
        "last_day": preview.last_day.isoformat(),
        "currency": currency,
        "already": preview.already,
        "lines": [
            {
                "description": line.description,
                "kind": line.kind,
                "charged": amount_text(line.charged, currency),
                "net": amount_text(line.net, currency),
                "tax": amount_text(line.tax, currency),
                "total": amount_text(line.total, currency),
            }
            for line in preview.lines
        ],
        "total": amount_text(preview.total, currency),
        "refund": amount_text(preview.refund, currency),
    }


def preview_table(preview: CancelPreview) -> str:
    """The preview as a plain-text table, one line per invoice line, then the totals."""
    data = preview_as_dict(preview)
    last, window = data["last_day"], data["guarantee_last_day"]
    if preview.already:
        head = (
            f"Hire {preview.hire.pk} was cancelled on {data['on']} (day {preview.day}),"
            f" its last day {last}: nothing changes"
            + (" (inside the guarantee)" if preview.in_window else "")
        )
    elif preview.in_window:
        head = (
            f"Hire {preview.hire.pk}, cancelled on {data['on']} (day {preview.day}): inside"
            f" the guarantee (its last day {window}), the hire's last day {last}"
        )
    else:
        head = (
            f"Hire {preview.hire.pk}, cancelled on {data['on']} (day {preview.day}): after the"
            f" guarantee, the hire's last day {last} (its period's end), nothing refunded"
        )
    rows = [("line", "charged", "net back", "tax back", "back")]
    rows += [
        (str(line["description"])[:60], line["charged"], line["net"], line["tax"], line["total"])
        for line in data["lines"]  # type: ignore[attr-defined]
    ]
    rows.append(("total credited", "", "", "", str(data["total"])))
    rows.append((f"refunded ({preview.currency})", "", "", "", str(data["refund"])))
    widths = [max(len(str(row[i])) for row in rows) for i in range(5)]
    lines = [head]
    for row in rows:
        cells = [str(row[0]).ljust(widths[0])] + [
            str(cell).rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"


def invoice_as_dict(invoice: Invoice, settlement: Settlement | None = None) -> dict[str, object]:
    """Shape: {id, number, status, currency, period_start, period_end, period_last_day,
    issue_date, due_date, paid_on, net_total, tax_rate, tax_total, total, credited,
    paid, refunded, settlement, to_pay, to_refund, hire}.
    ``period_end`` is the day after the period (exclusive, the next period's start);
    ``period_last_day`` its last day (inclusive, what the page and the PDF show).
    ``settlement`` is ``due`` (``to_pay`` above zero), ``settled``, ``refund_due``
    (``to_refund`` goes back to the client) or ``void``; neither amount is negative.
    ``settlement`` is read when not given (three queries)."""
    currency = invoice.currency
    account = settlement or invoice_settlement(invoice=invoice)
    return {
        "id": invoice.pk,
        "number": invoice.number,
        "status": invoice.status,
        "currency": currency,
        "period_start": invoice.period_start.isoformat(),
        "period_end": invoice.period_end.isoformat(),
        "period_last_day": (invoice.period_end - timedelta(days=1)).isoformat(),
        "issue_date": invoice.issue_date.isoformat() if invoice.issue_date else None,
        "due_date": invoice.due_date.isoformat() if invoice.due_date else None,
        "paid_on": invoice.paid_on.isoformat() if invoice.paid_on else None,
        "net_total": amount_text(invoice.net_total, currency),
        "tax_rate": str(invoice.tax_rate),
        "tax_total": amount_text(invoice.tax_total, currency),
        "total": amount_text(invoice.total, currency),
        "credited": amount_text(account.credited, currency),
        "paid": amount_text(account.paid, currency),
        "refunded": amount_text(account.refunded, currency),
        "settlement": str(account.state),
        "to_pay": amount_text(account.to_pay, currency),
        "to_refund": amount_text(account.to_refund, currency),
        "hire": invoice.hire_id,
    }


def hire_as_dict(hire: Hire) -> dict[str, object]:
    """Shape: {id, kind, seat, start_date, guarantee_days, status, cancelled_on,
    last_day}: ``last_day`` is the last day hired (inclusive; None while the hire runs
    on), the day the page shows."""
    return {
        "id": hire.pk,
        "kind": hire.kind,
        "seat": hire.seat.number if hire.seat is not None else None,
        "start_date": hire.start_date.isoformat(),
        "guarantee_days": hire.guarantee_days,
        "status": hire.status,
        "cancelled_on": hire.cancelled_on.isoformat() if hire.cancelled_on else None,
        "last_day": hire.last_day.isoformat() if hire.last_day else None,
    }


def payment_as_dict(payment: Payment) -> dict[str, object]:
    """Shape: {id, invoice, method, status, amount, currency, received_on,
    invoice_status} (``invoice_status`` as the payment left it: ``paid`` when settled)."""
    return {
        "id": payment.pk,
        "invoice": payment.invoice_id,
        "method": payment.method,
        "status": payment.status,
        "amount": amount_text(payment.amount, payment.currency),
        "currency": payment.currency,
        "received_on": payment.received_on.isoformat() if payment.received_on else None,
        "invoice_status": payment.invoice.status,
    }
