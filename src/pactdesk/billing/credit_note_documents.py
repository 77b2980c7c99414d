"""A credit note as a document: its HTML and its PDF, with the invoice's renderer
(WeasyPrint, offline, imported where a PDF is made)."""

from __future__ import annotations

from django.template.loader import render_to_string

from pactdesk.billing.models import CreditNote


def credit_note_reason(note: CreditNote) -> str:
    """Why the credit note was issued, in words: a guarantee credit names the hire's own
    guarantee (its length is the plan's, not always 14 days), or says the hire was
    called off before its start (any hire, a shared plan's too: the whole fee back)."""
    if note.reason != "guarantee":
        return note.reason
    if note.issue_date < note.hire.start_date:
        return "the hire was called off before its start"
    return f"cancelled under the {note.hire.guarantee_days}-day money-back guarantee"


def credit_note_context(*, note: CreditNote) -> dict[str, object]:
    """What the credit note's body template reads (the page and the PDF share it)."""
    terms = getattr(note.invoice.agreement, "billing_terms", None)
    return {
        "note": note,
        "invoice": note.invoice,
        "lines": list(note.lines.all()),
        "contacts": terms.billing_contacts if terms else [],
        "reason": credit_note_reason(note),
    }


def credit_note_html(*, note: CreditNote) -> str:
    return render_to_string("billing/credit_note_document.html", credit_note_context(note=note))


def credit_note_pdf(*, note: CreditNote) -> bytes:
    """The credit note as PDF bytes."""
    from weasyprint import HTML  # heavy: imported where used

    pdf: bytes = HTML(string=credit_note_html(note=note)).write_pdf()
    return pdf


def credit_note_filename(*, note: CreditNote) -> str:
    return f"credit-note-{note.number}.pdf"
