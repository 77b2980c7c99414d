"""The work order's pure rules: placement of arrivals by the entry rule, the checks of
a proposed order, moves, task steps and overlapping spans."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pactdesk.domain.vocabulary import Priority
from pactdesk.domain.work import (
    EntryRule,
    ItemRef,
    OrderProblem,
    OrderProblemKind,
    Ranked,
    TaskStatus,
    WorkKind,
    moved,
    order_problem,
    order_with_arrivals,
    overlap,
    task_step_allowed,
)

T = [ItemRef(WorkKind.TICKET, n) for n in range(10)]
K = [ItemRef(WorkKind.TASK, n) for n in range(10)]
refs = st.lists(
    st.builds(ItemRef, st.sampled_from(list(WorkKind)), st.integers(1, 30)), unique=True
)


def _ids(order: list[Ranked]) -> list[ItemRef]:
    return [item.ref for item in order]


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (EntryRule.TOP, [T[3], T[2], K[1], T[1]]),
        (EntryRule.BOTTOM, [K[1], T[1], T[2], T[3]]),
        # urgent (T3) above the first lower ticket (T1, normal); low (T2) at the bottom
        (EntryRule.BY_PRIORITY, [K[1], T[3], T[1], T[2]]),
    ],
)
def test_arrivals_are_placed_by_the_rule(rule, expected) -> None:
    ranked = [Ranked(K[1]), Ranked(T[1], Priority.NORMAL)]
    arrivals = [Ranked(T[2], Priority.LOW), Ranked(T[3], Priority.URGENT)]

    assert _ids(order_with_arrivals(ranked=ranked, arrivals=arrivals, rule=rule)) == expected


def test_by_priority_keeps_equal_priorities_in_arrival_order() -> None:
    ranked = [Ranked(T[1], Priority.HIGH), Ranked(T[2], Priority.LOW)]
    arrivals = [Ranked(T[3], Priority.HIGH), Ranked(T[4], Priority.HIGH)]

    order = order_with_arrivals(ranked=ranked, arrivals=arrivals, rule=EntryRule.BY_PRIORITY)

    assert _ids(order) == [T[1], T[3], T[4], T[2]]


@given(refs, refs, st.sampled_from(list(EntryRule)))
def test_placement_keeps_the_ranked_order_and_adds_each_arrival_once(ranked, new, rule) -> None:
    order = _ids(
        order_with_arrivals(
            ranked=[Ranked(r) for r in ranked], arrivals=[Ranked(r) for r in new], rule=rule
        )
    )

    assert [r for r in order if r in set(ranked)] == ranked
    assert sorted(order) == sorted(set(ranked) | set(new))


@given(refs, st.randoms())
def test_every_permutation_is_accepted(current, random) -> None:
    proposed = list(current)
    random.shuffle(proposed)

    assert order_problem(current=current, proposed=proposed) is None


@pytest.mark.parametrize(
    ("proposed", "problem"),
    [
        ([T[1], T[1], K[2]], OrderProblem(OrderProblemKind.DUPLICATE, T[1])),
        ([T[1], K[2], T[9]], OrderProblem(OrderProblemKind.UNKNOWN, T[9])),
        ([T[1], K[1]], OrderProblem(OrderProblemKind.UNKNOWN, K[1])),  # the kind counts
        ([K[2]], OrderProblem(OrderProblemKind.MISSING, T[1])),
        ([], OrderProblem(OrderProblemKind.MISSING, T[1])),
    ],
)
def test_a_wrong_order_names_its_first_problem(proposed, problem) -> None:
    assert order_problem(current=[T[1], K[2]], proposed=proposed) == problem


@pytest.mark.parametrize(
    ("ref", "by", "expected"),
    [
        (T[3], -1, [T[1], T[3], T[2]]),
        (T[1], -1, [T[1], T[2], T[3]]),
        (T[1], 1, [T[2], T[1], T[3]]),
        (T[1], 99, [T[2], T[3], T[1]]),
        (T[3], -99, [T[3], T[1], T[2]]),
        (T[9], 1, [T[1], T[2], T[3]]),
    ],
)
def test_moves_stop_at_the_ends(ref, by, expected) -> None:
    assert moved(order=[T[1], T[2], T[3]], ref=ref, by=by) == expected


@given(refs, st.integers(-40, 40), st.data())
def test_a_move_is_a_permutation(order, by, data) -> None:
    if not order:
        return
    ref = data.draw(st.sampled_from(order))

    assert order_problem(current=order, proposed=moved(order=order, ref=ref, by=by)) is None


@pytest.mark.parametrize(
    ("current", "to", "allowed"),
    [
        (TaskStatus.TODO, TaskStatus.DOING, True),
        (TaskStatus.DOING, TaskStatus.DONE, True),
        (TaskStatus.DOING, TaskStatus.TODO, True),
        (TaskStatus.TODO, TaskStatus.DONE, False),
        (TaskStatus.DONE, TaskStatus.DOING, False),
        (TaskStatus.DONE, TaskStatus.TODO, False),
        (TaskStatus.TODO, TaskStatus.TODO, False),
    ],
)
def test_task_steps(current, to, allowed) -> None:
    assert task_step_allowed(current=current, to=to) is allowed


START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
minutes = st.integers(0, 600).map(lambda m: START + timedelta(minutes=m))
spans = st.tuples(minutes, st.integers(1, 300)).map(
    lambda pair: (pair[0], pair[0] + timedelta(minutes=pair[1]))
)


@given(spans, spans)
def test_overlap_is_symmetric_and_means_a_shared_minute(a, b) -> None:
    shared = max(a[0], b[0]) < min(a[1], b[1])

    assert overlap(start=a[0], end=a[1], other_start=b[0], other_end=b[1]) is shared
    assert overlap(start=b[0], end=b[1], other_start=a[0], other_end=a[1]) is shared


def test_touching_spans_do_not_overlap() -> None:
    h = timedelta(hours=1)

    assert not overlap(start=START, end=START + h, other_start=START + h, other_end=START + 2 * h)
