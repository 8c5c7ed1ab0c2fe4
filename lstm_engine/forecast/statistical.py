"""Statistical baselines (naive, seasonal naive, ETS, Theta, ARIMA) and rolling-origin backtests.

The ETS, Theta and ARIMA fits come from statsforecast, which is imported only when one
of them runs, so the rest of lstm_engine works without it.
"""

from __future__ import annotations

import logging
import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from lstm_engine.forecast.baselines import naive_point_forecast, residual_band
from lstm_engine.forecast.metrics import interval_coverage, mase, smape
from lstm_engine.forecast.results import Forecast, build_forecast
from lstm_engine.forecast.series import Series, future_dates

NAIVE = "naive"
SEASONAL_NAIVE = "seasonal_naive"
ETS = "ets"
THETA = "theta"
ARIMA = "arima"
STATISTICAL_METHODS: tuple[str, ...] = (NAIVE, SEASONAL_NAIVE, ETS, THETA, ARIMA)

# statsforecast's ETS accepts seasonal periods up to 24, so weekly data is fitted
# without a seasonal component.
MAX_ETS_SEASON = 24
# A seasonal ARIMA with period 52 did not finish 20 M4 Weekly series in nine minutes on
# a busy two-core machine, so weekly ARIMA is non-seasonal. The M4 evaluation also
# scales weekly errors with period 1.
MAX_ARIMA_SEASON = 12
# The ETS, Theta and ARIMA fits see at most this many recent points. Longer histories
# cost time and add little for a 4-to-26-step forecast.
MAX_FIT_POINTS = 520
INTERVAL_LEVEL = 80

logger = logging.getLogger(__name__)

# (lower, median, upper) arrays of one forecast, each of shape (h,).
Quantiles = tuple[np.ndarray, np.ndarray, np.ndarray]
PointForecaster = Callable[[np.ndarray, int], Quantiles]


def _effective_season(method: str, length: int, season: int) -> int:
    """Return the seasonal period a method uses on a history of `length` points."""
    if season <= 1 or length < 2 * season:
        return 1
    if method == ETS and season > MAX_ETS_SEASON:
        return 1
    if method == ARIMA and season > MAX_ARIMA_SEASON:
        return 1
    return season


def _statsforecast_model(method: str, season: int):  # noqa: ANN202
    from statsforecast.models import AutoARIMA, AutoETS, AutoTheta

    if method == ETS:
        return AutoETS(season_length=season)
    if method == THETA:
        return AutoTheta(season_length=season)
    if method == ARIMA:
        return AutoARIMA(season_length=season)
    raise ValueError(f"method must be one of {', '.join(STATISTICAL_METHODS)}, got {method!r}.")


def statistical_quantiles(values: np.ndarray, horizon: int, method: str, season: int) -> Quantiles:
    """Forecast `horizon` steps with one statistical method and its 80 % interval.

    Parameters
    ----------
    values : np.ndarray
        History, shape (T,), T >= 2.
    horizon : int
        Steps to forecast.
    method : str
        One of STATISTICAL_METHODS.
    season : int
        Seasonal period of the series' frequency (52 weekly, 7 daily, 12 monthly).

    Returns
    -------
    tuple of np.ndarray
        P10, P50 and P90, each of shape (horizon,). Not clipped at 0.
    """
    history = np.asarray(values, dtype=np.float64)
    if history.ndim != 1 or history.size < 2:
        raise ValueError(f"values must be a 1-D array of at least 2 points, got {history.shape}.")
    if method not in STATISTICAL_METHODS:
        raise ValueError(
            f"method must be one of {', '.join(STATISTICAL_METHODS)}, got {method!r}."
        )
    if method in (NAIVE, SEASONAL_NAIVE):
        period = 1 if method == NAIVE else _effective_season(method, history.size, season)
        point = naive_point_forecast(history, horizon, period)
        lower, upper = residual_band(history, horizon, period)
        return point + lower, point, point + upper
    fit_values = history[-MAX_FIT_POINTS:]
    period = _effective_season(method, fit_values.size, season)
    if np.ptp(fit_values) == 0.0:
        # A constant history has nothing to fit; the models would divide by zero.
        point = np.full(horizon, fit_values[-1])
        return point, point, point.copy()
    model = _statsforecast_model(method, period)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            output = model.forecast(y=fit_values, h=horizon, level=[INTERVAL_LEVEL])
        except Exception as error:  # noqa: BLE001 - a failed fit falls back to the naive forecast
            logger.info("%s fit failed on %d points (%s); using the naive forecast", method, fit_values.size, error)
            return statistical_quantiles(history, horizon, NAIVE, season)
    point = np.asarray(output["mean"], dtype=np.float64)
    lower = np.asarray(output[f"lo-{INTERVAL_LEVEL}"], dtype=np.float64)
    upper = np.asarray(output[f"hi-{INTERVAL_LEVEL}"], dtype=np.float64)
    if not (np.all(np.isfinite(point)) and np.all(np.isfinite(lower)) and np.all(np.isfinite(upper))):
        return statistical_quantiles(history, horizon, NAIVE, season)
    return lower, point, upper


def statistical_forecast(series: Series, horizon: int, method: str) -> Forecast:
    """Forecast a series with one statistical method, clipped at 0 like the LSTM."""
    if isinstance(horizon, bool) or not isinstance(horizon, int) or horizon < 1:
        raise ValueError(f"horizon must be an integer >= 1, got {horizon!r}.")
    lower, point, upper = statistical_quantiles(series.to_array(), horizon, method, series.season)
    dates = future_dates(series.dates[-1], series.frequency, horizon)
    return build_forecast(series, dates, lower, point, upper, method)


@dataclass
class BacktestScore:
    """Mean errors of one method over the rolling origins of one series."""

    method: str
    mase: float
    smape: float
    coverage_80: float
    origins: int

    def as_dict(self) -> dict[str, float | int | str | None]:
        """Return the score with non-finite numbers as None."""

        def finite(value: float) -> float | None:
            return round(value, 4) if math.isfinite(value) else None

        return {
            "method": self.method,
            "mase": finite(self.mase),
            "smape": finite(self.smape),
            "coverage_80": finite(self.coverage_80),
            "origins": self.origins,
        }


def backtest_origins(length: int, horizon: int, origins: int, minimum_history: int) -> list[int]:
    """Return the history lengths of up to `origins` rolling origins, latest first.

    Origin i cuts the series after length - (i + 1) * horizon points, so the test
    windows tile the end of the series without overlapping. Origins that would leave
    fewer than `minimum_history` points are dropped.
    """
    cuts = [length - step * horizon for step in range(1, origins + 1)]
    return [cut for cut in cuts if cut >= max(minimum_history, 2)]


def backtest(
    values: np.ndarray,
    horizon: int,
    cuts: Sequence[int],
    forecaster: PointForecaster,
    method: str,
    scale_season: int = 1,
) -> BacktestScore:
    """Score a forecaster at each origin in `cuts` and average the errors.

    MASE is scaled by the in-sample naive error at lag `scale_season` of the history
    before each origin; an infinite MASE (constant history) is left out of the mean.
    """
    series_values = np.asarray(values, dtype=np.float64)
    mases, smapes, coverages = [], [], []
    for cut in cuts:
        history = series_values[:cut]
        actual = series_values[cut : cut + horizon]
        lower, point, upper = forecaster(history, horizon)
        point = np.maximum(point[: actual.size], 0.0)
        lower = np.minimum(np.maximum(lower[: actual.size], 0.0), point)
        upper = np.maximum(upper[: actual.size], point)
        season = scale_season if history.size > scale_season else 1
        score = mase(actual, point, history, season)
        if math.isfinite(score):
            mases.append(score)
        smapes.append(smape(actual, point))
        coverages.append(interval_coverage(actual, lower, upper))
    if not smapes:
        return BacktestScore(method, float("nan"), float("nan"), float("nan"), 0)
    return BacktestScore(
        method=method,
        mase=float(np.mean(mases)) if mases else float("inf"),
        smape=float(np.mean(smapes)),
        coverage_80=float(np.mean(coverages)),
        origins=len(smapes),
    )


def best_method(scores: Sequence[BacktestScore]) -> BacktestScore | None:
    """Return the score with the lowest MASE (ties go to the earlier entry), or None."""
    ranked = [score for score in scores if score.origins > 0 and not math.isnan(score.mase)]
    if not ranked:
        return None
    return min(ranked, key=lambda score: (score.mase, score.smape))
