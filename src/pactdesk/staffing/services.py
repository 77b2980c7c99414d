"""Storing seat advice, and telling the client's admins and the managers when it changes.

`seat_advice_store` computes and keeps one advice. `seat_advice_announce` sends the
notice (in-app, one `StaffingNotice` per reader, and a mail to each) when the advice's
recommendation differs from the last one announced for the client, and no notice went
to that client in the last seven days. The unique (client, notice_week) of `SeatAdvice`
makes two runs at once announce once. `seat_advice_refresh_all` does both for every
dedicated client; the job runs it daily (safe to run twice: an advice younger than
`FRESH` is reused, and the week lock holds).

The notification centre of `pactdesk.alerts` was not used: its rows belong to a ticket
(a required key) and to staff readers, and its kinds are ticket events; a seat notice
has no ticket and reaches client admins too.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction

from pactdesk.accounts.models import Role, User
from pactdesk.agreements.models import Agreement
from pactdesk.notify.services import MailOut, mail_queue_many
from pactdesk.platform.errors import ApplicationError
from pactdesk.staffing.advice import dedicated_agreements, seat_advice_compute
from pactdesk.staffing.formats import advice_as_dict
from pactdesk.staffing.models import SeatAdvice, StaffingNotice
from pactdesk.staffing.words import AdviceKind

log = logging.getLogger(__name__)
QUIET = timedelta(days=7)
FRESH = timedelta(hours=12)
NOTICE_KIND = "seat_advice"


@transaction.atomic
def seat_advice_store(*, agreement: Agreement, now: datetime) -> SeatAdvice:
    """Compute the advice of a dedicated agreement and keep it (the pages show the
    latest). Raises what `seat_advice_compute` raises; nothing is kept then."""
    advice = seat_advice_compute(agreement=agreement, now=now)
    rec = advice.recommendation
    return SeatAdvice.objects.create(
        client=agreement.client,
        agreement=agreement,
        computed_at=now,
        kind=rec.kind.value,
        seats=rec.seats,
        recommended_seats=rec.recommended,
        text=rec.text[:400],
        figures=advice_as_dict(advice),
    )


def seat_advice_announce(*, advice: SeatAdvice, now: datetime) -> int:
    """Announce `advice` if it changed and the client had no notice for a week; the
    number of readers told (0: nothing sent)."""
    announced = (
        SeatAdvice.objects.filter(client_id=advice.client_id, notice_week__isnull=False)
        .exclude(pk=advice.pk)
        .order_by("-computed_at", "-id")
        .first()
    )
    if announced is not None and announced.computed_at > now - QUIET:
        return 0
    before = (
        (announced.kind, announced.recommended_seats)
        if announced is not None
        else (AdviceKind.KEEP.value, advice.seats)
    )
    if (advice.kind, advice.recommended_seats) == before:
        return 0
    readers = advice_readers(client_id=advice.client_id)
    try:
        with transaction.atomic():
            advice.notice_week = _monday(now)
            advice.save(update_fields=["notice_week"])
            StaffingNotice.objects.bulk_create(
                StaffingNotice(
                    client_id=advice.client_id,
                    recipient=reader,
                    advice=advice,
                    text=advice.text,
                    created_at=now,
                )
                for reader in readers
            )
            mail_queue_many(
                mails=[_mail(advice=advice, to=reader) for reader in readers],
                at=[now] * len(readers),
            )
    except IntegrityError:
        return 0  # another run announced this client's advice this week
    return len(readers)


def advice_readers(*, client_id: int) -> list[User]:
    """Who reads a client's seat advice: its active client admins and the managers."""
    admins = User.objects.filter(role=Role.CLIENT_ADMIN, client_id=client_id, is_active=True)
    managers = User.objects.filter(role=Role.MANAGER, is_active=True, client__isnull=True)
    return list((admins | managers).order_by("email"))


@dataclass(frozen=True)
class RefreshResult:
    """What a refresh did: advice computed, readers told, clients refused (with codes)."""

    computed: int
    told: int
    refused: tuple[tuple[str, str], ...]


def seat_advice_refresh_all(*, now: datetime) -> RefreshResult:
    """Compute (unless fresh) and announce the advice of every dedicated client."""
    computed = told = 0
    refused: list[tuple[str, str]] = []
    seen: set[int] = set()
    for agreement in dedicated_agreements(on=now.date()):
        if agreement.client_id in seen:
            continue
        seen.add(agreement.client_id)
        latest = (
            SeatAdvice.objects.filter(agreement=agreement).order_by("-computed_at", "-id").first()
        )
        if latest is None or latest.computed_at <= now - FRESH:
            try:
                latest = seat_advice_store(agreement=agreement, now=now)
            except ApplicationError as error:
                log.info("no seat advice for %s: %s", agreement.client.slug, error.code)
                refused.append((agreement.client.slug, str(error.code)))
                continue
            computed += 1
        told += seat_advice_announce(advice=latest, now=now)
    return RefreshResult(computed=computed, told=told, refused=tuple(refused))


def _monday(now: datetime) -> date:
    today = now.date()
    return today - timedelta(days=today.weekday())


def _mail(*, advice: SeatAdvice, to: User) -> MailOut:
    client = advice.client
    page = "/desk/staffing/"
    body = (
        f"The seat advice for {client.name} has changed.\n\n"
        f"{advice.text[:1].upper()}{advice.text[1:]}.\n\n"
        f"Seats now: {advice.seats}; recommended: {advice.recommended_seats}.\n"
        f"The figures: {settings.PACTDESK_BASE_URL}{page}\n\n"
        "You receive this because you administer this client or manage the desk; "
        "a notice goes out at most once a week per client."
    )
    return MailOut(
        client_id=client.pk,
        kind=NOTICE_KIND,
        to_address=to.email,
        from_address=f"Pactdesk <desk@{settings.PACTDESK_MAIL_DOMAIN}>",
        subject=f"[Pactdesk] Seat advice for {client.name}: {advice.get_kind_display()}"[:320],
        body=body,
    )
