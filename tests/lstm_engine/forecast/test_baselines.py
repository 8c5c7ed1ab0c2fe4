"""Seasonal naive and naive baselines, forecast dates, direction calls and series validation."""

from __future__ import annotations

import datetime
import decimal
import json
import math

import numpy as np
import pytest

from lstm_engine.forecast import Series, baseline_forecast
from lstm_engine.forecast.results import classify_direction
from lstm_engine.forecast.series import future_dates

from .synthetic import seasonal_weekly_series, weekly_dates


def daily_series(values: list[float]) -> Series:
    start = datetime.date(2024, 1, 1)
    return Series(
        [start + datetime.timedelta(days=index) for index in range(len(values))], values, "D"
    )


class BaselineForecastTests:
    def test_seasonal_naive_repeats_last_season(self) -> None:
        series = seasonal_weekly_series(156, seed=1)
        forecast = baseline_forecast(series, 12)
        assert forecast.method == "seasonal_naive"
        assert forecast.p50 == pytest.approx(series.values[-52:-40])

    def test_seasonal_naive_wraps_past_one_season(self) -> None:
        values = [float(value) for value in range(1, 22)]  # three weeks of days
        forecast = baseline_forecast(daily_series(values), 10)
        expected = values[-7:] + values[-7:-4]
        assert forecast.p50 == pytest.approx(expected)

    def test_short_history_falls_back_to_naive(self) -> None:
        series = seasonal_weekly_series(60, seed=2)
        forecast = baseline_forecast(series, 8)
        assert forecast.method == "naive"
        assert forecast.p50 == pytest.approx([series.values[-1]] * 8)

    def test_band_brackets_median(self) -> None:
        forecast = baseline_forecast(seasonal_weekly_series(156, seed=3), 12)
        for lower, median, upper in zip(forecast.p10, forecast.p50, forecast.p90):
            assert lower <= median
            assert median <= upper

    def test_band_uses_residual_quantiles(self) -> None:
        values = [10.0, 12.0, 11.0, 14.0, 12.0]  # lag-1 differences 2, -1, 3, -2
        series = Series(weekly_dates(5), values, "W")
        forecast = baseline_forecast(series, 1)
        assert forecast.p10[0] == pytest.approx(12.0 + np.quantile([2, -1, 3, -2], 0.1))
        assert forecast.p90[0] == pytest.approx(12.0 + np.quantile([2, -1, 3, -2], 0.9))

    def test_one_sided_residuals_keep_median_inside(self) -> None:
        values = [0.0, 1.0, 3.0, 6.0, 10.0]  # only rising steps, so P10 would exceed P50
        forecast = baseline_forecast(Series(weekly_dates(5), values, "W"), 1)
        assert forecast.p10 == [10.0]
        assert forecast.p90[0] > 10.0

    def test_single_point_gives_flat_band(self) -> None:
        forecast = baseline_forecast(Series([datetime.date(2024, 1, 7)], [5.0], "W"), 4)
        assert forecast.p10 == [5.0] * 4
        assert forecast.p90 == [5.0] * 4

    def test_values_clipped_at_zero(self) -> None:
        series = Series(weekly_dates(4), [-3.0, -2.0, -1.0, -4.0], "W")
        forecast = baseline_forecast(series, 4)
        assert min(forecast.p10) >= 0.0
        assert min(forecast.p50) >= 0.0

    def test_weekly_dates_continue_by_seven_days(self) -> None:
        series = seasonal_weekly_series(60, seed=4)
        forecast = baseline_forecast(series, 3)
        last = series.dates[-1]
        assert forecast.dates == [last + datetime.timedelta(days=7 * step) for step in (1, 2, 3)]

    def test_invalid_horizon_raises(self) -> None:
        with pytest.raises(ValueError, match="horizon must be an integer >= 1, got 0"):
            baseline_forecast(seasonal_weekly_series(60, seed=5), 0)

    def test_as_dict_is_json_with_iso_dates(self) -> None:
        forecast = baseline_forecast(seasonal_weekly_series(60, seed=6), 4)
        payload = json.loads(json.dumps(forecast.as_dict()))
        assert payload["dates"][0] == forecast.dates[0].isoformat()
        assert payload["method"] == "naive"
        assert len(payload["p90"]) == 4


class FutureDatesTests:
    def test_monthly_keeps_day_of_month(self) -> None:
        dates = future_dates(datetime.date(2024, 1, 15), "M", 3)
        assert dates == [
            datetime.date(2024, 2, 15),
            datetime.date(2024, 3, 15),
            datetime.date(2024, 4, 15),
        ]

    def test_monthly_clamps_to_month_end(self) -> None:
        dates = future_dates(datetime.date(2024, 1, 31), "M", 3)
        assert dates == [
            datetime.date(2024, 2, 29),
            datetime.date(2024, 3, 31),
            datetime.date(2024, 4, 30),
        ]

    def test_monthly_crosses_year_end(self) -> None:
        assert future_dates(datetime.date(2023, 12, 1), "M", 1) == [datetime.date(2024, 1, 1)]

    def test_daily_adds_one_day(self) -> None:
        assert future_dates(datetime.date(2024, 2, 28), "D", 2) == [
            datetime.date(2024, 2, 29),
            datetime.date(2024, 3, 1),
        ]


class DirectionTests:
    def test_rising_above_ten_percent(self) -> None:
        direction, change = classify_direction([10.0] * 8, [12.0] * 4)
        assert direction == "rising"
        assert change == pytest.approx(20.0)

    def test_falling_below_minus_ten_percent(self) -> None:
        direction, change = classify_direction([10.0] * 8, [8.0] * 4)
        assert direction == "falling"
        assert change == pytest.approx(-20.0)

    def test_flat_within_ten_percent(self) -> None:
        direction, change = classify_direction([10.0] * 8, [10.5] * 4)
        assert direction == "flat"
        assert change == pytest.approx(5.0)

    def test_reference_is_last_observation(self) -> None:
        # A level forecast at the last value is flat even after a recent rise.
        direction, change = classify_direction([1.0, 1.0, 2.0, 2.0, 2.0, 3.0, 3.0], [3.0] * 12)
        assert direction == "flat"
        assert change == pytest.approx(0.0)

    def test_earlier_observations_do_not_count(self) -> None:
        direction, change = classify_direction([1000.0] * 4 + [10.0], [12.0] * 12)
        assert direction == "rising"
        assert change == pytest.approx(20.0)

    def test_zero_history_with_positive_forecast(self) -> None:
        assert classify_direction([0.0] * 8, [1.0] * 4) == ("rising", 100.0)

    def test_zero_history_with_zero_forecast(self) -> None:
        assert classify_direction([0.0] * 8, [0.0] * 4) == ("flat", 0.0)


class SeriesTests:
    def test_length_mismatch_raises(self) -> None:
        with pytest.raises(ValueError, match="2 dates and 3 values"):
            Series(weekly_dates(2), [1.0, 2.0, 3.0], "W")

    def test_empty_series_raises(self) -> None:
        with pytest.raises(ValueError, match="at least 1 point"):
            Series([], [], "W")

    def test_unsorted_dates_raise(self) -> None:
        dates = weekly_dates(3)
        with pytest.raises(ValueError, match="strictly increasing"):
            Series([dates[0], dates[2], dates[1]], [1.0, 2.0, 3.0], "W")

    def test_duplicate_dates_raise(self) -> None:
        date = datetime.date(2024, 1, 7)
        with pytest.raises(ValueError, match="strictly increasing"):
            Series([date, date], [1.0, 2.0], "W")

    def test_nan_value_raises(self) -> None:
        with pytest.raises(ValueError, match=r"values\[1\] must be finite"):
            Series(weekly_dates(2), [1.0, math.nan], "W")

    def test_unknown_frequency_raises(self) -> None:
        with pytest.raises(ValueError, match="frequency must be one of D, W, M, got 'Q'"):
            Series(weekly_dates(2), [1.0, 2.0], "Q")  # type: ignore[arg-type]

    def test_decimal_and_numpy_values_become_float(self) -> None:
        series = Series(weekly_dates(2), [decimal.Decimal("1.5"), np.int64(2)], "W")
        assert series.values == [1.5, 2.0]
        assert all(type(value) is float for value in series.values)

    def test_text_value_raises(self) -> None:
        with pytest.raises(ValueError, match=r"values\[0\] must be a number, got '12'"):
            Series(weekly_dates(1), ["12"], "W")  # type: ignore[list-item]

    def test_later_list_changes_do_not_leak(self) -> None:
        values = [1.0, 2.0]
        series = Series(weekly_dates(2), values, "W")
        values.append(3.0)
        assert series.values == [1.0, 2.0]

    def test_datetime_instead_of_date_raises(self) -> None:
        with pytest.raises(ValueError, match=r"dates\[0\] must be a datetime.date"):
            Series([datetime.datetime(2024, 1, 7)], [1.0], "W")  # type: ignore[list-item]
