"""Billing administration pages. Provider admins and managers: a client's billing terms
(read and change), its seats and hires (start one; cancel through the hire's cancel
page), voiding an invoice after a confirmation, refunds to pay back by hand. Both
sides: a credit note's page and PDF (another client's is a 404).

Each view parses, calls one billing selector or service, and answers; a refusal is
shown beside the form with its code, with the service's status (422, 409)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from pactdesk.accounts.models import Client, User
from pactdesk.agreements.models import PlanKind
from pactdesk.billing.admin_selectors import (
    billing_agreement_of,
    billing_changes,
    billing_client_get,
    billing_clients,
    billing_terms_of,
    client_hires,
    credit_note_get,
    credit_note_list,
    invoice_void_change,
    refunds_by_hand,
    seat_rows,
)
from pactdesk.billing.credit_note_documents import (
    credit_note_context,
    credit_note_filename,
    credit_note_pdf,
)
from pactdesk.billing.models import BillingTerms, Invoice, RefundStatus
from pactdesk.billing.selectors import invoice_list
from pactdesk.billing.services.access import billing_staff_check, local_today
from pactdesk.billing.services.hire_admin import hire_start_for_seat
from pactdesk.billing.services.payments import invoice_get
from pactdesk.billing.services.refund_by_hand import refund_pay_by_hand
from pactdesk.billing.services.terms_change import (
    TERMS_FIELDS,
    billing_terms_update,
    terms_values,
)
from pactdesk.billing.services.void import invoice_void
from pactdesk.platform.clock import clock_now
from pactdesk.platform.errors import ApplicationError, NotFound, PermissionDenied
from pactdesk.web.billing import page_refusal

INVOICES_SHOWN = 24
# A date input's value must be ISO (YYYY-MM-DD) for the browser to show it.
ISO_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TermsForm(forms.Form):
    currency = forms.CharField(max_length=3)
    monthly_fee = forms.CharField(max_length=30, required=False)
    seat_fee = forms.CharField(max_length=30, required=False)
    round_the_clock_fee = forms.CharField(max_length=30)
    tax_rate = forms.CharField(max_length=10, label="Tax rate (%)")
    tax_label = forms.CharField(max_length=40)
    payment_days = forms.CharField(max_length=4, label="Payment days")
    billing_contacts = forms.CharField(
        max_length=2000, required=False, help_text="E-mail addresses, separated by commas."
    )
    credit_percent_per_point = forms.CharField(max_length=10, label="Credit % per point missed")
    credit_cap_percent = forms.CharField(max_length=10, label="Credit cap (%)")


class HireForm(forms.Form):
    seat = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    start = forms.DateField(widget=ISO_DATE, label="Start date")


class VoidForm(forms.Form):
    reason = forms.CharField(max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class RefundPaidForm(forms.Form):
    paid_on = forms.DateField(widget=ISO_DATE, label="Paid on")
    reference = forms.CharField(max_length=100, label="Bank reference")


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _staff(request: HttpRequest) -> User:
    actor = _actor(request)
    try:
        billing_staff_check(actor)
    except PermissionDenied as error:
        raise Forbidden(error.message) from None
    return actor


@login_required
def clients_page(request: HttpRequest) -> HttpResponse:
    """Every client, with a link to its billing terms and hires."""
    actor = _staff(request)
    clients = list(billing_clients(actor=actor))
    return render(
        request, "web/billing/admin_clients.html", {"current": "billing", "clients": clients}
    )


@login_required
def client_page(request: HttpRequest, slug: str) -> HttpResponse:
    actor = _staff(request)
    client = _client(actor, slug)
    return _client_render(request, actor, client)


def _client(actor: User, slug: str) -> Client:
    try:
        return billing_client_get(actor=actor, slug=slug)
    except ApplicationError as error:
        page_refusal(error)
        raise


def _client_render(
    request: HttpRequest,
    actor: User,
    client: Client,
    *,
    terms_form: TermsForm | None = None,
    hire_form: HireForm | None = None,
    status: int = 200,
) -> HttpResponse:
    now = clock_now()
    try:
        agreement = billing_agreement_of(client=client, now=now)
    except ApplicationError as error:
        page_refusal(error)
        raise
    terms = billing_terms_of(agreement=agreement)
    seats = seat_rows(agreement=agreement)
    dedicated = agreement.plan.kind == PlanKind.DEDICATED
    if terms_form is None:
        terms_form = TermsForm(initial=terms_values(agreement=agreement, terms=terms))
    if hire_form is None:
        hire_form = HireForm(initial={"start": local_today(agreement=agreement, now=now)})
    _seat_choices(hire_form, seats=seats, dedicated=dedicated)
    invoices = list(invoice_list(actor=actor).filter(client=client)[:INVOICES_SHOWN])
    context = {
        "current": "billing",
        "client": client,
        "agreement": agreement,
        "dedicated": dedicated,
        "terms": terms,
        "terms_form": terms_form,
        "hire_form": hire_form,
        "seats": seats,
        "hires": list(client_hires(actor=actor, client=client)),
        "invoices": invoices,
        "credit_notes": list(credit_note_list(actor=actor).filter(client=client)[:50]),
        "changes": billing_changes(actor=actor, client=client),
        "fee": _fee(terms, dedicated=dedicated),
    }
    return render(request, "web/billing/admin_client.html", context, status=status)


def _fee(terms: BillingTerms | None, *, dedicated: bool) -> Decimal | None:
    """The monthly fee a new hire is billed (None: no terms yet)."""
    if terms is None:
        return None
    return terms.seat_fee if dedicated else terms.monthly_fee


def _seat_choices(form: HireForm, *, seats: list, dedicated: bool) -> None:
    field = form.fields["seat"]
    assert isinstance(field, forms.TypedChoiceField)
    if not dedicated:
        field.choices = [("", "The shared plan (no seat)")]
        return
    field.required = True
    field.choices = [
        (
            row.seat.number,
            f"Seat {row.seat.number} — "
            + (row.seat.agent.name if row.seat.agent else "no technician yet")
            + (f" (hired, hire {row.hire.pk})" if row.hire else ""),
        )
        for row in seats
    ]


@login_required
@require_POST
def terms_save(request: HttpRequest, slug: str) -> HttpResponse:
    actor = _staff(request)
    client = _client(actor, slug)
    form = TermsForm(request.POST)
    if not form.is_valid():
        return _client_render(request, actor, client, terms_form=form, status=422)
    values = {name: form.cleaned_data[name] for name in TERMS_FIELDS}
    try:
        agreement = billing_agreement_of(client=client, now=clock_now())
        change = billing_terms_update(
            actor=actor, agreement=agreement, values=values, now=clock_now()
        )
    except (NotFound, PermissionDenied) as error:
        page_refusal(error)
        raise
    except ApplicationError as error:
        form.add_error(
            error.field if error.field in form.fields else None, f"{error.message} ({error.code})"
        )
        return _client_render(request, actor, client, terms_form=form, status=error.http_status)
    if change.changed:
        messages.success(request, f"Billing terms saved: {', '.join(change.changed)} changed.")
    else:
        messages.info(request, "Nothing changed.")
    return redirect("web:billing_admin_client", slug=client.slug)


@login_required
@require_POST
def hire_start_page(request: HttpRequest, slug: str) -> HttpResponse:
    actor = _staff(request)
    client = _client(actor, slug)
    now = clock_now()
    form = HireForm(request.POST)
    try:
        agreement = billing_agreement_of(client=client, now=now)
    except ApplicationError as error:
        page_refusal(error)
        raise
    _seat_choices(
        form,
        seats=seat_rows(agreement=agreement),
        dedicated=agreement.plan.kind == PlanKind.DEDICATED,
    )
    if not form.is_valid():
        return _client_render(request, actor, client, hire_form=form, status=422)
    try:
        hire = hire_start_for_seat(
            actor=actor,
            agreement=agreement,
            seat_number=form.cleaned_data["seat"],
            start_date=form.cleaned_data["start"],
            now=now,
        )
    except PermissionDenied as error:
        page_refusal(error)
        raise
    except ApplicationError as error:
        field = error.field if error.field in form.fields else None
        form.add_error(field, f"{error.message} ({error.code})")
        return _client_render(request, actor, client, hire_form=form, status=error.http_status)
    first = hire.invoices.order_by("period_index").first()
    messages.success(
        request,
        f"Hire {hire.pk} started on {hire.start_date:%d %B %Y}"
        + (f"; invoice {first.number} issued." if first else "."),
    )
    return redirect("web:billing_admin_client", slug=client.slug)


@login_required
@require_http_methods(["GET", "POST"])
def invoice_void_page(request: HttpRequest, invoice_id: int) -> HttpResponse:
    """GET: what voiding means, and a reason to give; POST: void."""
    actor = _staff(request)
    invoice = _invoice(actor, invoice_id)
    form = VoidForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                outcome = invoice_void(
                    actor=actor,
                    invoice_id=invoice.pk,
                    reason=form.cleaned_data["reason"],
                    now=clock_now(),
                )
            except ApplicationError as error:
                form.add_error("reason", f"{error.message} ({error.code})")
                status = error.http_status
            else:
                if outcome.changed:
                    messages.success(request, f"Invoice {invoice.number} is void.")
                else:
                    messages.info(request, f"Invoice {invoice.number} was void already.")
                return redirect("web:billing_invoice", invoice_id=invoice.pk)
        else:
            status = 422
    context = {
        "current": "billing",
        "invoice": invoice,
        "form": form,
        "voided": invoice_void_change(invoice=invoice),
    }
    return render(request, "web/billing/void.html", context, status=status)


def _invoice(actor: User, invoice_id: int) -> Invoice:
    try:
        return invoice_get(actor=actor, invoice_id=invoice_id)
    except ApplicationError as error:
        page_refusal(error)
        raise


@login_required
def refunds_page(request: HttpRequest) -> HttpResponse:
    """Refunds to pay back by hand, each with its form; then those paid."""
    actor = _staff(request)
    return _refunds_render(request, actor)


def _refunds_render(
    request: HttpRequest,
    actor: User,
    *,
    failed: tuple[int, RefundPaidForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    now = clock_now()
    rows = []
    for refund in refunds_by_hand(actor=actor):
        form = failed[1] if failed and failed[0] == refund.pk else None
        if form is None and refund.status == RefundStatus.BY_HAND:
            # The client's today, the latest day the form takes (UTC's is tomorrow
            # for New York in the evening: the day offered would be refused).
            invoice = (refund.credit_note or refund.payment).invoice  # type: ignore[union-attr]
            today = local_today(agreement=invoice.agreement, now=now)
            form = RefundPaidForm(initial={"paid_on": today}, prefix=f"r{refund.pk}")
        rows.append((refund, form))
    context = {"current": "billing", "rows": rows}
    return render(request, "web/billing/refunds_by_hand.html", context, status=status)


@login_required
@require_POST
def refund_paid(request: HttpRequest, refund_id: int) -> HttpResponse:
    actor = _staff(request)
    form = RefundPaidForm(request.POST, prefix=f"r{refund_id}")
    if not form.is_valid():
        return _refunds_render(request, actor, failed=(refund_id, form), status=422)
    paid_on: date = form.cleaned_data["paid_on"]
    try:
        outcome = refund_pay_by_hand(
            actor=actor,
            refund_id=refund_id,
            paid_on=paid_on,
            reference=form.cleaned_data["reference"],
            now=clock_now(),
        )
    except (NotFound, PermissionDenied) as error:
        page_refusal(error)
        raise
    except ApplicationError as error:
        field = error.field if error.field in form.fields else None
        form.add_error(field, f"{error.message} ({error.code})")
        return _refunds_render(request, actor, failed=(refund_id, form), status=error.http_status)
    if outcome.changed:
        messages.success(request, f"Refund {refund_id} marked paid on {paid_on:%d %B %Y}.")
    else:
        messages.info(request, f"Refund {refund_id} was marked paid already: nothing changed.")
    return redirect("web:billing_refunds_by_hand")


@login_required
def credit_note_page(request: HttpRequest, credit_note_id: int) -> HttpResponse:
    actor = _actor(request)
    try:
        note = credit_note_get(actor=actor, credit_note_id=credit_note_id)
    except ApplicationError as error:
        page_refusal(error)
        raise
    context = {"current": "billing", **credit_note_context(note=note)}
    return render(request, "web/billing/credit_note.html", context)


@login_required
def credit_note_pdf_download(request: HttpRequest, credit_note_id: int) -> HttpResponse:
    try:
        note = credit_note_get(actor=_actor(request), credit_note_id=credit_note_id)
    except ApplicationError as error:
        page_refusal(error)
        raise
    response = HttpResponse(credit_note_pdf(note=note), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{credit_note_filename(note=note)}"'
    return response
