from django.contrib import admin
from django.urls import include, path

from pactdesk.api.main import api, api_path_not_found

# admin.site is pactdesk.config.admin_site.PactdeskAdminSite (see config/apps.py).
urlpatterns = [
    path("admin/", admin.site.urls),
    # /api/ itself is no operation (Ninja's own home there is HTML and CSRF-checked).
    path("api/", api_path_not_found),
    path("api/", api.urls),
    path("api/<path:rest>", api_path_not_found),
    path("ops/api-keys/", include("pactdesk.api.page_urls")),
    path("ops/quarantine/", include("pactdesk.intake.page_urls")),
    path("payments/", include("pactdesk.payments.urls")),
    path("", include("pactdesk.web.urls")),
]
