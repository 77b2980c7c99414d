"""Presence: what staff set (the header's buttons, `PUT /api/presence`), what signing
out and idleness set, and pool strategies (a manager's choice).

Activity is noted in Django's cache (`activity_note`, from the web middleware, at most
once a minute per user: a cache read per request, a cache write a minute, no database
query), and the minute sweep (`presence_idle_sweep`) reads it for the available staff
only, in one `get_many`. The cache is shared by every process (Redis, or the file cache
of the embedded set-up); a mark lost from it counts as no activity since the presence
was last set, which errs towards `away`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from pactdesk.accounts.models import User, time_zone_known
from pactdesk.domain.routing import PresenceStatus, Strategy
from pactdesk.platform.errors import NotFound, PermissionDenied, ValidationFailed
from pactdesk.routing.error_codes import RoutingErrorCode
from pactdesk.routing.models import Pool, Presence

SEEN_KEY = "presence:seen:{}"
NOTE_EVERY = timedelta(minutes=1)
SEEN_KEPT = 24 * 3600  # seconds a mark stays in the cache (far beyond any idle limit)
CAP_MAX = 1000
# How far from now a return time may lie: a year ahead (leave, a sabbatical), and a
# day back (a caller's clock a little behind ours). Beyond either it is a typo, and
# the client would read "away until" a date that means nothing.
BACK_AT_AHEAD = timedelta(days=366)
BACK_AT_BEHIND = timedelta(days=1)


@dataclass(frozen=True)
class PresenceIn:
    """A whole presence as `PUT /api/presence` gives it. `cap`: most open tickets
    (1..1000, None: no cap); `timezone`: IANA name (None: the user's own zone, else the
    server's); `back_at`: when an away agent will be back (aware, or None)."""

    status: str
    cap: int | None = None
    timezone: str | None = None
    back_at: datetime | None = None


def presence_set(*, actor: User, given: PresenceIn, now: datetime) -> Presence:
    """Replace the actor's presence. Errors: PermissionDenied `staff_only`;
    ValidationFailed `unknown_presence`, `cap_out_of_range`, `unknown_time_zone`,
    `back_at_naive`, `back_at_out_of_range` (not within a day before and a year after
    `now`) (nothing changed)."""
    check_staff(actor)
    status = presence_status_parse(given.status)
    if given.cap is not None and not 1 <= given.cap <= CAP_MAX:
        raise ValidationFailed(
            f"cap: between 1 and {CAP_MAX} open tickets, or null for no cap",
            code=RoutingErrorCode.CAP_OUT_OF_RANGE,
            field="cap",
        )
    zone = given.timezone or actor.time_zone or settings.TIME_ZONE
    if not time_zone_known(zone):
        raise ValidationFailed(
            f"timezone: {zone!r} is not a known time zone (use an IANA name such as Europe/London)",
            code=RoutingErrorCode.UNKNOWN_TIME_ZONE,
            field="timezone",
        )
    if given.back_at is not None and given.back_at.tzinfo is None:
        raise ValidationFailed(
            "back_at: give the time zone (e.g. 2026-03-02T09:00:00+00:00)",
            code=RoutingErrorCode.BACK_AT_NAIVE,
            field="back_at",
        )
    back_at = _back_at_checked(given.back_at, now=now)
    with transaction.atomic():
        presence = Presence.objects.select_for_update().filter(user=actor).first()
        changed = presence is None or presence.status != status
        presence = presence or Presence(user=actor, changed_at=now)
        presence.status = status
        presence.cap = given.cap
        presence.timezone = zone
        presence.back_at = back_at
        if changed:
            presence.changed_at = now
        presence.save()
    if status == PresenceStatus.AVAILABLE:
        activity_note(user_id=actor.pk, now=now)
    return presence


def _back_at_checked(back_at: datetime | None, *, now: datetime) -> datetime | None:
    """`back_at` in UTC (kept as that instant, so the answer reads as any later read
    does), or ValidationFailed `back_at_out_of_range`. An aware date-time near year 1
    or 9999 does not even convert to UTC (OverflowError): also out of range."""
    if back_at is None:
        return None
    try:
        instant = back_at.astimezone(UTC)
    except OverflowError:
        instant = None
    if instant is None or not now - BACK_AT_BEHIND <= instant <= now + BACK_AT_AHEAD:
        raise ValidationFailed(
            f"back_at: within {BACK_AT_BEHIND.days} day before and "
            f"{BACK_AT_AHEAD.days} days after now",
            code=RoutingErrorCode.BACK_AT_OUT_OF_RANGE,
            field="back_at",
        )
    return instant


def presence_status_set(*, actor: User, status: str, now: datetime) -> Presence:
    """One click in the header: the status only (cap, zone and return time kept;
    becoming available clears the return time, and a return time already past is
    dropped). Errors as `presence_set`."""
    check_staff(actor)
    current = Presence.objects.filter(user=actor).first()
    parsed = presence_status_parse(status)
    return presence_set(
        actor=actor,
        given=PresenceIn(
            status=parsed,
            cap=current.cap if current else None,
            timezone=current.timezone if current else None,
            back_at=(
                current.back_at
                if current
                and current.back_at
                and current.back_at > now
                and parsed != PresenceStatus.AVAILABLE
                else None
            ),
        ),
        now=now,
    )


def presence_sign_out(*, user: User, now: datetime) -> bool:
    """Signing out makes an available member of staff `away`. Answers whether it did."""
    return _to_away(user_ids=[user.pk], now=now) == 1


def presence_idle_sweep(*, now: datetime, idle: timedelta) -> int:
    """Make `away` the available staff with no activity for `idle` (activity: the last
    mark `activity_note` left, or else the instant they became available). Two
    queries and one cache read; answers how many it changed. Safe to run twice."""
    available = dict(
        Presence.objects.filter(status=PresenceStatus.AVAILABLE).values_list(
            "user_id", "changed_at"
        )
    )
    if not available:
        return 0
    marks = cache.get_many([SEEN_KEY.format(pk) for pk in available])
    cutoff = now - idle
    idle_ids = [
        pk
        for pk, changed_at in available.items()
        if max(changed_at.timestamp(), marks.get(SEEN_KEY.format(pk), 0.0)) <= cutoff.timestamp()
    ]
    return _to_away(user_ids=idle_ids, now=now)


def activity_note(*, user_id: int, now: datetime) -> bool:
    """Note that the user did something at `now`, at most once per `NOTE_EVERY` (one
    cache read; one cache write when the mark is older). Answers whether it wrote."""
    key = SEEN_KEY.format(user_id)
    last = cache.get(key)
    if last is not None and now.timestamp() - last < NOTE_EVERY.total_seconds():
        return False
    cache.set(key, now.timestamp(), timeout=SEEN_KEPT)
    return True


def pool_strategy_set(*, actor: User, pool_id: int, strategy: str) -> Pool:
    """A manager (or admin) chooses how a pool hands out its tickets. Errors:
    PermissionDenied `not_manager`; NotFound `pool_not_found`; ValidationFailed
    `unknown_strategy`."""
    if not actor.is_operator:
        raise PermissionDenied(
            "Only managers choose a pool's strategy.", code=RoutingErrorCode.NOT_MANAGER
        )
    if strategy not in set(Strategy):
        raise ValidationFailed(
            f"strategy: {strategy!r} is not one of {', '.join(Strategy)}",
            code=RoutingErrorCode.UNKNOWN_STRATEGY,
            field="strategy",
        )
    with transaction.atomic():
        pool = Pool.objects.select_for_update().filter(pk=pool_id).first()
        if pool is None:
            raise NotFound(f"No pool {pool_id}.", code=RoutingErrorCode.POOL_NOT_FOUND)
        if pool.strategy != strategy:
            pool.strategy = strategy
            pool.save(update_fields=["strategy"])
    return pool


def presence_status_parse(value: str) -> PresenceStatus:
    if value not in set(PresenceStatus):
        raise ValidationFailed(
            f"status: {value!r} is not one of {', '.join(PresenceStatus)}",
            code=RoutingErrorCode.UNKNOWN_PRESENCE,
            field="status",
        )
    return PresenceStatus(value)


def check_staff(actor: User) -> None:
    if not (actor.is_active and actor.is_provider_staff):
        raise PermissionDenied(
            "Presence and routing are for provider staff.", code=RoutingErrorCode.STAFF_ONLY
        )


def _to_away(*, user_ids: list[int], now: datetime) -> int:
    if not user_ids:
        return 0
    return Presence.objects.filter(user_id__in=user_ids, status=PresenceStatus.AVAILABLE).update(
        status=PresenceStatus.AWAY, changed_at=now
    )
