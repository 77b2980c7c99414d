"""Queueing maths for staffing: Erlang C, Erlang A and two-class priorities (pure).

These names are a contract called from outside the project. Every function takes
keyword arguments only; durations are ``timedelta`` values, rates are arrivals per
hour, and ``traffic`` (offered load ``A``) is in Erlangs: arrivals per hour times the
mean handle time in hours. Arrivals are Poisson, handle times exponential, agents
identical, and the queue first come, first served (M/M/n) unless a function says
otherwise. Sources: Gans, Koole & Mandelbaum, "Telephone call centers: tutorial,
review, and research prospects", MSOM 5(2), 2003; Koole, *Call Center Optimization*
(MG Books, 2013), ch. 5 (Erlang C and the service level ``1 - C e^(-(n - A) t / h)``).

Numerics: every formula is evaluated in logarithms through SciPy's incomplete gamma
functions (see :mod:`pactdesk.domain._erlang`): no factorial, power or sum of ``n``
terms is formed, so 100,000 Erlangs cost the same few microseconds per evaluation as 10.

Conventions (documented decisions):

* ``agents`` is an ``int`` of at least 1: an M/M/0 system is not a queue, so 0 agents
  raise ``invalid_agents`` like negative counts do.
* With ``agents <= traffic`` the Erlang C queue is unstable: the wait probability is
  1.0, the service level 0.0 and the average wait raises ``unstable_queue`` (it is not
  finite, and this module never answers with a sentinel).
* Zero arrivals: nobody waits (``erlang_c`` 0.0, service level 1.0, wait zero,
  occupancy 0.0), and :func:`required_agents` answers 0 agents: no work, no staff.

Errors: :class:`~pactdesk.domain.errors.QueueingError` with a
:class:`~pactdesk.domain.errors.QueueingCode` and the offending ``field``.
"""

from __future__ import annotations

import math
from datetime import timedelta

from pactdesk.domain import _erlang, _erlang_a
from pactdesk.domain import _queue_inputs as check
from pactdesk.domain.errors import QueueingCode, QueueingError

__all__ = [
    "average_wait",
    "erlang_a_abandonment",
    "erlang_a_required_agents",
    "erlang_a_service_level",
    "erlang_a_wait_probability",
    "erlang_c",
    "occupancy",
    "priority_average_wait",
    "priority_service_level",
    "required_agents",
    "service_level",
]

_LARGEST_WAIT = timedelta.max / 2


def erlang_c(*, agents: int, traffic: float) -> float:
    """The probability that an arrival waits in M/M/n: Erlang's C formula.

    ``C(n, A) = B / (1 - (A / n)(1 - B))`` with ``B`` Erlang B, for ``n`` agents and
    offered load ``A`` Erlangs. Returns a float in [0, 1]: 0.0 for no traffic, 1.0 when
    ``agents <= traffic`` (an unstable queue: everyone waits).

    Raises:
        QueueingError: ``invalid_agents`` unless ``agents`` is an int >= 1;
            ``invalid_traffic`` for a negative, NaN or infinite ``traffic``;
            ``traffic_too_large`` above 10^9 Erlangs.
    """
    n = check.agents_count(agents)
    load = check.rate(traffic, field="traffic", code=QueueingCode.INVALID_TRAFFIC)
    check.traffic_bound(load, field="traffic")
    if load == 0.0:
        return 0.0
    if n <= load:
        return 1.0
    return math.exp(_erlang.log_erlang_c(n, load))


def service_level(
    *, agents: int, arrivals_per_hour: float, handle: timedelta, within: timedelta
) -> float:
    """The share of arrivals answered within ``within``: ``1 - C e^(-(n - A) t / h)``.

    ``A`` is ``arrivals_per_hour`` times ``handle`` in hours, ``t`` is ``within`` and
    ``h`` is ``handle``. Returns a float in [0, 1]; 0.0 when ``agents <= A``; 1.0 when
    nothing arrives. ``within`` of zero gives ``1 - C``.

    Raises:
        QueueingError: ``invalid_agents``, ``invalid_arrivals`` (negative or not
            finite), ``invalid_handle`` (not longer than zero), ``invalid_within``
            (negative); ``traffic_too_large`` for a load above 10^9 Erlangs.
    """
    n = check.agents_count(agents)
    per_hour = check.arrivals(arrivals_per_hour)
    handle_s = check.handle_seconds(handle)
    within_s = check.within_seconds(within)
    load = check.offered_load(per_hour, handle_s)
    if load == 0.0:
        return 1.0
    if n <= load:
        return 0.0
    return _erlang.erlang_c_service_level(n, load, within_s / handle_s)


def average_wait(*, agents: int, arrivals_per_hour: float, handle: timedelta) -> timedelta:
    """The mean wait of all arrivals (ASA): ``C h / (n - A)``, to the microsecond.

    Raises:
        QueueingError: ``unstable_queue`` when ``agents <= A`` (or the wait exceeds what
            a ``timedelta`` holds); ``invalid_agents``, ``invalid_arrivals``,
            ``invalid_handle`` as for :func:`service_level`.
    """
    n = check.agents_count(agents)
    per_hour = check.arrivals(arrivals_per_hour)
    handle_s = check.handle_seconds(handle)
    load = check.offered_load(per_hour, handle_s)
    if load == 0.0:
        return timedelta(0)
    if n <= load:
        raise _unstable(n, load)
    seconds = math.exp(_erlang.log_erlang_c(n, load)) * handle_s / (n - load)
    if seconds > _LARGEST_WAIT.total_seconds():
        raise _unstable(n, load)
    return timedelta(seconds=seconds)


def occupancy(*, agents: int, arrivals_per_hour: float, handle: timedelta) -> float:
    """The share of agents' time spent handling: ``A / n``, capped at 1.0.

    Raises:
        QueueingError: ``invalid_agents``, ``invalid_arrivals``, ``invalid_handle``.
    """
    n = check.agents_count(agents)
    per_hour = check.arrivals(arrivals_per_hour)
    load = check.offered_load(per_hour, check.handle_seconds(handle))
    return min(1.0, load / n)


def required_agents(
    *,
    arrivals_per_hour: float,
    handle: timedelta,
    within: timedelta,
    goal: float,
    max_occupancy: float = 1.0,
) -> int:
    """The least ``n`` with ``service_level(n) >= goal`` and ``occupancy(n) <= max_occupancy``.

    Exact: the answer ``n`` meets both conditions and ``n - 1`` fails one of them, as
    :func:`service_level` and :func:`occupancy` compute them. The search starts at the
    square-root staffing seed ``ceil(A + beta sqrt(A))`` (``beta`` the standard normal
    ``goal``-quantile; Borst, Mandelbaum & Reiman 2004) and gallops down or up from it
    to the exact least ``n`` above ``max(A, A / max_occupancy)``: a few dozen
    evaluations at most, well under a millisecond at 100,000 Erlangs. (A search that
    starts at ``round(A + 1)``, as ``pyworkforce`` does, over-staffs by one whenever the
    load's fraction is at least 0.5 and ``floor(A) + 1`` agents already meet the goal.)

    Zero arrivals need 0 agents.

    Raises:
        QueueingError: ``invalid_goal`` unless 0 < goal < 1; ``invalid_max_occupancy``
            unless 0 < max_occupancy <= 1; ``invalid_arrivals``, ``invalid_handle``,
            ``invalid_within`` as for :func:`service_level`.
    """
    per_hour = check.arrivals(arrivals_per_hour)
    handle_s = check.handle_seconds(handle)
    within_s = check.within_seconds(within)
    target = check.goal_fraction(goal)
    cap = check.occupancy_cap(max_occupancy)
    load = check.offered_load(per_hour, handle_s)
    if load == 0.0:
        return 0
    ratio = within_s / handle_s
    lowest = max(math.floor(load) + 1, _least_within_cap(load, cap))

    def meets(n: int) -> bool:
        return _erlang.erlang_c_service_level(n, load, ratio) >= target

    return _erlang.least(meets, lowest=lowest, seed=_erlang.square_root_seed(load, target))


def erlang_a_service_level(
    *,
    agents: int,
    arrivals_per_hour: float,
    handle: timedelta,
    patience: timedelta,
    within: timedelta,
) -> float:
    """Erlang A: the share of all arrivals answered within ``within`` (M/M/n+M).

    Callers give up after an exponential patience of mean ``patience``; one who gives
    up counts as not answered. Exact through the incomplete gamma function (formulas in
    :mod:`pactdesk.domain._erlang_a`; Garnett, Mandelbaum & Reiman 2002; Mandelbaum &
    Zeltyn 2007), in logs, so targets of hours and any ``agents`` (also fewer than the
    offered load: abandonment keeps the queue stable) give finite values in [0, 1].

    Raises:
        QueueingError: ``invalid_patience`` (not longer than zero), and the codes of
            :func:`service_level`.
    """
    n = check.agents_count(agents)
    per_second, handle_s = _rate_and_handle(arrivals_per_hour, handle)
    patience_s = check.patience_seconds(patience)
    within_s = check.within_seconds(within)
    return _erlang_a.service_level(n, per_second, handle_s, patience_s, within_s)


def erlang_a_abandonment(
    *, agents: int, arrivals_per_hour: float, handle: timedelta, patience: timedelta
) -> float:
    """Erlang A: the share of all arrivals that give up before being answered, in [0, 1].

    Raises:
        QueueingError: as :func:`erlang_a_service_level`.
    """
    n = check.agents_count(agents)
    per_second, handle_s = _rate_and_handle(arrivals_per_hour, handle)
    return _erlang_a.abandonment(n, per_second, handle_s, check.patience_seconds(patience))


def erlang_a_wait_probability(
    *, agents: int, arrivals_per_hour: float, handle: timedelta, patience: timedelta
) -> float:
    """Erlang A: the probability that an arrival finds every agent busy, in [0, 1].

    Raises:
        QueueingError: as :func:`erlang_a_service_level`.
    """
    n = check.agents_count(agents)
    per_second, handle_s = _rate_and_handle(arrivals_per_hour, handle)
    return _erlang_a.wait_probability(n, per_second, handle_s, check.patience_seconds(patience))


def erlang_a_required_agents(
    *,
    arrivals_per_hour: float,
    handle: timedelta,
    patience: timedelta,
    within: timedelta,
    goal: float,
) -> int:
    """The least ``n >= 1`` whose :func:`erlang_a_service_level` is at least ``goal``.

    May be below the offered load: with impatient callers fewer agents than ``A`` can
    answer the goal's share in time (``pyworkforce`` never answers below ``A``). Zero
    arrivals need 0 agents. Same seed-and-gallop search as :func:`required_agents`.

    Raises:
        QueueingError: ``invalid_goal`` unless 0 < goal < 1, and the codes of
            :func:`erlang_a_service_level`.
    """
    per_second, handle_s = _rate_and_handle(arrivals_per_hour, handle)
    patience_s = check.patience_seconds(patience)
    within_s = check.within_seconds(within)
    target = check.goal_fraction(goal)
    if per_second == 0.0:
        return 0
    load = per_second * handle_s

    def meets(n: int) -> bool:
        return _erlang_a.service_level(n, per_second, handle_s, patience_s, within_s) >= target

    return _erlang.least(meets, lowest=1, seed=_erlang.square_root_seed(load, target))


def priority_service_level(
    *,
    agents: int,
    arrivals_per_hour_urgent: float,
    arrivals_per_hour_normal: float,
    handle: timedelta,
    within: timedelta,
) -> tuple[float, float]:
    """Two classes, urgent served first without preemption: ``(urgent, normal)`` service levels.

    Every class shares the handle time. An arrival of either class waits with the
    Erlang C probability ``C = C(n, A)`` of the total load (PASTA; the number in system
    does not depend on the order of service). Mean waits are Cobham's (1954) exact
    formula (:func:`priority_average_wait`); the tail takes the conditional wait of each
    class as exponential with that exact mean:

        P(W_1 > t) = C e^(-n mu (1 - rho_1) t),   P(W_2 > t) = C e^(-n mu (1 - rho_1)(1 - rho) t)

    with ``rho_1 = lam_1 / (n mu)``, ``rho = (lam_1 + lam_2) / (n mu)``. Both are exact
    when the other class is empty (Erlang C); in between it is the usual exponential
    approximation (Gross et al., *Fundamentals of Queueing Theory*, 4th ed., §3.4).
    When ``agents <= A`` normal tickets starve (0.0) while urgent ones still see an
    M/M/1 queue of rate ``n mu`` as long as ``agents > A_urgent``.

    Raises:
        QueueingError: the codes of :func:`service_level`, ``invalid_arrivals`` naming
            ``arrivals_per_hour_urgent`` or ``arrivals_per_hour_normal``.
    """
    n = check.agents_count(agents)
    urgent = check.arrivals(arrivals_per_hour_urgent, field="arrivals_per_hour_urgent")
    normal = check.arrivals(arrivals_per_hour_normal, field="arrivals_per_hour_normal")
    handle_s = check.handle_seconds(handle)
    within_s = check.within_seconds(within)
    load_urgent = check.offered_load(urgent, handle_s)
    load = check.offered_load(urgent + normal, handle_s)
    if load == 0.0:
        return 1.0, 1.0
    if n <= load_urgent:
        return 0.0, 0.0
    log_wait = _erlang.log_erlang_c(n, load) if n > load else 0.0
    # n mu (1 - rho_1) t = (n - A_1) t / h; for the normal class also times (1 - rho).
    urgent_exponent = (n - load_urgent) * within_s / handle_s
    urgent_level = max(0.0, -math.expm1(log_wait - urgent_exponent))
    if n <= load:
        return urgent_level, 0.0
    normal_exponent = urgent_exponent * (n - load) / n
    return urgent_level, max(0.0, -math.expm1(log_wait - normal_exponent))


def priority_average_wait(
    *,
    agents: int,
    arrivals_per_hour_urgent: float,
    arrivals_per_hour_normal: float,
    handle: timedelta,
) -> tuple[timedelta, timedelta]:
    """``(urgent, normal)`` mean waits under non-preemptive priority: Cobham's formula.

    For M/M/n with a common service rate ``mu`` (Cobham, "Priority assignment in
    waiting line problems", J. Oper. Res. Soc. America 2(1), 1954; Kleinrock,
    *Queueing Systems* vol. 2, 1976, §3.7)::

        W_1 = C / (n mu (1 - rho_1)),   W_2 = C / (n mu (1 - rho_1)(1 - rho))

    Raises:
        QueueingError: ``unstable_queue`` when ``agents <= A`` (the total load); the
            codes of :func:`priority_service_level`.
    """
    n = check.agents_count(agents)
    urgent = check.arrivals(arrivals_per_hour_urgent, field="arrivals_per_hour_urgent")
    normal = check.arrivals(arrivals_per_hour_normal, field="arrivals_per_hour_normal")
    handle_s = check.handle_seconds(handle)
    load_urgent = check.offered_load(urgent, handle_s)
    load = check.offered_load(urgent + normal, handle_s)
    if load == 0.0:
        return timedelta(0), timedelta(0)
    if n <= load:
        raise _unstable(n, load)
    wait = math.exp(_erlang.log_erlang_c(n, load))
    urgent_s = wait * handle_s / (n - load_urgent)  # C / (n mu (1 - rho_1))
    normal_s = urgent_s * n / (n - load)
    if normal_s > _LARGEST_WAIT.total_seconds():
        raise _unstable(n, load)
    return timedelta(seconds=urgent_s), timedelta(seconds=normal_s)


def _rate_and_handle(arrivals_per_hour: object, handle: object) -> tuple[float, float]:
    """Arrivals per second and the handle time in seconds, the load checked."""
    per_hour = check.arrivals(arrivals_per_hour)
    handle_s = check.handle_seconds(handle)
    check.offered_load(per_hour, handle_s)
    return per_hour / 3600.0, handle_s


def _least_within_cap(load: float, cap: float) -> int:
    """The least ``n >= 1`` with ``load / n <= cap``, as :func:`occupancy` computes it."""
    n = max(1, math.ceil(load / cap))
    while n > 1 and load / (n - 1) <= cap:
        n -= 1
    while load / n > cap:
        n += 1
    return n


def _unstable(n: int, load: float) -> QueueingError:
    return QueueingError(
        QueueingCode.UNSTABLE_QUEUE,
        f"{n} agents cannot keep up with {load:.6g} Erlangs: the wait is not finite",
        field="agents",
    )
