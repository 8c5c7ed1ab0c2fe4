import datetime
import math

import numpy as np
import pytest

from lstm_engine.forecast import Series
from lstm_engine.forecast.peaks import next_seasonal_peak
from lstm_engine.forecast.statistical import (
    STATISTICAL_METHODS,
    BacktestScore,
    backtest,
    backtest_origins,
    best_method,
    statistical_forecast,
    statistical_quantiles,
)


def _weekly(values, start=datetime.date(2021, 1, 3)):
    return Series([start + datetime.timedelta(weeks=i) for i in range(len(values))], list(values), "W")


def _seasonal_values(years=3, peak_week=30):
    weeks = np.arange(52 * years)
    return 20 + 60 * np.exp(-0.5 * ((weeks % 52 - peak_week) / 2.0) ** 2)


class StatisticalForecastTests:
    @pytest.mark.parametrize("method", STATISTICAL_METHODS)
    def test_each_method_returns_ordered_band(self, method):
        values = 50 + 10 * np.sin(np.arange(40) / 3.0)
        lower, point, upper = statistical_quantiles(values, 6, method, 52)
        assert point.shape == (6,)
        assert np.all(lower <= point + 1e-9)
        assert np.all(point <= upper + 1e-9)

    def test_linear_trend_continued_by_arima_and_ets(self):
        values = np.arange(1.0, 41.0) * 2
        for method in ("arima", "ets"):
            _lower, point, _upper = statistical_quantiles(values, 4, method, 52)
            assert point[-1] > values[-1], method

    def test_constant_history_forecasts_the_constant(self):
        for method in STATISTICAL_METHODS:
            _lower, point, _upper = statistical_quantiles(np.full(30, 7.0), 3, method, 52)
            assert np.allclose(point, 7.0), method

    def test_series_forecast_is_clipped_and_dated(self):
        series = _weekly(np.linspace(10, 0, 30))
        forecast = statistical_forecast(series, 4, "arima")
        assert forecast.method == "arima"
        assert min(forecast.p10) >= 0.0
        assert forecast.dates[0] == series.dates[-1] + datetime.timedelta(weeks=1)

    def test_unknown_method_is_refused(self):
        with pytest.raises(ValueError, match="method must be one of"):
            statistical_quantiles(np.ones(10), 3, "prophet", 52)


class BacktestTests:
    def test_origins_tile_the_end(self):
        assert backtest_origins(100, 10, 3, minimum_history=20) == [90, 80, 70]
        assert backtest_origins(30, 10, 3, minimum_history=15) == [20]

    def test_perfect_forecaster_scores_zero(self):
        values = np.arange(50, dtype=float)

        def oracle(history, steps):
            future = np.arange(history.size, history.size + steps, dtype=float)
            return future, future, future

        score = backtest(values, 5, [45, 40], oracle, "oracle")
        assert (score.mase, score.smape, score.coverage_80, score.origins) == (0.0, 0.0, 1.0, 2)

    def test_seasonal_naive_wins_on_a_seasonal_series(self):
        values = _seasonal_values()
        cuts = backtest_origins(values.size, 8, 2, minimum_history=104)
        scores = [
            backtest(values, 8, cuts, lambda h, k, m=m: statistical_quantiles(h, k, m, 52), m)
            for m in ("naive", "seasonal_naive")
        ]
        assert best_method(scores).method == "seasonal_naive"

    def test_best_method_ignores_unscored(self):
        scores = [
            BacktestScore("a", float("nan"), float("nan"), float("nan"), 0),
            BacktestScore("b", 1.5, 10.0, 0.8, 2),
            BacktestScore("c", 0.9, 12.0, 0.8, 2),
        ]
        assert best_method(scores).method == "c"
        assert best_method(scores[:1]) is None
        assert math.isnan(scores[0].mase)
        assert scores[0].as_dict()["mase"] is None


class SeasonalPeakTests:
    def test_next_peak_and_publish_by(self):
        series = _weekly(_seasonal_values(peak_week=30))
        peak = next_seasonal_peak(series)
        # The series ends at week 51 of its third year, so the next peak is 31 weeks on.
        assert peak.peak_date == series.dates[-1] + datetime.timedelta(weeks=31)
        assert peak.publish_by == peak.peak_date - datetime.timedelta(weeks=4)
        assert peak.ratio > 1.2

    def test_flat_or_short_series_has_no_peak(self):
        assert next_seasonal_peak(_weekly(np.full(156, 30.0))) is None
        assert next_seasonal_peak(_weekly(_seasonal_values()[:80])) is None

    def test_publish_by_is_never_in_the_past(self):
        values = _seasonal_values(peak_week=1)
        series = _weekly(values)
        peak = next_seasonal_peak(series)
        assert peak.publish_by == series.dates[-1] + datetime.timedelta(weeks=1)
