"""Forecast accuracy metrics: MASE, sMAPE and prediction-interval coverage."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

ArrayLike = Sequence[float] | np.ndarray


def _as_vector(values: ArrayLike, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}.")
    if array.size == 0:
        raise ValueError(f"{name} must not be empty.")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must contain only finite values.")
    return array


def _check_same_length(first: np.ndarray, second: np.ndarray, names: str) -> None:
    if first.shape != second.shape:
        raise ValueError(f"{names} must have the same length, got {first.size} and {second.size}.")


def naive_scale(insample: ArrayLike, season: int) -> float:
    """Return the in-sample mean absolute error of the naive forecast at lag `season`.

    This is the MASE denominator: mean(|y[t] - y[t - season]|) over the training part.

    Parameters
    ----------
    insample : sequence of float, shape (T,)
        Training observations, T > season.
    season : int
        Lag of the (seasonal) naive forecast. 1 gives the plain naive forecast.
    """
    history = _as_vector(insample, "insample")
    if season < 1:
        raise ValueError(f"season must be at least 1, got {season}.")
    if history.size <= season:
        raise ValueError(
            f"insample must be longer than season, got {history.size} points for season {season}. "
            "Use season=1 for short histories."
        )
    return float(np.mean(np.abs(history[season:] - history[:-season])))


def mase(actual: ArrayLike, forecast: ArrayLike, insample: ArrayLike, season: int) -> float:
    """Compute the mean absolute scaled error of a forecast.

    Parameters
    ----------
    actual, forecast : sequence of float, shape (h,)
        Held-out observations and the point forecast for them.
    insample : sequence of float, shape (T,)
        Training observations that set the scale, T > season.
    season : int
        Seasonal period of the scaling naive forecast (52 weekly, 1 for non-seasonal).

    Returns
    -------
    float
        mean(|actual - forecast|) / naive_scale(insample, season). When the scale is 0
        (a constant history), the result is 0.0 for a perfect forecast and inf otherwise.
    """
    truth = _as_vector(actual, "actual")
    predicted = _as_vector(forecast, "forecast")
    _check_same_length(truth, predicted, "actual and forecast")
    error = float(np.mean(np.abs(truth - predicted)))
    scale = naive_scale(insample, season)
    if scale == 0.0:
        return 0.0 if error == 0.0 else float("inf")
    return error / scale


def smape(actual: ArrayLike, forecast: ArrayLike) -> float:
    """Compute the symmetric mean absolute percentage error in percent (0 to 200).

    Uses the M4 definition 200 / h * sum(|a - f| / (|a| + |f|)). A step where both the
    actual and the forecast are 0 counts as a perfect forecast (term 0).
    """
    truth = _as_vector(actual, "actual")
    predicted = _as_vector(forecast, "forecast")
    _check_same_length(truth, predicted, "actual and forecast")
    denominator = np.abs(truth) + np.abs(predicted)
    safe_denominator = np.where(denominator == 0.0, 1.0, denominator)
    terms = np.where(denominator == 0.0, 0.0, np.abs(truth - predicted) / safe_denominator)
    return float(200.0 * np.mean(terms))


def interval_coverage(actual: ArrayLike, lower: ArrayLike, upper: ArrayLike) -> float:
    """Return the fraction of actual values inside [lower, upper], bounds included."""
    truth = _as_vector(actual, "actual")
    low = _as_vector(lower, "lower")
    high = _as_vector(upper, "upper")
    _check_same_length(truth, low, "actual and lower")
    _check_same_length(truth, high, "actual and upper")
    inside = (truth >= low) & (truth <= high)
    return float(np.mean(inside))
