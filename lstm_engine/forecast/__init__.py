"""Keyword demand forecasting: a global LSTM with quantile output and naive baselines.

Train with train_forecaster, reload with load_forecaster, then call
Forecaster.forecast(series). baseline_forecast works without a trained model.
"""

from lstm_engine.forecast.baselines import baseline_forecast
from lstm_engine.forecast.checkpoint import load_forecaster
from lstm_engine.forecast.config import ForecasterConfig, ForecastTrainConfig
from lstm_engine.forecast.forecaster import Forecaster
from lstm_engine.forecast.metrics import interval_coverage, mase, smape
from lstm_engine.forecast.model import LSTMForecaster
from lstm_engine.forecast.results import Forecast, ForecasterTrainResult
from lstm_engine.forecast.series import Series, seasonal_period
from lstm_engine.forecast.training import train_forecaster

__all__ = [
    "Forecast",
    "ForecastTrainConfig",
    "Forecaster",
    "ForecasterConfig",
    "ForecasterTrainResult",
    "LSTMForecaster",
    "Series",
    "baseline_forecast",
    "interval_coverage",
    "load_forecaster",
    "mase",
    "seasonal_period",
    "smape",
    "train_forecaster",
]
