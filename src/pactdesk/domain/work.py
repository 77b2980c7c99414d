"""A dedicated client's work: the ranked list of its open tickets and tasks, a task's
status steps, and the time its technicians log. Pure: no Django, no clock.

The ranked list ("the work order") is a sequence of `ItemRef`s, best first:

- `order_with_arrivals` places the items that are not ranked yet (new tickets, in the
  order they were lodged) by the client's `EntryRule`: `top` puts each arrival above
  everything (so the newest is first), `bottom` below everything, `by_priority` above
  the first ranked *ticket* of a strictly lower priority (tasks keep their places and
  never block), else at the bottom. Placing arrivals one by one in lodging order gives
  the list an eager insert at lodging would have given.
- `order_problem` says what is wrong with a proposed reordering of the current list:
  the first duplicate, unknown or missing item (None when it is a permutation).
- `task_step_allowed`: `todo` → `doing` → `done`, and `doing` back to `todo`.
- `overlap`: whether two spans of logged time share an instant (half-open spans).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pactdesk.domain.vocabulary import Priority


class WorkKind(StrEnum):
    """What a ranked item is."""

    TICKET = "ticket"
    TASK = "task"


class TaskStatus(StrEnum):
    TODO = "todo"
    DOING = "doing"
    DONE = "done"


class EntryRule(StrEnum):
    """Where a new ticket enters its client's list."""

    TOP = "top"
    BOTTOM = "bottom"
    BY_PRIORITY = "by_priority"


class OrderProblemKind(StrEnum):
    DUPLICATE = "duplicate"
    UNKNOWN = "unknown"
    MISSING = "missing"


@dataclass(frozen=True, order=True)
class ItemRef:
    """One item of the list: ("ticket", 42) or ("task", 7)."""

    kind: WorkKind
    id: int

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True)
class Ranked:
    """An item with the priority `by_priority` compares (None for a task)."""

    ref: ItemRef
    priority: Priority | None = None


@dataclass(frozen=True)
class OrderProblem:
    kind: OrderProblemKind
    ref: ItemRef


# Higher is more urgent.
PRIORITY_RANK: dict[Priority, int] = {
    Priority.LOW: 0,
    Priority.NORMAL: 1,
    Priority.HIGH: 2,
    Priority.URGENT: 3,
}

TASK_STEPS: frozenset[tuple[TaskStatus, TaskStatus]] = frozenset(
    {
        (TaskStatus.TODO, TaskStatus.DOING),
        (TaskStatus.DOING, TaskStatus.DONE),
        (TaskStatus.DOING, TaskStatus.TODO),
    }
)


def task_step_allowed(*, current: TaskStatus, to: TaskStatus) -> bool:
    """Whether a task may go from `current` to `to` (a step to itself is not a step)."""
    return (current, to) in TASK_STEPS


def order_with_arrivals(
    *, ranked: Sequence[Ranked], arrivals: Iterable[Ranked], rule: EntryRule
) -> list[Ranked]:
    """`ranked` (best first) with each of `arrivals` placed in turn by `rule` (see the
    module docstring). An arrival already in `ranked` is ignored."""
    order = list(ranked)
    present = {item.ref for item in order}
    for item in arrivals:
        if item.ref in present:
            continue
        present.add(item.ref)
        order.insert(_position(order, item, rule), item)
    return order


def _position(order: Sequence[Ranked], item: Ranked, rule: EntryRule) -> int:
    if rule == EntryRule.TOP:
        return 0
    if rule == EntryRule.BY_PRIORITY and item.priority is not None:
        rank = PRIORITY_RANK[item.priority]
        for index, other in enumerate(order):
            if other.priority is not None and PRIORITY_RANK[other.priority] < rank:
                return index
    return len(order)


def order_problem(
    *, current: Sequence[ItemRef], proposed: Sequence[ItemRef]
) -> OrderProblem | None:
    """What stops `proposed` from replacing `current`: the first item given twice, the
    first not in `current`, or the first of `current` left out; None for a
    permutation of `current`."""
    known, seen = set(current), set[ItemRef]()
    for ref in proposed:
        if ref in seen:
            return OrderProblem(OrderProblemKind.DUPLICATE, ref)
        if ref not in known:
            return OrderProblem(OrderProblemKind.UNKNOWN, ref)
        seen.add(ref)
    for ref in current:
        if ref not in seen:
            return OrderProblem(OrderProblemKind.MISSING, ref)
    return None


def moved(*, order: Sequence[ItemRef], ref: ItemRef, by: int) -> list[ItemRef]:
    """`order` with `ref` moved `by` places (negative: up), stopping at either end;
    `order` unchanged when `ref` is not in it."""
    items = list(order)
    if ref not in items:
        return items
    index = items.index(ref)
    target = max(0, min(len(items) - 1, index + by))
    items.insert(target, items.pop(index))
    return items


def overlap(*, start: datetime, end: datetime, other_start: datetime, other_end: datetime) -> bool:
    """Whether [start, end) and [other_start, other_end) share an instant."""
    return start < other_end and other_start < end
