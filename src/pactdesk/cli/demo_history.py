"""Seventeen weeks of realistic ticket history for the demo clients, made through the
desk services with a seeded random generator: the same seed and `now` give the same desk.

Arrivals follow a weekly pattern (quiet weekends for business-hours clients) and a
daily one (a morning peak in the client's time zone); agents answer in open time on the
client's calendar; some tickets wait on the customer, some are reopened, some are spam
or duplicates. Anything scheduled after `now` does not happen yet, so the desk ends
with live, in-flight tickets.

The months tell a story a report can show (`MONTH_PLAN`): the shared clients' months
mostly reach their goals, three months back one is a close call and two months back
one is missed (a bad month: answers came late). Which tickets are late is not left to
chance: each month's first responses and answers are late at its planned rate, spread
evenly over its tickets, so every run, whatever the day, shows the same story.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from pactdesk.accounts.models import Role, User
from pactdesk.agreements.models import Agreement, PlanKind
from pactdesk.agreements.selectors import agreement_calendar
from pactdesk.desk.models import Priority, Status, Ticket
from pactdesk.desk.services import (
    LodgingRequest,
    ticket_assign,
    ticket_auto_close,
    ticket_customer_reply,
    ticket_lodge_once,
    ticket_mark_invalid,
    ticket_merge,
    ticket_note,
    ticket_reply,
    ticket_sla_sweep,
)
from pactdesk.domain.calendars import BusinessCalendar
from pactdesk.notify.models import OutboundMail, OutboxStatus

FIRST_NAMES = ["Alex", "Sam", "Priya", "Jonas", "Mei", "Omar", "Lucia", "Tom", "Aisha", "Ken"]
LAST_NAMES = ["Baker", "Singh", "Nakamura", "Okafor", "Rossi", "Novak", "Silva", "Kim"]
SUBJECTS = {
    "northwind": [
        "Order {n} has not arrived",
        "Wrong size delivered for order {n}",
        "Refund for return {n}",
        "Cannot apply discount code",
        "Change delivery address",
    ],
    "lotus": [
        "No signal since {since}",
        "Bill {n} charged twice",
        "Roaming not working",
        "Port my number",
        "Router keeps rebooting",
    ],
    "thames": [
        "Dashboard {n} shows no data",
        "Export to CSV fails",
        "Add a user to workspace",
        "Scheduled report {n} missing",
        "API rate limit questions",
    ],
}
ANSWERS = [
    "Thanks for writing. I have looked into this and fixed it on our side.",
    "Could you send a screenshot and the exact time it happened?",
    "This is resolved now; please let us know if anything else comes up.",
    "Thanks, we are looking into it and will come back to you shortly.",
]
# (sender, name, subject, body, kind): what lands in a support inbox and is no query.
# Subjects name their date through `dated_words` ({month}, {issue}), so a newsletter's
# edition is the month it lands in (a November edition lodged in September read wrong).
SPAM = [
    (
        "security@paypa1-verify.test",
        "PayPal Security",
        "Your account has been limited",
        "Dear customer,\n\nWe noticed unusual sign-in activity. Verify your identity within "
        "24 hours or your account will be closed:\nhttp://paypa1-verify.test/login",
        "phishing",
    ),
    (
        "it-desk@mailbox-quota.test",
        "Mailbox Administrator",
        "Mailbox quota exceeded",
        "Your mailbox is 98% full. Click below to keep receiving mail:\n"
        "http://mailbox-quota.test/keep",
        "phishing",
    ),
    (
        "offers@rank-first-seo.test",
        "Rank First SEO",
        "Get your site to #1 on Google, 80% off",
        "Hi,\n\nWe sell high-authority backlinks from 500 news sites. Guaranteed page one in "
        "30 days: http://rank-first-seo.test/offer",
        "link offer",
    ),
    (
        "guestpost@blog-network.test",
        "Emma from Blog Network",
        "Guest post collaboration?",
        "Hello,\n\nI would love to place a do-follow link on your site for a small fee. "
        "Price list: http://blog-network.test/prices",
        "link offer",
    ),
    (
        "news@deals-weekly.test",
        "Deals Weekly",
        "Deals Weekly #{issue}: this week's top gadgets",
        "This week's top 10 gadgets at up to 70% off.\n\nYou receive this newsletter because "
        "you signed up. Unsubscribe: http://deals-weekly.test/u",
        "newsletter",
    ),
    (
        "hello@saas-digest.test",
        "SaaS Digest",
        "The SaaS Digest, {month} edition",
        "Five growth hacks, a webinar and our partners' offers.\n\nUnsubscribe at any time: "
        "http://saas-digest.test/unsubscribe",
        "newsletter",
    ),
]
DEALS_WEEKLY_FIRST = date(2022, 10, 3)  # a Monday: issue 1 of the weekly newsletter
DAILY_MEAN = {"northwind": 7.0, "lotus": 6.0, "thames": 4.0}
HISTORY_WEEKS = 17
# Months ago (0: the current month) -> the share of first responses and of effective
# answers that come late, for shared plans; other months and dedicated plans: USUAL.
USUAL = (0.04, 0.04)
MONTH_PLAN = {2: (0.14, 0.13), 3: (0.06, 0.07)}  # missed; a close call
DEDICATED = (0.03, 0.0)  # the seats answer on time; their next replies keep the 4 h
WEEKDAY_FACTOR = (1.2, 1.1, 1.0, 1.0, 0.9, 0.35, 0.25)


@dataclass
class Cast:
    agreement: Agreement
    calendar: BusinessCalendar
    agents: list[User]
    customers: list[tuple[str, str]]
    lateness: Lateness


@dataclass
class Lateness:
    """Decides, ticket by ticket, which are late: the k-th ticket of a month is late
    when floor(k x rate + offset) steps up, so a month with rate r has r of its tickets
    late (to one ticket), spread evenly."""

    zone: ZoneInfo
    now_month: tuple[int, int]
    shared: bool
    counts: dict[tuple[int, int], int]

    def next(self, lodged_at: datetime) -> tuple[bool, bool]:
        local = lodged_at.astimezone(self.zone)
        month = (local.year, local.month)
        ago = (self.now_month[0] - month[0]) * 12 + self.now_month[1] - month[1]
        rates = MONTH_PLAN.get(ago, USUAL) if self.shared else DEDICATED
        k = self.counts.get(month, 0) + 1
        self.counts[month] = k
        return tuple(  # type: ignore[return-value]
            math.floor(k * rate + offset) > math.floor((k - 1) * rate + offset)
            for rate, offset in zip(rates, (0.5, 0.25), strict=True)
        )


def history_load(*, now: datetime, weeks: int = HISTORY_WEEKS, seed: int = 2026) -> int:
    """Make `weeks` of tickets ending at `now`; returns how many were lodged."""
    rng = random.Random(seed)
    start = (now - timedelta(weeks=weeks)).replace(minute=0, second=0, microsecond=0)
    lodged = 0
    for agreement in Agreement.objects.select_related("client", "plan").order_by("client__slug"):
        cast = _cast(agreement, now, rng)
        for moment in _arrivals(agreement, start, now, rng):
            _life(cast, moment, now, rng)
            lodged += 1
    ticket_auto_close(now=now, days=7)
    while ticket_sla_sweep(now=now):
        pass
    # History mail is the past: it was never sent, and must not be sent now.
    OutboundMail.objects.filter(status=OutboxStatus.PENDING).update(
        status=OutboxStatus.SUPPRESSED, last_error="demo history: not delivered"
    )
    return lodged


def _cast(agreement: Agreement, now: datetime, rng: random.Random) -> Cast:
    seated = list(User.objects.filter(seats__agreement=agreement).distinct().order_by("email"))
    pool = seated or list(
        User.objects.filter(role=Role.AGENT, seats__isnull=True).order_by("email")
    )
    slug = agreement.client.slug
    customers = [
        (f"{first.lower()}.{last.lower()}@{slug}-customer.test", f"{first} {last}")
        for first in FIRST_NAMES
        for last in LAST_NAMES
    ]
    rng.shuffle(customers)
    calendar = agreement_calendar(agreement=agreement, years=range(now.year - 1, now.year + 2))
    zone = ZoneInfo(agreement.timezone)
    local_now = now.astimezone(zone)
    lateness = Lateness(
        zone, (local_now.year, local_now.month), agreement.plan.kind == PlanKind.SHARED, {}
    )
    return Cast(agreement, calendar, pool, customers[:30], lateness)


def _arrivals(agreement: Agreement, start: datetime, now: datetime, rng: random.Random):
    zone = ZoneInfo(agreement.timezone)
    mean = DAILY_MEAN.get(agreement.client.slug, 4.0)
    day = start.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    moments = []
    while day < now:
        count = _poisson(rng, mean * WEEKDAY_FACTOR[day.weekday()])
        for _ in range(count):
            hour = min(23.99, max(0.0, rng.gauss(11.5, 3.5)))
            moment = day + timedelta(hours=hour)
            if start <= moment < now:
                moments.append(moment.astimezone(ZoneInfo("UTC")))
        day += timedelta(days=1)  # wall-clock arithmetic: stays at local midnight
    return sorted(moments)


def dated_words(local: datetime) -> dict[str, str]:
    """The words a text lodged at `local` (the client's local time) dates itself with:
    {month} "September"; {issue} the weekly newsletter's number that week ("208"; issue
    1 the week of DEALS_WEEKLY_FIRST); {since} "last night" before 07:00, else "this
    morning"."""
    return {
        "month": f"{local:%B}",
        "issue": str((local.date() - DEALS_WEEKLY_FIRST).days // 7 + 1),
        "since": "last night" if local.hour < 7 else "this morning",
    }


def _life(cast: Cast, lodged_at: datetime, now: datetime, rng: random.Random) -> None:
    client = cast.agreement.client
    email, name = rng.choice(cast.customers)
    words = dated_words(lodged_at.astimezone(ZoneInfo(cast.agreement.timezone)))
    template = rng.choice(SUBJECTS.get(client.slug, ["Question"]))
    subject = template.format(n=rng.randint(1000, 9999), **words)
    priority = rng.choices(
        [Priority.NORMAL, Priority.HIGH, Priority.URGENT, Priority.LOW], [80, 12, 3, 5]
    )[0]
    channel = rng.choice(["email", "email", "web", "api"])
    agent = rng.choice(cast.agents)
    roll = rng.random()
    steps = _Steps(cast.calendar, lodged_at, now, rng)
    if roll < 0.05:
        # Spam looks like spam; picked from the roll, so the random stream (and with it
        # the rest of the history) is the one it always was.
        sender, sender_name, template, body, kind = SPAM[int(roll * 10_000) % len(SPAM)]
        subject = template.format(**words)
        spam_query = LodgingRequest(
            client=client,
            customer_email=sender,
            customer_name=sender_name,
            subject=subject,
            body=body,
            channel="email",
            now=lodged_at,
            priority=Priority.NORMAL,
        )
        spam = ticket_lodge_once(spam_query).ticket
        if at := steps.after(minutes=8):
            ticket_mark_invalid(actor=agent, ticket=spam, reason=f"spam ({kind})", now=at)
        return
    query = LodgingRequest(
        client=client,
        customer_email=email,
        customer_name=name,
        subject=subject,
        body=f"Hello,\n\n{subject}. Can you help?\n\n{name}",
        channel=channel,
        now=lodged_at,
        priority=priority,
    )
    ticket = ticket_lodge_once(query).ticket
    late = cast.lateness.next(lodged_at)
    if roll < 0.09 and (at := steps.wall(hours=0.2)):
        again = replace(
            query,
            body="Sending this again in case the first one got lost.",
            channel="email",
            now=at,
            priority=Priority.NORMAL,
        )
        duplicate = ticket_lodge_once(again).ticket
        if at := steps.after(minutes=5):
            ticket_merge(actor=agent, ticket=duplicate, into=ticket, now=at)
    # Urgent tickets (a 15-minute target where one is set) are picked up faster.
    pace = 0.4 if priority == Priority.URGENT else 1.0
    if at := steps.after(minutes=pace * min(6.0, rng.lognormvariate(1.6, 0.6))):
        ticket_assign(actor=agent, ticket=ticket, assignee=agent, now=at)
    if rng.random() < 0.2 and (at := steps.after(minutes=2)):
        ticket_note(actor=agent, ticket=ticket, body="Checked the account; see logs.", now=at)
    _conversation(ticket, agent, steps, rng, late=late, pace=pace)


def _conversation(
    ticket: Ticket,
    agent: User,
    steps: _Steps,
    rng: random.Random,
    *,
    late: tuple[bool, bool],
    pace: float,
) -> None:
    """The replies, in open time after the last step: a first response within 18
    minutes (times `pace`; late: 32-75), an answer within 150 minutes more (late: 4h20-7h); a
    customer who was asked for details replies within an hour of wall-clock time."""
    late_response, late_answer = late
    delay = rng.uniform(32, 75) if late_response else min(18.0, rng.lognormvariate(2.2, 0.6))
    delay *= 1.0 if late_response else pace
    if not (at := steps.after(minutes=delay)):
        return
    if rng.random() < 0.3:
        ticket_reply(actor=agent, ticket=ticket, body=ANSWERS[1], now=at, status=Status.WAITING)
        if not (at := steps.wall(hours=rng.uniform(0.2, 1.0))):
            return
        ticket_customer_reply(
            ticket=ticket,
            customer=ticket.customer,
            channel="email",
            body="Here are the details you asked for.",
            now=at,
        )
    else:
        ticket_reply(actor=agent, ticket=ticket, body=ANSWERS[3], now=at)
    answer = rng.uniform(260, 420) if late_answer else min(150.0, rng.lognormvariate(4.0, 0.7))
    if not (at := steps.after(minutes=answer)):
        return
    ticket_reply(actor=agent, ticket=ticket, body=ANSWERS[0], now=at, status=Status.SOLVED)
    if rng.random() < 0.08 and (at := steps.wall(hours=rng.uniform(2, 48))):
        ticket_customer_reply(
            ticket=ticket,
            customer=ticket.customer,
            channel="email",
            body="Sorry, it happened again.",
            now=at,
        )
        if at := steps.after(minutes=rng.lognormvariate(3.5, 0.6)):
            ticket_reply(actor=agent, ticket=ticket, body=ANSWERS[2], now=at, status=Status.SOLVED)


class _Steps:
    """The clock of one ticket's life: each step comes after the last, in open time
    on the agreement's calendar (agents) or wall-clock time (customers); a step that
    would fall after `now` returns None, and so does every step after it."""

    def __init__(
        self, calendar: BusinessCalendar, start: datetime, now: datetime, rng: random.Random
    ) -> None:
        self.calendar, self.at, self.now, self.rng = calendar, start, now, rng
        self.stopped = False

    def after(self, *, minutes: float) -> datetime | None:
        return self._step(self.calendar.add(self.at, timedelta(minutes=round(minutes, 1))))

    def wall(self, *, hours: float) -> datetime | None:
        return self._step(self.at + timedelta(hours=round(hours, 2)))

    def _step(self, at: datetime) -> datetime | None:
        if self.stopped or at >= self.now:
            self.stopped = True
            return None
        self.at = max(at, self.at + timedelta(seconds=1))
        return self.at


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method; means here are small."""
    limit, product, count = math.exp(-mean), rng.random(), 0
    while product > limit:
        product *= rng.random()
        count += 1
    return count
