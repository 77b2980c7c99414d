"""The pure routing rule (`domain.routing.assignments_plan`): examples, then properties
over any tickets, takers, caps and cursor: only takers get tickets, never past a cap,
each ticket at most once, the most urgent first, nothing left waiting while someone
has room, least-loaded and round-robin as they say."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pactdesk.domain.routing import Plan, Strategy, Taker, Waiting, assignments_plan, urgency_order

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
EXAMPLES = settings(max_examples=200, deadline=None)


def _ticket(pk: int, lodged_min: int, due_min: int | None) -> Waiting:
    due = None if due_min is None else T0 + timedelta(minutes=due_min)
    return Waiting(pk, T0 + timedelta(minutes=lodged_min), due)


def test_earliest_due_gives_the_most_urgent_to_the_least_loaded() -> None:
    tickets = [_ticket(1, 0, None), _ticket(2, 5, 30), _ticket(3, 10, 20)]
    takers = [Taker(10, open_count=2), Taker(11, open_count=0)]

    plan = assignments_plan(strategy=Strategy.EARLIEST_DUE, tickets=tickets, takers=takers)

    # 3 (due at +20) first to 11 (0 open), then 2 to 11 (1 < 2), then 1: both hold 2, 10 wins.
    assert plan == Plan(((3, 11), (2, 11), (1, 10)), None)


def test_round_robin_starts_after_the_cursor_and_skips_the_full() -> None:
    tickets = [_ticket(n, n, None) for n in range(1, 6)]
    takers = [Taker(10, 0), Taker(11, 0, cap=1), Taker(12, 0)]

    plan = assignments_plan(
        strategy=Strategy.ROUND_ROBIN, tickets=tickets, takers=takers, cursor=10
    )

    assert plan == Plan(((1, 11), (2, 12), (3, 10), (4, 12), (5, 10)), 10)


def test_tickets_wait_when_everyone_is_full_and_unknown_strategies_are_refused() -> None:
    plan = assignments_plan(
        strategy=Strategy.LEAST_LOADED,
        tickets=[_ticket(1, 0, None), _ticket(2, 1, None)],
        takers=[Taker(10, open_count=3, cap=4)],
    )
    assert plan.assignments == ((1, 10),)
    with pytest.raises(ValueError, match="fastest_first"):
        assignments_plan(strategy="fastest_first", tickets=[], takers=[])  # type: ignore[arg-type]


# -- properties ----------------------------------------------------------------------

waiting = st.lists(
    st.builds(
        _ticket,
        pk=st.integers(1, 10_000),
        lodged_min=st.integers(0, 600),
        due_min=st.none() | st.integers(-120, 3000),
    ),
    max_size=40,
    unique_by=lambda t: t.ticket_id,
)
takers_ = st.lists(
    st.builds(
        Taker,
        agent_id=st.integers(1, 60),
        open_count=st.integers(0, 8),
        cap=st.none() | st.integers(0, 8),
    ),
    max_size=8,
    unique_by=lambda t: t.agent_id,
)
strategies = st.sampled_from(list(Strategy))
cursors = st.none() | st.integers(0, 61)


def _room(takers: list[Taker]) -> float:
    return sum(float("inf") if t.cap is None else max(0, t.cap - t.open_count) for t in takers)


@EXAMPLES
@given(strategy=strategies, tickets=waiting, takers=takers_, cursor=cursors)
def test_only_takers_get_tickets_never_past_a_cap_each_ticket_once(
    strategy, tickets, takers, cursor
) -> None:
    plan = assignments_plan(strategy=strategy, tickets=tickets, takers=takers, cursor=cursor)

    given_ = Counter(agent for _, agent in plan.assignments)
    by_id = {t.agent_id: t for t in takers}
    ticket_ids = [ticket for ticket, _ in plan.assignments]
    assert set(given_) <= set(by_id)  # an agent not offered (away, capped) gets nothing
    for agent, n in given_.items():
        cap, held = by_id[agent].cap, by_id[agent].open_count
        assert cap is None or held + n <= cap  # so an agent at or past their cap gets none
    assert len(ticket_ids) == len(set(ticket_ids))
    assert set(ticket_ids) <= {t.ticket_id for t in tickets}
    # nothing waits while someone has room
    assert len(ticket_ids) == min(len(tickets), _room(takers))


@EXAMPLES
@given(strategy=strategies, tickets=waiting, takers=takers_, cursor=cursors)
def test_the_tickets_given_are_the_first_in_the_strategys_order(
    strategy, tickets, takers, cursor
) -> None:
    plan = assignments_plan(strategy=strategy, tickets=tickets, takers=takers, cursor=cursor)

    if strategy == Strategy.EARLIEST_DUE:
        order = urgency_order(tickets)
    else:
        order = sorted(tickets, key=lambda t: (t.lodged_at, t.ticket_id))
    assert [ticket for ticket, _ in plan.assignments] == [
        t.ticket_id for t in order[: len(plan.assignments)]
    ]


@EXAMPLES
@given(strategy=strategies, tickets=waiting, takers=takers_, cursor=cursors)
def test_a_plan_is_a_function_of_its_inputs_not_of_their_order(
    strategy, tickets, takers, cursor
) -> None:
    once = assignments_plan(strategy=strategy, tickets=tickets, takers=takers, cursor=cursor)
    again = assignments_plan(
        strategy=strategy, tickets=tickets[::-1], takers=takers[::-1], cursor=cursor
    )
    assert once == again


@EXAMPLES
@given(
    strategy=st.sampled_from([Strategy.EARLIEST_DUE, Strategy.LEAST_LOADED]),
    tickets=waiting,
    takers=takers_,
)
def test_each_ticket_goes_to_a_least_loaded_taker_with_room(strategy, tickets, takers) -> None:
    plan = assignments_plan(strategy=strategy, tickets=tickets, takers=takers)

    load = {t.agent_id: t.open_count for t in takers}
    given_: Counter[int] = Counter()
    for _, agent in plan.assignments:
        with_room = [t.agent_id for t in takers if t.room(given_[t.agent_id])]
        assert load[agent] == min(load[a] for a in with_room)
        load[agent] += 1
        given_[agent] += 1


@EXAMPLES
@given(
    tickets=waiting,
    agents=st.lists(st.integers(1, 60), min_size=1, max_size=8, unique=True),
    cursor=cursors,
)
def test_round_robin_is_fair_and_continues_after_the_cursor(tickets, agents, cursor) -> None:
    takers = [Taker(a, open_count=0) for a in agents]  # no caps: everyone in turn

    plan = assignments_plan(
        strategy=Strategy.ROUND_ROBIN, tickets=tickets, takers=takers, cursor=cursor
    )

    counts = Counter(agent for _, agent in plan.assignments)
    shares = [counts.get(a, 0) for a in agents]
    assert max(shares) - min(shares) <= 1  # nobody gets two turns before another gets one
    ring = sorted(agents)
    if plan.assignments:
        after = [a for a in ring if cursor is not None and a > cursor]
        assert plan.assignments[0][1] == (after or ring)[0]
        served = [agent for _, agent in plan.assignments]
        start = ring.index(served[0])
        assert served == [ring[(start + n) % len(ring)] for n in range(len(served))]
        assert plan.cursor == served[-1]
    else:
        assert plan.cursor == cursor
