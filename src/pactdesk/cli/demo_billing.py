"""Demo billing, made through the billing services as the provider would: terms for the
three clients, Thames's two seat hires (one inside its 14-day guarantee, one past it),
Northwind's shared plan over three months, paid and unpaid invoices, and a service
credit carried on an invoice. Loaded after the ticket history (`pactdesk demo`)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from pactdesk.accounts.models import Role, User
from pactdesk.agreements.models import Agreement, Seat
from pactdesk.billing.models import Hire, Invoice
from pactdesk.billing.services.cancel import hire_cancel
from pactdesk.billing.services.credits import service_credits_decide
from pactdesk.billing.services.hires import hire_start
from pactdesk.billing.services.payments import payment_record_manual
from pactdesk.billing.services.run import billing_run
from pactdesk.billing.services.terms import TermsSpec, billing_terms_set
from pactdesk.billing.services.void import invoice_void
from pactdesk.domain.billing_money import add_months


def _at(day: date) -> datetime:
    return datetime.combine(day, time(12, 0), tzinfo=UTC)


def billing_demo_load(*, now: datetime) -> None:
    """Hires, invoices, payments and a service credit relative to ``now``."""
    admin = User.objects.get(role=Role.ADMIN, email="admin@pactdesk.test")
    today = now.date()
    northwind, lotus, thames = (
        Agreement.objects.get(client__slug=slug) for slug in ("northwind", "lotus", "thames")
    )
    billing_terms_set(
        actor=admin,
        agreement=thames,
        spec=TermsSpec(
            currency="USD",
            fee="4200.00",
            tax_rate="20",
            tax_label="VAT",
            contacts=("accounts@thames.test",),
        ),
    )
    billing_terms_set(
        actor=admin,
        agreement=northwind,
        spec=TermsSpec(
            currency="USD",
            fee="1200.00",
            tax_rate="10",
            contacts=("billing@northwind.test",),
            credit_percent_per_point="2",
            credit_cap_percent="10",
        ),
    )
    billing_terms_set(
        actor=admin,
        agreement=lotus,
        spec=TermsSpec(currency="USD", fee="2900.00", round_the_clock_fee="600.00"),
    )
    seats = list(Seat.objects.filter(agreement=thames).order_by("number"))
    # Seat 1: hired 40 days ago (past its guarantee), its first month paid.
    old = _hire(admin, thames, seats[0], today - timedelta(days=40), now)
    # Seat 2: hired 5 days ago, inside its guarantee, paid by bank transfer.
    new = _hire(admin, thames, seats[1], today - timedelta(days=4), now)
    # Northwind's shared plan from three months back (this month's invoice is issued
    # after last month's service credit is decided, so it carries the credit); Lotus's.
    shared = _hire(admin, northwind, None, add_months(today, -3), now - timedelta(days=1))
    lotus_start = add_months(today, -1) + timedelta(days=3)
    _hired_by_mistake(admin, lotus, lotus_start)
    _hire(admin, lotus, None, lotus_start, now)
    for hire in (old, new, shared):
        _pay(admin, Invoice.objects.get(hire=hire, period_index=0), today)
    _pay(admin, Invoice.objects.get(hire=shared, period_index=1), today)
    _service_credit(northwind, now)
    billing_run(now=now, gateway=None)


def _hired_by_mistake(admin: User, agreement: Agreement, start: date) -> None:
    """On the day Lotus's plan starts, staff first start it a month late by mistake:
    that invoice is voided (the staff list shows one void invoice, its number kept) and
    the hire, not begun, is cancelled (it ends at once); the plan is then started from
    the right day (a shared plan has one open hire at a time)."""
    now = _at(start)
    wrong = add_months(start, 1)
    hire = hire_start(actor=admin, agreement=agreement, seat=None, start_date=wrong, now=now)
    invoice = Invoice.objects.get(hire=hire, period_index=0)
    reason = "Started a month late by mistake: the plan starts on its own day. Nothing is owed."
    invoice_void(actor=admin, invoice_id=invoice.pk, reason=reason, now=now)
    hire_cancel(actor=admin, hire_id=hire.pk, now=now, gateway=None)


def _hire(admin: User, agreement: Agreement, seat: Seat | None, start: date, now: datetime) -> Hire:
    hire = hire_start(actor=admin, agreement=agreement, seat=seat, start_date=start, now=_at(start))
    month = 1
    while add_months(start, month) <= now.date():
        billing_run(now=_at(add_months(start, month)), gateway=None)
        month += 1
    return hire


def _pay(admin: User, invoice: Invoice, today: date) -> None:
    assert invoice.issue_date is not None
    received = min(invoice.issue_date + timedelta(days=6), today)
    payment_record_manual(
        actor=admin,
        invoice_id=invoice.pk,
        amount=invoice.total.quantize(Decimal("0.01")),
        currency=invoice.currency,
        received_on=received,
        now=_at(received),
    )


def _service_credit(agreement: Agreement, now: datetime) -> None:
    """Last month's service-credit decision from the attainment report of the demo's
    history (the planned history misses its goals in one month and reaches them in the
    others): a credit only where the report says a goal was missed, never a made-up one."""
    month = (now.date().replace(day=1) - timedelta(days=1)).replace(day=1)
    service_credits_decide(agreement=agreement, month=month, now=now)
