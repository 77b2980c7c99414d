"""Reads of notify: the acknowledgement templates (scoped by the actor for the pages,
memoised per client for lodging) and the outbox, for the operators' Outbox page.

A mail is in one of four states: `pending` (never tried yet), `retrying` (tried and
failed, another attempt is due at `next_attempt_at`), `failed` (given up after
`MAX_ATTEMPTS`) and `sent`. Lists page by keyset cursors, never by offset.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet

from pactdesk.accounts.models import User
from pactdesk.notify.acknowledgements import (
    SAMPLE,
    acknowledgement_body_check,
    acknowledgement_render,
)
from pactdesk.notify.error_codes import NotifyErrorCode
from pactdesk.notify.models import AcknowledgementTemplate, OutboundMail, OutboxStatus
from pactdesk.platform.cursors import cursor_decode, cursor_encode
from pactdesk.platform.error_codes import PlatformErrorCode
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
    """The template for a customer's `language` (a BCP 47 tag, an Accept-Language
    value such as "de-AT,de;q=0.9,en;q=0.8" whose languages are tried best first, or
    None when unknown): the same tag, else the same primary language ("de-AT" finds
    "de", "fr" finds "fr-CA"; an exact primary tag first), else the client's default;
    None means the built-in English text. Tags compare without regard to case."""
    by_tag = {t.language.lower(): t for t in templates}
    for wanted in language_preferences(language):
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


def language_preferences(value: str | None) -> list[str]:
    """The language tags of a BCP 47 tag or an Accept-Language value (RFC 9110
    §12.5.4), lower case, best first ("*", q=0 and malformed entries left out)."""
    ranked: list[tuple[float, int, str]] = []
    for index, item in enumerate((value or "").split(",")):
        tag, _, params = item.partition(";")
        tag = tag.strip().lower().replace("_", "-")
        weight = 1.0
        for param in params.split(";"):
            name, _, number = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(number)
                except ValueError:
                    weight = 0.0
        if tag and tag != "*" and weight > 0 and _TAG.fullmatch(tag):
            ranked.append((-weight, index, tag))
    return [tag for _, _, tag in sorted(ranked)]


_TAG = re.compile(r"[a-z]{1,8}(-[a-z0-9]{1,8})*")


def acknowledgement_preview(*, body: str, client_name: str) -> str:
    """`body` checked as a template and rendered for a sample ticket of the client
    (ValidationFailed naming the problem when it would be refused on save)."""
    try:
        acknowledgement_body_check(body)
    except ValidationError as error:
        raise ValidationFailed(
            " ".join(error.messages), code=error.code or PlatformErrorCode.INVALID, field="body"
        ) from None
    return acknowledgement_render(body=body, facts=replace(SAMPLE, client_name=client_name))


OUTBOX_STATES = ("pending", "retrying", "failed", "sent")
RECENT_SENT = 50  # the sent tab shows this many, newest first, and no more
MAX_PAGE = 100

_STATE_ROWS = {
    "pending": Q(status=OutboxStatus.PENDING, attempts=0),
    "retrying": Q(status=OutboxStatus.PENDING, attempts__gt=0),
    "failed": Q(status=OutboxStatus.FAILED),
    "sent": Q(status=OutboxStatus.SENT),
}


@dataclass(frozen=True)
class OutboxPage:
    items: list[OutboundMail]
    next_cursor: str | None


def outbox_counts(*, client_id: int | None = None) -> dict[str, int]:
    """How many mails wait, are being retried, and failed for good, in one query.
    Sent mail is not counted (it only grows); its tab lists the last `RECENT_SENT`."""
    rows = OutboundMail.objects.filter(status__in=[OutboxStatus.PENDING, OutboxStatus.FAILED])
    if client_id is not None:
        rows = rows.filter(client_id=client_id)
    return rows.aggregate(
        **{state: Count("pk", filter=_STATE_ROWS[state]) for state in OUTBOX_STATES[:3]}
    )


def outbox_list(
    *, state: str, client_id: int | None = None, cursor: str | None = None, limit: int = 50
) -> OutboxPage:
    """Pending and retrying mail by next attempt, soonest first; failed mail most recent
    first; sent mail the last `RECENT_SENT`, newest first, on one page."""
    if state not in OUTBOX_STATES:
        raise ValidationFailed(
            f"state: one of {', '.join(OUTBOX_STATES)}",
            code=NotifyErrorCode.INVALID_CHOICE,
            field="state",
        )
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationFailed(f"limit: between 1 and {MAX_PAGE}", field="limit")
    mails = OutboundMail.objects.filter(_STATE_ROWS[state]).select_related("client")
    mails = mails.defer("body", "references", "in_reply_to")
    if client_id is not None:
        mails = mails.filter(client_id=client_id)
    if state == "sent":
        recent = mails.order_by("-sent_at", "-id")[:RECENT_SENT]
        return OutboxPage(items=list(recent), next_cursor=None)
    newest_first = state == "failed"
    if cursor:
        at, pk = cursor_decode(cursor=cursor)
        if newest_first:
            mails = mails.filter(next_attempt_at__lte=at).filter(
                Q(next_attempt_at__lt=at) | Q(next_attempt_at=at, pk__lt=pk)
            )
        else:
            mails = mails.filter(next_attempt_at__gte=at).filter(
                Q(next_attempt_at__gt=at) | Q(next_attempt_at=at, pk__gt=pk)
            )
    order = ("-next_attempt_at", "-id") if newest_first else ("next_attempt_at", "id")
    return _page(mails.order_by(*order), limit)


def _page(ordered: QuerySet[OutboundMail], limit: int) -> OutboxPage:
    items = list(ordered[: limit + 1])
    more = len(items) > limit
    items = items[:limit]
    last = items[-1] if more else None
    next_cursor = cursor_encode(at=last.next_attempt_at, pk=last.pk) if last else None
    return OutboxPage(items=items, next_cursor=next_cursor)


def outbox_failed_count() -> int:
    """Mail given up on, every client: the badge of the Outbox tab."""
    return OutboundMail.objects.filter(status=OutboxStatus.FAILED).count()
