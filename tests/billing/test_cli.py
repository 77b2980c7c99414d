"""`pactdesk billing run` and `pactdesk billing refund-preview`."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from pactdesk.cli.main import main
from pactdesk.platform.clock import clock_now
from tests.billing.conftest import seat_hire

pytestmark = pytest.mark.django_db


def test_refund_preview_prints_a_table_and_json(agreement, admin, capsys) -> None:
    today = clock_now().astimezone(ZoneInfo("Europe/London")).date()
    hire = seat_hire(agreement, admin, start=today)

    call_command("billing", "refund-preview", "--hire", str(hire.pk))
    table = capsys.readouterr().out
    call_command("billing", "refund-preview", "--hire", str(hire.pk), "--json")
    data = json.loads(capsys.readouterr().out)

    assert "inside the guarantee" in table
    assert table.splitlines()[1].split() == [
        "line",
        "charged",
        "net",
        "back",
        "tax",
        "back",
        "back",
    ]
    assert (data["hire"], data["in_window"], data["day"], data["currency"]) == (
        hire.pk,
        True,
        1,
        "GBP",
    )
    assert [line["charged"] for line in data["lines"]] == ["5040.00", "720.00"]


def test_refund_preview_of_an_unknown_hire_exits_2_with_its_code(db, capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["billing", "refund-preview", "--hire", "99999"])
    assert exited.value.code == 2
    assert capsys.readouterr().err == "pactdesk: hire_not_found [hire]: No hire 99999.\n"


def test_billing_run_twice_issues_nothing_twice(agreement, admin, capsys) -> None:
    call_command("billing", "run", "--json")
    first = json.loads(capsys.readouterr().out)
    call_command("billing", "run")
    second = capsys.readouterr().out

    assert first == {"issued": [], "ended": 0, "credits": 0, "reminders": 0, "refunds": 0}
    assert second.splitlines()[0] == "Invoices issued: 0 (none)"
