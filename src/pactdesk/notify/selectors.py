"""Reads on the acknowledgement templates: scoped by the actor for the pages, memoised
per client for lodging."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from pactdesk.accounts.models import User
from pactdesk.notify.acknowledgements import (
    SAMPLE,
    acknowledgement_body_check,
    acknowledgement_render,
)
from pactdesk.notify.models import AcknowledgementTemplate
from pactdesk.platform.errors import NotFound, ValidationFailed
from pactdesk.platform.refcache import memo


def acknowledgement_template_list(*, actor: User) -> QuerySet[AcknowledgementTemplate]:
    return AcknowledgementTemplate.objects.for_actor(actor).select_related("client")


def acknowledgement_template_get(*, actor: User, template_id: int) -> AcknowledgementTemplate:
    template = acknowledgement_template_list(actor=actor).filter(pk=template_id).first()
    if template is None:
        raise NotFound(f"Acknowledgement template {template_id} was not found.")
    return template


def acknowledgement_templates_of(*, client_id: int) -> tuple[AcknowledgementTemplate, ...]:
    """A client's templates, read once per process until reference data changes
    (`pactdesk.platform.refcache`; the model is watched): callers must not modify them."""
    return memo(
        ("acknowledgement_templates", client_id),
        lambda: tuple(AcknowledgementTemplate.objects.filter(client_id=client_id)),
    )


def acknowledgement_template_choose(
    *, templates: Sequence[AcknowledgementTemplate], language: str | None
) -> AcknowledgementTemplate | None:
    """The template for a customer's `language` (a BCP 47 tag, or None when unknown):
    the same tag, else the same primary language ("de-AT" finds "de", "fr" finds
    "fr-CA"; an exact primary tag first), else the client's default; None means the
    built-in English text. Tags compare without regard to case."""
    wanted = (language or "").strip().lower()
    if wanted:
        by_tag = {t.language.lower(): t for t in templates}
        if wanted in by_tag:
            return by_tag[wanted]
        primary = wanted.split("-", 1)[0]
        if primary in by_tag:
            return by_tag[primary]
        same = sorted(
            (t for t in templates if t.language.lower().split("-", 1)[0] == primary),
            key=lambda t: t.language,
        )
        if same:
            return same[0]
    return next((t for t in templates if t.is_default), None)


def acknowledgement_preview(*, body: str, client_name: str) -> str:
    """`body` checked as a template and rendered for a sample ticket of the client
    (ValidationFailed naming the problem when it would be refused on save)."""
    try:
        acknowledgement_body_check(body)
    except ValidationError as error:
        raise ValidationFailed(
            " ".join(error.messages), code=error.code or "invalid", field="body"
        ) from None
    return acknowledgement_render(body=body, facts=replace(SAMPLE, client_name=client_name))
