"""URLs of the API keys tab of the Operations pages, under /ops/api-keys/."""

from django.urls import path

from pactdesk.api import pages

app_name = "api_pages"

urlpatterns = [
    path("", pages.api_keys, name="keys"),
    path("<str:prefix>/revoke/", pages.api_key_revoke_view, name="revoke"),
]
