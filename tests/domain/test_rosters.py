"""Week-cyclic rosters (pactdesk.domain.rosters): cover, working-time rules, leave, weekends.

Every roster is checked here against the rules directly (rest measured round the cycle,
shifts a week, one start a day, break hours, leave) and its coverage recomputed from its
shifts, so a wrong model cannot pass by reporting its own numbers. Solves take a few
seconds each and are shared through module-scoped fixtures.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from pactdesk.domain.rosters import (
    HOURS_IN_WEEK,
    Roster,
    RosterAgent,
    RosterStatus,
    ShiftRules,
    build_roster,
)

RULES = ShiftRules()
WEEKEND_HOURS = set(range(120, 168))


def assert_rules_hold(roster: Roster, agents: list[RosterAgent]) -> None:
    """Every rule of the model, checked on the roster's shifts alone."""
    by_name = {agent.name: agent for agent in agents}
    for name in roster.agents:
        shifts = roster.shifts_of(name)
        starts = sorted(shift.start for shift in shifts)
        limit = by_name[name].max_shifts
        assert len(starts) <= (RULES.max_shifts if limit is None else limit)
        assert len({start // 24 for start in starts}) == len(starts)  # one start a day
        for earlier, later in zip(starts, [*starts[1:], starts[0] + HOURS_IN_WEEK], strict=True):
            if len(starts) > 1:  # rest from the end of one shift to the next, cyclic
                assert later - (earlier + RULES.shift_hours) >= RULES.min_rest_hours
        for shift in shifts:
            assert shift.hours == 8
            assert shift.break_start is not None
            assert (shift.break_start - shift.start) % HOURS_IN_WEEK in (3, 4)
            assert not by_name[name].leave() & set(shift.hours_of_week())
    rostered = [0] * HOURS_IN_WEEK
    for shift in roster.shifts:
        for hour in shift.working_hours():
            rostered[hour] += 1
    assert [hour.rostered for hour in roster.coverage] == rostered


def weekend_spread(roster: Roster) -> int:
    counts = roster.weekend_shifts().values()
    return max(counts) - min(counts)


@pytest.fixture(scope="module")
def team() -> list[RosterAgent]:
    return [RosterAgent(name=f"agent-{i:02d}") for i in range(12)]


@pytest.fixture(scope="module")
def round_the_clock(team: list[RosterAgent]) -> Roster:
    return build_roster(requirement=[2] * HOURS_IN_WEEK, agents=team, time_limit=6)


def test_a_24_7_week_with_enough_agents_is_covered_at_every_hour(
    round_the_clock: Roster, team: list[RosterAgent]
) -> None:
    # Given 12 agents (60 shifts of 7 working hours) and 2 agents needed every hour
    # Then nothing is uncovered, and every rule holds
    assert round_the_clock.uncovered_hours == 0
    assert round_the_clock.gaps() == ()
    assert all(hour.rostered >= 2 for hour in round_the_clock.coverage)
    assert_rules_hold(round_the_clock, team)
    # 336 agent-hours need at least 48 shifts of 7 working hours; every shift costs 8 x 1
    assert len(round_the_clock.shifts) >= 48
    assert round_the_clock.cost == 8 * len(round_the_clock.shifts)


def test_weekend_shifts_are_shared_within_one(round_the_clock: Roster) -> None:
    assert weekend_spread(round_the_clock) <= 1
    assert sum(round_the_clock.weekend_shifts().values()) > 0


def test_one_agent_cannot_cover_a_24_7_week_and_the_roster_says_by_how_much() -> None:
    # Given one agent and 1 needed every hour: at most 5 shifts of 7 working hours
    agents = [RosterAgent(name="solo")]

    roster = build_roster(requirement=[1] * HOURS_IN_WEEK, agents=agents, time_limit=4)

    # Then 35 hours are covered and exactly 168 - 35 = 133 are reported, not an error
    assert roster.uncovered_hours == 133
    assert len(roster.shifts) == 5
    assert sum(hour.rostered for hour in roster.coverage) == 35
    assert len(roster.gaps()) == 133
    assert roster.cost == Decimal(40)
    assert_rules_hold(roster, agents)


def test_a_shift_crosses_midnight_and_wraps_from_sunday_into_monday() -> None:
    # Given one agent and cover needed Sunday 22:00 to Monday 06:00 only
    requirement = [0] * HOURS_IN_WEEK
    for hour in (166, 167, 0, 1, 2, 3, 4, 5):
        requirement[hour] = 1

    roster = build_roster(
        requirement=requirement, agents=[RosterAgent(name="nights")], time_limit=3
    )

    # Then one Sunday 22:00 shift covers 7 of the 8 hours; its break hour is uncovered
    (shift,) = roster.shifts
    assert (shift.start, shift.end, shift.weekday) == (166, 6, 6)
    assert shift.break_start in (1, 2)
    assert shift.working_hours() == tuple(
        h for h in (166, 167, 0, 1, 2, 3, 4, 5) if h != shift.break_start
    )
    assert roster.uncovered_hours == 1
    assert [hour.hour for hour in roster.gaps()] == [shift.break_start]
    assert roster.to_csv() == (
        f"agent,day,start,end,break\r\nnights,Sun,22:00,06:00,0{shift.break_start}:00\r\n"
    )


def test_rest_is_measured_round_the_week() -> None:
    # Given cover needed only Sunday 20:00-04:00 and Monday 06:00-14:00 (2 h apart)
    requirement = [0] * HOURS_IN_WEEK
    for hour in (*range(164, 168), *range(4), *range(6, 14)):
        requirement[hour] = 1

    roster = build_roster(requirement=requirement, agents=[RosterAgent(name="one")], time_limit=3)

    # Then one agent works one of them: a shift touching Monday 06:00-14:00 starts by
    # 13:00, less than 11 hours after a shift that covers most of Sunday night ends
    assert len(roster.shifts) == 1
    assert roster.uncovered_hours == 16 - 7


def test_leave_is_respected_and_its_hours_reported_uncovered() -> None:
    # Given two agents, one off Monday and Tuesday, one off Friday 08:00-20:00
    agents = [
        RosterAgent(name="ann", leave_days=frozenset({0, 1})),
        RosterAgent(name="bob", leave_hours=frozenset(range(4 * 24 + 8, 4 * 24 + 20))),
    ]
    requirement = [1] * HOURS_IN_WEEK

    roster = build_roster(requirement=requirement, agents=agents, time_limit=4)

    # Then no shift touches leave (a Sunday-night shift into Monday included)
    assert_rules_hold(roster, agents)
    assert all(shift.start < 166 for shift in roster.shifts_of("ann"))
    # 10 shifts of 7 working hours at most: 98 hours or more stay uncovered
    assert len(roster.shifts) == 10
    assert roster.uncovered_hours == 168 - 70


def test_part_timers_work_at_most_their_shifts() -> None:
    agents = [RosterAgent(name="part", max_shifts=2), RosterAgent(name="none", max_shifts=0)]

    roster = build_roster(requirement=[1] * HOURS_IN_WEEK, agents=agents, time_limit=3)

    assert len(roster.shifts_of("part")) == 2
    assert roster.shifts_of("none") == ()
    assert roster.uncovered_hours == 168 - 14


def test_cheaper_agents_are_rostered_first() -> None:
    # Given one shift's worth of cover (Monday 09:00-17:00 but the 12:00 break hour)
    requirement = [0] * HOURS_IN_WEEK
    for hour in (9, 10, 11, 13, 14, 15, 16):
        requirement[hour] = 1
    agents = [
        RosterAgent(name="dear", cost_per_hour=Decimal("30.50")),
        RosterAgent(name="cheap", cost_per_hour=Decimal("21.25")),
    ]

    roster = build_roster(requirement=requirement, agents=agents, time_limit=3)

    assert [shift.agent for shift in roster.shifts] == ["cheap"]
    assert roster.cost == Decimal("170.00")
    assert roster.uncovered_hours == 0


def test_no_agents_or_no_requirement_is_a_roster_not_an_error() -> None:
    empty = build_roster(requirement=[3] * HOURS_IN_WEEK, agents=[], time_limit=2)
    idle = build_roster(
        requirement=[0] * HOURS_IN_WEEK, agents=[RosterAgent(name="x")], time_limit=2
    )

    assert (empty.shifts, empty.uncovered_hours, empty.cost) == ((), 504, Decimal(0))
    assert len(empty.gaps()) == HOURS_IN_WEEK
    assert (idle.shifts, idle.uncovered_hours, idle.cost) == ((), 0, Decimal(0))
    assert idle.status is RosterStatus.OPTIMAL


def test_the_same_inputs_give_the_same_roster() -> None:
    # Given a small week the solve finishes before its limits, on one worker
    requirement = [0] * HOURS_IN_WEEK
    for day in range(5):
        for hour in range(24 * day + 8, 24 * day + 18):
            requirement[hour] = 1
    agents = [RosterAgent(name=name) for name in ("a", "b", "c")]

    first = build_roster(requirement=requirement, agents=agents, time_limit=20, workers=1)
    second = build_roster(requirement=requirement, agents=agents, time_limit=20, workers=1)

    assert first == second
    assert first.uncovered_hours == 0
