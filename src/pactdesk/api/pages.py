"""The API keys tab of the Operations pages (provider admins and managers): every key,
never a secret, and revocation. Served here, not by `pactdesk.web`, because the web
layer may not import the API (import-linter's independent entry points); it uses the
Operations layout by template name (`web/ops/`)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from pactdesk.accounts.access import operator_required
from pactdesk.accounts.models import User
from pactdesk.api.selectors import api_key_list
from pactdesk.api.services import api_key_revoke
from pactdesk.platform.clock import clock_now
from pactdesk.platform.errors import ApplicationError


@require_GET
@operator_required
def api_keys(request: HttpRequest) -> HttpResponse:
    return _render_keys(request)


@require_POST
@operator_required
def api_key_revoke_view(request: HttpRequest, prefix: str) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    try:
        key = api_key_revoke(prefix=prefix, now=clock_now(), actor=actor)
    except ApplicationError as error:
        return _render_keys(request, error=error)
    messages.success(request, f"Revoked {key.prefix} ({key.name}): calls with it are refused.")
    return redirect("api_pages:keys")


def _render_keys(request: HttpRequest, *, error: ApplicationError | None = None) -> HttpResponse:
    context = {
        "current": "ops",
        "ops_tab": "api_keys",
        "keys": api_key_list(),
        "error": error.message if error else "",
    }
    return render(
        request, "web/ops/api_keys.html", context, status=error.http_status if error else 200
    )
