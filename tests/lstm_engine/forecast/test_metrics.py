"""Hand-computed checks of MASE, sMAPE and interval coverage."""

from __future__ import annotations

import math

import pytest

from lstm_engine.forecast import interval_coverage, mase, smape
from lstm_engine.forecast.metrics import naive_scale


class SmapeTests:
    def test_matches_hand_computed_value(self) -> None:
        # Terms: |100 - 110| / 210 and |200 - 180| / 380, averaged and times 200.
        expected = 100.0 * (10.0 / 210.0 + 20.0 / 380.0)
        assert smape([100.0, 200.0], [110.0, 180.0]) == pytest.approx(expected)

    def test_perfect_forecast_scores_zero(self) -> None:
        assert smape([3.0, 4.0], [3.0, 4.0]) == 0.0

    def test_both_zero_counts_as_perfect(self) -> None:
        assert smape([0.0, 10.0], [0.0, 10.0]) == 0.0

    def test_zero_forecast_scores_maximum(self) -> None:
        assert smape([5.0], [0.0]) == pytest.approx(200.0)

    def test_length_mismatch_raises(self) -> None:
        with pytest.raises(ValueError, match="same length"):
            smape([1.0, 2.0], [1.0])


class MaseTests:
    def test_naive_scale_matches_hand_value(self) -> None:
        # Lag-3 differences: 3 - 1, 5 - 2, 7 - 3 give a mean of 3.
        assert naive_scale([1.0, 2.0, 3.0, 3.0, 5.0, 7.0], 3) == pytest.approx(3.0)

    def test_seasonal_mase_matches_hand_value(self) -> None:
        # Mean absolute error (3 + 0 + 3) / 3 = 2 over the scale 3.
        value = mase([8.0, 9.0, 10.0], [5.0, 9.0, 13.0], [1.0, 2.0, 3.0, 3.0, 5.0, 7.0], 3)
        assert value == pytest.approx(2.0 / 3.0)

    def test_non_seasonal_mase_matches_hand_value(self) -> None:
        # The history rises by 1 per step, so the scale is 1 and MASE is the MAE 1.5.
        value = mase([7.0, 8.0], [6.0, 10.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 1)
        assert value == pytest.approx(1.5)

    def test_constant_history_perfect_forecast_is_zero(self) -> None:
        assert mase([4.0, 4.0], [4.0, 4.0], [4.0, 4.0, 4.0], 1) == 0.0

    def test_constant_history_wrong_forecast_is_infinite(self) -> None:
        assert math.isinf(mase([4.0, 4.0], [5.0, 4.0], [4.0, 4.0, 4.0], 1))

    def test_history_shorter_than_season_raises(self) -> None:
        with pytest.raises(ValueError, match="insample must be longer than season"):
            mase([1.0], [1.0], [1.0, 2.0, 3.0], 52)

    def test_non_finite_actual_raises(self) -> None:
        with pytest.raises(ValueError, match="actual must contain only finite values"):
            mase([float("nan")], [1.0], [1.0, 2.0, 3.0], 1)


class IntervalCoverageTests:
    def test_counts_bounds_as_inside(self) -> None:
        # 1 lies in [0, 2], 2 equals both bounds of [2, 2], 3 is below [4, 5], 4 is above [0, 3].
        coverage = interval_coverage(
            [1.0, 2.0, 3.0, 4.0], [0.0, 2.0, 4.0, 0.0], [2.0, 2.0, 5.0, 3.0]
        )
        assert coverage == pytest.approx(0.5)

    def test_full_coverage_is_one(self) -> None:
        assert interval_coverage([1.0, 2.0], [0.0, 0.0], [5.0, 5.0]) == 1.0

    def test_length_mismatch_raises(self) -> None:
        with pytest.raises(ValueError, match="actual and upper must have the same length"):
            interval_coverage([1.0, 2.0], [0.0, 0.0], [5.0])
