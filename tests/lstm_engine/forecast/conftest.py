"""Fixtures shared by the forecast tests: seasonal series and a small trained forecaster."""

from __future__ import annotations

from pathlib import Path

import pytest

from lstm_engine.forecast import ForecasterTrainResult, Series, train_forecaster

from .synthetic import seasonal_weekly_series, tiny_forecaster_config, tiny_train_config


@pytest.fixture(scope="session")
def seasonal_series() -> dict[str, Series]:
    """Three seasonal weekly series of 200 weeks with different phases."""
    return {f"keyword-{index}": seasonal_weekly_series(200, seed=index) for index in range(3)}


@pytest.fixture(scope="session")
def trained_forecaster(
    tmp_path_factory: pytest.TempPathFactory, seasonal_series: dict[str, Series]
) -> tuple[Path, ForecasterTrainResult]:
    """Train one tiny forecaster on the seasonal series plus one series too short to train on."""
    directory = tmp_path_factory.mktemp("forecaster")
    training_series = dict(seasonal_series)
    training_series["short-keyword"] = seasonal_weekly_series(30, seed=9)
    result = train_forecaster(
        training_series,
        directory,
        config=tiny_forecaster_config(),
        train_config=tiny_train_config(),
    )
    return directory, result
