"""`pactdesk staffing`: refusals exit 2 with their code; a roster is built and written."""

from __future__ import annotations

import pytest

from pactdesk.accounts.models import Role
from pactdesk.cli.main import main
from pactdesk.staffing.models import PoolRoster
from tests.factories import ClientFactory, UserFactory, dedicated_agreement, shared_agreement

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["staffing", "advise", "--client", "lotus"], "pactdesk: not_dedicated [client]"),
        (["staffing", "advise", "--client", "nobody"], "pactdesk: no_agreement_in_force [client]"),
        (["staffing", "advise", "--client", "thames"], "pactdesk: no_history [client]"),
        (["staffing", "roster", "--week", "2026-49"], "pactdesk: invalid_week [week]"),
        (["staffing", "roster", "--week", "2026-W49", "--time-limit", "0"], "invalid_time_limit"),
    ],
)
def test_refusals_exit_2_with_the_code(args, message, capsys) -> None:
    shared_agreement(ClientFactory(slug="lotus"), round_the_clock=True)
    dedicated_agreement(ClientFactory(slug="thames"))
    UserFactory(role=Role.AGENT)
    with pytest.raises(SystemExit) as stopped:
        main(args)
    assert stopped.value.code == 2
    assert message in capsys.readouterr().err
    assert not PoolRoster.objects.exists()


def test_every_dedicated_client_without_history_is_listed_with_its_code(capsys) -> None:
    dedicated_agreement(ClientFactory(slug="thames"))
    main(["staffing", "advise", "--json"])
    assert '"error": "no_history"' in capsys.readouterr().out


def test_a_roster_is_built_printed_and_written(tmp_path, capsys) -> None:
    shared_agreement(ClientFactory(slug="lotus"), round_the_clock=True)
    UserFactory(role=Role.AGENT, name="Solo Agent")
    target = tmp_path / "roster.csv"
    main(["staffing", "roster", "--week", "2026-W49", "--csv", str(target), "--time-limit", "3"])
    out = capsys.readouterr().out
    assert out.startswith("Pool roster, week of 2026-11-30 (UTC): 5 shifts")
    assert "133 agent-hours uncovered" in out
    assert target.read_text().splitlines()[0] == "agent,day,start,end,break"
