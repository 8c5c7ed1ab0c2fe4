"""Score the LSTM forecaster against naive baselines on the M4 Weekly series.

Trains one global forecaster on the first --series series of Weekly-train.csv, forecasts
13 weeks from the end of each training series and scores the forecasts against
Weekly-test.csv. Prints one JSON object.

MASE follows the M4 evaluation for weekly data: the scale is the in-sample MAE of the
naive forecast (m = 1). "mase_m52" uses the seasonal naive scale (m = 52) that
train_forecaster reports, for series with more than 52 points.

M4 publishes no dates for these series here, so every series is dated as weeks ending
on 2018-12-30. The calendar features are therefore not aligned with the true seasons,
so the seasonal information reaches the model only through the input window.

Example:
    nice python bench/forecast_quick.py --data /path/to/m4-weekly --series 100 --budget 60
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import logging
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lstm_engine.forecast import (
    ForecasterConfig,
    ForecastTrainConfig,
    Series,
    baseline_forecast,
    interval_coverage,
    load_forecaster,
    mase,
    smape,
    train_forecaster,
)
from lstm_engine.forecast.baselines import naive_point_forecast, residual_band

HORIZON = 13
LAST_DATE = datetime.date(2018, 12, 30)


def read_wide_csv(path: Path) -> dict[str, list[float]]:
    """Read an M4 wide CSV into id -> values, dropping the empty trailing cells."""
    rows: dict[str, list[float]] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        for row in reader:
            rows[row[0]] = [float(cell) for cell in row[1:] if cell != ""]
    return rows


def to_series(values: list[float]) -> Series:
    """Date a value list as consecutive weeks ending on LAST_DATE."""
    count = len(values)
    dates = [LAST_DATE - datetime.timedelta(weeks=count - 1 - index) for index in range(count)]
    return Series(dates, values, "W")


def score(
    actual: np.ndarray, history: np.ndarray, p10: list[float], p50: list[float], p90: list[float]
) -> dict[str, float]:
    """Return sMAPE, MASE (m = 1), MASE (m = 52, nan when too short) and 80 % coverage."""
    seasonal = mase(actual, p50, history, 52) if len(history) > 52 else float("nan")
    return {
        "smape": smape(actual, p50),
        "mase": mase(actual, p50, history, 1),
        "mase_m52": seasonal,
        "coverage_80": interval_coverage(actual, p10, p90),
    }


def mean_scores(rows: list[dict[str, float]]) -> dict[str, float]:
    """Average each metric over the series, ignoring nan."""
    return {key: float(np.nanmean([row[key] for row in rows])) for key in rows[0]}


def main() -> None:
    """Run the benchmark and print the JSON summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", type=Path, required=True, help="folder with Weekly-train.csv and Weekly-test.csv"
    )
    parser.add_argument(
        "--series", type=int, default=0, help="number of series to use from the top (0 = all)"
    )
    parser.add_argument(
        "--budget", type=float, default=None, help="training time budget in seconds (default: none)"
    )
    parser.add_argument(
        "--max-steps", type=int, default=None, help="training steps per ensemble member"
    )
    parser.add_argument(
        "--ensemble",
        type=int,
        default=None,
        help="ensemble size (default: the ForecasterConfig default)",
    )
    parser.add_argument("--seed", type=int, default=0, help="training seed")
    parser.add_argument("--verbose", action="store_true", help="log training progress to stderr")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING)

    train = read_wide_csv(args.data / "Weekly-train.csv")
    test = read_wide_csv(args.data / "Weekly-test.csv")
    ids = list(train)[: args.series] if args.series > 0 else list(train)
    histories = {series_id: to_series(train[series_id]) for series_id in ids}

    config_options = {"horizon": HORIZON}
    if args.ensemble is not None:
        config_options["ensemble_size"] = args.ensemble
    config = ForecasterConfig(**config_options)
    train_options: dict[str, object] = {
        "seed": args.seed,
        "device": "cpu",
        "max_seconds": args.budget,
    }
    if args.max_steps is not None:
        train_options["max_steps"] = args.max_steps
    train_config = ForecastTrainConfig(**train_options)

    with tempfile.TemporaryDirectory() as output_dir:
        started = time.monotonic()
        result = train_forecaster(histories, output_dir, config=config, train_config=train_config)
        fit_seconds = time.monotonic() - started
        forecaster = load_forecaster(output_dir)

    scores: dict[str, list[dict[str, float]]] = {"lstm": [], "seasonal_naive": [], "naive": []}
    for series_id in ids:
        history = np.asarray(train[series_id])
        actual = np.asarray(test[series_id][:HORIZON])
        lstm = forecaster.forecast(histories[series_id], HORIZON)
        scores["lstm"].append(score(actual, history, lstm.p10, lstm.p50, lstm.p90))
        seasonal = baseline_forecast(histories[series_id], HORIZON)
        scores["seasonal_naive"].append(
            score(actual, history, seasonal.p10, seasonal.p50, seasonal.p90)
        )
        point = naive_point_forecast(history, HORIZON, 1)
        lower, upper = residual_band(history, HORIZON, 1)
        scores["naive"].append(
            score(actual, history, list(point + lower), list(point), list(point + upper))
        )

    summary = {name: mean_scores(rows) for name, rows in scores.items()}
    summary["fit_seconds"] = round(fit_seconds, 1)
    summary["series"] = len(ids)
    summary["training_steps"] = result.steps
    summary["ensemble_members"] = result.training_details["members_trained"]
    summary["holdout_lstm_mase"] = result.mase
    summary["holdout_baseline_mase"] = result.baseline_mase
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
