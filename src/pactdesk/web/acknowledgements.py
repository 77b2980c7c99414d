"""The client admin's page of acknowledgement templates: list, add, edit, preview,
delete. Only a client admin reaches it (other users get 403); another client's
template is a 404, as the actor-scoped selector answers."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from pactdesk.accounts.models import Client, Role, User
from pactdesk.notify.acknowledgements import BUILT_IN, VARIABLES
from pactdesk.notify.models import AcknowledgementTemplate
from pactdesk.notify.selectors import (
    acknowledgement_preview,
    acknowledgement_template_get,
    acknowledgement_template_list,
)
from pactdesk.notify.services import acknowledgement_template_delete, acknowledgement_template_save
from pactdesk.platform.errors import ApplicationError, NotFound


class AcknowledgementTemplateForm(forms.Form):
    language = forms.CharField(max_length=35, help_text="A BCP 47 tag such as en, de or fr-CA.")
    is_default = forms.BooleanField(
        required=False, label="Use when no template matches the customer's language"
    )
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 14}), strip=False)


def _client_admin(request: HttpRequest) -> User:
    actor: User = request.user  # type: ignore[assignment]
    if actor.role != Role.CLIENT_ADMIN:
        raise Forbidden("Only client admins edit acknowledgement templates.")
    return actor


def _template(actor: User, template_id: int) -> AcknowledgementTemplate:
    try:
        return acknowledgement_template_get(actor=actor, template_id=template_id)
    except NotFound:
        raise Http404("No such template") from None


@login_required
def acknowledgement_index(request: HttpRequest) -> HttpResponse:
    actor = _client_admin(request)
    templates = acknowledgement_template_list(actor=actor)
    return render(
        request,
        "web/desk/acknowledgements.html",
        {"templates": templates, "built_in": BUILT_IN, "current": "acknowledgements"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def acknowledgement_new(request: HttpRequest) -> HttpResponse:
    return _edit(request, _client_admin(request), None)


@login_required
@require_http_methods(["GET", "POST"])
def acknowledgement_edit(request: HttpRequest, template_id: int) -> HttpResponse:
    actor = _client_admin(request)
    return _edit(request, actor, _template(actor, template_id))


@login_required
@require_POST
def acknowledgement_delete(request: HttpRequest, template_id: int) -> HttpResponse:
    actor = _client_admin(request)
    acknowledgement_template_delete(actor=actor, template=_template(actor, template_id))
    return redirect("web:acknowledgements")


def _edit(
    request: HttpRequest, actor: User, template: AcknowledgementTemplate | None
) -> HttpResponse:
    """GET shows the form (the built-in text to start from); POST with `preview`
    renders the text for a sample ticket, otherwise saves and returns to the list."""
    initial = {"language": "en", "body": BUILT_IN, "is_default": False}
    if template is not None:
        initial = {
            "language": template.language,
            "body": template.body,
            "is_default": template.is_default,
        }
    form = AcknowledgementTemplateForm(request.POST or None, initial=initial)
    client: Client = actor.client  # type: ignore[assignment]  # a client admin has one
    preview, status = None, 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if "preview" in request.POST:
                preview = acknowledgement_preview(body=data["body"], client_name=client.name)
            else:
                acknowledgement_template_save(
                    actor=actor,
                    client=client,
                    template=template,
                    language=data["language"],
                    body=data["body"],
                    is_default=data["is_default"],
                )
                return redirect("web:acknowledgements")
        except ApplicationError as error:
            field = error.field if error.field in form.fields else None
            message = error.message.removeprefix(f"{field}: ") if field else error.message
            form.add_error(field, message)
            status = error.http_status
    elif request.method == "POST":
        status = 422
    context = {
        "form": form,
        "template": template,
        "preview": preview,
        "variables": VARIABLES,
        "current": "acknowledgements",
    }
    return render(request, "web/desk/acknowledgement_form.html", context, status=status)
