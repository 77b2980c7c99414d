"""Mail to a client's billing contacts through the outbox: the invoice with its PDF, and
reminders of an unpaid one. Queued in the transaction that issues or reminds."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings

from pactdesk.billing.documents import invoice_filename, invoice_pdf
from pactdesk.billing.models import Invoice
from pactdesk.billing.settlement import invoice_settlement
from pactdesk.notify.services import MailFile, MailOut, mail_queue_many

INVOICE_KIND = "invoice"
REMINDER_KIND = "invoice_reminder"


def _sender() -> str:
    return f"Pactdesk billing <billing@{settings.PACTDESK_MAIL_DOMAIN}>"


def _contacts(invoice: Invoice) -> list[str]:
    terms = getattr(invoice.agreement, "billing_terms", None)
    return list(terms.billing_contacts) if terms else []


def invoice_mail_queue(*, invoice: Invoice, now: datetime) -> int:
    """Queue the invoice, its PDF attached, to each billing contact; the count queued."""
    contacts = _contacts(invoice)
    if not contacts:
        return 0
    pdf = MailFile(
        invoice_filename(invoice=invoice), "application/pdf", invoice_pdf(invoice=invoice)
    )
    url = f"{settings.PACTDESK_BASE_URL}/billing/invoices/{invoice.pk}/"
    body = (
        f"Invoice {invoice.number} for {invoice.client.name} is attached.\n\n"
        f"Total: {invoice.total.normalize():f} {invoice.currency}, due on "
        f"{invoice.due_date:%d %B %Y}.\nPeriod: {invoice.period_start:%d %B %Y} to "
        f"{invoice.period_end - timedelta(days=1):%d %B %Y}.\n\nSee it and pay: {url}\n"
    )
    mails = [
        MailOut(
            client_id=invoice.client_id,
            kind=INVOICE_KIND,
            to_address=address,
            from_address=_sender(),
            subject=f"Invoice {invoice.number} from Pactdesk",
            body=body,
            files=(pdf,),
        )
        for address in contacts
    ]
    mail_queue_many(mails=mails, at=[now] * len(mails))
    return len(mails)


def invoice_reminder_queue(*, invoice: Invoice, days: int, now: datetime) -> int:
    """Queue a reminder that the invoice is ``days`` days overdue; the count queued."""
    contacts = _contacts(invoice)
    url = f"{settings.PACTDESK_BASE_URL}/billing/invoices/{invoice.pk}/"
    to_pay = invoice_settlement(invoice=invoice).to_pay
    mails = [
        MailOut(
            client_id=invoice.client_id,
            kind=REMINDER_KIND,
            to_address=address,
            from_address=_sender(),
            subject=f"Reminder: invoice {invoice.number} is {days} days overdue",
            body=(
                f"Invoice {invoice.number} ({invoice.total.normalize():f} {invoice.currency}) "
                f"was due on {invoice.due_date:%d %B %Y} and is not paid yet: "
                f"{to_pay:f} {invoice.currency} is still to pay.\n\n"
                f"See it and pay: {url}\nIf you have paid already, thank you: please ignore "
                "this reminder.\n"
            ),
        )
        for address in contacts
    ]
    mail_queue_many(mails=mails, at=[now] * len(mails))
    return len(mails)
