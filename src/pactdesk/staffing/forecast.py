"""Arrivals forecast per hour of week: a seasonal average with a linear trend (pure).

Given ``weekly`` — arrivals per week and hour of week, shape ``(weeks, 168)``, oldest
week first — the forecast of week ``k`` after the last (k = 1, 2, …) is

    F_k[h] = max(0, a + b (W - 1 + k)) * s[h]

where ``a + b w`` is the least-squares line through the weekly totals (no trend with
fewer than three weeks; the line is clipped so that a forecast total stays within half
and one and a half times the mean week), and ``s[h]`` the share of all arrivals that
fell in hour ``h`` (the seasonal profile: the average week, normalised).

Its error is measured on held-out weeks: fit on all but the last ``held_out`` weeks
(two, or fewer with a short history), forecast those, and compare hour by hour (mean
absolute error per hour) and in weekly totals (mean absolute percentage error), beside
the seasonal naive forecast (last week again) as a yardstick. No Django here: the
benchmark calls it from a checkout.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

HOURS = 168
HORIZON = 4
MAX_BUFFER = 0.5

Floats = NDArray[np.float64]


@dataclass(frozen=True)
class ForecastError:
    """How the method did on the held-out weeks (None figures: nothing to hold out).

    ``hourly_mae``: mean absolute error per hour of week, tickets/hour;
    ``weekly_mape``: mean absolute error of the weekly totals over their actual totals;
    ``naive_hourly_mae``: the same hourly error of repeating the last training week.
    """

    held_out: int
    hourly_mae: float | None
    weekly_mape: float | None
    naive_hourly_mae: float | None


@dataclass(frozen=True)
class Forecast:
    """The next ``HORIZON`` weeks, shape ``(4, 168)`` (tickets per hour), and its error."""

    weeks: Floats
    trend_per_week: float  # change of the weekly total per week, tickets
    error: ForecastError

    @property
    def buffer(self) -> float:
        """The share to add to a forecast for its error: the held-out weekly error,
        at most 0.5 (0 when nothing was held out)."""
        return min(MAX_BUFFER, self.error.weekly_mape or 0.0)


def seasonal_trend(weekly: Floats, *, horizon: int = HORIZON) -> tuple[Floats, float]:
    """The forecast of the ``horizon`` weeks after ``weekly`` and the trend (tickets/week).

    ``weekly`` has shape ``(W, 168)`` with ``W >= 1``; answers shape ``(horizon, 168)``."""
    data = np.asarray(weekly, dtype=np.float64)
    count = data.shape[0]
    totals = data.sum(axis=1)
    grand = totals.sum()
    if grand <= 0:
        return np.zeros((horizon, HOURS)), 0.0
    shape = data.sum(axis=0) / grand
    mean = totals.mean()
    slope = 0.0
    if count >= 3:
        slope = float(np.polyfit(np.arange(count, dtype=np.float64), totals, 1)[0])
    ahead = np.arange(count, count + horizon, dtype=np.float64)
    level = mean + slope * (ahead - (count - 1) / 2)
    level = np.clip(level, 0.5 * mean, 1.5 * mean)
    return level[:, None] * shape[None, :], slope


def forecast(weekly: Floats) -> Forecast:
    """The next four weeks of ``weekly`` (shape ``(W, 168)``, W >= 1) and the method's
    error on its held-out last weeks (``min(2, W - 2)`` of them; none below 3 weeks)."""
    data = np.asarray(weekly, dtype=np.float64)
    weeks, slope = seasonal_trend(data)
    return Forecast(weeks=weeks, trend_per_week=slope, error=held_out_error(data))


def held_out_error(weekly: Floats, *, held_out: int | None = None) -> ForecastError:
    """Fit on the first weeks, forecast the last ``held_out`` (default ``min(2, W-2)``)."""
    data = np.asarray(weekly, dtype=np.float64)
    count = data.shape[0]
    hold = min(2, count - 2) if held_out is None else held_out
    if hold < 1 or hold >= count:
        return ForecastError(0, None, None, None)
    train, test = data[:-hold], data[-hold:]
    predicted, _ = seasonal_trend(train, horizon=hold)
    naive = np.repeat(train[-1:], hold, axis=0)
    actual_totals = test.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ape = np.abs(predicted.sum(axis=1) - actual_totals) / actual_totals
    ape = ape[np.isfinite(ape)]
    return ForecastError(
        held_out=hold,
        hourly_mae=float(np.abs(predicted - test).mean()),
        weekly_mape=float(ape.mean()) if ape.size else None,
        naive_hourly_mae=float(np.abs(naive - test).mean()),
    )
