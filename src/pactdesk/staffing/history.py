"""A client's history, as the staffing models need it (issue 14 §4).

Per agreement, over the complete local weeks before `now`, counting valid tickets only
(not marked invalid, not merged into another):

* arrivals per week, priority and hour of week (Monday 00:00 in the agreement's time
  zone first): one grouped SQL query;
* first-touch and total handle times, mean and spread (coefficient of variation), per
  priority: one grouped SQL query over the ticket events (see "Handle times");
* the give-up rate: of the tickets solved or closed, the share that never had a staff
  reply (the customer withdrew, or it went away by itself): one query.

Handle times. Tickets carry no time log yet: the routing capability's logged time is
the source to use when it lands (`logged_handle_times`, which answers None until then).
Until then they are read from the events: the **first touch** of a ticket is the time
from its pick-up (the last `assigned` event before the first staff reply) to that first
reply, wall-clock, kept when under `MAX_TOUCH` (a pick-up left overnight is no touch);
the **total handle** is the first touch times the number of staff replies (each reply a
touch as long as the first), the work the agent does over the ticket's life.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, ExtractHour, ExtractIsoWeekDay, TruncDate
from numpy.typing import NDArray

from pactdesk.agreements.models import Agreement
from pactdesk.desk.models import Ticket, TicketEvent
from pactdesk.domain.rosters import HOURS_IN_WEEK
from pactdesk.domain.vocabulary import EventKind, Priority, Status

MAX_TOUCH = timedelta(hours=4)
PRIORITIES: tuple[Priority, ...] = tuple(Priority)
DEFAULT_LOOKBACK_WEEKS = 8
WEEK = timedelta(days=7)


@dataclass(frozen=True)
class HandleStats:
    """Handle times of one kind: mean, coefficient of variation (sd / mean), samples.

    `mean` is None when no ticket gave a sample."""

    mean: timedelta | None
    cv: float
    samples: int


@dataclass(frozen=True)
class ClientHistory:
    """One agreement's history over `weeks` (the local Mondays of complete weeks).

    `counts` has shape ``(len(weeks), len(PRIORITIES), 168)``: valid tickets lodged in
    each week, by priority (in `PRIORITIES` order) and local hour of week.
    """

    agreement: Agreement
    timezone: str
    weeks: tuple[date, ...]
    counts: NDArray[np.int64]
    first_touch: dict[str, HandleStats]  # per priority, and "" for all
    total_handle: HandleStats
    replies_per_ticket: float
    give_up_rate: float
    decided: int  # tickets solved or closed, the give-up rate's denominator

    @property
    def tickets(self) -> int:
        """Valid tickets counted in the weeks."""
        return int(self.counts.sum())

    def weekly(self, *, priority: str | None = None) -> NDArray[np.float64]:
        """Arrivals per week and hour of week, shape ``(weeks, 168)``."""
        counts = self.counts if priority is None else self.counts[:, [PRIORITIES.index(priority)]]
        return counts.sum(axis=1).astype(np.float64)

    def arrival_rates(self, *, priority: str | None = None) -> NDArray[np.float64]:
        """Mean arrivals per hour for each hour of week, shape ``(168,)``, tickets/hour."""
        weekly = self.weekly(priority=priority)
        return weekly.mean(axis=0) if len(weekly) else np.zeros(HOURS_IN_WEEK)

    def priority_shares(self) -> dict[str, float]:
        """Each priority's share of the tickets (all zero without tickets)."""
        per = self.counts.sum(axis=(0, 2))
        total = per.sum()
        return {p.value: float(per[i] / total) if total else 0.0 for i, p in enumerate(PRIORITIES)}


def history_weeks(*, agreement: Agreement, now: datetime, lookback: int) -> tuple[date, ...]:
    """The Mondays (local) of the complete weeks before `now`, at most `lookback`, none
    before the agreement's first ticket (a week it only partly saw would read low)."""
    zone = ZoneInfo(agreement.timezone)
    today = now.astimezone(zone).date()
    this_monday = today - timedelta(days=today.weekday())
    first = (
        Ticket.objects.filter(agreement=agreement)
        .order_by("lodged_at")
        .values_list("lodged_at", flat=True)
        .first()
    )
    earliest = agreement.start_date
    if first is not None:
        earliest = max(earliest, first.astimezone(zone).date())
    mondays = [this_monday - WEEK * k for k in range(lookback, 0, -1)]
    return tuple(monday for monday in mondays if monday >= earliest)


def client_history(
    *, agreement: Agreement, now: datetime, lookback: int = DEFAULT_LOOKBACK_WEEKS
) -> ClientHistory:
    """The history of `agreement` over up to `lookback` complete weeks before `now`.

    Four queries whatever the number of tickets. An empty history is a value (no weeks,
    no tickets); callers that need one refuse it (`no_history`)."""
    zone = ZoneInfo(agreement.timezone)
    weeks = history_weeks(agreement=agreement, now=now, lookback=lookback)
    counts = np.zeros((len(weeks), len(PRIORITIES), HOURS_IN_WEEK), dtype=np.int64)
    if not weeks:
        empty = HandleStats(None, 0.0, 0)
        return ClientHistory(agreement, agreement.timezone, (), counts, {"": empty}, empty, 0, 0, 0)
    start = datetime.combine(weeks[0], time(), zone)
    end = datetime.combine(weeks[-1] + WEEK, time(), zone)
    valid = valid_tickets(agreement=agreement, start=start, end=end)
    rows = (
        valid.annotate(
            day=TruncDate("lodged_at", tzinfo=zone),
            weekday=ExtractIsoWeekDay("lodged_at", tzinfo=zone),
            hour=ExtractHour("lodged_at", tzinfo=zone),
        )
        .values("day", "weekday", "hour", "priority")
        .annotate(n=Count("id"))
        .values_list("day", "weekday", "hour", "priority", "n")
    )
    index = {monday: i for i, monday in enumerate(weeks)}
    for day, weekday, hour, priority, n in rows:  # at most weeks x 7 x 24 x 4 groups
        monday = day - timedelta(days=weekday - 1)
        counts[index[monday], PRIORITIES.index(priority), (weekday - 1) * 24 + hour] += n
    touches = handle_times(tickets=valid)
    total = _total(touches)
    give_up, decided = give_up_rate(tickets=valid)
    return ClientHistory(
        agreement=agreement,
        timezone=agreement.timezone,
        weeks=weeks,
        counts=counts,
        first_touch=touches,
        total_handle=total[0],
        replies_per_ticket=total[1],
        give_up_rate=give_up,
        decided=decided,
    )


def valid_tickets(*, agreement: Agreement, start: datetime, end: datetime) -> QuerySet[Ticket]:
    """The valid tickets (not invalid, not merged) lodged in [start, end)."""
    return Ticket.objects.filter(
        agreement=agreement,
        lodged_at__gte=start,
        lodged_at__lt=end,
        is_valid=True,
        merged_into__isnull=True,
    )


def logged_handle_times(*, tickets: QuerySet[Ticket]) -> dict[str, HandleStats] | None:
    """Hook: handle times from the time agents log on tickets (the routing capability).

    No time log is stored yet, so this answers None and `handle_times` reads the events.
    When the log lands, answer the same shape from it (one grouped query)."""
    del tickets
    return None


def handle_times(*, tickets: QuerySet[Ticket]) -> dict[str, HandleStats]:
    """First-touch handle times per priority and for all ("" key); see the module doc.

    One query: each sampled ticket's priority, touch and reply count; NumPy does the rest."""
    logged = logged_handle_times(tickets=tickets)
    if logged is not None:
        return logged
    staff_replies = TicketEvent.objects.filter(ticket=OuterRef("pk"), kind=EventKind.STAFF_REPLY)
    first_reply = Subquery(staff_replies.order_by("at", "id").values("at")[:1])
    reply_count = Subquery(
        staff_replies.order_by().values("ticket").annotate(c=Count("id")).values("c"),
        output_field=IntegerField(),
    )
    picked = Subquery(
        TicketEvent.objects.filter(
            ticket=OuterRef("pk"), kind=EventKind.ASSIGNED, at__lte=OuterRef("first_reply_at")
        )
        .order_by("-at", "-id")
        .values("at")[:1]
    )
    touch = ExpressionWrapper(F("first_reply_at") - F("picked_at"), output_field=DurationField())
    sampled = (
        tickets.annotate(first_reply_at=first_reply)
        .annotate(picked_at=picked, replies=Coalesce(reply_count, Value(0)))
        .filter(first_reply_at__isnull=False, picked_at__isnull=False)
        .annotate(touch=touch)
        .filter(touch__gte=timedelta(0), touch__lte=MAX_TOUCH)
        .order_by()
        .values_list("priority", "touch", "replies")
    )
    rows = list(sampled)
    kinds = np.array([PRIORITIES.index(row[0]) for row in rows], dtype=np.int64)
    seconds = np.array([row[1].total_seconds() for row in rows], dtype=np.float64)
    replies = np.array([row[2] for row in rows], dtype=np.float64)
    stats = {p.value: _stats(seconds[kinds == i]) for i, p in enumerate(PRIORITIES)}
    stats[""] = _stats(seconds)
    stats["replies"] = HandleStats(None, float(replies.mean()) if rows else 0.0, len(rows))
    return stats


def give_up_rate(*, tickets: QuerySet[Ticket]) -> tuple[float, int]:
    """(share of the solved or closed tickets that never had a staff reply, how many
    were solved or closed). One query."""
    had_reply = TicketEvent.objects.filter(ticket=OuterRef("pk"), kind=EventKind.STAFF_REPLY)
    figures = tickets.filter(status__in=[Status.SOLVED, Status.CLOSED]).aggregate(
        decided=Count("id"),
        gave_up=Count("id", filter=~Q(pk__in=had_reply.values("ticket"))),
    )
    decided = figures["decided"] or 0
    return ((figures["gave_up"] or 0) / decided if decided else 0.0), decided


def _stats(seconds: NDArray[np.float64]) -> HandleStats:
    """Mean and coefficient of variation (population sd / mean) of the samples."""
    if not seconds.size:
        return HandleStats(None, 0.0, 0)
    mean = float(seconds.mean())
    cv = float(seconds.std() / mean) if mean > 0 else 0.0
    return HandleStats(timedelta(seconds=round(mean, 3)), round(cv, 6), int(seconds.size))


def _total(touches: dict[str, HandleStats]) -> tuple[HandleStats, float]:
    first = touches[""]
    replies = touches.pop("replies").cv
    if first.mean is None:
        return HandleStats(None, 0.0, 0), 0.0
    return HandleStats(first.mean * max(1.0, replies), first.cv, first.samples), replies
