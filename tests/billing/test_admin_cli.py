"""`pactdesk billing terms | hire | invoice void | refund paid`: the same services as the
pages, printed as text or JSON; refusals exit 2 with their code and change nothing."""

from __future__ import annotations

import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from pactdesk.billing.models import BillingChange, BillingTerms, Hire, Invoice, Refund
from pactdesk.billing.services.cancel import hire_cancel
from pactdesk.billing.services.payments import payment_record_manual
from pactdesk.cli.main import main
from pactdesk.platform.clock import clock_now

pytestmark = pytest.mark.django_db


@pytest.fixture
def today(agreement):
    return clock_now().astimezone(ZoneInfo("Europe/London")).date()


# `main` runs Django's `run_from_argv`, which closes every connection when the command
# ends: a test that reads the database after a refusal needs its own transactions
# (on PostgreSQL the test's wrapping transaction would be closed under it).
after_main = pytest.mark.django_db(transaction=True)


def _refused(capsys, *args: str) -> str:
    with pytest.raises(SystemExit) as exited:
        main(["billing", *args])
    assert exited.value.code == 2
    return capsys.readouterr().err


def test_terms_print_and_change(agreement, capsys) -> None:
    call_command("billing", "terms", "--client", "thames")
    table = capsys.readouterr().out
    call_command(
        "billing",
        "terms",
        "--client",
        "thames",
        "--set",
        "tax_rate=17.5",
        "--set",
        "payment_days=30",
        "--json",
    )
    data = json.loads(capsys.readouterr().out)

    assert table.splitlines()[0] == f"Billing terms of Thames ({agreement.plan.name}):"
    assert "  seat_fee                  4200.00" in table
    assert data["changed"] == {"tax_rate": ["20.00", "17.50"], "payment_days": ["14", "30"]}
    assert data["terms"]["tax_rate"] == "17.50"
    change = BillingChange.objects.get()
    assert (change.kind, change.actor) == ("terms_set", None)  # the command line is no one


@pytest.mark.parametrize(
    ("setting", "err"),
    [
        ("tax_rate=-1", "pactdesk: invalid_tax_rate [tax_rate]: "),
        ("tax_rate=101", "pactdesk: invalid_tax_rate [tax_rate]: "),
        ("seat_fee=4200.123", "pactdesk: too_many_decimals [seat_fee]: "),
        ("currency=ABC", "pactdesk: unknown_currency [currency]: "),
        ("taxrate", "pactdesk: unknown_terms_field [set]: "),
    ],
)
@after_main
def test_bad_terms_exit_2_with_the_code(agreement, capsys, setting, err) -> None:
    assert _refused(capsys, "terms", "--client", "thames", "--set", setting).startswith(err)
    assert BillingTerms.objects.get().tax_rate == 20
    assert not BillingChange.objects.exists()


def test_an_unknown_client_exits_2(db, capsys) -> None:
    assert _refused(capsys, "terms", "--client", "nobody") == (
        "pactdesk: client_not_found [client]: No client 'nobody'.\n"
    )


def test_hire_start_list_and_cancel(agreement, capsys, today) -> None:
    call_command(
        "billing",
        "hire",
        "start",
        "--client",
        "thames",
        "--seat",
        "2",
        "--start",
        today.isoformat(),
        "--json",
    )
    started = json.loads(capsys.readouterr().out)
    call_command("billing", "hire", "list", "--client", "thames")
    listing = capsys.readouterr().out
    call_command("billing", "hire", "cancel", "--hire", str(started["id"]))
    cancelled = capsys.readouterr().out

    hire = Hire.objects.get()
    assert (started["seat"], started["start_date"], started["invoice"]) == (
        2,
        today.isoformat(),
        Invoice.objects.get().number,
    )
    assert listing.splitlines()[1].split()[:5] == [
        str(hire.pk),
        "thames",
        "2",
        today.isoformat(),
        "active",
    ]
    assert cancelled.startswith(f"Hire {hire.pk} ended; credit note CN-")
    assert hire.status == "ended"


@pytest.mark.parametrize(
    ("args", "err"),
    [
        (("--seat", "7"), "pactdesk: seat_not_in_agreement [seat]: "),
        (("--seat", "two"), "pactdesk: seat_not_in_agreement [seat]: "),
        (("--seat", "1", "--start", "2026-02-30"), "pactdesk: invalid_date [start]: "),
        (("--seat", "1", "--start", "2001-01-01"), "pactdesk: invalid_start_date [start]: "),
    ],
)
@after_main
def test_a_bad_hire_exits_2(agreement, capsys, today, args, err) -> None:
    start = () if "--start" in args else ("--start", today.isoformat())
    assert _refused(capsys, "hire", "start", "--client", "thames", *args, *start).startswith(err)
    assert not Hire.objects.exists()


def test_void_an_invoice_by_its_number(agreement, admin, capsys, today) -> None:
    call_command(
        "billing",
        "hire",
        "start",
        "--client",
        "thames",
        "--seat",
        "1",
        "--start",
        today.isoformat(),
    )
    capsys.readouterr()
    number = Invoice.objects.get().number

    call_command("billing", "invoice", "void", "--invoice", number, "--reason", "Duplicate")
    call_command("billing", "invoice", "void", "--invoice", number, "--reason", "Duplicate")

    assert capsys.readouterr().out == (
        f"Invoice {number} voided.\nInvoice {number} was void already: nothing changed.\n"
    )
    assert _refused(capsys, "invoice", "void", "--invoice", "2026-999999", "--reason", "x") == (
        "pactdesk: invoice_not_found [invoice]: No invoice '2026-999999'.\n"
    )


@after_main
def test_mark_a_refund_paid_by_hand(agreement, admin, client_admin, capsys, today) -> None:
    call_command(
        "billing",
        "hire",
        "start",
        "--client",
        "thames",
        "--seat",
        "1",
        "--start",
        today.isoformat(),
    )
    invoice = Invoice.objects.get()
    payment_record_manual(
        actor=admin,
        invoice_id=invoice.pk,
        amount="5760.00",
        currency="GBP",
        received_on=today,
        now=clock_now(),
    )
    hire_cancel(actor=client_admin, hire_id=invoice.hire_id, now=clock_now(), gateway=None)
    refund = Refund.objects.get()
    capsys.readouterr()

    tomorrow = (today + timedelta(days=1)).isoformat()
    err = _refused(
        capsys,
        "refund",
        "paid",
        "--refund",
        str(refund.pk),
        "--on",
        tomorrow,
        "--reference",
        "BACS 9",
    )
    call_command(
        "billing",
        "refund",
        "paid",
        "--refund",
        str(refund.pk),
        "--on",
        today.isoformat(),
        "--reference",
        "BACS 9",
    )

    assert err.startswith("pactdesk: invalid_date [paid_on]: ")
    assert capsys.readouterr().out == f"Refund {refund.pk} marked paid (BACS 9).\n"
    assert Refund.objects.get().status == "completed"
