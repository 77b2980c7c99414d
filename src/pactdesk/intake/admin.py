from django.contrib import admin
from django.forms import PasswordInput

from pactdesk.intake.models import Mailbox


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    list_display = ["__str__", "client", "is_active", "last_polled_at", "last_error"]
    list_filter = ["is_active", "client"]
    readonly_fields = ["last_polled_at", "last_error"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if db_field.name == "password":
            kwargs["widget"] = PasswordInput(render_value=True)
        return super().formfield_for_dbfield(db_field, request, **kwargs)
