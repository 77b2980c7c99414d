from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import transaction

from pactdesk.accounts.models import Client, Role, User
from pactdesk.agreements.models import Agreement, Seat
from pactdesk.agreements.selectors import agreement_calendar_spec
from pactdesk.cli.demo import DEMO_PASSWORD
from pactdesk.cli.demo_history import history_load
from pactdesk.desk.models import Ticket, TicketEvent
from pactdesk.notify.models import OutboundMail

pytestmark = pytest.mark.django_db


def run_demo(weeks: int = 0) -> str:
    out = io.StringIO()
    call_command("demo", weeks=weeks, stdout=out)
    return out.getvalue()


def test_demo_makes_three_clients_eight_agents_and_every_role() -> None:
    printed = run_demo()
    assert list(Client.objects.values_list("name", flat=True)) == [
        "Lotus Telecom",
        "Northwind Outfitters",
        "Thames Analytics",
    ]
    roles = {role: User.objects.filter(role=role).count() for role in Role.values}
    assert roles == {"admin": 1, "manager": 1, "agent": 8, "client_admin": 3, "client_member": 3}
    assert f"password for all: {DEMO_PASSWORD}" in printed
    for user in User.objects.all():
        assert user.email in printed
        assert user.check_password(DEMO_PASSWORD)


def test_demo_agreements_match_the_three_stories() -> None:
    run_demo()
    rows = {a.client.slug: a for a in Agreement.objects.select_related("client", "plan")}
    northwind = agreement_calendar_spec(agreement=rows["northwind"], years=[2026])
    assert northwind["timezone"] == "America/New_York"
    assert "2026-11-26" in northwind["closed"]  # Thanksgiving
    assert northwind["hours"]["mon"] == [["09:00", "17:00"]]
    assert agreement_calendar_spec(agreement=rows["lotus"], years=[2026]) == {
        "timezone": "Asia/Kolkata",
        "always_open": True,
    }
    thames = rows["thames"]
    assert (thames.plan.kind, thames.timezone, thames.seat_count) == (
        "dedicated",
        "Europe/London",
        2,
    )
    holders = list(Seat.objects.filter(agreement=thames).values_list("agent__email", flat=True))
    assert holders == ["goran@pactdesk.test", "hana@pactdesk.test"]


def test_demo_loads_only_into_an_empty_database() -> None:
    run_demo()
    printed = run_demo()
    assert "already holds data; the demo was not loaded" in printed
    assert Client.objects.count() == 3


def history_fingerprint() -> list[tuple]:
    return list(
        Ticket.objects.order_by("lodged_at", "client__slug", "subject").values_list(
            "client__slug",
            "customer__email",
            "subject",
            "status",
            "priority",
            "lodged_at",
            "sla_first_response_state",
            "is_valid",
            "merged_into__subject",
        )
    )


def test_history_is_made_through_the_services_and_is_deterministic() -> None:
    from pactdesk.cli.demo import demo_load

    now = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)  # a Thursday
    with transaction.atomic():
        demo_load()
        lodged = history_load(now=now, weeks=1, seed=7)
    first = history_fingerprint()
    assert lodged == len(first) - Ticket.objects.filter(merged_into__isnull=False).count()
    assert lodged > 40
    statuses = {row[3] for row in first}
    assert {"closed", "solved"} & statuses
    assert all(now - timedelta(weeks=1) <= row[5] < now for row in first)
    # Every ticket's history starts with its lodging, and replays without error.
    assert TicketEvent.objects.filter(kind="lodged").count() == len(first)
    assert not OutboundMail.objects.filter(status="pending").exists()

    Ticket.objects.filter(merged_into__isnull=False).delete()
    Ticket.objects.all().delete()
    history_load(now=now, weeks=1, seed=7)
    assert history_fingerprint() == first


def test_the_histories_spam_looks_like_spam() -> None:
    from pactdesk.cli.demo import demo_load
    from pactdesk.cli.demo_history import SPAM, dated_words

    now = datetime(2026, 10, 8, 12, 0, tzinfo=UTC)  # three weeks over two months
    with transaction.atomic():
        demo_load()
        history_load(now=now, weeks=3, seed=7)
    rows = Ticket.objects.filter(is_valid=False).select_related("agreement")
    dated = sorted({t.subject for t in rows if "SaaS" in t.subject or "Weekly" in t.subject})
    assert dated == [  # each newsletter's edition is the month, and week, it landed in
        "Deals Weekly #207: this week's top gadgets",  # 18 September
        "Deals Weekly #209: this week's top gadgets",  # 29 September, 1 October
        "The SaaS Digest, October edition",  # 1 and 5 October
        "The SaaS Digest, September edition",  # 21, 28 and 30 September
    ]
    invalid = [(t.subject, t.invalid_reason) for t in rows]
    assert len(invalid) >= 3
    for ticket in rows:  # each subject is its template, dated at its lodging
        local = ticket.lodged_at.astimezone(ZoneInfo(ticket.agreement.timezone))
        words = dated_words(local)
        spam = {subject.format(**words): f"spam ({kind})" for _, _, subject, _, kind in SPAM}
        assert spam.get(ticket.subject) == ticket.invalid_reason, ticket.subject
    assert {reason for _, reason in invalid} <= {
        "spam (phishing)",
        "spam (link offer)",
        "spam (newsletter)",
    }


def test_the_demos_texts_are_dated_at_their_lodging() -> None:
    from pactdesk.cli.demo_history import dated_words

    september_night = datetime(2026, 9, 14, 3, 10, tzinfo=ZoneInfo("Asia/Kolkata"))
    november_noon = datetime(2026, 11, 30, 12, 0, tzinfo=ZoneInfo("America/New_York"))

    assert dated_words(september_night) == {
        "month": "September",
        "issue": "207",  # 3 Oct 2022 is issue 1; 14 Sep 2026 is 206 weeks on
        "since": "last night",
    }
    assert dated_words(november_noon) == {
        "month": "November",
        "issue": "218",
        "since": "this morning",
    }
