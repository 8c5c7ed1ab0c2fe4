"""LSTMForecaster shapes and quantile order, input scaling, loss and configuration checks."""

from __future__ import annotations

import pytest
import torch

from lstm_engine.forecast import ForecasterConfig, ForecastTrainConfig, LSTMForecaster
from lstm_engine.forecast.model import (
    DECODER_FEATURE_COUNT,
    ENCODER_FEATURE_COUNT,
    pinball_loss,
    prepare_inputs,
    seasonal_lag_positions,
    window_scaling,
)


class LSTMForecasterTests:
    def test_output_shape_is_batch_horizon_quantiles(self) -> None:
        config = ForecasterConfig(input_chunk_length=20, horizon=6, hidden_size=8)
        model = LSTMForecaster(config)
        output = model(
            torch.randn(5, 20, ENCODER_FEATURE_COUNT), torch.randn(5, 6, DECODER_FEATURE_COUNT)
        )
        assert output.shape == (5, 6, 3)

    def test_quantiles_never_cross(self) -> None:
        torch.manual_seed(0)
        config = ForecasterConfig(
            input_chunk_length=20, horizon=6, hidden_size=8, quantiles=(0.05, 0.1, 0.5, 0.9, 0.95)
        )
        model = LSTMForecaster(config)
        output = model(
            torch.randn(64, 20, ENCODER_FEATURE_COUNT) * 10,
            torch.randn(64, 6, DECODER_FEATURE_COUNT),
        )
        differences = output[..., 1:] - output[..., :-1]
        assert bool((differences >= 0).all())

    def test_wrong_window_length_raises(self) -> None:
        model = LSTMForecaster(ForecasterConfig(input_chunk_length=20, horizon=6, hidden_size=8))
        with pytest.raises(
            ValueError, match="expected 20 input steps and 6 forecast steps, got 19 and 6"
        ):
            model(
                torch.randn(2, 19, ENCODER_FEATURE_COUNT), torch.randn(2, 6, DECODER_FEATURE_COUNT)
            )

    def test_two_layers_with_dropout_run(self) -> None:
        model = LSTMForecaster(
            ForecasterConfig(
                input_chunk_length=12, horizon=4, hidden_size=8, num_layers=2, dropout=0.2
            )
        )
        output = model(
            torch.randn(3, 12, ENCODER_FEATURE_COUNT), torch.randn(3, 4, DECODER_FEATURE_COUNT)
        )
        assert output.shape == (3, 4, 3)


class InputScalingTests:
    def test_window_mean_and_deviation(self) -> None:
        level, scale = window_scaling(torch.tensor([[2.0, 4.0, 6.0, 8.0]]))
        assert float(level) == pytest.approx(5.0)
        assert float(scale) == pytest.approx(5.0**0.5)

    def test_constant_window_uses_relative_floor(self) -> None:
        level, scale = window_scaling(torch.tensor([[40.0, 40.0, 40.0]]))
        assert float(level) == pytest.approx(40.0)
        assert float(scale) == pytest.approx(4.0)

    def test_zero_window_scale_is_one(self) -> None:
        _, scale = window_scaling(torch.zeros(1, 5))
        assert float(scale) == 1.0

    def test_seasonal_lag_positions_wrap_after_season(self) -> None:
        # Input of 10 days, season 7: step 0 repeats position 3, step 7 repeats it again.
        assert seasonal_lag_positions(10, 8, 7) == [3, 4, 5, 6, 7, 8, 9, 3]

    def test_seasonal_lag_outside_window_is_negative(self) -> None:
        assert seasonal_lag_positions(26, 4, 52) == [-26, -25, -24, -23]

    def test_prepare_inputs_marks_missing_seasonal_lag(self) -> None:
        inputs = prepare_inputs(torch.rand(2, 26), torch.zeros(2, 26, 4), torch.zeros(2, 4, 4), 52)
        assert inputs.encoder.shape == (2, 26, ENCODER_FEATURE_COUNT)
        assert inputs.decoder.shape == (2, 4, DECODER_FEATURE_COUNT)
        assert float(inputs.decoder[..., -1].abs().sum()) == 0.0

    def test_prepare_inputs_copies_seasonal_lag(self) -> None:
        windows = torch.arange(1.0, 53.0).unsqueeze(0)  # one year of weeks
        inputs = prepare_inputs(windows, torch.zeros(1, 52, 4), torch.zeros(1, 4, 4), 52)
        scaled_window = inputs.encoder[0, :, 0]
        assert torch.allclose(inputs.decoder[0, :, 4], scaled_window[:4])

    def test_unscale_inverts_target_scaling(self) -> None:
        windows = torch.tensor([[10.0, 20.0, 30.0, 40.0]])
        inputs = prepare_inputs(windows, torch.zeros(1, 4, 4), torch.zeros(1, 4, 4), 52)
        targets = torch.tensor([[12.0, 18.0, 25.0, 50.0]])
        restored = inputs.unscale(inputs.scale_targets(targets).unsqueeze(-1))[..., 0]
        assert torch.allclose(restored, targets)


class PinballLossTests:
    def test_under_forecast_weighs_by_quantile(self) -> None:
        loss = pinball_loss(torch.zeros(1, 1, 1), torch.ones(1, 1), torch.tensor([0.1]))
        assert float(loss) == pytest.approx(0.1)

    def test_over_forecast_weighs_by_complement(self) -> None:
        loss = pinball_loss(torch.full((1, 1, 1), 2.0), torch.ones(1, 1), torch.tensor([0.1]))
        assert float(loss) == pytest.approx(0.9)


class ForecasterConfigTests:
    def test_defaults_are_valid(self) -> None:
        config = ForecasterConfig()
        assert config.input_chunk_length == 52
        assert config.horizon == 12
        assert config.quantiles == (0.1, 0.5, 0.9)

    def test_horizon_longer_than_input_names_both(self) -> None:
        with pytest.raises(
            ValueError, match=r"input_chunk_length \(8\) must be at least horizon \(12\)"
        ):
            ForecasterConfig(input_chunk_length=8, horizon=12)

    def test_horizon_below_range_raises(self) -> None:
        with pytest.raises(ValueError, match="horizon must be an integer from 4 to 26, got 3"):
            ForecasterConfig(horizon=3)

    def test_horizon_above_range_raises(self) -> None:
        with pytest.raises(ValueError, match="horizon must be an integer from 4 to 26, got 27"):
            ForecasterConfig(horizon=27)

    def test_quantiles_without_median_raise(self) -> None:
        with pytest.raises(ValueError, match=r"missing \(0.5,\)"):
            ForecasterConfig(quantiles=(0.1, 0.9))

    def test_unsorted_quantiles_raise(self) -> None:
        with pytest.raises(ValueError, match="strictly increasing"):
            ForecasterConfig(quantiles=(0.5, 0.1, 0.9))

    def test_quantile_list_becomes_tuple(self) -> None:
        config = ForecasterConfig(quantiles=[0.1, 0.5, 0.9])  # type: ignore[arg-type]
        assert config.quantiles == (0.1, 0.5, 0.9)

    def test_dropout_of_one_raises(self) -> None:
        with pytest.raises(ValueError, match=r"dropout must be a number in \[0, 1\), got 1.0"):
            ForecasterConfig(dropout=1.0)

    def test_zero_hidden_size_raises(self) -> None:
        with pytest.raises(ValueError, match="hidden_size must be an integer >= 1, got 0"):
            ForecasterConfig(hidden_size=0)


class ForecastTrainConfigTests:
    def test_unknown_device_raises(self) -> None:
        with pytest.raises(ValueError, match="device must be one of auto, cpu, cuda, got 'tpu'"):
            ForecastTrainConfig(device="tpu")  # type: ignore[arg-type]

    def test_negative_learning_rate_raises(self) -> None:
        with pytest.raises(ValueError, match="learning_rate must be a finite number > 0, got -0.1"):
            ForecastTrainConfig(learning_rate=-0.1)

    def test_zero_budget_raises(self) -> None:
        with pytest.raises(ValueError, match="max_seconds must be a finite number > 0, got 0"):
            ForecastTrainConfig(max_seconds=0)

    def test_zero_patience_raises(self) -> None:
        with pytest.raises(
            ValueError, match="early_stopping_patience must be an integer >= 1, got 0"
        ):
            ForecastTrainConfig(early_stopping_patience=0)

    def test_disabled_options_accept_none(self) -> None:
        config = ForecastTrainConfig(
            max_seconds=None, clip_grad_norm=None, early_stopping_patience=None
        )
        assert config.clip_grad_norm is None
        assert config.early_stopping_patience is None
