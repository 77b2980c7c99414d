"""The billing run: invoices issued in advance per period (renewal on the start day,
clamped to the month's end), issued once however often it runs, mailed with their PDF;
reminders 3, 7 and 14 days after due; hires cancelled for their period's end ended;
service credits decided once from the attainment report and carried on the next
invoice as a negative line."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from pactdesk.billing.models import HireEvent, HireStatus, Invoice, ServiceCredit
from pactdesk.billing.selectors import client_balances
from pactdesk.billing.services.cancel import hire_cancel
from pactdesk.billing.services.hires import hire_start
from pactdesk.billing.services.run import billing_run
from pactdesk.billing.services.terms import TermsSpec, billing_terms_set
from pactdesk.desk.services import ticket_lodge, ticket_reply
from pactdesk.notify.models import OutboundMail
from tests.billing.conftest import at, seat_hire
from tests.factories import ClientFactory, UserFactory
from tests.reports.conftest import agreement_for

pytestmark = pytest.mark.django_db


def _numbers(hire) -> list[tuple[int, date, date]]:
    return list(
        Invoice.objects.filter(hire=hire)
        .order_by("period_index")
        .values_list("period_index", "period_start", "period_end")
    )


def test_a_hire_from_the_31st_renews_on_the_months_last_days(agreement, admin) -> None:
    hire = seat_hire(agreement, admin, start=date(2026, 1, 31))

    first = billing_run(now=at(date(2026, 2, 28)), gateway=None)
    again = billing_run(now=at(date(2026, 2, 28)), gateway=None)
    billing_run(now=at(date(2026, 3, 30)), gateway=None)
    billing_run(now=at(date(2026, 3, 31)), gateway=None)

    assert (first.issued, again.issued) == (["2026-000002"], [])
    assert _numbers(hire) == [
        (0, date(2026, 1, 31), date(2026, 2, 28)),
        (1, date(2026, 2, 28), date(2026, 3, 31)),
        (2, date(2026, 3, 31), date(2026, 4, 30)),
    ]
    assert [e.kind for e in HireEvent.objects.filter(hire=hire)] == [
        "started",
        "renewed",
        "renewed",
    ]


def test_each_invoice_is_mailed_once_with_its_pdf(
    agreement, admin, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        seat_hire(agreement, admin, start=date(2026, 3, 1))
        billing_run(now=at(date(2026, 3, 1)), gateway=None)

    (mail,) = OutboundMail.objects.filter(kind="invoice")
    assert (mail.to_address, mail.subject) == (
        "accounts@thames.test",
        "Invoice 2026-000001 from Pactdesk",
    )
    (sent,) = mailoutbox
    ((name, content, kind),) = sent.attachments
    assert (name, kind, content[:5]) == ("invoice-2026-000001.pdf", "application/pdf", b"%PDF-")


def test_reminders_come_3_7_and_14_days_after_due_once_each(agreement, admin) -> None:
    seat_hire(agreement, admin, start=date(2026, 3, 1))  # due 15 March

    sent = [
        billing_run(now=at(date(2026, 3, 15) + timedelta(days=late)), gateway=None).reminders
        for late in (2, 3, 3, 6, 7, 13, 14, 14, 20)
    ]

    assert sent == [0, 1, 0, 0, 1, 0, 1, 0, 0]
    subjects = OutboundMail.objects.filter(kind="invoice_reminder").values_list(
        "subject", flat=True
    )
    assert sorted(subjects) == [
        "Reminder: invoice 2026-000001 is 14 days overdue",
        "Reminder: invoice 2026-000001 is 3 days overdue",
        "Reminder: invoice 2026-000001 is 7 days overdue",
    ]


def test_a_hire_cancelled_after_the_window_ends_at_its_period_end(
    agreement, admin, client_admin
) -> None:
    hire = seat_hire(agreement, admin, start=date(2026, 3, 1))
    hire_cancel(actor=client_admin, hire_id=hire.pk, now=at(date(2026, 3, 20)), gateway=None)

    before = billing_run(now=at(date(2026, 3, 31)), gateway=None)
    after = billing_run(now=at(date(2026, 4, 1)), gateway=None)

    hire.refresh_from_db()
    assert (before.ended, after.ended, after.issued) == (0, 1, [])
    assert hire.status == HireStatus.ENDED
    assert len(_numbers(hire)) == 1


NEW_YORK = ZoneInfo("America/New_York")


def test_a_missed_month_earns_a_credit_carried_on_the_next_invoice(
    admin, django_capture_on_commit_callbacks
) -> None:
    agreement = agreement_for(ClientFactory(name="Northwind", slug="northwind"))
    billing_terms_set(
        actor=admin,
        agreement=agreement,
        spec=TermsSpec(
            currency="USD", fee="1200.00", credit_percent_per_point="2", credit_cap_percent="10"
        ),
    )
    hire = hire_start(
        actor=admin,
        agreement=agreement,
        seat=None,
        start_date=date(2026, 3, 1),
        now=at(date(2026, 3, 1)),
    )
    agent = UserFactory(role="agent")
    # First responses: one in time, one late -> 50% against a 90% goal: 40 points x 2%,
    # capped at 10% of the month's 1,200.00.
    for minutes in (10, 120):
        lodged = datetime(2026, 3, 10, 10, 0, tzinfo=NEW_YORK)
        with django_capture_on_commit_callbacks(execute=True):
            ticket = ticket_lodge(
                client=agreement.client,
                customer_email="jo@shop.test",
                subject="Help",
                body="Help.",
                channel="email",
                now=lodged,
            )
        ticket_reply(
            actor=agent, ticket=ticket, body="On it.", now=lodged + timedelta(minutes=minutes)
        )

    april = datetime(2026, 4, 1, 9, 0, tzinfo=NEW_YORK)
    run = billing_run(now=april, gateway=None)
    billing_run(now=april + timedelta(hours=1), gateway=None)

    credit = ServiceCredit.objects.get(metric="first_response", priority="")
    assert (credit.attainment, credit.fee, credit.percent, credit.amount) == (
        Decimal("50.0000"),
        Decimal("1200.000"),
        Decimal("10.0000"),
        Decimal("120.000"),
    )
    # Neither ticket was solved: the effective-answer target (75%) is missed too.
    answer = ServiceCredit.objects.get(metric="effective_answer")
    assert (answer.attainment, answer.amount) == (Decimal("0.0000"), Decimal("120.000"))
    assert run.credits == 2
    assert ServiceCredit.objects.filter(month=date(2026, 3, 1)).count() == 3  # one per target
    april_invoice = Invoice.objects.get(hire=hire, period_index=1)
    assert [(line.kind, line.amount) for line in april_invoice.lines.all()] == [
        ("plan", Decimal("1200.000")),
        ("service_credit", Decimal("-120.000")),
        ("service_credit", Decimal("-120.000")),
    ]
    assert april_invoice.total == Decimal("960.000")
    assert client_balances(client_id=hire.client_id) == {"USD": Decimal("2160.00")}
