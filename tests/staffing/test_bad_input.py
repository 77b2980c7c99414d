"""Bad input found by trying the staffing commands and pages as a new user: weeks far
outside the desk's years, non-ASCII digits, CSV targets that cannot be written and an
empty client slug are refused with a code, exit 2 (or 404 on a page) and write nothing."""

from __future__ import annotations

import pytest

from pactdesk.accounts.models import Role
from pactdesk.cli.main import main
from pactdesk.platform.errors import ValidationFailed
from pactdesk.staffing.models import PoolRoster
from pactdesk.staffing.weeks import iso_week_parse
from tests.factories import ClientFactory, UserFactory, dedicated_agreement, shared_agreement


@pytest.mark.parametrize(
    "text",
    [
        "9999-W01",  # the calendars serve years up to 9998: was a traceback
        "9999-W52",  # the week's end overflows `date`: was a traceback
        "0001-W01",
        "1999-W52",
        "3000-W01",
        "2026-W\u0661\u0662",  # Arabic-Indic digits: `\d` took it for 2026-W12
        "\u0662\u0660\u0662\u0666-W49",
    ],
)
def test_weeks_outside_the_desks_years_or_in_other_digits_are_refused(text: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        iso_week_parse(text=text)
    assert refused.value.code == "invalid_week"
    assert refused.value.field == "week"


@pytest.mark.parametrize(
    ("text", "monday"), [("2000-W01", "2000-01-03"), ("2999-W52", "2999-12-23")]
)
def test_the_first_and_last_years_are_weeks(text: str, monday: str) -> None:
    assert iso_week_parse(text=text).isoformat() == monday


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["staffing", "roster", "--week", "9999-W01"], "pactdesk: invalid_week [week]"),
        (["staffing", "roster", "--week", "9999-W52"], "pactdesk: invalid_week [week]"),
        (["staffing", "advise", "--client", ""], "pactdesk: no_agreement_in_force [client]"),
    ],
)
def test_commands_refuse_with_a_code(args, message, capsys) -> None:
    shared_agreement(ClientFactory(slug="lotus"), round_the_clock=True)
    dedicated_agreement(ClientFactory(slug="thames"))
    UserFactory(role=Role.AGENT)
    with pytest.raises(SystemExit) as stopped:
        main(args)
    assert stopped.value.code == 2
    assert message in capsys.readouterr().err
    assert not PoolRoster.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("target", ["folder", "missing/roster.csv", "folder/../missing/x.csv"])
def test_a_csv_that_cannot_be_written_is_refused_before_anything_is_stored(
    tmp_path, capsys, target: str
) -> None:
    shared_agreement(ClientFactory(slug="lotus"), round_the_clock=True)
    UserFactory(role=Role.AGENT)
    (tmp_path / "folder").mkdir()
    args = ["staffing", "roster", "--week", "2026-W49", "--time-limit", "1"]
    with pytest.raises(SystemExit) as stopped:
        main([*args, "--csv", str(tmp_path / target)])
    assert stopped.value.code == 2
    assert "pactdesk: unwritable_file [csv]" in capsys.readouterr().err
    assert not PoolRoster.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_csv_refused_by_the_file_system_stores_no_roster(tmp_path, capsys) -> None:
    shared_agreement(ClientFactory(slug="lotus"), round_the_clock=True)
    UserFactory(role=Role.AGENT)
    target = tmp_path / "roster.csv"
    target.symlink_to(tmp_path / "gone" / "roster.csv")  # passes the checks, fails the write
    args = ["staffing", "roster", "--week", "2026-W49", "--time-limit", "1"]
    with pytest.raises(SystemExit) as stopped:
        main([*args, "--csv", str(target)])
    assert stopped.value.code == 2
    assert "unwritable_file" in capsys.readouterr().err
    assert not PoolRoster.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("week", ["9999-W01", "9999-W52", "2026-W\u0661\u0662"])
def test_a_manager_posting_an_impossible_week_gets_not_found(week: str) -> None:
    from django.test import Client as Browser

    shared_agreement(ClientFactory(slug="lotus"), round_the_clock=True)
    UserFactory(role=Role.AGENT)
    browser = Browser(raise_request_exception=False)
    browser.force_login(UserFactory(role=Role.MANAGER))
    assert browser.post(f"/desk/staffing/roster/{week}/").status_code == 404
    assert browser.get(f"/desk/staffing/roster/{week}/").status_code == 404
    assert not PoolRoster.objects.exists()
