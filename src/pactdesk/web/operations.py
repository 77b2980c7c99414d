"""Operations: what provider admins and managers check when something is stuck.

The pages share one tab bar (`OPS_TABS`, drawn by the `ops_tabs` template tag). The
Outbox tab lives here; the API keys tab is served by `pactdesk.api.pages` (the web
layer may not import the API's models), under the same layout.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from pactdesk.accounts.access import operator_required
from pactdesk.accounts.models import User
from pactdesk.accounts.selectors import client_list
from pactdesk.notify.selectors import (
    OUTBOX_STATES,
    RECENT_SENT,
    outbox_counts,
    outbox_failed_count,
    outbox_list,
)
from pactdesk.notify.services import mail_retry_now, outbox_retry_failed
from pactdesk.platform.clock import clock_now
from pactdesk.platform.errors import ApplicationError
from pactdesk.platform.ids import id_parse

PAGE_SIZE = 50


@dataclass(frozen=True)
class OpsTab:
    name: str  # the page's `ops_tab`
    title: str
    url_name: str
    badge: Callable[[], int] | None = None  # a count beside the title (one query)
    badge_context: str = ""  # or a count the page's context already holds


OPS_TABS: list[OpsTab] = [
    OpsTab("outbox", "Outbox", "web:ops_outbox", badge=outbox_failed_count),
    OpsTab("api_keys", "API keys", "api_pages:keys"),
    # Served by pactdesk.intake.pages; its count comes from that app's context processor.
    OpsTab("quarantine", "Quarantine", "intake_pages:quarantine", badge_context="quarantine_held"),
]

STATE_TITLES = {
    "pending": "Pending",
    "retrying": "Retrying",
    "failed": "Failed",
    "sent": f"Sent (last {RECENT_SENT})",
}
DEFAULT_STATE = "failed"


@require_GET
@operator_required
def ops_index(request: HttpRequest) -> HttpResponse:
    return redirect("web:ops_outbox")


@require_GET
@operator_required
def outbox(request: HttpRequest) -> HttpResponse:
    return _render_outbox(request, request.GET)


@require_POST
@operator_required
def mail_retry(request: HttpRequest, mail_id: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    try:
        mail = mail_retry_now(actor=actor, mail_id=mail_id, now=clock_now())
    except ApplicationError as error:
        return _render_outbox(request, request.POST, error=error)
    messages.success(request, f"Mail {mail.pk} to {mail.to_address} is handed to delivery now.")
    return redirect(_outbox_url(request.POST))


@require_POST
@operator_required
def outbox_retry_all_failed(request: HttpRequest) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    client_id = _client_id(request.POST)
    count = outbox_retry_failed(actor=actor, now=clock_now(), client_id=client_id)
    messages.success(request, f"{count} failed mail{'' if count == 1 else 's'} handed to delivery.")
    return redirect(_outbox_url(request.POST))


def _render_outbox(
    request: HttpRequest, params: QueryDict, *, error: ApplicationError | None = None
) -> HttpResponse:
    """The outbox tab `params` ask for (state, client, cursor); after a refused action
    the form's own fields, with the refusal's message and status."""
    state = params.get("state") or DEFAULT_STATE
    if state not in OUTBOX_STATES:
        raise Http404("No such outbox state")
    client_id = _client_id(params)
    counts = outbox_counts(client_id=client_id)
    status = error.http_status if error else 200
    try:
        page = outbox_list(
            state=state, client_id=client_id, cursor=params.get("cursor") or None, limit=PAGE_SIZE
        )
    except ApplicationError as refusal:
        page, error, status = None, refusal, refusal.http_status
    keep = {"client": str(client_id)} if client_id is not None else {}
    tabs = [
        {
            "state": name,
            "title": STATE_TITLES[name],
            "count": counts.get(name),
            "url": _url({**keep, "state": name}),
            "current": name == state,
        }
        for name in OUTBOX_STATES
    ]
    context = {
        "current": "ops",
        "ops_tab": "outbox",
        "state": state,
        "state_title": STATE_TITLES[state],
        "tabs": tabs,
        "failed_count": counts["failed"],
        "client_id": client_id,
        "clients": client_list(actor=request.user),  # type: ignore[arg-type]
        "page": page,
        "error": error.message if error else "",
        "next_url": _url({**keep, "state": state, "cursor": page.next_cursor})
        if page and page.next_cursor
        else None,
        "first_url": _url({**keep, "state": state}) if params.get("cursor") else None,
    }
    return render(request, "web/ops/outbox.html", context, status=status)


def _client_id(params: QueryDict) -> int | None:
    return id_parse(params.get("client") or "")


def _outbox_url(params: QueryDict) -> str:
    keep = {"state": params.get("state") or DEFAULT_STATE}
    client_id = _client_id(params)
    if client_id is not None:
        keep["client"] = str(client_id)
    return _url(keep)


def _url(params: dict[str, str]) -> str:
    return f"{reverse('web:ops_outbox')}?{urlencode(params)}"
