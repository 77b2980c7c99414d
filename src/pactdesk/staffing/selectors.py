"""What the staffing pages read, scoped by the reader.

Provider admins and managers read every dedicated client's advice; a client admin reads
their own client's only; anyone else reads none (the pages answer 403 before asking)."""

from __future__ import annotations

from datetime import date

from django.db.models import OuterRef, Q, QuerySet, Subquery

from pactdesk.accounts.models import Role, User
from pactdesk.agreements.models import Agreement
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


def own_plan_kind(*, actor: User, on: date) -> str | None:
    """The plan kind (``"shared"``/``"dedicated"``) of the agreement in force on `on` of
    a client user's own client; None for staff or a client with none (one query)."""
    if actor.client_id is None:
        return None
    return (
        Agreement.objects.filter(client_id=actor.client_id, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=on))
        .order_by("-start_date")
        .values_list("plan__kind", flat=True)
        .first()
    )
