"""URLs of the Quarantine tab of the Operations pages, under /ops/quarantine/."""

from django.urls import path

from pactdesk.intake import pages

app_name = "intake_pages"

urlpatterns = [
    path("", pages.quarantine_list, name="quarantine"),
    path("reprocess-all/", pages.quarantine_reprocess_every, name="reprocess_all"),
    path("<id:entry_id>/original.eml", pages.quarantine_raw, name="raw"),
    path("<id:entry_id>/<slug:action>/", pages.quarantine_action, name="action"),
]
