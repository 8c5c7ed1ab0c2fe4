"""Seasonal naive and naive forecasts with empirical prediction intervals."""

from __future__ import annotations

import math

import numpy as np

from lstm_engine.forecast.results import Forecast, build_forecast
from lstm_engine.forecast.series import Series, future_dates

SEASONAL_NAIVE = "seasonal_naive"
NAIVE = "naive"
# Quantile levels of the in-sample residuals that form the P10/P90 band.
LOWER_LEVEL = 0.1
UPPER_LEVEL = 0.9


def baseline_method(length: int, season: int) -> tuple[str, int]:
    """Choose seasonal naive for at least two full seasons of history, else naive.

    Returns
    -------
    tuple of (method name, lag)
        ("seasonal_naive", season) or ("naive", 1).
    """
    if season > 1 and length >= 2 * season:
        return SEASONAL_NAIVE, season
    return NAIVE, 1


def _lags(horizon: int, period: int) -> list[int]:
    """Return, per forecast step, how far back the repeated observation lies."""
    return [period * math.ceil(step / period) for step in range(1, horizon + 1)]


def naive_point_forecast(values: np.ndarray, horizon: int, period: int) -> np.ndarray:
    """Repeat the last `period` observations over `horizon` steps.

    Parameters
    ----------
    values : np.ndarray
        History, shape (T,), T >= period.
    horizon : int
        Number of steps to forecast.
    period : int
        1 repeats the last value, and the seasonal period repeats the last season.

    Returns
    -------
    np.ndarray
        Point forecast, shape (horizon,).
    """
    if len(values) < period:
        raise ValueError(
            f"values must contain at least one period ({period} points), got {len(values)}."
        )
    end = len(values)
    positions = [end + step - lag for step, lag in zip(range(horizon), _lags(horizon, period))]
    return values[positions].astype(np.float64)


def residual_band(values: np.ndarray, horizon: int, period: int) -> tuple[np.ndarray, np.ndarray]:
    """Return P10 and P90 offsets per step from in-sample errors at the same lag.

    Step k repeats the observation `lag` steps back, so its error distribution is taken
    from y[t] - y[t - lag] over the history.

    Returns
    -------
    tuple of np.ndarray
        Lower and upper offsets, each of shape (horizon,), to add to the point forecast.
    """
    lower = np.zeros(horizon)
    upper = np.zeros(horizon)
    for step, lag in enumerate(_lags(horizon, period)):
        # NOTE: a history no longer than the lag gives a shorter-lag and so too narrow band,
        # and a single observation gives no band at all.
        usable_lag = min(lag, len(values) - 1)
        if usable_lag < 1:
            continue
        residuals = values[usable_lag:] - values[:-usable_lag]
        lower[step] = np.quantile(residuals, LOWER_LEVEL)
        upper[step] = np.quantile(residuals, UPPER_LEVEL)
    return lower, upper


def baseline_forecast(series: Series, horizon: int) -> Forecast:
    """Forecast with seasonal naive (or naive for short histories) and an empirical band.

    Parameters
    ----------
    series : Series
        History to continue. Seasonal naive needs at least two seasons (104 weekly points).
    horizon : int
        Number of steps to forecast, at least 1.

    Returns
    -------
    Forecast
        Method "seasonal_naive" or "naive", with values clipped at 0.
    """
    if isinstance(horizon, bool) or not isinstance(horizon, int) or horizon < 1:
        raise ValueError(f"horizon must be an integer >= 1, got {horizon!r}.")
    values = series.to_array()
    method, period = baseline_method(len(values), series.season)
    point = naive_point_forecast(values, horizon, period)
    lower, upper = residual_band(values, horizon, period)
    dates = future_dates(series.dates[-1], series.frequency, horizon)
    return build_forecast(series, dates, point + lower, point, point + upper, method)
