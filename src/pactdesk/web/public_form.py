"""The public web form of each client: /c/<slug>/new lodges a ticket (channel web)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from pactdesk.accounts.selectors import client_get_public
from pactdesk.desk.services import LodgingRequest, ticket_lodge_once
from pactdesk.platform.clock import clock_now
from pactdesk.platform.errors import ApplicationError
from pactdesk.web.forms import WebRequestForm
from pactdesk.web.ratelimit import client_address, rate_limit_hit
from pactdesk.web.uploads import attachments_from_uploads

SESSION_KEY = "pactdesk_web_form_lodged"


@csrf_protect
@require_http_methods(["GET", "POST"])
def web_form(request: HttpRequest, slug: str) -> HttpResponse:
    client = client_get_public(slug=slug)
    context = {
        "client": client,
        "body_max": settings.PACTDESK_BODY_MAX_CHARS,
        "max_files": settings.PACTDESK_ATTACHMENT_MAX_COUNT,
        "max_bytes": settings.PACTDESK_ATTACHMENT_MAX_BYTES,
    }
    if request.method == "GET":
        return render(request, "web/public/new.html", {**context, "form": WebRequestForm()})
    if _over_limit(request, client.pk):
        return render(request, "web/public/too_many.html", context, status=429)
    form = WebRequestForm(request.POST)
    if form.is_bot:
        return render(request, "web/public/refused.html", context, status=400)
    if not form.is_valid():
        return render(request, "web/public/new.html", {**context, "form": form}, status=422)
    data = form.cleaned_data
    try:
        lodging = LodgingRequest(
            client=client,
            customer_email=data["email"],
            customer_name=data["name"],
            subject=data["subject"],
            body=data["body"],
            channel="web",
            now=clock_now(),
            attachments=attachments_from_uploads(request),
            language=request.headers.get("Accept-Language"),
        )
        ticket = ticket_lodge_once(lodging).ticket
    except ApplicationError as error:
        form.add_error(None, error.message)
        return render(
            request, "web/public/new.html", {**context, "form": form}, status=error.http_status
        )
    request.session[SESSION_KEY] = {"reference": ticket.reference, "email": ticket.customer.email}
    return redirect("web:web_form_done", slug=client.slug)


@require_GET
def web_form_done(request: HttpRequest, slug: str) -> HttpResponse:
    client = client_get_public(slug=slug)
    lodged = request.session.pop(SESSION_KEY, None)
    if lodged is None:
        return redirect("web:web_form", slug=client.slug)
    context = {
        "client": client,
        "reference": lodged["reference"],
        "email": lodged["email"],
        "acknowledged": client.send_acknowledgements,
    }
    return render(request, "web/public/done.html", context)


def _over_limit(request: HttpRequest, client_id: int) -> bool:
    window = settings.PACTDESK_RATE_WINDOW_SECONDS
    per_ip = rate_limit_hit(
        scope=f"webform:{client_id}:ip",
        key=client_address(request),
        limit=settings.PACTDESK_WEB_FORM_LIMIT_PER_IP,
        window=window,
    )
    per_client = rate_limit_hit(
        scope="webform:client",
        key=str(client_id),
        limit=settings.PACTDESK_WEB_FORM_LIMIT_PER_CLIENT,
        window=window,
    )
    return per_ip or per_client
