"""The warning sweep: warn staff before a clock breaks, escalate a breach to managers.

`sla_alerts_sweep` runs every minute (`pactdesk.alerts.jobs`). It reads the stored SLA
columns of the open tickets whose clocks fall due soon or fell due lately (one query),
decides per clock with `pactdesk.domain.sla.warnings.alert_kind`, and then, in one
transaction, inserts an `SlaAlert` per (ticket, metric, cycle, kind) — skipping those
already there — and, for the alerts this sweep inserted, the ticket events, the
notifications and the mails. Safe to run twice or at once: the unique alert row decides
who sends.

A clock cycle: the first response has one; the effective answer starts a new one at each
reopen (count of `reopened` events); the next reply at each cycle the customer starts,
which follows a staff reply (count of `staff_reply` events, constant while a next-reply
clock runs since a staff reply would meet it).
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from pactdesk.accounts.models import STAFF_ROLES, Role, User
from pactdesk.agreements.models import Agreement, PlanKind, SlaTarget
from pactdesk.agreements.seating import SeatMap
from pactdesk.agreements.selectors import agreement_calendar
from pactdesk.alerts.models import (
    ALERT_KINDS,
    ALERT_TITLES,
    Notification,
    NotificationMailOptOut,
    SlaAlert,
)
from pactdesk.desk.models import Ticket, TicketEvent
from pactdesk.desk.sla_detail import sla_detail_load
from pactdesk.domain.calendars import BusinessCalendar
from pactdesk.domain.sla.warnings import ESCALATE_WITHIN, alert_kind, warning_lead
from pactdesk.domain.vocabulary import EventKind, Metric, SlaState, Status
from pactdesk.notify.services import MailOut, mail_queue_many
from pactdesk.platform.errors import PermissionDenied

OPEN_STATUSES = (Status.NEW, Status.OPEN, Status.WAITING)
# The event that starts a new cycle of each metric (see the module docstring).
CYCLE_EVENTS: dict[Metric, EventKind | None] = {
    Metric.FIRST_RESPONSE: None,
    Metric.EFFECTIVE_ANSWER: EventKind.REOPENED,
    Metric.NEXT_REPLY: EventKind.STAFF_REPLY,
}


@dataclass(frozen=True)
class Alert:
    """One clock's warning or escalation, before it is sent."""

    ticket: Ticket
    metric: Metric
    kind: EventKind
    due_at: datetime
    cycle: int = 0


@dataclass(frozen=True)
class SweepResult:
    warned: int  # alerts sent (not recipients)
    escalated: int
    notifications: int
    mails: int


def sla_alerts_sweep(*, now: datetime, limit: int = 5000) -> SweepResult:
    """Send the warnings and escalations due at `now`, each once per ticket, metric and
    clock cycle. Queries: a fixed handful, whatever the number of tickets.

    One transaction from the first read to the last insert: a sweep decides on one
    snapshot, and on SQLite (whose writers queue for the write lock at the start of a
    transaction, `pactdesk.platform.sqlite`) two sweeps run one after the other."""
    with transaction.atomic():
        _no_jit()
        scope = SweepScope.load(now=now)
        tickets = list(alert_candidates(scope=scope)[:limit])
        alerts = alerts_due(tickets=tickets, scope=scope)
        if not alerts:
            return SweepResult(0, 0, 0, 0)
        won = alerts_claim(alerts=with_cycles(alerts), now=now)
        return alerts_deliver(alerts=won, audience=Audience.load(), now=now)


def _no_jit() -> None:
    """PostgreSQL's JIT compiles the candidates query (its cost estimate is high, its
    result small) for seconds on each sweep: off for this transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


# -- what is due ----------------------------------------------------------------------


@dataclass(frozen=True)
class SweepScope:
    """What a sweep at `now` reads besides tickets: each target's lead (its own, by
    (policy, metric, priority or "")), each agreement's calendar, and how far ahead a
    due instant may lie and still warn now, per agreement."""

    now: datetime
    overrides: dict[tuple[int, str, str], timedelta]
    calendars: dict[int, BusinessCalendar]
    horizons: dict[datetime, list[int]]  # the latest due instant -> agreement ids

    @classmethod
    def load(cls, *, now: datetime) -> SweepScope:
        """Two queries: the targets, the agreements (few; their calendars are cached).
        The horizon is the longest lead in wall time, or, where the calendar is open
        now, in open time from now if that reaches further."""
        rows = SlaTarget.objects.values_list(
            "policy_id", "metric", "priority", "duration", "warning_lead"
        )
        overrides = {(p, m, pr): lead for p, m, pr, _, lead in rows if lead is not None}
        leads = [warning_lead(row[3]) for row in rows] + list(overrides.values())
        longest = max(leads, default=timedelta(0))
        years = range(now.year - 1, now.year + 2)
        calendars: dict[int, BusinessCalendar] = {}
        horizons: dict[datetime, list[int]] = defaultdict(list)
        for agreement in Agreement.objects.select_related("calendar", "plan"):
            calendar = agreement_calendar(agreement=agreement, years=years)
            calendars[agreement.pk] = calendar
            horizon = now + longest
            if calendar.is_open(now):
                horizon = max(horizon, calendar.add(now, longest))
            horizons[horizon].append(agreement.pk)
        return cls(now=now, overrides=overrides, calendars=calendars, horizons=dict(horizons))

    def lead(
        self, *, policy_id: int, metric: str, priority: str | None, duration: timedelta
    ) -> timedelta:
        override = self.overrides.get((policy_id, metric, priority or ""))
        return warning_lead(duration, override)


def alert_candidates(*, scope: SweepScope) -> QuerySet[Ticket]:
    """Open, valid tickets with a clock that may call for an alert not yet sent: running
    and due within its agreement's horizon, or fallen due within `ESCALATE_WITHIN`
    before now (one query, agreements joined).

    A clock whose alert of that kind exists for the same due instant is left out here
    (the claim would skip it anyway): a sweep reads only what may be new. A new cycle
    whose due instant equals the last one's to the microsecond (a reopen that halted
    the clock for no time at all) is therefore not warned again."""
    now, since = scope.now, scope.now - ESCALATE_WITHIN
    clocks = Q()
    for metric in Metric:
        state, due = f"sla_{metric}_state", f"sla_{metric}_due_at"
        soon = Q()
        for horizon, agreement_ids in scope.horizons.items():
            soon |= Q(agreement_id__in=agreement_ids, **{f"{due}__lte": horizon})
        running = Q(**{state: SlaState.RUNNING, f"{due}__gt": now})
        fallen_due = Q(
            **{
                f"{state}__in": (SlaState.RUNNING, SlaState.BREACHED),
                f"{due}__gt": since,
                f"{due}__lte": now,
            }
        )
        warned = _sent(metric, EventKind.SLA_WARNING, due, since=since)
        escalated = _sent(metric, EventKind.SLA_ESCALATED, due, since=since)
        clocks |= running & soon & Q(~Exists(warned))
        clocks |= fallen_due & Q(~Exists(escalated))
    return (
        Ticket.objects.filter(status__in=OPEN_STATUSES, is_valid=True, merged_into__isnull=True)
        .filter(clocks)
        .select_related("agreement__plan")
        .order_by()  # any order: an ordered index scan would read every open ticket
    )


def _sent(metric: Metric, kind: EventKind, due: str, *, since: datetime) -> QuerySet[SlaAlert]:
    """The alerts of `kind` sent for a clock at its current due instant. `due_at > since`
    holds for every candidate anyway; said here, it keeps PostgreSQL's hashed lookup to
    recent alerts (index `sla_alert_recent`) however long the history grows, while
    SQLite probes per ticket (index `sla_alert_of_clock`)."""
    return SlaAlert.objects.filter(
        ticket_id=OuterRef("pk"),
        metric=metric,
        kind=kind,
        due_at=OuterRef(due),
        due_at__gt=since,
    )


def alerts_due(*, tickets: Iterable[Ticket], scope: SweepScope) -> list[Alert]:
    """The alert each clock calls for at the scope's `now` (no query)."""
    alerts = []
    for ticket in tickets:
        agreement: Agreement = ticket.agreement
        for metric, detail in sla_detail_load(ticket.sla_detail).items():
            if detail.target is None or detail.due_at is None:
                continue
            target = detail.target
            lead = scope.lead(
                policy_id=agreement.sla_policy_id,
                metric=metric,
                priority=target.priority,
                duration=target.duration,
            )
            kind = alert_kind(
                state=detail.state,
                due_at=detail.due_at,
                met_at=detail.met_at,
                lead=lead,
                calendar=scope.calendars[agreement.pk],
                now=scope.now,
            )
            if kind is not None:
                alerts.append(Alert(ticket=ticket, metric=metric, kind=kind, due_at=detail.due_at))
    return alerts


def with_cycles(alerts: list[Alert]) -> list[Alert]:
    """The alerts with their clock cycle (one query counting the cycle events)."""
    counts: dict[tuple[int, str], int] = defaultdict(int)
    kinds = {kind for kind in CYCLE_EVENTS.values() if kind is not None}
    rows = (
        TicketEvent.objects.filter(ticket_id__in={a.ticket.pk for a in alerts}, kind__in=kinds)
        .values_list("ticket_id", "kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    for ticket_id, kind, n in rows:
        counts[ticket_id, kind] = n
    return [
        Alert(
            alert.ticket,
            alert.metric,
            alert.kind,
            alert.due_at,
            cycle=counts[alert.ticket.pk, kind] if (kind := CYCLE_EVENTS[alert.metric]) else 0,
        )
        for alert in alerts
    ]


# -- who hears of it ------------------------------------------------------------------


@dataclass(frozen=True)
class Audience:
    """Active staff, who may take whose tickets, and who wants which mails."""

    staff: dict[int, User]
    seat_map: SeatMap
    no_mail: set[tuple[int, str]]  # (user id, kind)

    @classmethod
    def load(cls) -> Audience:
        """Three queries."""
        staff = {u.pk: u for u in User.objects.filter(role__in=sorted(STAFF_ROLES), is_active=True)}
        no_mail = set(NotificationMailOptOut.objects.values_list("user_id", "kind"))
        return cls(staff, SeatMap.load(), no_mail)

    def recipients(self, alert: Alert) -> list[User]:
        """A warning goes to the assignee, or else to every agent who may take the
        ticket (`SeatMap.takers`: the seat holders of a dedicated client; for a shared
        one the agents seated for no client); an escalation to the managers."""
        ticket = alert.ticket
        if alert.kind == EventKind.SLA_ESCALATED:
            ids = {pk for pk, user in self.staff.items() if user.role == Role.MANAGER}
        elif ticket.assignee_id is not None:
            ids = {ticket.assignee_id} & set(self.staff)
        else:
            ids = self.seat_map.takers(
                client_id=ticket.client_id,
                dedicated=ticket.agreement.plan.kind == PlanKind.DEDICATED,
                staff=self.staff,
            )
        return sorted((self.staff[pk] for pk in ids), key=lambda user: user.pk)


# -- claiming and sending -------------------------------------------------------------


def alerts_claim(*, alerts: list[Alert], now: datetime) -> list[Alert]:
    """Insert the alerts' rows, skipping those another sweep inserted first, and answer
    the alerts this sweep won (two queries; call inside the sending transaction)."""
    token = secrets.token_hex(16)
    SlaAlert.objects.bulk_create(
        [
            SlaAlert(
                client_id=a.ticket.client_id,
                ticket_id=a.ticket.pk,
                metric=a.metric,
                cycle=a.cycle,
                kind=a.kind,
                due_at=a.due_at,
                created_at=now,
                sweep=token,
            )
            for a in alerts
        ],
        ignore_conflicts=True,
    )
    won = set(SlaAlert.objects.filter(sweep=token).values_list("ticket_id", "metric", "kind"))
    return [a for a in alerts if (a.ticket.pk, a.metric, a.kind) in won]


def alerts_deliver(*, alerts: list[Alert], audience: Audience, now: datetime) -> SweepResult:
    """The ticket events, notifications and mails of won alerts (three inserts)."""
    events, notes, mails = [], [], []
    for alert in alerts:
        ticket = alert.ticket
        events.append(
            TicketEvent(
                client_id=ticket.client_id,
                ticket=ticket,
                at=now,
                kind=alert.kind,
                value=alert.metric.label,
            )
        )
        for user in audience.recipients(alert):
            text = alert_text(alert=alert, now=now, zone=user.time_zone or "UTC")
            notes.append(
                Notification(
                    client_id=ticket.client_id,
                    recipient=user,
                    ticket=ticket,
                    kind=alert.kind,
                    text=text,
                    created_at=now,
                )
            )
            if (user.pk, alert.kind) not in audience.no_mail:
                mails.append(alert_mail(alert=alert, text=text, to=user))
    TicketEvent.objects.bulk_create(events)
    Notification.objects.bulk_create(notes)
    if mails:
        mail_queue_many(mails=mails, at=[now] * len(mails))
    warned = sum(1 for a in alerts if a.kind == EventKind.SLA_WARNING)
    return SweepResult(warned, len(alerts) - warned, len(notes), len(mails))


def alert_text(*, alert: Alert, now: datetime, zone: str = "UTC") -> str:
    """One line: "PD-7 Printer on fire: first response due in 9 min (15:30 UTC)", the
    time in the recipient's own zone (`User.time_zone`) with its name, else UTC (a mail
    cannot know the browser's zone the pages use)."""
    ticket, what = alert.ticket, alert.metric.label.lower()
    local = alert.due_at.astimezone(ZoneInfo(zone) if zone != "UTC" else UTC)
    due = f"{local:%Y-%m-%d %H:%M} {local.tzname()}"
    if alert.kind == EventKind.SLA_WARNING:
        minutes = max(0, int((alert.due_at - now).total_seconds() // 60))
        when = f"due in {minutes} min ({due})"
    else:
        when = f"breached at {due}"
    return f"{ticket.reference} {ticket.subject}"[:300] + f": {what} {when}"


def alert_mail(*, alert: Alert, text: str, to: User) -> MailOut:
    """A staff mail, threaded to no ticket: a reply to it must not lodge as the
    customer's (`intake.threading` follows `ticket_id_ref`)."""
    ticket = alert.ticket
    title = ALERT_TITLES[alert.kind]
    body = (
        f"{text}\n\n{settings.PACTDESK_BASE_URL}/desk/tickets/{ticket.pk}/\n\n"
        f"You receive these because you may take this ticket"
        f"{' (or manage the desk)' if alert.kind == EventKind.SLA_ESCALATED else ''}. "
        f"Turn the mails off at {settings.PACTDESK_BASE_URL}/desk/notifications/."
    )
    return MailOut(
        client_id=ticket.client_id,
        kind=alert.kind,
        to_address=to.email,
        from_address=f"Pactdesk <desk@{settings.PACTDESK_MAIL_DOMAIN}>",
        subject=f"[Pactdesk] {title}: {text}"[:320],
        body=body,
    )


# -- the notification centre ----------------------------------------------------------


def notification_mark_read(*, actor: User, now: datetime, ids: Iterable[int] | None) -> int:
    """Mark the actor's own unread notifications `ids` (all of them for None) read;
    another person's ids are ignored. Answers how many changed."""
    rows = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=now)


def notification_mail_choose(*, actor: User, wanted: Iterable[str]) -> None:
    """Mail the actor the alert kinds in `wanted` and no others (staff only)."""
    if not (actor.is_active and actor.is_provider_staff):
        raise PermissionDenied("Only provider staff receive alerts.")
    wanted = set(wanted)
    with transaction.atomic():
        NotificationMailOptOut.objects.filter(user=actor).delete()
        NotificationMailOptOut.objects.bulk_create(
            NotificationMailOptOut(user=actor, kind=kind)
            for kind in ALERT_KINDS
            if kind not in wanted
        )
