"""Billing pages. Client admins: their invoices (page and PDF), payments, hires with the
guarantee window and a Cancel button that shows the refund first, their balance.
Provider admins and managers: receivables and overdue invoices, refunds, revenue by
plan and month and a chart of monthly recurring revenue; recording bank transfers.

Each view parses, calls one billing selector or service, and answers; another client's
hire or invoice is a 404, as the actor-scoped selectors answer."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import uuid4

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from pactdesk.accounts.models import User
from pactdesk.billing.admin_selectors import credit_note_list
from pactdesk.billing.documents import invoice_context, invoice_filename, invoice_pdf
from pactdesk.billing.gateway import (
    gateway_configured,
    paypal_checkout_origin,
    paypal_configured,
)
from pactdesk.billing.selectors import (
    client_balances,
    hire_list,
    invoice_list,
    mrr_series,
    payment_list,
    receivables,
    refund_list,
    revenue_by_plan_month,
)
from pactdesk.billing.services.access import STAFF_BILLING_ROLES, local_today
from pactdesk.billing.services.cancel import (
    CancelOutcome,
    guarantee_notes,
    guarantee_window,
    hire_cancel,
    hire_cancel_preview,
    hire_get,
)
from pactdesk.billing.services.payments import (
    BankTransfer,
    bank_transfer_record,
    invoice_get,
    invoice_pay_return,
    invoice_pay_start,
)
from pactdesk.billing.settlement import Settlement
from pactdesk.billing.templatetags.billing import money
from pactdesk.platform.clock import clock_now
from pactdesk.platform.errors import ApplicationError, NotFound, PermissionDenied
from pactdesk.web.billing_chart import bar_chart

MRR_MONTHS = 12


class PaymentForm(forms.Form):
    """A bank transfer received. ``token`` is a one-time value the page draws for each
    form it shows: a double submit (or a resubmit after Back) sends the same token and
    answers the payment recorded first instead of recording it again. The day's bounds
    are the service's (``billing.services.dates``); the browser's min/max only help."""

    amount = forms.CharField(max_length=30, help_text="As on the bank statement, e.g. 5760.00")
    currency = forms.CharField(max_length=3)
    received_on = forms.CharField(max_length=10, widget=forms.DateInput(attrs={"type": "date"}))
    token = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def page_refusal(error: ApplicationError) -> None:
    """A refusal of the selectors as the page answer: unknown → 404, not allowed → 403;
    anything else is raised as it is (also used by `web.billing_admin`)."""
    if isinstance(error, NotFound):
        raise Http404(error.message)
    if isinstance(error, PermissionDenied):
        raise Forbidden(error.message)
    raise error


@login_required
def billing_home(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if actor.role in STAFF_BILLING_ROLES and actor.is_active:
        return _provider_page(request, actor)
    try:
        invoices = list(invoice_list(actor=actor)[:100])
        hires = list(hire_list(actor=actor))
    except ApplicationError as error:
        page_refusal(error)
        raise
    now = clock_now()
    notes = guarantee_notes(hires=hires)
    rows = [
        (hire, guarantee_window(hire=hire, now=now, used=hire.pk in notes), notes.get(hire.pk))
        for hire in hires
    ]
    context = {
        "current": "billing",
        "balances": client_balances(client_id=actor.client_id or 0),
        "invoices": invoices,
        "hires": rows,
        "payments": list(payment_list(actor=actor)[:50]),
        "refunds": list(refund_list(actor=actor)[:50]),
        "credit_notes": list(credit_note_list(actor=actor)[:50]),
    }
    return render(request, "web/billing/client.html", context)


def _provider_page(request: HttpRequest, actor: User) -> HttpResponse:
    today = clock_now().date()
    first = _month_add(today.replace(day=1), 1 - MRR_MONTHS)
    months = [_month_add(first, n) for n in range(MRR_MONTHS)]
    revenue = revenue_by_plan_month(actor=actor, first=first, last=today)
    currencies = sorted({row.currency for row in revenue})
    charts = [
        (currency, bar_chart(mrr_series(rows=revenue, currency=currency, months=months), currency))
        for currency in currencies
    ]
    owed = receivables(actor=actor, today=today)
    context = {
        "current": "billing",
        "receivables": owed,
        "overdue": [row for row in owed if row.days_late > 0],
        "revenue": revenue,
        "charts": charts,
        "refunds": list(refund_list(actor=actor)[:50]),
    }
    return render(request, "web/billing/provider.html", context)


def _month_add(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@login_required
@require_http_methods(["GET", "POST"])
def invoice_page(request: HttpRequest, invoice_id: int) -> HttpResponse:
    actor = _actor(request)
    try:
        invoice = invoice_get(actor=actor, invoice_id=invoice_id)
    except ApplicationError as error:
        page_refusal(error)
        raise
    staff = actor.role in STAFF_BILLING_ROLES
    now = clock_now()
    today = local_today(agreement=invoice.agreement, now=now)
    form = PaymentForm(
        request.POST or None, initial={"currency": invoice.currency, "token": uuid4().hex}
    )
    form.fields["received_on"].widget.attrs.update(
        {"min": invoice.issue_date.isoformat() if invoice.issue_date else "", "max": today}
    )
    status = 200
    if request.method == "POST":
        if not staff:
            raise Forbidden("Only provider staff record payments.")
        if form.is_valid():
            data = form.cleaned_data
            transfer = BankTransfer(
                invoice_id=invoice.pk,
                amount=data["amount"],
                currency=data["currency"],
                received_on=data["received_on"],
                idempotency_key=f"form:{data['token']}",
            )
            try:
                recorded = bank_transfer_record(actor=actor, transfer=transfer, now=now)
            except ApplicationError as error:
                field = error.field if error.field in form.fields else "amount"
                form.add_error(field, f"{error.message} ({error.code})")
                status = error.http_status
            else:
                messages.success(
                    request,
                    f"Payment recorded on {invoice.number}."
                    if recorded.made_now
                    else f"This payment was recorded already on {invoice.number}: not twice.",
                )
                return redirect("web:billing_invoice", invoice_id=invoice.pk)
        else:
            status = 422
    document = invoice_context(invoice=invoice)
    settlement: Settlement = document["settlement"]  # type: ignore[assignment]
    capture_pending = invoice.payments.filter(status="pending", capture_id__isnull=False).exists()
    context = {
        "current": "billing",
        **document,
        "can_pay_online": paypal_configured()
        and not staff
        and invoice.status == "issued"
        and settlement.to_pay > 0
        and not capture_pending,
        "capture_pending": capture_pending,
        "paypal_cancelled": request.GET.get("paypal") == "cancelled",
        "staff": staff,
        "form": form,
    }
    response = render(request, "web/billing/invoice.html", context, status=status)
    if context["can_pay_online"]:
        # The Pay form is answered by a redirect to PayPal's approval page, which
        # Chromium checks against form-action: allow PayPal's checkout there (django-csp's
        # per-response update, what its csp_update decorator sets).
        response._csp_update = {"form-action": [paypal_checkout_origin()]}  # type: ignore[attr-defined]
    return response


@login_required
def invoice_pdf_download(request: HttpRequest, invoice_id: int) -> HttpResponse:
    try:
        invoice = invoice_get(actor=_actor(request), invoice_id=invoice_id)
    except ApplicationError as error:
        page_refusal(error)
        raise
    response = HttpResponse(invoice_pdf(invoice=invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{invoice_filename(invoice=invoice)}"'
    return response


@login_required
@require_POST
def invoice_pay(request: HttpRequest, invoice_id: int) -> HttpResponse:
    """Open a PayPal order and send the client to approve it; PayPal sends them back to
    the return URL (captured there) or, when they cancel at PayPal, to the invoice. The
    redirect follows a form post, so its target must be in the invoice page's
    form-action (``paypal_checkout_origin``)."""
    actor = _actor(request)
    if actor.role in STAFF_BILLING_ROLES:
        raise Forbidden("The client pays its invoices; provider staff record bank transfers.")
    back = (
        f"{settings.PACTDESK_BASE_URL}{reverse('web:billing_invoice', args=[invoice_id])}"
        "?paypal=cancelled"
    )
    try:
        order = invoice_pay_start(
            actor=actor,
            invoice_id=invoice_id,
            gateway=gateway_configured(),
            return_url=f"{settings.PACTDESK_BASE_URL}"
            f"{reverse('web:billing_pay_return', args=[invoice_id])}",
            cancel_url=back,
            now=clock_now(),
        )
    except (NotFound, PermissionDenied) as error:
        page_refusal(error)
        raise
    except ApplicationError as error:
        messages.error(request, f"{error.message} ({error.code}). Nothing was charged.")
        return redirect("web:billing_invoice", invoice_id=invoice_id)
    return redirect(order.approve_url)


@login_required
def invoice_pay_back(request: HttpRequest, invoice_id: int) -> HttpResponse:
    """PayPal sends the client back here (``?token=<order id>``): capture the order
    (once: a reload shows the payment as it is)."""
    try:
        payment = invoice_pay_return(
            actor=_actor(request),
            invoice_id=invoice_id,
            order_id=request.GET.get("token", "")[:64],
            gateway=gateway_configured(),
            now=clock_now(),
        )
    except (NotFound, PermissionDenied) as error:
        page_refusal(error)
        raise
    except ApplicationError as error:
        messages.error(request, f"{error.message} ({error.code}). The invoice is still payable.")
    else:
        if payment.status == "completed":
            messages.success(request, "Thank you: the payment was received.")
        elif payment.status == "pending":
            messages.info(
                request, "PayPal is reviewing the payment: the invoice is paid once it clears."
            )
        else:
            messages.error(
                request, "PayPal did not take the payment: the invoice is still payable."
            )
    return redirect("web:billing_invoice", invoice_id=invoice_id)


@login_required
@require_http_methods(["GET", "POST"])
def hire_cancel_page(request: HttpRequest, hire_id: int) -> HttpResponse:
    """GET: what cancelling would refund, line by line; POST: confirm."""
    actor = _actor(request)
    try:
        hire = hire_get(actor=actor, hire_id=hire_id)
    except ApplicationError as error:
        page_refusal(error)
        raise
    now = clock_now()
    staff = actor.role in STAFF_BILLING_ROLES
    if request.method == "POST":
        outcome = hire_cancel(actor=actor, hire_id=hire.pk, now=now, gateway=gateway_configured())
        level = messages.success if outcome.changed else messages.info
        level(request, _cancel_message(outcome, staff=staff))
        return redirect("web:billing")
    preview = hire_cancel_preview(hire=hire, now=now)
    return render(
        request,
        "web/billing/cancel.html",
        {
            "current": "billing",
            "hire": hire,
            "preview": preview,
            "zero": Decimal(0),
            "staff": staff,
        },
    )


def _cancel_message(outcome: CancelOutcome, *, staff: bool) -> str:
    """What the cancel did, worded for the viewer: the client admin ("paid back to
    you") or provider staff acting for the client ("pay ... back to Thames")."""
    client = outcome.hire.client.name
    last = f"{outcome.preview.last_day:%-d %B %Y}"
    if outcome.credit_note is None:
        done = f"Hire cancelled: its last day is {last}."
        return done if outcome.changed else f"This hire was cancelled already: {done[15:]}"
    note = f"Credit note {outcome.credit_note.number} issued"
    refund = outcome.refund
    if refund is not None:
        amount = money(refund.amount, refund.currency)
        by_hand = (
            f"; pay {amount} back to {client} by bank transfer, then mark the refund paid"
            if staff
            else f"; we pay {amount} back to the account you paid from"
        )
        note += {
            "failed": f"; the refund of {amount} could not be sent yet and is retried",
            "by_hand": by_hand,
            "completed": f"; {amount} refunded",
        }.get(refund.status, f"; a refund of {amount} is on its way")
    else:
        owes = f"what {client} owes" if staff else "what you owe"
        note += f": it reduces {owes}; nothing was paid, so nothing is paid back"
    if not outcome.changed:
        return f"This hire was cancelled already on {outcome.preview.on:%-d %B %Y}: {note}."
    return f"Hire cancelled. {note}."
