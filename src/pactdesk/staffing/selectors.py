"""What the staffing pages read, scoped by the reader.

Provider admins and managers read every dedicated client's advice; a client admin reads
their own client's only; anyone else reads none (the pages answer 403 before asking)."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from pactdesk.accounts.models import Role, User
from pactdesk.staffing.models import SeatAdvice, StaffingNotice

ADVICE_READERS = frozenset({Role.ADMIN, Role.MANAGER, Role.CLIENT_ADMIN})


def can_read_advice(*, actor: User) -> bool:
    return bool(actor.is_active and actor.role in ADVICE_READERS)


def seat_advice_latest(*, actor: User) -> QuerySet[SeatAdvice]:
    """The latest advice of each agreement the actor may read, by client name (one
    query: the latest row per agreement picked by a subquery)."""
    if not can_read_advice(actor=actor):
        return SeatAdvice.objects.none()
    newest = SeatAdvice.objects.filter(agreement=OuterRef("agreement")).order_by(
        "-computed_at", "-id"
    )
    rows = SeatAdvice.objects.for_actor(actor).filter(pk=Subquery(newest.values("pk")[:1]))
    return rows.select_related("client").order_by("client__name")


def staffing_notices_unread(*, actor: User) -> QuerySet[StaffingNotice]:
    """The actor's unread seat-advice notices, newest first."""
    return (
        StaffingNotice.objects.filter(recipient=actor, read_at__isnull=True)
        .select_related("client")
        .order_by("-created_at", "-id")
    )
