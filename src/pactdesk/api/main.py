"""The NinjaAPI mounted at /api/: docs at /api/docs, schema at /api/openapi.json."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI

from pactdesk.api.auth import ApiKeyAuth
from pactdesk.api.billing import router as billing
from pactdesk.api.billing_admin import router as billing_admin
from pactdesk.api.error_codes import ApiErrorCode
from pactdesk.api.errors import error_body, install_error_map
from pactdesk.api.monthly_reports import router as monthly_reports
from pactdesk.api.rendering import FastJSONRenderer
from pactdesk.api.reports import router as reports
from pactdesk.api.routing import router as routing
from pactdesk.api.tickets.router import router as tickets
from pactdesk.api.work import router as work

api = NinjaAPI(
    title="Pactdesk API",
    version="1",
    description=(
        "Tickets for client integrations (client keys) and staff (staff tokens). "
        "Authenticate with `Authorization: Bearer pd_...`; mint keys with "
        "`pactdesk api-key create`. Errors are JSON {code, message, field?}."
    ),
    auth=ApiKeyAuth(),
    renderer=FastJSONRenderer(),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_map(api)
api.add_router("/", tickets)
api.add_router("/", reports)
api.add_router("/", routing)
api.add_router("/", work)
api.add_router("/", billing)
api.add_router("/", billing_admin)
api.add_router("/", monthly_reports)


@csrf_exempt
def api_path_not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Any /api/ path no operation has, whatever the method: JSON like every other API
    error, not HTML. CSRF-exempt like Ninja's own operations (the API authenticates by
    key, never by session cookie): else a mistyped POST got Django's HTML CSRF 403."""
    message = f"No API operation at {request.path}; see /api/docs."
    return JsonResponse(error_body(ApiErrorCode.NOT_FOUND, message), status=404)
