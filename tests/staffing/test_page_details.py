"""Details of the staffing pages a new user tripped on: the roster's hours short read as
spans ("Mon 00:00–09:00 (0 of 2)"), not 168 separate hours; a shared client's admin is
told why there is no seat advice (not to run a server command); a week's page answers
at its one canonical address."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.test import Client as Browser

from pactdesk.accounts.models import Role
from pactdesk.staffing.models import PoolRoster
from tests.factories import (
    ClientFactory,
    UserFactory,
    client_user,
    dedicated_agreement,
    shared_agreement,
)

pytestmark = pytest.mark.django_db


def test_hours_short_are_listed_as_spans() -> None:
    agent = UserFactory(role=Role.AGENT, name="Solo")
    requirement = [2] * 168
    requirement[24 * 6 + 23] = 3  # Sun 23:00 needs one more: a span of its own
    PoolRoster.objects.create(
        week=date(2026, 11, 30),
        computed_at=datetime(2026, 11, 30, 6, tzinfo=UTC),
        status="feasible",
        requirement=requirement,
        # Mon 09:00-17:00 and Sun 22:00-Mon 06:00 (wrapping: its break is Mon 01:00)
        shifts=[[agent.pk, 9, 8, 13], [agent.pk, 24 * 6 + 22, 8, 1]],
        uncovered=0,
        solve_seconds=1.0,
    )
    browser = Browser()
    browser.force_login(UserFactory(role=Role.MANAGER))
    page = browser.get("/desk/staffing/roster/2026-W49/").content.decode()
    short = page.split("<h2>Hours short</h2>")[1].split("</p>")[0]
    spans = [s.strip() for s in short.removeprefix("\n  <p>").split(", ")]
    assert spans == [
        "Mon 00:00 (1 of 2)",
        "Mon 01:00 (0 of 2)",
        "Mon 02:00–06:00 (1 of 2)",
        "Mon 06:00–09:00 (0 of 2)",
        "Mon 09:00–13:00 (1 of 2)",
        "Mon 13:00 (0 of 2)",  # the break
        "Mon 14:00–17:00 (1 of 2)",
        "Mon 17:00–Sun 22:00 (0 of 2)",
        "Sun 22:00 (1 of 2)",
        "Sun 23:00 (1 of 3)",
    ]


@pytest.mark.parametrize(
    ("kind", "says"),
    [
        ("shared", "Northwind is on a shared plan: its tickets are answered by the provider"),
        ("dedicated", "No seat advice yet: it is computed daily from Northwind"),
        (None, "Northwind has no agreement in force"),
    ],
)
def test_a_client_admin_without_advice_is_told_why(kind: str | None, says: str) -> None:
    northwind = ClientFactory(slug="northwind", name="Northwind")
    if kind == "shared":
        shared_agreement(northwind)
    elif kind == "dedicated":
        dedicated_agreement(northwind)
    browser = Browser()
    browser.force_login(client_user(northwind, Role.CLIENT_ADMIN))
    page = browser.get("/desk/staffing/").content.decode()
    assert says in page
    assert "pactdesk staffing advise" not in page  # a command only the provider can run


@pytest.mark.parametrize("week", ["2026-W49%0A", "2026-W49%20", "%202026-W49"])
def test_a_week_answers_only_at_its_canonical_address(week: str) -> None:
    browser = Browser()
    browser.force_login(UserFactory(role=Role.MANAGER))
    assert browser.get(f"/desk/staffing/roster/{week}/").status_code == 404
    assert browser.post(f"/desk/staffing/roster/{week}/").status_code == 404
    assert not PoolRoster.objects.exists()


def test_a_first_response_of_zero_minutes_is_not_never() -> None:
    from pactdesk.staffing.models import SeatAdvice

    thames = ClientFactory(slug="thames", name="Thames")
    option = {"seats": 2, "overloaded": False, "attainment": 1.0, "attainment_low": 1.0}
    option |= {"attainment_high": 1.0, "erlang_attainment": 1.0, "utilisation": 0.1}
    option |= {"p50_minutes": 0.0, "p90_minutes": None, "p95_minutes": 3.5}
    SeatAdvice.objects.create(
        client=thames,
        agreement=dedicated_agreement(thames, seats=2),
        computed_at=datetime(2026, 11, 30, 6, tzinfo=UTC),
        kind="keep",
        seats=2,
        recommended_seats=2,
        text="keep the seats",
        figures={"options": [option], "history": {}, "forecast": {}, "backtest": []},
    )
    browser = Browser()
    browser.force_login(UserFactory(role=Role.MANAGER))
    page = browser.get("/desk/staffing/").content.decode()
    assert "<td>0.0 min</td><td>never</td><td>3.5 min</td>" in page  # was "never min" twice
