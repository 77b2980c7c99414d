"""Forms of the public pages: the web form and the portal's e-mail address."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator

from pactdesk.desk.services.lodging import MAX_SUBJECT


class WebRequestForm(forms.Form):
    name = forms.CharField(max_length=200, required=False)
    email = forms.EmailField(max_length=320, label="E-mail")
    subject = forms.CharField(max_length=MAX_SUBJECT)
    body = forms.CharField(label="How can we help?")
    # A field people never see: bots fill every input they find.
    website = forms.CharField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = settings.PACTDESK_BODY_MAX_CHARS
        self.fields["body"].validators.append(MaxLengthValidator(limit))
        self.fields["body"].max_length = limit  # type: ignore[attr-defined]

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))


class PortalEmailForm(forms.Form):
    email = forms.EmailField(max_length=320, label="E-mail")


class PortalReplyForm(forms.Form):
    body = forms.CharField(label="Your reply")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].validators.append(MaxLengthValidator(settings.PACTDESK_BODY_MAX_CHARS))
