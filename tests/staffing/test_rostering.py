"""The pool's weekly roster from a round-the-clock client's requirement, with named
agents: stored, read back as CSV and iCalendar; and what cannot be built."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from pactdesk.accounts.models import Role
from pactdesk.platform.errors import NotFound, ValidationFailed
from pactdesk.staffing.error_codes import StaffingErrorCode
from pactdesk.staffing.models import PoolRoster
from pactdesk.staffing.rostering import (
    pool_agents,
    pool_roster_build,
    pool_roster_get,
    roster_view,
)
from pactdesk.staffing.weeks import iso_week_label, iso_week_parse
from tests.factories import ClientFactory, UserFactory, dedicated_agreement, shared_agreement

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
WEEK = date(2026, 11, 30)


def agents(count: int) -> list:
    return [
        UserFactory(role=Role.AGENT, name=f"Agent {i}", email=f"a{i}@pactdesk.test")
        for i in range(count)
    ]


@pytest.fixture
def round_the_clock(db) -> None:
    shared_agreement(ClientFactory(slug="lotus"), round_the_clock=True)


def test_a_round_the_clock_week_is_covered_by_eight_agents(round_the_clock: None) -> None:
    # One agent every hour takes 31 shifts at least: two shifts three hours apart cover
    # 11 hours, each one's break inside the other, and 168 / 5.5 > 30 (six agents); eight
    # agents leave the solver room to find the cover well within its limit.
    team = agents(8)
    built = pool_roster_build(week=WEEK, now=NOW, time_limit=10)
    assert built.plan.requirement.agents == (1,) * 168  # no history: someone every hour
    assert built.roster.uncovered == 0
    view = roster_view(stored=built.roster)
    assert set(view.users) == {u.name for u in team}
    assert all(len(view.roster.shifts_of(u.name)) <= 5 for u in team)
    assert all(c.rostered >= 1 for c in view.roster.coverage)
    rows = view.csv().splitlines()
    assert rows[0] == "agent,day,start,end,break"
    assert len(rows) - 1 == len(built.roster.shifts)
    ical = view.ical(user=team[0], stamp=NOW).decode()
    assert ical.count("BEGIN:VEVENT") == len(view.roster.shifts_of("Agent 0"))
    assert "X-WR-CALNAME:Shifts of Agent 0" in ical


def test_one_agent_leaves_exactly_133_hours_uncovered_and_says_which(
    round_the_clock: None,
) -> None:
    agents(1)
    built = pool_roster_build(week=WEEK, now=NOW, time_limit=5)
    # 5 shifts x 7 working hours cover 35 of the 168 hours
    assert built.roster.uncovered == 133
    view = roster_view(stored=built.roster)
    assert len(view.roster.gaps()) == 133
    assert pool_roster_get(week=WEEK) == built.roster


def test_a_rebuild_replaces_the_weeks_roster(round_the_clock: None) -> None:
    agents(1)
    pool_roster_build(week=WEEK, now=NOW, time_limit=2)
    pool_roster_build(week=WEEK, now=NOW, time_limit=2)
    assert PoolRoster.objects.count() == 1


def test_seat_holders_are_not_in_the_pool(round_the_clock: None) -> None:
    from pactdesk.agreements.models import Seat
    from pactdesk.agreements.services import seat_assign

    free, seated = agents(2)
    agreement = dedicated_agreement(ClientFactory(slug="thames"), seats=1)
    seat_assign(seat=Seat.objects.get(agreement=agreement), agent=seated)
    assert pool_agents() == [free]


def test_no_agent_to_roster_is_refused_and_nothing_is_stored(round_the_clock: None) -> None:
    with pytest.raises(ValidationFailed) as refused:
        pool_roster_build(week=WEEK, now=NOW, time_limit=2)
    assert refused.value.code == StaffingErrorCode.NO_POOL_AGENTS
    assert not PoolRoster.objects.exists()
    with pytest.raises(NotFound):
        pool_roster_get(week=WEEK)


def test_a_bad_time_limit_is_the_domains_code(round_the_clock: None) -> None:
    agents(1)
    with pytest.raises(ValidationFailed) as refused:
        pool_roster_build(week=WEEK, now=NOW, time_limit=0)
    assert refused.value.code == "invalid_time_limit"
    assert not PoolRoster.objects.exists()


@pytest.mark.parametrize(
    ("text", "monday"),
    [
        ("2026-W49", date(2026, 11, 30)),
        ("2026-W01", date(2025, 12, 29)),
        ("2020-W53", date(2020, 12, 28)),
    ],
)
def test_iso_weeks(text: str, monday: date) -> None:
    assert iso_week_parse(text=text) == monday
    assert iso_week_label(monday=monday) == text


@pytest.mark.parametrize("text", ["2026-49", "2026-W54", "2025-W53", "W49", "", "2026-W00"])
def test_bad_iso_weeks(text: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        iso_week_parse(text=text)
    assert (refused.value.code, refused.value.field) == (StaffingErrorCode.INVALID_WEEK, "week")


def test_a_week_that_is_not_a_monday_is_refused(round_the_clock: None) -> None:
    agents(1)
    with pytest.raises(ValidationFailed) as refused:
        pool_roster_build(week=date(2026, 12, 1), now=NOW)
    assert refused.value.code == StaffingErrorCode.INVALID_WEEK
