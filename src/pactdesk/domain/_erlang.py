"""Log-space kernels of the Erlang formulas, and the least-staffing search.

Nothing here validates: :mod:`pactdesk.domain.queueing` checks its arguments and calls
these with ``n >= 1`` agents, offered load ``a > 0`` (Erlangs) and finite floats.

Erlang B is ``B(n, a) = P(X = n) / P(X <= n)`` for ``X ~ Poisson(a)``; the upper
regularised incomplete gamma function gives ``P(X <= n) = Q(n + 1, a)`` and the log
mass is ``n log a - a - lgamma(n + 1)``, so no factorial or power is ever formed. Where
``Q`` underflows (``n`` far below ``a``) the backward sum
``1 / B = sum_{i=0..n} prod_{m<i} (n - m) / a`` takes over; its terms fall at least
geometrically there. Erlang C follows as ``C = B / (1 - rho (1 - B))``, ``rho = a / n``.

For Erlang A the lower regularised incomplete gamma ``P(s, x)`` is needed in logs; where
SciPy's ``gammainc`` would underflow, ``log P(s, x) = s log x - x - lgamma(s + 1) +
log M(s, x)`` with ``M(s, x) = sum_k x^k / ((s + 1)(s + 2)...(s + k))`` (Abramowitz &
Stegun 6.5.29), a series that converges fast exactly where ``P`` is tiny.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from scipy.special import gammainc, gammaincc, gammaln, ndtri

# Below this, a regularised incomplete gamma value is recomputed from its series
# rather than trusted in linear space (it is far above the subnormal range).
_TINY = 1e-250
_CHUNK = 512
_SERIES_TOLERANCE = 40.0  # stop a log-sum once terms are e^-40 below the running sum
_MAX_TERMS = 2**20


def _log_sum_of_products(log_factor: Callable[[np.ndarray], np.ndarray], limit: float) -> float:
    """``log(1 + sum_{k=1..limit} prod_{i=1..k} f(i))`` for factors given in logs.

    The factors must be at most 1 and non-increasing (as they are where this is used),
    so the terms never rise and the sum stops once they fall ``e^-40`` below it. The
    work is capped at about a million terms: past that (only for an abandonment rate
    below a millionth of the service rate at loads past 10^6 Erlangs) the rest is
    bounded by the geometric series of the next factor, an overestimate of that tail.
    """
    total = 0.0  # log of the sum so far (the k = 0 term is 1)
    carried = 0.0  # log of the last product
    start, chunk = 1, _CHUNK
    while start <= limit:
        if start > _MAX_TERMS:
            factor = float(log_factor(np.array([float(start)]))[0])
            tail = carried + factor - math.log(-math.expm1(factor)) if factor < 0 else math.inf
            return float(np.logaddexp(total, tail))
        stop = int(min(limit, start + chunk - 1))
        chunk *= 2
        ks = np.arange(start, stop + 1, dtype=np.float64)
        logs = carried + np.cumsum(log_factor(ks))
        total = float(np.logaddexp(total, np.logaddexp.reduce(logs)))
        carried = float(logs[-1])
        if carried < total - _SERIES_TOLERANCE:
            break
        start = stop + 1
    return total


def log_erlang_b(n: int, a: float) -> float:
    """``log B(n, a)`` for ``n >= 1`` agents and ``a > 0`` Erlangs."""
    upper = float(gammaincc(float(n) + 1.0, a))
    if upper > _TINY:
        log_mass = n * math.log(a) - a - float(gammaln(float(n) + 1.0))
        return min(0.0, log_mass - math.log(upper))
    log_a = math.log(a)
    # 1/B = sum_{i=0..n} prod_{m=0..i-1} (n - m)/a: the i-th factor is (n - i + 1)/a.
    log_inverse = _log_sum_of_products(lambda i: np.log(n - i + 1) - log_a, n)
    return -log_inverse


def log_erlang_c(n: int, a: float) -> float:
    """``log C(n, a)`` for ``n > a > 0``: the log probability that an arrival waits."""
    log_b = log_erlang_b(n, a)
    # 1 - rho (1 - B) = (n - a)/n + rho B, summed in logs.
    log_denominator = float(np.logaddexp(math.log((n - a) / n), math.log(a / n) + log_b))
    return min(0.0, log_b - log_denominator)


def erlang_c_service_level(n: int, a: float, within_over_handle: float) -> float:
    """``1 - C exp(-(n - a) t / h)`` for ``n > a > 0``, from logs (never below 0)."""
    return max(0.0, -math.expm1(log_erlang_c(n, a) - (n - a) * within_over_handle))


def log_lower_gamma(s: float, x: float, log_x: float) -> float:
    """``log P(s, x)``, the log lower regularised incomplete gamma, for ``s > 0``.

    ``log_x`` is ``log x`` given separately so that an ``x`` that underflowed to 0 (a
    target of many patience means) still has its exact logarithm.
    """
    if x > 0.0:
        value = float(gammainc(s, x))
        if value > _TINY:
            return math.log(value)
    series = _log_sum_of_products(lambda k: log_x - np.log(s + k), math.inf)
    return s * log_x - x - float(gammaln(s + 1.0)) + series


def square_root_seed(a: float, goal: float) -> int:
    """Square-root staffing: ``ceil(a + beta sqrt(a))`` with ``beta`` the normal ``goal``-quantile.

    Borst, Mandelbaum & Reiman (2004), "Dimensioning large call centers", Oper. Res.
    52(1); only a starting point for the exact search.
    """
    beta = max(0.0, float(ndtri(goal)))
    return math.ceil(a + beta * math.sqrt(a))


def least(meets: Callable[[int], bool], *, lowest: int, seed: int) -> int:
    """The least ``n >= lowest`` with ``meets(n)``, for ``meets`` false then true in ``n``.

    Gallops from ``seed`` (down while it meets, up while it fails, doubling the step),
    then bisects the last bracket: ``O(log |answer - seed|)`` evaluations. Callers
    guarantee that some ``n`` meets (service levels tend to 1 as agents grow).
    """
    seed = max(seed, lowest)
    if meets(seed):
        met, failed, step = seed, lowest - 1, 1
        while met - step >= lowest:
            if not meets(met - step):
                failed = met - step
                break
            met -= step
            step *= 2
    else:
        failed, step = seed, 1
        while not meets(failed + step):
            failed += step
            step *= 2
        met = failed + step
    while met - failed > 1:
        middle = (met + failed) // 2
        if meets(middle):
            met = middle
        else:
            failed = middle
    return met
