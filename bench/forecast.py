"""Compare the LSTM forecaster with statistical baselines on a folder of series.

One process, one JSON object on stdout, keyed by method: lstm, naive, seasonal_naive,
ets, theta, arima and selected. Each entry contains the mean sMAPE, MASE and 80 %
interval coverage over the scored series, and the wall-clock and process CPU seconds
spent fitting and forecasting. "series" is the number of series scored.

The folder is either the M4 layout (<Frequency>-train.csv and <Frequency>-test.csv, the
test file giving the horizon), or any folder of CSV files the product imports (Google
Trends exports, date/value page-view CSVs, date/keyword/value CSVs). For the latter, the
last `--horizon` points of every series (default: 13 weekly, 12 monthly, 14 daily) are
the test part, and partial periods are dropped.

"selected" is the per-series choice: every method is backtested on the training part at
`--origins` rolling origins (one horizon apart, ending at the end of the training part)
and the method with the lowest mean MASE forecasts the test part. For the LSTM the
latest origin is the part train_forecaster holds out; the one before it is its early
stopping window, so its backtest is slightly optimistic there.

MASE uses the in-sample naive error (m = 1) as scale, as the M4 evaluation does for
weekly data. M4 series carry no dates, so they are dated as weeks ending 2018-12-30 and
the calendar features do not match real seasons.

Example:
    nice python bench/forecast.py --data /path/to/m4-weekly
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import logging
import math
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lstm_engine.forecast import (  # noqa: E402
    ForecasterConfig,
    ForecastTrainConfig,
    Series,
    interval_coverage,
    load_forecaster,
    mase,
    smape,
    train_forecaster,
)
from lstm_engine.forecast.statistical import (  # noqa: E402
    STATISTICAL_METHODS,
    BacktestScore,
    backtest,
    backtest_origins,
    best_method,
    statistical_quantiles,
)

LSTM = "lstm"
METHODS = (LSTM, *STATISTICAL_METHODS)
M4_LAST_DATE = datetime.date(2018, 12, 30)
M4_FREQUENCIES = {"weekly": "W", "daily": "D", "monthly": "M"}
DEFAULT_HORIZONS = {"W": 13, "M": 12, "D": 14}
# Input window per frequency: a year of weeks, three years of months, eight weeks of days.
INPUT_LENGTHS = {"W": 52, "M": 36, "D": 56}

logger = logging.getLogger("bench.forecast")


@dataclass
class BenchSeries:
    """One series split into the part the methods see and the part they are scored on."""

    name: str
    train: Series
    test: np.ndarray


def _read_wide_csv(path: Path) -> dict[str, list[float]]:
    rows: dict[str, list[float]] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        for row in reader:
            rows[row[0]] = [float(cell) for cell in row[1:] if cell != ""]
    return rows


def _m4_series(folder: Path) -> list[BenchSeries] | None:
    """Read every <Frequency>-train.csv / -test.csv pair, or return None when there is none."""
    found: list[BenchSeries] = []
    for train_path in sorted(folder.glob("*-train.csv")):
        prefix = train_path.name[: -len("-train.csv")]
        test_path = folder / f"{prefix}-test.csv"
        frequency = M4_FREQUENCIES.get(prefix.lower())
        if not test_path.is_file() or frequency is None:
            continue
        train, test = _read_wide_csv(train_path), _read_wide_csv(test_path)
        for name, values in train.items():
            count = len(values)
            if frequency == "W":
                dates = [M4_LAST_DATE - datetime.timedelta(weeks=count - 1 - i) for i in range(count)]
            elif frequency == "D":
                dates = [M4_LAST_DATE - datetime.timedelta(days=count - 1 - i) for i in range(count)]
            else:
                from lstm_engine.forecast.series import add_months

                dates = [add_months(M4_LAST_DATE.replace(day=1), i - count + 1) for i in range(count)]
            found.append(BenchSeries(name, Series(dates, values, frequency), np.asarray(test[name])))
    return found or None


def _product_series(folder: Path, horizon: int | None) -> list[BenchSeries]:
    """Read every CSV under the folder with the product's importers and split off a test part."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seoassist.settings.base")
    import django

    django.setup()
    from seoassist.core.exceptions import ImportFileError
    from seoassist.trends.importers import series_file_read

    found: list[BenchSeries] = []
    for path in sorted(folder.rglob("*.csv")):
        try:
            parsed = series_file_read(path.read_bytes(), file_name=path.name)
        except ImportFileError as error:
            logger.info("Skipping %s: %s", path, error.message)
            continue
        for item in parsed:
            points = [(date, value) for date, value, partial in item.points if not partial]
            if item.frequency not in DEFAULT_HORIZONS:
                logger.info("Skipping %s in %s: frequency %s", item.keyword, path, item.frequency)
                continue
            steps = horizon or DEFAULT_HORIZONS[item.frequency]
            if len(points) < INPUT_LENGTHS[item.frequency] + 3 * steps:
                logger.info("Skipping %s in %s: %d points", item.keyword, path, len(points))
                continue
            dates = [date for date, _value in points]
            values = [value for _date, value in points]
            name = f"{path.relative_to(folder)}:{item.keyword}"
            found.append(
                BenchSeries(
                    name,
                    Series(dates[:-steps], values[:-steps], item.frequency),
                    np.asarray(values[-steps:], dtype=np.float64),
                )
            )
    return found


def _score(actual: np.ndarray, history: np.ndarray, quantiles) -> dict[str, float]:  # noqa: ANN001
    lower, point, upper = (np.asarray(part, dtype=np.float64)[: actual.size] for part in quantiles)
    point = np.maximum(point, 0.0)
    lower = np.minimum(np.maximum(lower, 0.0), point)
    upper = np.maximum(upper, point)
    return {
        "smape": smape(actual, point),
        "mase": mase(actual, point, history, 1),
        "coverage_80": interval_coverage(actual, lower, upper),
    }


def _mean(rows: list[dict[str, float]], key: str) -> float | None:
    finite = [row[key] for row in rows if math.isfinite(row[key])]
    return round(float(np.mean(finite)), 4) if finite else None


def _lstm_quantile_function(forecaster, frequency: str, dates: list[datetime.date]):  # noqa: ANN001, ANN202
    """Wrap the forecaster as values -> quantiles for a history that starts at dates[0]."""

    def forecast(values: np.ndarray, horizon: int):  # noqa: ANN202
        history = Series(dates[: values.size], list(values), frequency)
        result = forecaster.forecast(history, horizon)
        return np.asarray(result.p10), np.asarray(result.p50), np.asarray(result.p90)

    return forecast


def _run_group(
    items: list[BenchSeries],
    args: argparse.Namespace,
    totals: dict[str, float],
    cpu_totals: dict[str, float],
) -> tuple[dict[str, list[dict[str, float]]], list[str]]:
    """Fit, forecast and backtest every method on series of one frequency and horizon.

    `totals` and `cpu_totals` accumulate wall-clock and process CPU seconds per method.
    """
    frequency = items[0].train.frequency
    horizon = int(items[0].test.size)
    season = items[0].train.season
    scores: dict[str, list[dict[str, float]]] = {method: [] for method in (*METHODS, "selected")}
    choices: list[str] = []

    config = ForecasterConfig(
        horizon=horizon,
        input_chunk_length=max(INPUT_LENGTHS[frequency], horizon),
        hidden_size=args.hidden,
        ensemble_size=args.ensemble,
    )
    train_config = ForecastTrainConfig(
        seed=args.seed, device="cpu", max_steps=args.max_steps, max_seconds=args.budget
    )
    test_quantiles: dict[str, list] = {method: [] for method in METHODS}
    started, cpu_started = time.monotonic(), time.process_time()
    with tempfile.TemporaryDirectory() as output_dir:
        train_forecaster(
            {item.name: item.train for item in items},
            output_dir,
            config=config,
            train_config=train_config,
        )
        forecaster = load_forecaster(output_dir)
    for item in items:
        result = forecaster.forecast(item.train, horizon)
        test_quantiles[LSTM].append((result.p10, result.p50, result.p90))
    totals[LSTM] += time.monotonic() - started
    cpu_totals[LSTM] += time.process_time() - cpu_started

    for method in STATISTICAL_METHODS:
        started, cpu_started = time.monotonic(), time.process_time()
        for item in items:
            test_quantiles[method].append(
                statistical_quantiles(item.train.to_array(), horizon, method, season)
            )
        totals[method] += time.monotonic() - started
        cpu_totals[method] += time.process_time() - cpu_started

    started, cpu_started = time.monotonic(), time.process_time()
    for index, item in enumerate(items):
        history = item.train.to_array()
        cuts = backtest_origins(history.size, horizon, args.origins, minimum_history=horizon + 2)
        backtests: list[BacktestScore] = []
        for method in METHODS:
            if method == LSTM:
                function: Callable = _lstm_quantile_function(forecaster, frequency, item.train.dates)
            else:
                function = _statistical_function(method, season)
            backtests.append(backtest(history, horizon, cuts, function, method))
        best = best_method(backtests)
        choice = best.method if best else LSTM
        choices.append(choice)
        for method in METHODS:
            scores[method].append(_score(item.test, history, test_quantiles[method][index]))
        scores["selected"].append(scores[choice][-1])
    totals["backtest"] += time.monotonic() - started
    cpu_totals["backtest"] += time.process_time() - cpu_started
    return scores, choices


def _statistical_function(method: str, season: int):  # noqa: ANN202
    def forecast(values: np.ndarray, horizon: int):  # noqa: ANN202
        return statistical_quantiles(values, horizon, method, season)

    return forecast


def main() -> None:
    """Run the comparison and print the JSON summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="folder of series")
    parser.add_argument("--series", type=int, default=0, help="use only the first N series (0 = all)")
    parser.add_argument("--horizon", type=int, default=None, help="test steps for CSV folders")
    parser.add_argument("--origins", type=int, default=2, help="rolling origins for the selection")
    parser.add_argument("--max-steps", type=int, default=2000, help="LSTM steps per ensemble member")
    parser.add_argument("--budget", type=float, default=None, help="LSTM training budget in seconds")
    parser.add_argument("--ensemble", type=int, default=1, help="LSTM ensemble size")
    parser.add_argument("--hidden", type=int, default=64, help="LSTM hidden units")
    parser.add_argument("--seed", type=int, default=0, help="training seed")
    parser.add_argument("--verbose", action="store_true", help="log progress to stderr")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING)

    items = _m4_series(args.data)
    if items is None:
        items = _product_series(args.data, args.horizon)
    if args.series > 0:
        items = items[: args.series]
    if not items:
        raise SystemExit(f"No usable series under {args.data}.")

    groups: dict[tuple[str, int], list[BenchSeries]] = {}
    for item in items:
        groups.setdefault((item.train.frequency, int(item.test.size)), []).append(item)

    totals = dict.fromkeys((*METHODS, "backtest"), 0.0)
    cpu_totals = dict.fromkeys((*METHODS, "backtest"), 0.0)
    scores: dict[str, list[dict[str, float]]] = {method: [] for method in (*METHODS, "selected")}
    choices: list[str] = []
    for group in groups.values():
        group_scores, group_choices = _run_group(group, args, totals, cpu_totals)
        for method, rows in group_scores.items():
            scores[method].extend(rows)
        choices.extend(group_choices)

    summary: dict[str, object] = {}
    for method in (*METHODS, "selected"):
        rows = scores[method]
        seconds = totals[method] if method != "selected" else sum(totals.values())
        cpu_seconds = cpu_totals[method] if method != "selected" else sum(cpu_totals.values())
        summary[method] = {
            "smape": _mean(rows, "smape"),
            "mase": _mean(rows, "mase"),
            "coverage_80": _mean(rows, "coverage_80"),
            "fit_seconds": round(seconds, 1),
            # Process CPU time, which other jobs on a shared machine affect far less.
            "fit_cpu_seconds": round(cpu_seconds, 1),
        }
    summary["selected"]["choices"] = {method: choices.count(method) for method in METHODS}  # type: ignore[index]
    summary["selected"]["backtest_seconds"] = round(totals["backtest"], 1)  # type: ignore[index]
    summary["series"] = len(items)
    summary["groups"] = [
        {"frequency": frequency, "horizon": horizon, "series": len(group)}
        for (frequency, horizon), group in groups.items()
    ]
    summary["load_average"] = [round(value, 2) for value in os.getloadavg()]
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
