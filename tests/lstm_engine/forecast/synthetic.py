"""Synthetic weekly series and small configurations for the forecast tests."""

from __future__ import annotations

import datetime
import math

import numpy as np

from lstm_engine.forecast import ForecasterConfig, ForecastTrainConfig, Series

FIRST_SUNDAY = datetime.date(2019, 1, 6)


def weekly_dates(count: int, start: datetime.date = FIRST_SUNDAY) -> list[datetime.date]:
    """Return `count` consecutive Sundays from `start`."""
    return [start + datetime.timedelta(weeks=index) for index in range(count)]


def seasonal_weekly_series(
    length: int, *, seed: int, level: float = 50.0, amplitude: float = 20.0, noise: float = 2.0
) -> Series:
    """Build a yearly sine with a New Year peak and Gaussian noise, clipped to 0..100."""
    rng = np.random.default_rng(seed)
    weeks = np.arange(length)
    phase = rng.uniform(0.0, 2.0 * math.pi)
    season = amplitude * np.sin(2.0 * math.pi * weeks / 52.18 + phase)
    new_year_peak = 15.0 * (np.mod(weeks, 52.18) < 2.0)
    values = np.clip(level + season + new_year_peak + rng.normal(0.0, noise, length), 0.0, 100.0)
    return Series(weekly_dates(length), [float(value) for value in values], "W")


def tiny_forecaster_config(**overrides: object) -> ForecasterConfig:
    """Return a forecaster small enough to train in about a second."""
    settings: dict[str, object] = {
        "input_chunk_length": 52,
        "horizon": 8,
        "hidden_size": 16,
        "dropout": 0.0,
    }
    settings.update(overrides)
    return ForecasterConfig(**settings)  # type: ignore[arg-type]


def tiny_train_config(**overrides: object) -> ForecastTrainConfig:
    """Return a short, CPU-only, deterministic training configuration."""
    settings: dict[str, object] = {
        "batch_size": 32,
        "max_steps": 300,
        "learning_rate": 1e-2,
        "early_stopping_patience": None,
        "eval_interval": 100,
        "seed": 3,
        "device": "cpu",
    }
    settings.update(overrides)
    return ForecastTrainConfig(**settings)  # type: ignore[arg-type]
