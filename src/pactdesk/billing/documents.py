"""An invoice as a document: its HTML and its PDF (WeasyPrint, offline).

WeasyPrint is imported where a PDF is made, not when billing is imported (it pulls
Pango through cffi and tens of megabytes); see tests/config/test_lean_imports.py.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.template.loader import render_to_string

from pactdesk.billing.models import Invoice, Refund
from pactdesk.billing.settlement import invoice_settlement


def invoice_context(*, invoice: Invoice) -> dict[str, object]:
    """What the invoice's body template reads (the page and the PDF share it): its
    lines, and how it was settled — credit notes, payments received, refunds, and the
    ``settlement`` (:class:`billing.settlement.Settlement`: still to pay, settled, or
    money going back; never a negative "still to pay")."""
    terms = getattr(invoice.agreement, "billing_terms", None)
    refunds = Refund.objects.filter(
        Q(payment__invoice=invoice) | Q(credit_note__invoice=invoice)
    ).order_by("created_at", "id")
    return {
        "invoice": invoice,
        "lines": list(invoice.lines.all()),
        "contacts": terms.billing_contacts if terms else [],
        "period_last": invoice.period_end - timedelta(days=1),
        "guarantee_days": invoice.hire.guarantee_days,  # 0: no guarantee, no note
        "credit_notes": list(invoice.credit_notes.order_by("issue_date", "id")),
        "payments": list(
            invoice.payments.exclude(status__in=("pending", "denied")).order_by("created_at", "id")
        ),
        "refunds": list(refunds),
        "settlement": invoice_settlement(invoice=invoice),
    }


def invoice_html(*, invoice: Invoice) -> str:
    """The invoice's printable page (the template the PDF is made from)."""
    return render_to_string("billing/invoice_document.html", invoice_context(invoice=invoice))


def invoice_pdf(*, invoice: Invoice) -> bytes:
    """The invoice as PDF bytes (about half a second for the first, less after)."""
    from weasyprint import HTML  # heavy: imported where used

    pdf: bytes = HTML(string=invoice_html(invoice=invoice)).write_pdf()
    return pdf


def invoice_filename(*, invoice: Invoice) -> str:
    return f"invoice-{invoice.number or invoice.pk}.pdf"
