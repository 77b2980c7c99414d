from django.contrib import admin
from django.urls import include, path

from pactdesk.api.main import api

admin.site.site_header = "Pactdesk administration"
admin.site.site_title = "Pactdesk admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("pactdesk.web.urls")),
]
