"""The notification centre of provider staff: the header badge (a fragment htmx polls),
the list with read and unread, marking read, and which alerts also come by e-mail.
Client users have no notifications: the page answers them 403, the badge nothing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from pactdesk.accounts.models import User
from pactdesk.alerts.models import ALERT_KINDS, ALERT_TITLES
from pactdesk.alerts.selectors import (
    mail_kinds_wanted,
    notification_list,
    notification_unread_count,
)
from pactdesk.alerts.services import notification_mail_choose, notification_mark_read
from pactdesk.platform.clock import clock_now

PAGE_SIZE = 100


def notification_counts(request: HttpRequest) -> dict[str, Any]:
    """Context processor: the unread count for the header badge (staff only)."""
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_provider_staff", False):
        return {}
    return {"notifications_unread": notification_unread_count(actor=user)}


def _staff(request: HttpRequest) -> User:
    actor: User = request.user  # type: ignore[assignment]
    if not actor.is_provider_staff:
        raise Forbidden("Notifications are for provider staff.")
    return actor


@require_GET
@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    actor = _staff(request)
    unread_only = request.GET.get("show") == "unread"
    rows = list(notification_list(actor=actor, unread_only=unread_only)[:PAGE_SIZE])
    wanted = mail_kinds_wanted(actor=actor)
    return render(
        request,
        "web/desk/notifications.html",
        {
            "rows": rows,
            "unread_only": unread_only,
            "current": "notifications",
            "mail_choices": [(kind, ALERT_TITLES[kind], wanted[kind]) for kind in ALERT_KINDS],
        },
    )


@require_GET
def notification_badge(request: HttpRequest) -> HttpResponse:
    """The badge alone, for htmx to swap in every 30 seconds. A session that has ended
    gets 204, which htmx leaves unswapped (not the log-in page inside the header)."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    actor = _staff(request)
    return render(
        request,
        "web/desk/_notification_badge.html",
        {"notifications_unread": notification_unread_count(actor=actor)},
    )


@require_POST
@login_required
def notifications_read(request: HttpRequest, notification_id: int | None = None) -> HttpResponse:
    """Mark one of the actor's notifications read, or all of them (no id); another
    person's id changes nothing."""
    actor = _staff(request)
    ids = None if notification_id is None else [notification_id]
    notification_mark_read(actor=actor, now=clock_now(), ids=ids)
    return redirect("web:notifications")


@require_POST
@login_required
def notification_mail(request: HttpRequest) -> HttpResponse:
    actor = _staff(request)
    notification_mail_choose(actor=actor, wanted=request.POST.getlist("mail"))
    messages.success(request, "Your e-mail choices are saved.")
    return redirect("web:notifications")
