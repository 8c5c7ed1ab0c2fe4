"""Training, scoring, checkpoint round trips and forecasting of the global LSTM forecaster."""

from __future__ import annotations

import csv
import datetime
import json
import logging
import math
from pathlib import Path

import numpy as np
import pytest
import torch

from lstm_engine.forecast import (
    ForecasterTrainResult,
    ForecastTrainConfig,
    Series,
    load_forecaster,
    mase,
    train_forecaster,
)
from lstm_engine.forecast.checkpoint import CHECKPOINT_NAME, save_checkpoint

from .synthetic import seasonal_weekly_series, tiny_forecaster_config, tiny_train_config

logger = logging.getLogger(__name__)

HORIZON = 8  # the horizon of tiny_forecaster_config


class TrainForecasterTests:
    def test_beats_mean_forecast_on_seasonal_series(
        self,
        trained_forecaster: tuple[Path, ForecasterTrainResult],
        seasonal_series: dict[str, Series],
    ) -> None:
        forecaster = load_forecaster(trained_forecaster[0])
        for name, series in seasonal_series.items():
            history = series.head(len(series) - HORIZON)
            actual = np.asarray(series.values[-HORIZON:])
            lstm_error = np.mean(np.abs(actual - np.asarray(forecaster.forecast(history).p50)))
            mean_error = np.mean(np.abs(actual - np.mean(history.values)))
            assert lstm_error < mean_error, (
                f"{name}: LSTM MAE {lstm_error:.2f}, mean MAE {mean_error:.2f}"
            )

    def test_result_counts_trained_series(
        self, trained_forecaster: tuple[Path, ForecasterTrainResult]
    ) -> None:
        result = trained_forecaster[1]
        assert result.series_count == 3
        assert sorted(result.per_series) == ["keyword-0", "keyword-1", "keyword-2"]

    def test_short_series_listed_as_skipped(
        self, trained_forecaster: tuple[Path, ForecasterTrainResult]
    ) -> None:
        assert trained_forecaster[1].skipped == ["short-keyword"]

    def test_short_series_forecast_with_baseline(
        self, trained_forecaster: tuple[Path, ForecasterTrainResult]
    ) -> None:
        forecaster = load_forecaster(trained_forecaster[0])
        forecast = forecaster.forecast(seasonal_weekly_series(30, seed=9))
        assert forecast.method == "naive"
        assert len(forecast.p50) == HORIZON

    def test_metrics_are_finite(
        self, trained_forecaster: tuple[Path, ForecasterTrainResult]
    ) -> None:
        result = trained_forecaster[1]
        for value in (
            result.mase,
            result.smape,
            result.coverage_80,
            result.baseline_mase,
            result.baseline_smape,
        ):
            assert math.isfinite(value)
        assert result.baseline_name == "seasonal_naive"
        assert result.beats_baseline == (result.mase < result.baseline_mase)

    def test_as_metrics_is_strict_json(
        self, trained_forecaster: tuple[Path, ForecasterTrainResult]
    ) -> None:
        payload = json.loads(json.dumps(trained_forecaster[1].as_metrics(), allow_nan=False))
        assert payload["baseline_name"] == "seasonal_naive"
        assert payload["config"]["quantiles"] == [0.1, 0.5, 0.9]
        assert payload["train_config"]["max_steps"] == 300

    def test_lstm_quantiles_are_ordered(
        self,
        trained_forecaster: tuple[Path, ForecasterTrainResult],
        seasonal_series: dict[str, Series],
    ) -> None:
        forecaster = load_forecaster(trained_forecaster[0])
        for series in seasonal_series.values():
            forecast = forecaster.forecast(series)
            assert forecast.method == "lstm"
            for lower, median, upper in zip(forecast.p10, forecast.p50, forecast.p90):
                assert lower >= 0.0
                assert lower <= median
                assert median <= upper

    def test_loaded_model_reproduces_training_scores(
        self,
        trained_forecaster: tuple[Path, ForecasterTrainResult],
        seasonal_series: dict[str, Series],
    ) -> None:
        directory, result = trained_forecaster
        forecaster = load_forecaster(directory)
        for name, series in seasonal_series.items():
            history = series.head(len(series) - HORIZON)
            forecast = forecaster.forecast(history)
            score = mase(series.values[-HORIZON:], forecast.p50, history.values, 52)
            assert score == result.per_series[name]["mase"]

    def test_resaved_checkpoint_gives_identical_forecasts(
        self,
        trained_forecaster: tuple[Path, ForecasterTrainResult],
        seasonal_series: dict[str, Series],
        tmp_path: Path,
    ) -> None:
        original = load_forecaster(trained_forecaster[0])
        save_checkpoint(tmp_path, original.models, original.config, original.frequency, {})
        reloaded = load_forecaster(tmp_path)
        series = seasonal_series["keyword-1"]
        assert reloaded.forecast(series).as_dict() == original.forecast(series).as_dict()

    def test_checkpoint_loads_without_pickled_objects(
        self, trained_forecaster: tuple[Path, ForecasterTrainResult]
    ) -> None:
        payload = torch.load(trained_forecaster[0] / CHECKPOINT_NAME, weights_only=True)
        assert payload["frequency"] == "W"
        assert payload["config"]["horizon"] == HORIZON
        assert payload["scaler"]["method"] == "window_mean_std"
        assert len(payload["state_dicts"]) == 1

    def test_shorter_horizon_truncates_forecast(
        self,
        trained_forecaster: tuple[Path, ForecasterTrainResult],
        seasonal_series: dict[str, Series],
    ) -> None:
        forecaster = load_forecaster(trained_forecaster[0])
        series = seasonal_series["keyword-0"]
        full = forecaster.forecast(series)
        short = forecaster.forecast(series, horizon=4)
        assert short.p50 == full.p50[:4]
        assert short.dates == full.dates[:4]

    def test_forecast_dates_continue_weekly(
        self,
        trained_forecaster: tuple[Path, ForecasterTrainResult],
        seasonal_series: dict[str, Series],
    ) -> None:
        forecaster = load_forecaster(trained_forecaster[0])
        series = seasonal_series["keyword-2"]
        forecast = forecaster.forecast(series)
        assert forecast.dates[0] == series.dates[-1] + datetime.timedelta(days=7)
        assert forecast.dates[-1] == series.dates[-1] + datetime.timedelta(days=7 * HORIZON)

    def test_horizon_beyond_trained_raises(
        self,
        trained_forecaster: tuple[Path, ForecasterTrainResult],
        seasonal_series: dict[str, Series],
    ) -> None:
        forecaster = load_forecaster(trained_forecaster[0])
        with pytest.raises(ValueError, match="from 1 to the trained horizon 8, got 9"):
            forecaster.forecast(seasonal_series["keyword-0"], horizon=9)

    def test_other_frequency_raises(
        self, trained_forecaster: tuple[Path, ForecasterTrainResult]
    ) -> None:
        forecaster = load_forecaster(trained_forecaster[0])
        start = datetime.date(2020, 1, 1)
        daily = Series([start + datetime.timedelta(days=day) for day in range(60)], [1.0] * 60, "D")
        with pytest.raises(ValueError, match="series.frequency must be 'W'"):
            forecaster.forecast(daily)

    def test_missing_checkpoint_raises(self, tmp_path: Path) -> None:
        with pytest.raises(FileNotFoundError, match="Run train_forecaster first"):
            load_forecaster(tmp_path)


class TrainForecasterOptionsTests:
    def test_empty_mapping_raises(self, tmp_path: Path) -> None:
        with pytest.raises(ValueError, match="non-empty mapping"):
            train_forecaster({}, tmp_path)

    def test_mixed_frequencies_raise(self, tmp_path: Path) -> None:
        weekly = seasonal_weekly_series(100, seed=1)
        monthly = Series(weekly.dates, weekly.values, "M")
        with pytest.raises(ValueError, match=r"share one frequency, got \['M', 'W'\]"):
            train_forecaster({"a": weekly, "b": monthly}, tmp_path)

    def test_only_short_series_raise(self, tmp_path: Path) -> None:
        with pytest.raises(
            ValueError, match="shorter than input_chunk_length \\+ 2 \\* horizon = 68 points"
        ):
            train_forecaster(
                {"a": seasonal_weekly_series(60, seed=1)},
                tmp_path,
                config=tiny_forecaster_config(),
                train_config=tiny_train_config(),
            )

    def test_same_seed_repeats_result(self, tmp_path: Path) -> None:
        series = {"a": seasonal_weekly_series(120, seed=1)}
        options = {
            "config": tiny_forecaster_config(),
            "train_config": tiny_train_config(max_steps=30),
        }
        first = train_forecaster(series, tmp_path / "first", **options)
        second = train_forecaster(series, tmp_path / "second", **options)
        assert first.mase == second.mase
        assert first.smape == second.smape

    def test_progress_reports_steps(self, tmp_path: Path) -> None:
        calls: list[tuple[int, int, str]] = []
        train_forecaster(
            {"a": seasonal_weekly_series(120, seed=1)},
            tmp_path,
            config=tiny_forecaster_config(),
            train_config=tiny_train_config(max_steps=40, eval_interval=20),
            progress=lambda step, total, message: calls.append((step, total, message)),
        )
        assert [(step, total) for step, total, _ in calls] == [(20, 40), (40, 40)]
        assert "train loss" in calls[-1][2]

    def test_early_stopping_uses_validation_windows(self, tmp_path: Path) -> None:
        result = train_forecaster(
            {"a": seasonal_weekly_series(120, seed=1), "b": seasonal_weekly_series(70, seed=2)},
            tmp_path,
            config=tiny_forecaster_config(),
            train_config=tiny_train_config(
                max_steps=60, eval_interval=10, early_stopping_patience=2
            ),
        )
        # Only "a" has input_chunk_length + 3 * horizon = 76 points for a validation window.
        assert result.training_details["validation_windows"] == 1
        assert result.training_details["best_validation_losses"][0] is not None
        assert result.steps <= 60

    def test_time_budget_stops_training(self, tmp_path: Path) -> None:
        result = train_forecaster(
            {"a": seasonal_weekly_series(120, seed=1)},
            tmp_path,
            config=tiny_forecaster_config(),
            train_config=tiny_train_config(max_steps=1_000_000, max_seconds=0.5),
        )
        assert result.steps < 1_000_000
        assert result.train_seconds < 5.0

    def test_thread_setting_restored_after_training(self, tmp_path: Path) -> None:
        before = torch.get_num_threads()
        train_forecaster(
            {"a": seasonal_weekly_series(120, seed=1)},
            tmp_path,
            config=tiny_forecaster_config(),
            train_config=tiny_train_config(max_steps=5, num_threads=1),
        )
        assert torch.get_num_threads() == before

    def test_ensemble_trains_every_member(self, tmp_path: Path) -> None:
        result = train_forecaster(
            {"a": seasonal_weekly_series(120, seed=1)},
            tmp_path,
            config=tiny_forecaster_config(ensemble_size=2),
            train_config=tiny_train_config(max_steps=20),
        )
        forecaster = load_forecaster(tmp_path)
        assert result.training_details["members_trained"] == 2
        assert len(forecaster.models) == 2
        assert result.steps == 40

    def test_constant_series_scores_stay_json(self, tmp_path: Path) -> None:
        series = {
            "flat": Series(seasonal_weekly_series(120, seed=1).dates, [10.0] * 120, "W"),
            "seasonal": seasonal_weekly_series(120, seed=2),
        }
        result = train_forecaster(
            series,
            tmp_path,
            config=tiny_forecaster_config(),
            train_config=tiny_train_config(max_steps=30),
        )
        flat_mase = result.per_series["flat"]["mase"]
        # The flat history has a zero MASE scale, so its MASE is 0 or inf and stays out of the mean.
        assert flat_mase == 0.0 or math.isinf(flat_mase)
        assert result.mase == pytest.approx(result.per_series["seasonal"]["mase"])
        assert json.dumps(result.as_metrics(), allow_nan=False)

    def test_zero_series_forecast_is_zero(self, tmp_path: Path) -> None:
        series = {
            "zero": Series(seasonal_weekly_series(120, seed=1).dates, [0.0] * 120, "W"),
            "seasonal": seasonal_weekly_series(120, seed=2),
        }
        train_forecaster(
            series,
            tmp_path,
            config=tiny_forecaster_config(),
            train_config=tiny_train_config(max_steps=30),
        )
        forecast = load_forecaster(tmp_path).forecast(series["zero"])
        assert all(math.isfinite(value) for value in forecast.p90)
        assert min(forecast.p10) >= 0.0

    def test_monthly_series_forecast_same_day(self, tmp_path: Path) -> None:
        rng = np.random.default_rng(0)
        dates = [
            datetime.date(2010 + month // 12, month % 12 + 1, 31 if month % 12 == 0 else 1)
            for month in range(100)
        ]
        values = [
            float(50 + 20 * math.sin(2 * math.pi * month / 12) + rng.normal(0, 2))
            for month in range(100)
        ]
        monthly = Series(dates, values, "M")
        result = train_forecaster(
            {"cupcake": monthly},
            tmp_path,
            config=tiny_forecaster_config(input_chunk_length=24, horizon=6),
            train_config=tiny_train_config(max_steps=30),
        )
        forecast = load_forecaster(tmp_path).forecast(monthly)
        assert result.baseline_name == "seasonal_naive"
        assert forecast.dates[0] == datetime.date(2018, 5, 1)
        assert forecast.dates[-1] == datetime.date(2018, 10, 1)


def read_trends_export(path: Path) -> Series:
    """Read a Google Trends "interest over time" export in the English or Japanese UI.

    Rows before the header (category line, blank line) are skipped. "<1" and "1 未満"
    mean less than 1 and become 0.5.
    """
    dates: list[datetime.date] = []
    values: list[float] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header_index = next(
        index for index, row in enumerate(rows) if len(row) == 2 and row[0] in ("Week", "週")
    )
    for row in rows[header_index + 1 :]:
        if len(row) != 2:
            continue
        cell = row[1].strip()
        dates.append(datetime.date.fromisoformat(row[0]))
        values.append(0.5 if cell in ("<1", "1 未満") else float(cell))
    return Series(dates, values, "W")


class GoogleTrendsForecastTests:
    def test_weekly_exports_train_and_score(
        self, test_data_dir: Path, tmp_path: Path, record_property: pytest.RecordProperty
    ) -> None:
        exports = test_data_dir / "google-trends" / "exports"
        series = {
            "習慣化": read_trends_export(
                exports / "masarusyogouki__habit_datascience" / "習慣化.csv"
            ),
            "mental health": read_trends_export(
                exports / "MakenaJones__mental_health_searches" / "multiTimeline.csv"
            ),
        }
        assert len(series["mental health"]) == 260
        assert len(series["習慣化"]) == 267

        # Default model and training settings, as the product uses them, on the CPU.
        result = train_forecaster(series, tmp_path, train_config=ForecastTrainConfig(device="cpu"))
        for name, metrics in result.per_series.items():
            summary = (
                f"{name}: LSTM MASE {metrics['mase']:.3f} sMAPE {metrics['smape']:.2f} "
                f"coverage {metrics['coverage_80']:.2f}, "
                f"seasonal naive MASE {metrics['baseline_mase']:.3f} sMAPE {metrics['baseline_smape']:.2f}"
            )
            logger.info("%s", summary)
            record_property(name, summary)

        assert result.series_count == 2
        assert result.baseline_name == "seasonal_naive"
        assert math.isfinite(result.mase)
        assert math.isfinite(result.baseline_mase)
        assert math.isfinite(result.smape)
        assert 0.0 <= result.coverage_80 <= 1.0
        forecast = load_forecaster(tmp_path).forecast(series["習慣化"])
        assert forecast.dates[0] == datetime.date(2024, 10, 13)
        assert forecast.direction in ("rising", "falling", "flat")
