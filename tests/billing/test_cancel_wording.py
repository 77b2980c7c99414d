"""One hire, three views: the page, the API and the CLI name the same days the same way
(``last_day`` inclusive), a repeated cancel answers what the first did, the hires list
words the guarantee as it stands (open, used on a day, ended), the cancel texts fit the
viewer (the client admin, or provider staff acting for the client), and an invoice whose
guarantee refund is on its way says so instead of a negative "still to pay"."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client as Browser

from pactdesk.api.services import api_key_create
from pactdesk.billing.documents import invoice_html
from pactdesk.billing.models import Hire, Invoice, Refund
from pactdesk.billing.services.payments import payment_record_manual, refund_mark_paid
from tests.api.conftest import Api
from tests.billing.conftest import at, seat_hire

pytestmark = pytest.mark.django_db
MARCH_1 = date(2026, 3, 1)
CREDIT = "£4,087.75"  # day 9 of 31: 22/31 of £5,760.00, per line and tax


class Clock:
    def __init__(self) -> None:
        self.now = at(date(2026, 3, 9))

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    for where in (
        "pactdesk.web.billing",
        "pactdesk.api.billing",
        "pactdesk.cli.management.commands.billing",
    ):
        monkeypatch.setattr(f"{where}.clock_now", clock)
    return clock


@pytest.fixture
def hire(agreement, admin) -> Hire:
    return seat_hire(agreement, admin, start=MARCH_1)


@pytest.fixture
def api(client_row, django_capture_on_commit_callbacks) -> Api:
    secret = api_key_create(now=at(MARCH_1), client_slug=client_row.slug).secret
    return Api(secret, django_capture_on_commit_callbacks)


def _browser(user) -> Browser:
    browser = Browser()
    browser.force_login(user)
    return browser


def _text(response) -> str:
    """The page's words, tags dropped and spaces squeezed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _cli(hire: Hire, capsys) -> tuple[str, dict[str, object]]:
    call_command("billing", "refund-preview", "--hire", str(hire.pk))
    table = capsys.readouterr().out
    call_command("billing", "refund-preview", "--hire", str(hire.pk), "--json")
    return table.splitlines()[0], json.loads(capsys.readouterr().out)


def _paid_by_transfer(hire: Hire, admin) -> Invoice:
    invoice = hire.invoices.get()
    payment_record_manual(
        actor=admin,
        invoice_id=invoice.pk,
        amount="5760.00",
        currency="GBP",
        received_on=date(2026, 3, 2),
        now=at(date(2026, 3, 2)),
    )
    return invoice


# --- the same days in the page, the API and the CLI --------------------------------------


def test_after_the_window_all_three_say_the_last_day_is_31_march(
    hire, client_admin, api, clock, capsys
) -> None:
    clock.now = at(date(2026, 3, 20))  # day 20: the guarantee ended on 14 March
    browser = _browser(client_admin)

    page = _text(browser.get(f"/billing/hires/{hire.pk}/cancel/"))
    preview = api.get(f"/api/billing/hires/{hire.pk}/refund-preview").body
    head, data = _cli(hire, capsys)
    cancelled = api.post(f"/api/billing/hires/{hire.pk}/cancel").body
    listed = _text(browser.get("/billing/"))
    hires = api.get("/api/billing/hires").body
    head_after, data_after = _cli(hire, capsys)

    assert "The money-back guarantee ended on 14 March 2026." in page
    assert "its last day is 31 March 2026 . Nothing is refunded." in page
    assert (preview["last_day"], preview["guarantee_last_day"]) == ("2026-03-31", "2026-03-14")
    assert (data["last_day"], data["guarantee_last_day"]) == ("2026-03-31", "2026-03-14")
    assert head == (
        f"Hire {hire.pk}, cancelled on 2026-03-20 (day 20): after the guarantee,"
        " the hire's last day 2026-03-31 (its period's end), nothing refunded"
    )
    assert (cancelled["hire"]["last_day"], cancelled["preview"]["last_day"]) == (
        "2026-03-31",
        "2026-03-31",
    )
    assert "(last day 31 Mar 2026)" in listed
    assert "ended 14 Mar 2026" in listed
    assert hires[0]["last_day"] == "2026-03-31"
    assert head_after == (
        f"Hire {hire.pk} was cancelled on 2026-03-20 (day 20), its last day 2026-03-31:"
        " nothing changes"
    )
    assert data_after["last_day"] == "2026-03-31"
    hire.refresh_from_db()
    assert hire.end_date == date(2026, 4, 1)  # stored: the first day no longer hired


def test_invoice_periods_name_their_last_day(hire, api, clock) -> None:
    (invoice,) = api.get("/api/billing/invoices").body

    assert (invoice["period_start"], invoice["period_end"], invoice["period_last_day"]) == (
        "2026-03-01",
        "2026-04-01",
        "2026-03-31",
    )


# --- a repeated cancel answers what the first did ----------------------------------------


def test_a_repeated_api_cancel_answers_the_first_cancel(hire, admin, api, clock) -> None:
    _paid_by_transfer(hire, admin)

    first = api.post(f"/api/billing/hires/{hire.pk}/cancel")
    clock.now = at(date(2026, 3, 11))  # a retry two days later
    second = api.post(f"/api/billing/hires/{hire.pk}/cancel")

    assert (first.status, second.status) == (200, 200)
    assert (first.body["changed"], second.body["changed"]) == (True, False)
    assert (first.body["credit_note"], second.body["credit_note"]) == ("CN-2026-000001",) * 2
    assert (first.body["refund_status"], second.body["refund_status"]) == ("by_hand",) * 2
    assert first.body["hire"] == second.body["hire"]
    assert {**second.body["preview"], "already": False} == first.body["preview"]
    assert (first.body["preview"]["total"], first.body["preview"]["refund"]) == (
        "4087.75",
        "4087.75",
    )
    assert Refund.objects.count() == 1


# --- the hires list words the guarantee as it stands -------------------------------------


def test_the_hires_list_says_the_guarantee_was_used_not_ended_on_a_future_day(
    hire, admin, client_admin, clock
) -> None:
    _paid_by_transfer(hire, admin)
    browser = _browser(client_admin)

    before = _text(browser.get("/billing/"))
    browser.post(f"/billing/hires/{hire.pk}/cancel/")
    after = _text(browser.get("/billing/"))
    clock.now = at(date(2026, 3, 20))
    later = _text(browser.get("/billing/"))

    assert "open until 14 Mar 2026 6 days left" in before
    assert "ended 14 Mar" not in after
    used = f"used: cancelled on 9 Mar 2026, {CREDIT} credited; {CREDIT} to be refunded"
    assert used in after
    assert used in later  # it stays the story of this hire
    assert "(last day 9 Mar 2026)" in after


# --- texts fit the viewer ------------------------------------------------------------------


def test_the_cancel_page_speaks_to_the_client_admin_or_to_staff(
    hire, admin, client_admin, clock
) -> None:
    _paid_by_transfer(hire, admin)

    mine = _text(_browser(client_admin).get(f"/billing/hires/{hire.pk}/cancel/"))
    staff = _browser(admin)
    theirs = _text(staff.get(f"/billing/hires/{hire.pk}/cancel/"))
    done = staff.post(f"/billing/hires/{hire.pk}/cancel/", follow=True)
    again = staff.post(f"/billing/hires/{hire.pk}/cancel/", follow=True)
    page_after = _text(staff.get(f"/billing/hires/{hire.pk}/cancel/"))

    assert f"{CREDIT} is paid back to you (to the PayPal account" in mine
    assert f"{CREDIT} is paid back to Thames (through PayPal" in theirs
    assert "to you" not in theirs
    assert [m.message for m in done.context["messages"]] == [
        f"Hire cancelled. Credit note CN-2026-000001 issued; pay {CREDIT} back to Thames"
        " by bank transfer, then mark the refund paid."
    ]
    assert [m.message for m in again.context["messages"]] == [
        "This hire was cancelled already on 9 March 2026: Credit note CN-2026-000001 issued;"
        f" pay {CREDIT} back to Thames by bank transfer, then mark the refund paid."
    ]
    assert (
        "This hire was cancelled on 9 March 2026 (day 9); its last day is 9 March 2026."
        f" Inside the money-back guarantee: credit note CN-2026-000001 credited {CREDIT},"
        f" and {CREDIT} is to be paid back to Thames by bank transfer."
    ) in page_after


def test_the_client_admin_s_cancel_message_says_you(hire, admin, client_admin, clock) -> None:
    _paid_by_transfer(hire, admin)

    done = _browser(client_admin).post(f"/billing/hires/{hire.pk}/cancel/", follow=True)

    assert [m.message for m in done.context["messages"]] == [
        f"Hire cancelled. Credit note CN-2026-000001 issued; we pay {CREDIT} back to the"
        " account you paid from."
    ]


# --- an invoice's account: never a negative "still to pay" -------------------------------


def test_a_paid_invoice_with_its_refund_on_the_way_says_so(
    hire, admin, client_admin, api, clock
) -> None:
    invoice = _paid_by_transfer(hire, admin)
    _browser(client_admin).post(f"/billing/hires/{hire.pk}/cancel/")

    mine = _text(_browser(client_admin).get(f"/billing/invoices/{invoice.pk}/"))
    theirs = _text(_browser(admin).get(f"/billing/invoices/{invoice.pk}/"))
    pdf = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", invoice_html(invoice=invoice)))
    (listed,) = api.get("/api/billing/invoices").body

    account = (
        "Invoice total £5,760.00"
        " Credited: credit note CN-2026-000001 of 9 Mar 2026 \u2212£4,087.75"
        " Paid by bank transfer on 2 Mar 2026 \u2212£5,760.00"
        " Refund of £4,087.75: to pay back by hand"
    )
    assert f"{account} Being refunded to you £4,087.75" in mine
    assert f"{account} To pay back to Thames £4,087.75" in theirs
    assert f"{account} Being refunded to you £4,087.75" in pdf
    assert "Still to pay" not in mine + theirs + pdf
    assert "-£" not in mine + theirs + pdf
    assert {k: listed[k] for k in ("credited", "paid", "refunded", "settlement")} == {
        "credited": "4087.75",
        "paid": "5760.00",
        "refunded": "0.00",
        "settlement": "refund_due",
    }
    assert (listed["to_pay"], listed["to_refund"]) == ("0.00", "4087.75")

    refund_mark_paid(actor=admin, refund_id=Refund.objects.get().pk, now=at(date(2026, 3, 10)))
    settled = _text(_browser(client_admin).get(f"/billing/invoices/{invoice.pk}/"))
    (listed,) = api.get("/api/billing/invoices").body

    assert "Refunded on 10 Mar 2026 +£4,087.75 Settled: nothing to pay £0.00" in settled
    assert (listed["settlement"], listed["to_pay"], listed["to_refund"]) == (
        "settled",
        "0.00",
        "0.00",
    )


def test_an_unpaid_invoice_credited_shows_what_is_still_to_pay(
    hire, client_admin, api, clock
) -> None:
    _browser(client_admin).post(f"/billing/hires/{hire.pk}/cancel/")
    invoice = hire.invoices.get()

    page = _text(_browser(client_admin).get(f"/billing/invoices/{invoice.pk}/"))

    assert "Still to pay £1,672.25" in page  # 5,760.00 - 4,087.75: the 9 days used
    assert not Refund.objects.exists()


def test_a_part_paid_invoice_credited_pays_back_only_the_overpayment(
    hire, admin, client_admin, clock
) -> None:
    invoice = hire.invoices.get()
    payment_record_manual(
        actor=admin,
        invoice_id=invoice.pk,
        amount="5000.00",
        currency="GBP",
        received_on=date(2026, 3, 2),
        now=at(date(2026, 3, 2)),
    )

    _browser(client_admin).post(f"/billing/hires/{hire.pk}/cancel/")

    # owed after the credit: 1,672.25; paid 5,000.00: 3,327.75 goes back, not 4,087.75
    assert Refund.objects.get().amount == Decimal("3327.750")
