"""Inference with a trained ensemble of LSTM forecasters."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import torch

from lstm_engine.forecast.baselines import baseline_forecast
from lstm_engine.forecast.config import ForecasterConfig
from lstm_engine.forecast.model import LSTMForecaster, prepare_inputs
from lstm_engine.forecast.results import Forecast, build_forecast
from lstm_engine.forecast.series import Series, calendar_features, future_dates, seasonal_period

logger = logging.getLogger(__name__)

LSTM_METHOD = "lstm"


def predict_quantiles(
    models: Sequence[LSTMForecaster],
    windows: np.ndarray,
    past_calendar: np.ndarray,
    future_calendar: np.ndarray,
    season: int,
    device: torch.device,
) -> np.ndarray:
    """Run every model in evaluation mode and average their quantiles.

    Parameters
    ----------
    models : sequence of LSTMForecaster
        Ensemble members with identical configuration.
    windows : np.ndarray
        Raw input values, shape (B, T).
    past_calendar, future_calendar : np.ndarray
        Calendar features, shapes (B, T, 4) and (B, K, 4).
    season : int
        Seasonal period of the series' frequency.
    device : torch.device
        Device the models live on.

    Returns
    -------
    np.ndarray
        Quantiles in the series' units, shape (B, K, Q), before clipping at 0.
    """
    with torch.no_grad():
        inputs = prepare_inputs(
            torch.as_tensor(windows, dtype=torch.float32, device=device),
            torch.as_tensor(past_calendar, dtype=torch.float32, device=device),
            torch.as_tensor(future_calendar, dtype=torch.float32, device=device),
            season,
        )
        total = None
        for model in models:
            was_training = model.training
            model.eval()
            scaled = model(inputs.encoder, inputs.decoder)  # (B, K, Q)
            model.train(was_training)
            total = scaled if total is None else total + scaled
        assert total is not None
        mean_scaled = total / len(models)
        return inputs.unscale(mean_scaled).cpu().numpy().astype(np.float64)


class Forecaster:
    """Trained forecaster that continues series of the frequency it was trained on."""

    def __init__(
        self,
        models: Sequence[LSTMForecaster],
        config: ForecasterConfig,
        frequency: str,
        device: torch.device,
    ) -> None:
        if not models:
            raise ValueError("models must contain at least one LSTMForecaster, got none.")
        self.models = list(models)
        self.config = config
        self.frequency = frequency
        self.season = seasonal_period(frequency)
        self.device = device
        for model in self.models:
            model.eval()

    def forecast(self, series: Series, horizon: int | None = None) -> Forecast:
        """Forecast the steps after the series' last date.

        Parameters
        ----------
        series : Series
            History of the frequency the forecaster was trained on. Series shorter
            than input_chunk_length get the seasonal naive (or naive) baseline instead.
        horizon : int, optional
            Steps to forecast, from 1 to config.horizon (the default).

        Returns
        -------
        Forecast
            method "lstm", or "seasonal_naive" / "naive" for short series.
        """
        steps = self.config.horizon if horizon is None else horizon
        if (
            isinstance(steps, bool)
            or not isinstance(steps, int)
            or not 1 <= steps <= self.config.horizon
        ):
            raise ValueError(
                f"horizon must be an integer from 1 to the trained horizon {self.config.horizon}, "
                f"got {horizon!r}. Train a forecaster with a longer horizon for more steps."
            )
        if series.frequency != self.frequency:
            raise ValueError(
                f"series.frequency must be {self.frequency!r} like the training series, "
                f"got {series.frequency!r}."
            )
        input_length = self.config.input_chunk_length
        if len(series) < input_length:
            logger.debug(
                "Series has %d points, fewer than input_chunk_length %d, "
                "so it gets the baseline forecast.",
                len(series),
                input_length,
            )
            return baseline_forecast(series, steps)

        values = series.to_array()[-input_length:]
        past_dates = series.dates[-input_length:]
        next_dates = future_dates(series.dates[-1], series.frequency, self.config.horizon)
        quantiles = predict_quantiles(
            self.models,
            values[np.newaxis, :],
            calendar_features(past_dates)[np.newaxis],
            calendar_features(next_dates)[np.newaxis],
            self.season,
            self.device,
        )[0, :steps]  # (K, Q)
        levels = self.config.quantiles
        return build_forecast(
            series,
            next_dates[:steps],
            quantiles[:, levels.index(0.1)],
            quantiles[:, levels.index(0.5)],
            quantiles[:, levels.index(0.9)],
            LSTM_METHOD,
        )
