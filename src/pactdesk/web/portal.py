"""The customer portal: a customer's own tickets of one client and, on each, only what
is theirs: the messages they wrote and the public replies sent to them (also on the
ticket it was merged into, whoever's that is), and only those messages' files. Replies
reopen a solved ticket, reach the ticket a merged one went into, and on a closed one
lodge a follow-up."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pactdesk.accounts.models import Client, Customer
from pactdesk.accounts.selectors import client_get_public
from pactdesk.desk.jobs import portal_link_mail_job
from pactdesk.desk.models import Ticket
from pactdesk.desk.selectors import (
    customer_attachment_get,
    customer_ticket_get,
    customer_ticket_list,
    customer_ticket_messages,
)
from pactdesk.desk.services import ticket_customer_reply
from pactdesk.domain.identity import email_identity
from pactdesk.platform.clock import clock_now
from pactdesk.platform.errors import ApplicationError, NotFound
from pactdesk.routing.selectors import ticket_wait_reason
from pactdesk.web.forms import PortalEmailForm, PortalReplyForm
from pactdesk.web.portal_access import (
    portal_link_use,
    portal_link_valid,
    portal_session_customer,
    portal_session_end,
    portal_session_start,
)
from pactdesk.web.ratelimit import client_address, rate_limit_hit
from pactdesk.web.ticket_page import attachment_response
from pactdesk.web.uploads import attachments_from_uploads


@require_http_methods(["GET", "POST"])
def portal_start(request: HttpRequest, slug: str) -> HttpResponse:
    """Ask for an e-mail address and mail a link. The answer is the same whether or
    not we know the address, so the page tells nobody who our customers are: the
    request only counts the rate limits and queues a job (after the response's
    commit) that looks the address up and, for a customer, queues the mail."""
    client = client_get_public(slug=slug)
    if request.method == "GET":
        if portal_session_customer(request=request, client=client) is not None:
            return redirect("web:portal_tickets", slug=client.slug)
        return render(
            request, "web/portal/start.html", {"client": client, "form": PortalEmailForm()}
        )
    form = PortalEmailForm(request.POST)
    if not form.is_valid():
        return render(
            request, "web/portal/start.html", {"client": client, "form": form}, status=422
        )
    email = form.cleaned_data["email"]
    if _link_over_limit(request, client, email):
        return render(request, "web/portal/too_many.html", {"client": client}, status=429)
    client_id = client.pk
    transaction.on_commit(lambda: portal_link_mail_job(client_id, email))
    return render(request, "web/portal/sent.html", {"client": client, "email": email})


@require_http_methods(["GET", "POST"])
def portal_enter(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """GET shows a button (reading spends nothing); its POST spends the link."""
    client = client_get_public(slug=slug)
    if request.method == "POST":
        customer = portal_link_use(client=client, token=token)
        if customer is not None:
            portal_session_start(request=request, customer=customer)
            return redirect("web:portal_tickets", slug=client.slug)
    elif portal_link_valid(client=client, token=token):
        return render(request, "web/portal/enter.html", {"client": client})
    return render(request, "web/portal/bad_link.html", {"client": client}, status=400)


@require_POST
def portal_logout(request: HttpRequest, slug: str) -> HttpResponse:
    client = client_get_public(slug=slug)
    portal_session_end(request=request)
    return redirect("web:portal_start", slug=client.slug)


@require_GET
def portal_tickets(request: HttpRequest, slug: str) -> HttpResponse:
    client, customer = _signed_in(request, slug)
    if customer is None:
        return redirect("web:portal_start", slug=client.slug)
    context = {
        "client": client,
        "customer": customer,
        "tickets": customer_ticket_list(customer=customer),
    }
    return render(request, "web/portal/tickets.html", context)


@require_http_methods(["GET", "POST"])
def portal_ticket(request: HttpRequest, slug: str, ticket_id: int) -> HttpResponse:
    client, customer = _signed_in(request, slug)
    if customer is None:
        return redirect("web:portal_start", slug=client.slug)
    try:
        ticket = customer_ticket_get(customer=customer, ticket_id=ticket_id)
    except NotFound:
        raise Http404("No such ticket") from None
    form = PortalReplyForm(request.POST or None)
    if request.method == "GET":
        return _render_ticket(request, client, customer, ticket, form)
    if not form.is_valid():
        return _render_ticket(request, client, customer, ticket, form, status=422)
    try:
        answered = ticket_customer_reply(
            ticket=ticket,
            customer=customer,
            body=form.cleaned_data["body"],
            now=clock_now(),
            channel="portal",
            attachments=attachments_from_uploads(request),
        )
    except ApplicationError as error:
        form.add_error(None, error.message)
        ticket = customer_ticket_get(customer=customer, ticket_id=ticket_id)
        return _render_ticket(request, client, customer, ticket, form, status=error.http_status)
    # A reply to a merged ticket lands on the ticket it went into, which may be another
    # customer's: the customer goes on reading it through their own.
    shown = answered.pk if answered.customer_id == customer.pk else ticket.pk
    return redirect("web:portal_ticket", slug=client.slug, ticket_id=shown)


@require_GET
def portal_attachment(request: HttpRequest, slug: str, attachment_id: int) -> FileResponse:
    _client, customer = _signed_in(request, slug)
    if customer is None:
        raise Http404("No such attachment")
    return attachment_response(
        customer_attachment_get(customer=customer, attachment_id=attachment_id)
    )


def _signed_in(request: HttpRequest, slug: str) -> tuple[Client, Customer | None]:
    client = client_get_public(slug=slug)
    return client, portal_session_customer(request=request, client=client)


def _render_ticket(
    request: HttpRequest,
    client: Client,
    customer: Customer,
    ticket: Ticket,
    form: PortalReplyForm,
    status: int = 200,
) -> HttpResponse:
    context = {
        "client": client,
        "customer": customer,
        "ticket": ticket,
        "form": form,
        "conversation": customer_ticket_messages(customer=customer, ticket=ticket),
        "body_max": settings.PACTDESK_BODY_MAX_CHARS,
        "wait_reason": ticket_wait_reason(ticket=ticket, now=clock_now()),
    }
    return render(request, "web/portal/ticket.html", context, status=status)


def _link_over_limit(request: HttpRequest, client: Client, email: str) -> bool:
    window, limit = (
        settings.PACTDESK_RATE_WINDOW_SECONDS,
        settings.PACTDESK_PORTAL_LINK_LIMIT_PER_IP,
    )
    by_ip = rate_limit_hit(
        scope=f"portal:{client.pk}:ip", key=client_address(request), limit=limit, window=window
    )
    by_address = rate_limit_hit(
        scope=f"portal:{client.pk}:email",
        key=email_identity(email),
        limit=limit,
        window=window,
    )
    return by_ip or by_address
