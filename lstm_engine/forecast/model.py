"""LSTM encoder with a direct multi-horizon quantile head, and its input scaling.

Shape legend: B batch, T input time steps (input_chunk_length), K forecast steps
(horizon), F features per step, E step embedding size, H hidden size, L LSTM layers,
Q quantiles.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional

from lstm_engine.forecast.config import ForecasterConfig
from lstm_engine.forecast.series import CALENDAR_FEATURE_COUNT

# Encoder step: scaled value plus calendar features of its date.
ENCODER_FEATURE_COUNT = 1 + CALENDAR_FEATURE_COUNT
# Decoder step: calendar features of the target date, the scaled value one season
# earlier, and a flag that is 1 when that value lies inside the input window.
DECODER_FEATURE_COUNT = CALENDAR_FEATURE_COUNT + 2
# Width of the learned embedding of the forecast step index (0 to horizon - 1).
STEP_EMBEDDING_SIZE = 16
# The window scale is at least this fraction of the window's mean absolute value, so
# a nearly constant window does not blow small changes up into huge scaled values.
RELATIVE_SCALE_FLOOR = 0.1
# Scale used for a window that is entirely zero.
ZERO_WINDOW_SCALE = 1.0


@dataclass
class ModelInputs:
    """Scaled tensors for one batch of windows and the scaling to undo afterwards."""

    encoder: torch.Tensor  # (B, T, F) with F = ENCODER_FEATURE_COUNT
    decoder: torch.Tensor  # (B, K, F) with F = DECODER_FEATURE_COUNT
    level: torch.Tensor  # (B, 1)
    scale: torch.Tensor  # (B, 1)

    def scale_targets(self, targets: torch.Tensor) -> torch.Tensor:
        """Scale raw target values of shape (B, K) like the input window."""
        return (targets - self.level) / self.scale

    def unscale(self, scaled: torch.Tensor) -> torch.Tensor:
        """Map scaled quantiles of shape (B, K, Q) back to the series' units."""
        return self.level.unsqueeze(-1) + self.scale.unsqueeze(-1) * scaled


def window_scaling(windows: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Return the level (mean) and scale (floored standard deviation) of each window.

    Parameters
    ----------
    windows : torch.Tensor
        Raw values, shape (B, T).

    Returns
    -------
    tuple of torch.Tensor
        Level and scale, each of shape (B, 1).
    """
    level = windows.mean(dim=1, keepdim=True)
    spread = windows.std(dim=1, unbiased=False, keepdim=True)
    floor = RELATIVE_SCALE_FLOOR * windows.abs().mean(dim=1, keepdim=True)
    scale = torch.maximum(spread, floor)
    scale = torch.where(scale > 1e-8, scale, torch.full_like(scale, ZERO_WINDOW_SCALE))
    return level, scale


def seasonal_lag_positions(input_length: int, horizon: int, season: int) -> list[int]:
    """Return, per forecast step, the input position of the value whole seasons earlier.

    Step k (0-based) of the forecast lies at position input_length + k. The same season
    position lies season * ceil((k + 1) / season) steps earlier. A negative result
    means the window is too short to contain it.
    """
    return [
        input_length + step - season * math.ceil((step + 1) / season) for step in range(horizon)
    ]


def prepare_inputs(
    windows: torch.Tensor,
    past_calendar: torch.Tensor,
    future_calendar: torch.Tensor,
    season: int,
) -> ModelInputs:
    """Scale input windows and assemble encoder and decoder features.

    Parameters
    ----------
    windows : torch.Tensor
        Raw values of the input windows, shape (B, T).
    past_calendar : torch.Tensor
        Calendar features of the input dates, shape (B, T, 4).
    future_calendar : torch.Tensor
        Calendar features of the forecast dates, shape (B, K, 4).
    season : int
        Seasonal period of the series' frequency.

    Returns
    -------
    ModelInputs
        Encoder features (B, T, 5), decoder features (B, K, 6), level and scale (B, 1).
    """
    level, scale = window_scaling(windows)
    scaled = (windows - level) / scale  # (B, T)
    encoder = torch.cat([scaled.unsqueeze(-1), past_calendar], dim=-1)  # (B, T, F)

    batch, input_length = windows.shape
    horizon = future_calendar.shape[1]
    positions = seasonal_lag_positions(input_length, horizon, season)
    index = torch.tensor([max(position, 0) for position in positions], device=windows.device)
    available = torch.tensor(
        [1.0 if position >= 0 else 0.0 for position in positions],
        device=windows.device,
        dtype=windows.dtype,
    )
    lagged = scaled[:, index] * available  # (B, K)
    flags = available.unsqueeze(0).expand(batch, horizon)  # (B, K)
    decoder = torch.cat(
        [future_calendar, lagged.unsqueeze(-1), flags.unsqueeze(-1)], dim=-1
    )  # (B, K, F)
    return ModelInputs(encoder=encoder, decoder=decoder, level=level, scale=scale)


class LSTMForecaster(nn.Module):
    """Global LSTM that maps a scaled input window to K steps of ordered quantiles.

    The LSTM encodes the window. For each forecast step an MLP reads the final hidden
    state, a step embedding and the decoder features (target calendar and the value one
    season earlier). A linear map of the scaled window is added to the median, so linear
    forecasts such as a moving average or seasonal naive are easy to learn. The other
    quantiles are the median plus or minus cumulative softplus offsets, so they never cross.
    """

    def __init__(self, config: ForecasterConfig) -> None:
        super().__init__()
        self.horizon = config.horizon
        self.input_length = config.input_chunk_length
        self.median_index = config.median_index
        quantile_count = len(config.quantiles)
        self.encoder = nn.LSTM(
            input_size=ENCODER_FEATURE_COUNT,
            hidden_size=config.hidden_size,
            num_layers=config.num_layers,
            batch_first=True,
            dropout=config.dropout if config.num_layers > 1 else 0.0,
        )
        self.step_embedding = nn.Embedding(config.horizon, STEP_EMBEDDING_SIZE)
        self.head = nn.Sequential(
            nn.Linear(
                config.hidden_size + STEP_EMBEDDING_SIZE + DECODER_FEATURE_COUNT, config.hidden_size
            ),
            nn.ReLU(),
            nn.Dropout(config.dropout),
            nn.Linear(config.hidden_size, quantile_count),
        )
        self.linear_skip = nn.Linear(config.input_chunk_length, config.horizon)
        # Start from the window mean (0 after scaling) rather than a random mix of inputs.
        nn.init.zeros_(self.linear_skip.weight)
        nn.init.zeros_(self.linear_skip.bias)

    def forward(
        self, encoder_features: torch.Tensor, decoder_features: torch.Tensor
    ) -> torch.Tensor:
        """Predict scaled quantiles.

        Parameters
        ----------
        encoder_features : torch.Tensor
            Shape (B, T, 5), T = input_chunk_length.
        decoder_features : torch.Tensor
            Shape (B, K, 6), K = horizon.

        Returns
        -------
        torch.Tensor
            Scaled quantiles, shape (B, K, Q), ordered along the last axis.
        """
        batch, input_length, _ = encoder_features.shape
        horizon = decoder_features.shape[1]
        if input_length != self.input_length or horizon != self.horizon:
            raise ValueError(
                f"expected {self.input_length} input steps and {self.horizon} forecast steps, "
                f"got {input_length} and {horizon}."
            )

        _, (hidden, _) = self.encoder(encoder_features)  # hidden: (L, B, H)
        context = hidden[-1].unsqueeze(1).expand(batch, horizon, -1)  # (B, K, H)
        steps = self.step_embedding.weight.unsqueeze(0).expand(batch, -1, -1)  # (B, K, E)
        raw = self.head(torch.cat([context, steps, decoder_features], dim=-1))  # (B, K, Q)

        skip = self.linear_skip(encoder_features[:, :, 0])  # (B, K)
        median = raw[:, :, self.median_index] + skip  # (B, K)
        # Offsets of the quantiles above the median, then of those below it (innermost first).
        above = functional.softplus(raw[:, :, self.median_index + 1 :]).cumsum(dim=-1)
        below = functional.softplus(raw[:, :, : self.median_index]).flip(-1).cumsum(dim=-1).flip(-1)
        centre = median.unsqueeze(-1)  # (B, K, 1)
        return torch.cat([centre - below, centre, centre + above], dim=-1)  # (B, K, Q)


def pinball_loss(
    predicted: torch.Tensor, target: torch.Tensor, quantiles: torch.Tensor
) -> torch.Tensor:
    """Return the mean quantile (pinball) loss.

    Parameters
    ----------
    predicted : torch.Tensor
        Quantile forecasts, shape (B, K, Q).
    target : torch.Tensor
        Observations, shape (B, K).
    quantiles : torch.Tensor
        Quantile levels, shape (Q,).
    """
    error = target.unsqueeze(-1) - predicted  # (B, K, Q)
    return torch.maximum(quantiles * error, (quantiles - 1.0) * error).mean()
