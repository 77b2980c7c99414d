"""The roster solve in stages, within one time limit.

The full model (agents by starts) is too big for CP-SAT to search well from nothing on
two cores: from scratch it left 4 to 12 agent-hours uncovered after 25 s for 40 agents
where a roster with none exists. So the solve proceeds in stages:

0. A greedy roster (:mod:`pactdesk.domain._roster_greedy`): always valid, the fallback.
1. Shift counts with the agents pooled (:mod:`pactdesk.domain._roster_counts`): the
   least uncovered agent-hours and the fewest shifts, optimal in about a second.
2. The full model with exactly those shifts and no objective: give them to named
   agents under every rule (about a second for 40 agents). It may fail (a relaxation
   promises more than the agents' rules allow); then stage 3 starts from the greedy.
3. The full model with its objective, hinted with the better of stages 0 and 2, for the
   rest of the time: it improves cover, cost and the weekend rotation, and proves the
   optimum when it can.

Budget: stage 1 at most a fifth of ``time_limit``, stage 2 at most a quarter, stage 3
the rest. Each stage takes a fixed seed; with ``workers=1`` and stages that end before
their limits the roster is the same every run.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from decimal import Decimal

from ortools.sat.python import cp_model

from pactdesk.domain import _roster_model as full_model
from pactdesk.domain._roster_counts import shift_counts
from pactdesk.domain._roster_greedy import greedy_roster
from pactdesk.domain._roster_inputs import HOURS_IN_WEEK
from pactdesk.domain._roster_model import Pick, Problem

_SEED = 20_240_614
_FOUND = (cp_model.OPTIMAL, cp_model.FEASIBLE)


@dataclass(frozen=True)
class Solution:
    """Chosen shifts as ``(agent, start, break_start)``, sorted by agent order then start."""

    picks: tuple[Pick, ...]
    optimal: bool
    seconds: float


def solve(problem: Problem, *, time_limit: float, workers: int) -> Solution:
    """The best roster found within ``time_limit`` seconds (see the module docstring)."""
    started = time.perf_counter()

    def left(share: float = 1.0) -> float:
        return max(0.01, min(share * time_limit, time_limit - (time.perf_counter() - started)))

    best = greedy_roster(problem, weekend_starts=problem.weekend_starts())
    available = {
        start: sum(problem.may_work(agent, start) for agent in problem.agents)
        for start in problem.starts()
    }
    pooled = shift_counts(
        problem,
        available={start: count for start, count in available.items() if count},
        time_limit=left(0.2),
        workers=workers,
        seed=_SEED,
    )
    if pooled is not None and _score(problem, pooled[0]) < _score(problem, _placed(best)):
        assigned = _assign(problem, pooled[0], time_limit=left(0.25), workers=workers)
        if assigned is not None:
            best = assigned

    polish = full_model.build(problem, counts=None)
    full_model.hint(polish, problem, best)
    solver = _solver(time_limit=left(), workers=workers)
    # Every constraint in the LP: at the default level the bound stays near zero and a
    # small week is never proven optimal (three agents: not in 20 s).
    solver.parameters.linearization_level = 2
    status = solver.solve(polish.model)
    if status in _FOUND:
        polished = full_model.read(problem, polish, solver)
        if _rank(problem, polished) <= _rank(problem, best):
            best = polished
    # Proven: by stage 3, or by stage 1's bound when every shift costs the same (then
    # the fewest uncovered hours and shifts are the least cost; the rotation is a
    # tie-break this proof does not cover).
    same_cost = len({agent.cost_per_hour for agent in problem.agents}) <= 1
    bound_met = (
        pooled is not None
        and pooled[1]
        and same_cost
        and _score(problem, _placed(best)) == _score(problem, pooled[0])
    )
    order = {agent.name: index for index, agent in enumerate(problem.agents)}
    return Solution(
        picks=tuple(sorted(best, key=lambda pick: (order[pick[0]], pick[1]))),
        optimal=status == cp_model.OPTIMAL or bound_met,
        seconds=time.perf_counter() - started,
    )


def _rank(problem: Problem, picks: list[Pick]) -> tuple[int, Decimal]:
    """(uncovered agent-hours, cost) of a roster: the objective's first two levels."""
    cost = {agent.name: agent.cost_per_hour for agent in problem.agents}
    short, _ = _score(problem, _placed(picks))
    return short, sum((cost[name] for name, _, _ in picks), Decimal(0))


def _assign(
    problem: Problem, counts: full_model.Counts, *, time_limit: float, workers: int
) -> list[Pick] | None:
    """Stage 2: exactly ``counts`` given to named agents, or ``None``."""
    fixed = full_model.build(problem, counts=counts)
    solver = _solver(time_limit=time_limit, workers=workers)
    if solver.solve(fixed.model) not in _FOUND:
        return None
    return full_model.read(problem, fixed, solver)


def _solver(*, time_limit: float, workers: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = _SEED
    return solver


def _placed(picks: list[Pick]) -> full_model.Counts:
    return full_model.placements(picks)


def _score(problem: Problem, counts: full_model.Counts) -> tuple[int, int]:
    """(uncovered agent-hours, shifts) of a set of shift counts."""
    rostered = [0] * HOURS_IN_WEEK
    for (start, offset), count in counts.items():
        for k, hour in enumerate(problem.hours(start)):
            rostered[hour] += count * (k != offset)
    short = sum(
        max(0, need - have) for need, have in zip(problem.requirement, rostered, strict=True)
    )
    return short, sum(counts.values())
