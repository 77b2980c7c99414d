"""The seasonal-average-with-trend forecast and its held-out error (pure, exact)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from pactdesk.staffing.forecast import forecast, held_out_error, seasonal_trend


def weeks(*totals: float) -> np.ndarray:
    """Weeks with all their arrivals at Monday 09:00 (hour 9) and a quarter at 10:00."""
    data = np.zeros((len(totals), 168))
    for i, total in enumerate(totals):
        data[i, 9] = total * 0.75
        data[i, 10] = total * 0.25
    return data


def test_a_steady_history_forecasts_itself() -> None:
    predicted, slope = seasonal_trend(weeks(40, 40, 40, 40))
    assert slope == pytest.approx(0.0)
    assert predicted.shape == (4, 168)
    assert predicted[:, 9].tolist() == pytest.approx([30.0] * 4)
    assert predicted[:, 10].tolist() == pytest.approx([10.0] * 4)
    assert predicted.sum() == pytest.approx(160.0)


def test_a_trend_carries_on_and_is_clipped_to_half_again_the_mean() -> None:
    predicted, slope = seasonal_trend(weeks(10, 20, 30, 40))
    assert slope == pytest.approx(10.0)
    # mean 25 at the middle (week 1.5); weeks 4, 5, 6, 7 → 50, 60, 70, 80, clipped at 37.5
    assert predicted.sum(axis=1).tolist() == pytest.approx([37.5] * 4)
    predicted, _ = seasonal_trend(weeks(30, 31, 32, 33))
    assert predicted.sum(axis=1).tolist() == pytest.approx([34.0, 35.0, 36.0, 37.0])


def test_fewer_than_three_weeks_have_no_trend_and_no_held_out_error() -> None:
    result = forecast(weeks(10, 30))
    assert result.trend_per_week == 0.0
    assert result.weeks.sum(axis=1).tolist() == pytest.approx([20.0] * 4)
    assert result.error.held_out == 0
    assert result.error.weekly_mape is None
    assert result.buffer == 0.0


def test_held_out_error_compares_the_last_two_weeks_with_a_fit_on_the_rest() -> None:
    error = held_out_error(weeks(20, 20, 20, 30, 10))
    # fit on 20, 20, 20 (flat): forecasts 20 and 20 for weeks of 30 and 10
    assert error.held_out == 2
    assert error.weekly_mape == pytest.approx((10 / 30 + 10 / 10) / 2)
    # hour 9: |15 - 22.5| and |15 - 7.5|; hour 10: |5 - 7.5| and |5 - 2.5|; over 2 x 168
    assert error.hourly_mae == pytest.approx((7.5 + 7.5 + 2.5 + 2.5) / 336)
    # naive repeats week 3 (20): the same error here
    assert error.naive_hourly_mae == pytest.approx(error.hourly_mae)
    assert forecast(weeks(20, 20, 20, 30, 10)).buffer == 0.5  # capped


def test_no_arrivals_forecast_none() -> None:
    result = forecast(np.zeros((3, 168)))
    assert result.weeks.sum() == 0.0
    assert result.error.weekly_mape is None


@settings(max_examples=60, deadline=None)
# Hourly arrival counts are whole tickets: tiny floats (1e-308) made the forecast's
# products underflow into equal subnormals, a case no history can produce.
@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 8), st.just(168)),
        elements=st.integers(0, 50).map(float),
    )
)
def test_forecasts_are_never_negative_and_keep_the_weeks_shape(data: np.ndarray) -> None:
    predicted, _ = seasonal_trend(data)
    assert (predicted >= 0).all()
    total = data.sum()
    if total > 0:
        shape = data.sum(axis=0) / total
        for week in predicted:
            if week.sum() > 0:
                assert week / week.sum() == pytest.approx(shape, abs=1e-9)
        mean = data.sum(axis=1).mean()
        assert (predicted.sum(axis=1) <= 1.5 * mean + 1e-9).all()
        assert (predicted.sum(axis=1) >= 0.5 * mean - 1e-9).all()
