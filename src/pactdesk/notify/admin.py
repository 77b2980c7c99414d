"""Django admin for the acknowledgement templates: provider admins edit any client's,
with a preview of the text rendered for a sample ticket."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html

from pactdesk.notify.acknowledgements import (
    SAMPLE,
    acknowledgement_help_text,
    acknowledgement_render,
)
from pactdesk.notify.models import AcknowledgementTemplate


@admin.register(AcknowledgementTemplate)
class AcknowledgementTemplateAdmin(admin.ModelAdmin):
    list_display = ["client", "language", "is_default"]
    list_filter = ["client", "is_default"]
    fields = ["client", "language", "is_default", "body", "preview"]
    readonly_fields = ["preview"]

    class Media:
        # The preview's look: the Content-Security-Policy refuses style attributes.
        css = {"all": ["notify/admin.css"]}

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, **kwargs)
        form.base_fields["body"].help_text = acknowledgement_help_text()
        return form

    @admin.display(description="Preview (sample ticket, as saved)")
    def preview(self, template: AcknowledgementTemplate) -> str:
        if template.pk is None:
            return "Save to see the text as a customer would."
        text = acknowledgement_render(body=template.body, facts=SAMPLE)
        return format_html('<pre class="acknowledgement-preview">{}</pre>', text)
