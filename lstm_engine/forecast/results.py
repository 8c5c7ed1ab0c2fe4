"""Forecast and training-result records returned to callers."""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from lstm_engine.forecast.series import Series

Direction = Literal["rising", "falling", "flat"]

# A change of the mean P50 within this many percent of the last observation is called flat.
FLAT_THRESHOLD_PERCENT = 10.0


@dataclass
class Forecast:
    """Quantile forecast of one series with its trend call.

    `change_percent` compares the mean P50 over the horizon with the last observation, the
    forecast origin. `direction` is "flat" when the change is within ±10 %.
    """

    dates: list[datetime.date]
    p10: list[float]
    p50: list[float]
    p90: list[float]
    method: str
    direction: Direction
    change_percent: float

    def as_dict(self) -> dict[str, Any]:
        """Return the forecast as a JSON-serialisable dict with ISO dates."""
        return {
            "dates": [date.isoformat() for date in self.dates],
            "p10": [float(value) for value in self.p10],
            "p50": [float(value) for value in self.p50],
            "p90": [float(value) for value in self.p90],
            "method": self.method,
            "direction": self.direction,
            "change_percent": float(self.change_percent),
        }


def classify_direction(
    recent: Sequence[float], forecast_median: Sequence[float]
) -> tuple[Direction, float]:
    """Compare the mean forecast median with the last observation, where the forecast starts.

    The reference is the forecast origin rather than a mean of recent observations, so a
    forecast that stays level (the naive method's) is always "flat", and the call matches
    a chart whose forecast line starts at the last observed point.

    Parameters
    ----------
    recent : sequence of float
        The observations up to the forecast origin; only the last one counts.
    forecast_median : sequence of float, shape (h,)
        P50 forecast over the horizon.

    Returns
    -------
    tuple of (direction, change_percent)
        NOTE: the relative change is undefined when the last observation is 0. Then the
        result is ("flat", 0.0) if the forecast mean is also 0, else ("rising", 100.0).
    """
    reference = float(np.asarray(recent, dtype=np.float64)[-1])
    predicted = float(np.mean(np.asarray(forecast_median, dtype=np.float64)))
    if reference == 0.0:
        if predicted == 0.0:
            return "flat", 0.0
        return ("rising", 100.0) if predicted > 0.0 else ("falling", -100.0)
    change = 100.0 * (predicted - reference) / abs(reference)
    if change > FLAT_THRESHOLD_PERCENT:
        return "rising", change
    if change < -FLAT_THRESHOLD_PERCENT:
        return "falling", change
    return "flat", change


def build_forecast(
    series: Series,
    dates: list[datetime.date],
    p10: np.ndarray,
    p50: np.ndarray,
    p90: np.ndarray,
    method: str,
) -> Forecast:
    """Clip quantiles at 0, restore their order and attach the trend call."""
    median = np.maximum(np.asarray(p50, dtype=np.float64), 0.0)
    lower = np.minimum(np.maximum(np.asarray(p10, dtype=np.float64), 0.0), median)
    upper = np.maximum(np.asarray(p90, dtype=np.float64), median)
    direction, change = classify_direction(series.values, median)
    return Forecast(
        dates=list(dates),
        p10=[float(value) for value in lower],
        p50=[float(value) for value in median],
        p90=[float(value) for value in upper],
        method=method,
        direction=direction,
        change_percent=change,
    )


def _json_number(value: Any) -> Any:
    """Replace non-finite floats with None, recursing into dicts and lists."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(key): _json_number(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_number(item) for item in value]
    return value


@dataclass
class ForecasterTrainResult:
    """Accuracy of the trained forecaster on the last `horizon` points of each series.

    `mase`, `smape` and `coverage_80` are means over the evaluated series for the LSTM,
    and the `baseline_*` fields are the same for the seasonal naive forecast. Infinite
    per-series MASE values (constant training parts) are left out of the means, and
    non-finite numbers become None in as_metrics(). `per_series` maps each evaluated
    series name to its metrics, and `skipped` lists the series too short to train on.
    """

    mase: float
    smape: float
    coverage_80: float
    baseline_mase: float
    baseline_smape: float
    baseline_name: str
    beats_baseline: bool
    series_count: int
    skipped: list[str]
    per_series: dict[str, dict[str, Any]]
    steps: int
    train_seconds: float
    config: dict[str, Any]
    train_config: dict[str, Any]
    training_details: dict[str, Any] = field(default_factory=dict)

    def as_metrics(self) -> dict[str, Any]:
        """Return every field as a JSON-serialisable dict, with None for non-finite numbers."""
        return _json_number(
            {
                "mase": float(self.mase),
                "smape": float(self.smape),
                "coverage_80": float(self.coverage_80),
                "baseline_mase": float(self.baseline_mase),
                "baseline_smape": float(self.baseline_smape),
                "baseline_name": self.baseline_name,
                "beats_baseline": bool(self.beats_baseline),
                "series_count": int(self.series_count),
                "skipped": list(self.skipped),
                "per_series": self.per_series,
                "steps": int(self.steps),
                "train_seconds": float(self.train_seconds),
                "config": self.config,
                "train_config": self.train_config,
                "training_details": self.training_details,
            }
        )
