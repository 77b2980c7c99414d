"""Erlang A (M/M/n+M, exponential patience) in logs, through the incomplete gamma function.

With arrival rate ``lam``, service rate ``mu = 1/h``, abandonment rate ``theta = 1/p``
(``p`` the mean patience) and ``n`` agents, write ``s = n mu / theta`` and
``x = lam / theta``. Given that all agents are busy, the stationary number waiting is
proportional to ``x^k / ((s + 1)...(s + k))``, whose sum is

    J = s e^x x^-s gamma(s, x) = e^x x^-s Gamma(s + 1) P(s, x)

(``P`` the lower regularised incomplete gamma function). With ``B = B(n, lam h)`` Erlang B:

* P(wait) ``= B J / (1 - B + B J)``;
* an arrival that waits is answered within ``t`` with probability
  ``R(t) = (s / x) [P(s + 1, x) - P(s + 1, x e^(-theta t))] / P(s, x)``: the offered wait
  ``V`` of an arrival with ``k`` ahead is a sum of exponentials of rates
  ``n mu + i theta`` (``i = 0..k``), and weighting ``E[e^(-theta V); V <= t]`` by the
  queue distribution gives that integral;
* P(abandon) ``= P(wait) (1 - R(inf))``, where ``R(inf) = (1 / rho)(1 - 1/J)``,
  ``rho = lam / (n mu)`` (Mandelbaum & Zeltyn, "The M/M/n+G queue: summary of
  performance measures", 2007; Garnett, Mandelbaum & Reiman, "Designing a call center
  with impatient customers", MSOM 4(3), 2002).

Every quantity is carried as a logarithm, so ``x e^(-theta t)`` for targets of many
hours and patience of seconds (``e^-36000``) neither underflows nor turns into NaN.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import gammaln

from pactdesk.domain._erlang import log_erlang_b, log_lower_gamma


def _log_wait_and_answered(
    n: int, per_second: float, handle: float, patience: float, within: float
) -> tuple[float, float]:
    """``(log P(wait), log R(within))`` for ``per_second > 0`` (``within`` may be ``inf``)."""
    s = n * patience / handle
    x = per_second * patience
    log_x = math.log(x)
    log_p_s = log_lower_gamma(s, x, log_x)
    log_j = x - s * log_x + float(gammaln(s + 1.0)) + log_p_s
    log_b = log_erlang_b(n, per_second * handle)
    log_rest = math.log(-math.expm1(log_b)) if log_b < 0.0 else -math.inf
    log_wait = min(0.0, log_b + log_j - float(np.logaddexp(log_rest, log_b + log_j)))
    log_p_s1 = log_lower_gamma(s + 1.0, x, log_x)
    if math.isinf(within):
        log_within_share = 0.0
    else:
        log_y = log_x - within / patience
        log_p_s1_y = log_lower_gamma(s + 1.0, math.exp(log_y), log_y)
        gap = min(0.0, log_p_s1_y - log_p_s1)
        log_within_share = math.log(-math.expm1(gap)) if gap < 0.0 else -math.inf
    log_answered = math.log(s) - log_x + log_p_s1 - log_p_s + log_within_share
    return log_wait, min(0.0, log_answered)


def service_level(
    n: int, per_second: float, handle: float, patience: float, within: float
) -> float:
    """Share of all arrivals answered (not given up) within ``within`` seconds."""
    if per_second == 0.0:
        return 1.0
    log_wait, log_answered = _log_wait_and_answered(n, per_second, handle, patience, within)
    wait = math.exp(log_wait)
    return min(1.0, max(0.0, (1.0 - wait) + wait * math.exp(log_answered)))


def abandonment(n: int, per_second: float, handle: float, patience: float) -> float:
    """Share of all arrivals that give up before being answered."""
    if per_second == 0.0:
        return 0.0
    log_wait, log_answered = _log_wait_and_answered(n, per_second, handle, patience, math.inf)
    return min(1.0, max(0.0, math.exp(log_wait) * -math.expm1(log_answered)))


def wait_probability(n: int, per_second: float, handle: float, patience: float) -> float:
    """Probability that an arrival finds every agent busy."""
    if per_second == 0.0:
        return 0.0
    log_wait, _ = _log_wait_and_answered(n, per_second, handle, patience, math.inf)
    return math.exp(log_wait)
