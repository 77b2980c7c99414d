"""The staffing pages in Debian Chromium at a laptop's and a phone's width: nothing is
hidden or pushed off the page. The desk's `.tickets` tables hide their 3rd, 4th, 7th
and 9th columns on narrow screens (fine for ticket lists), which took Monday, Tuesday,
Friday and Sunday off the roster and predicted/actual off the advice; the 840-pixel
chart widened the phone's page. Screenshots are kept in $PACTDESK_TEST_ARTEFACTS
(default var/test-artefacts/) under staffing/."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from pactdesk.accounts.models import Role
from pactdesk.staffing.models import PoolRoster, SeatAdvice
from tests.factories import PASSWORD, ClientFactory, UserFactory, dedicated_agreement
from tests.web.test_browser import CHROMIUM, CspWatch
from tests.web.test_browser import browser as browser  # the Chromium fixture

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian Chromium is not installed"),
]

ARTEFACTS = Path(os.environ.get("PACTDESK_TEST_ARTEFACTS", "var/test-artefacts")) / "staffing"
NOW = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
OPTION = {
    "overloaded": False,
    "attainment": 0.95,
    "attainment_low": 0.9,
    "attainment_high": 0.99,
    "erlang_attainment": 0.97,
    "p50_minutes": 9.0,
    "p90_minutes": 52.0,
    "p95_minutes": 70.0,
    "utilisation": 0.8,
    "keeps_promise": True,
}
FIGURES = {
    "options": [{**OPTION, "seats": n} for n in (1, 2, 3)],
    "history": {"tickets": 40, "weeks": ["2026-11-23"], "timezone": "Europe/London"},
    "forecast": {"tickets_per_week": [40.0, 41.0, 42.0, 43.0]},
    "backtest": [
        {"week": "2026-11-23", "tickets": 40, "predicted": 0.9, "actual": 0.8, "error": 0.1}
    ],
}


def _visible_width(page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


@pytest.mark.parametrize("width", [1280, 900, 390])
def test_the_roster_and_the_advice_show_every_column_at_any_width(
    live_server, browser, width: int
) -> None:
    thames = ClientFactory(slug="thames", name="Thames Analytics")
    SeatAdvice.objects.create(
        client=thames,
        agreement=dedicated_agreement(thames, seats=2),
        computed_at=NOW,
        kind="add",
        seats=2,
        recommended_seats=3,
        text="add a seat: p90 first response from 52 to 14 minutes",
        figures=FIGURES,
    )
    agents = [UserFactory(role=Role.AGENT, name=f"Agent {d}") for d in DAYS]
    PoolRoster.objects.create(
        week=date(2026, 11, 30),
        computed_at=NOW,
        status="feasible",
        requirement=[2] * 168,
        shifts=[[a.pk, 24 * d + 9, 8, 24 * d + 13] for d, a in enumerate(agents)],
        uncovered=168 * 2 - 7 * 7,
        solve_seconds=1.0,
    )
    manager = UserFactory(role=Role.MANAGER, email="boss@pactdesk.test")
    watch = CspWatch(browser)
    page = watch.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", manager.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.get_by_role("button", name="Log out").wait_for()

    page.goto(f"{live_server.url}/desk/staffing/roster/2026-W49/")
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"roster-{width}.png"), full_page=True)
    roster = page.locator("table.roster")
    for day in DAYS:
        assert roster.locator("th", has_text=day).is_visible(), day
    for d, agent in enumerate(agents):
        row = roster.locator("tr", has_text=agent.name)
        assert row.locator("td").nth(2 + d).inner_text().startswith("09:00"), agent.name
        assert row.locator("td").nth(2 + d).is_visible(), agent.name
    assert _visible_width(page) <= width  # the chart and the table stay on the page
    chart = page.locator("figure.chart").bounding_box()  # the chart scrolls inside it
    assert chart is not None
    assert chart["x"] + chart["width"] <= width

    page.goto(f"{live_server.url}/desk/staffing/")
    page.screenshot(path=str(ARTEFACTS / f"advice-{width}.png"), full_page=True)
    for heading in ("p50", "p90", "Seat utilisation", "Predicted", "Actual", "Error"):
        assert page.locator("th", has_text=heading).first.is_visible(), heading
    assert _visible_width(page) <= width
    assert watch.violations == []
