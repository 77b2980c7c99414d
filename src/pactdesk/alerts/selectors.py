"""Reads of a member of staff's notifications: theirs only, whatever the client."""

from __future__ import annotations

from django.db.models import QuerySet

from pactdesk.accounts.models import User
from pactdesk.alerts.models import ALERT_KINDS, Notification, NotificationMailOptOut
from pactdesk.domain.vocabulary import EventKind


def notification_list(*, actor: User, unread_only: bool = False) -> QuerySet[Notification]:
    """The actor's notifications, newest first, with their tickets (client users and
    inactive users have none)."""
    if not (actor.is_active and actor.is_provider_staff):
        return Notification.objects.none()
    rows = Notification.objects.filter(recipient=actor).select_related("ticket")
    return rows.filter(read_at__isnull=True) if unread_only else rows


def notification_unread_count(*, actor: User) -> int:
    return notification_list(actor=actor, unread_only=True).count()


def mail_kinds_wanted(*, actor: User) -> dict[EventKind, bool]:
    """Per alert kind: whether the actor gets it by e-mail too."""
    off = set(NotificationMailOptOut.objects.filter(user=actor).values_list("kind", flat=True))
    return {kind: kind not in off for kind in ALERT_KINDS}
