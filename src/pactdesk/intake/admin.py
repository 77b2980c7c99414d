from django import forms
from django.contrib import admin

from pactdesk.intake.models import Mailbox


class MailboxForm(forms.ModelForm):
    """The password is never sent back to the browser: leave it empty to keep it."""

    password = forms.CharField(
        widget=forms.PasswordInput(render_value=False),
        required=False,
        strip=False,
        help_text="Kept sealed under the secret key. Leave empty to keep the current one.",
    )

    class Meta:
        model = Mailbox
        fields = [
            "client",
            "host",
            "port",
            "use_ssl",
            "starttls",
            "username",
            "password",
            "folder",
            "done_folder",
            "is_active",
        ]

    def clean_password(self) -> str:
        given: str = self.cleaned_data.get("password", "")
        if given:
            return given
        if self.instance.pk is not None:
            return self.instance.password
        raise forms.ValidationError("A new mailbox needs its password.")


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    form = MailboxForm
    list_display = ["__str__", "client", "is_active", "last_polled_at", "last_error"]
    list_filter = ["is_active", "client"]
    readonly_fields = ["last_polled_at", "last_error"]
