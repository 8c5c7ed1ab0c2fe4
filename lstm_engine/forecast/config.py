"""Model and training settings of the demand forecaster, validated at construction."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Literal

MIN_HORIZON = 4
MAX_HORIZON = 26
REQUIRED_QUANTILES = (0.1, 0.5, 0.9)
DEVICES = ("auto", "cpu", "cuda")


def _require_int(name: str, value: object, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}.")


def _require_positive_number(name: str, value: object, *, allow_zero: bool = False) -> None:
    valid = (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
        and (value >= 0 if allow_zero else value > 0)
    )
    if not valid:
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be a finite number {bound}, got {value!r}.")


@dataclass
class ForecasterConfig:
    """Shape of the LSTM forecaster, stored in the checkpoint."""

    # One year of weekly history, so the window always contains the same week last year.
    input_chunk_length: int = 52
    # Steps (weeks, days or months) forecast in one pass. A forecast may request fewer.
    horizon: int = 12
    hidden_size: int = 64
    num_layers: int = 1
    # Applied in the output network, and between LSTM layers when num_layers > 1.
    dropout: float = 0.1
    # Must contain 0.1, 0.5 and 0.9, which Forecast reports as p10, p50 and p90.
    quantiles: tuple[float, ...] = REQUIRED_QUANTILES
    # Independently initialised networks whose quantiles are averaged. Each one costs
    # a full training run, so training time grows linearly with this number.
    ensemble_size: int = 1

    def __post_init__(self) -> None:
        _require_int("input_chunk_length", self.input_chunk_length, 2)
        if (
            isinstance(self.horizon, bool)
            or not isinstance(self.horizon, int)
            or not (MIN_HORIZON <= self.horizon <= MAX_HORIZON)
        ):
            raise ValueError(
                f"horizon must be an integer from {MIN_HORIZON} to {MAX_HORIZON}, "
                f"got {self.horizon!r}."
            )
        if self.input_chunk_length < self.horizon:
            raise ValueError(
                f"input_chunk_length ({self.input_chunk_length}) must be at least horizon "
                f"({self.horizon}). Raise input_chunk_length or lower horizon."
            )
        _require_int("hidden_size", self.hidden_size, 1)
        _require_int("num_layers", self.num_layers, 1)
        _require_int("ensemble_size", self.ensemble_size, 1)
        if (
            isinstance(self.dropout, bool)
            or not isinstance(self.dropout, (int, float))
            or not 0.0 <= self.dropout < 1.0
        ):
            raise ValueError(f"dropout must be a number in [0, 1), got {self.dropout!r}.")
        self.quantiles = _validate_quantiles(self.quantiles)

    @property
    def median_index(self) -> int:
        """Position of the 0.5 quantile in `quantiles`."""
        return self.quantiles.index(0.5)


def _validate_quantiles(quantiles: object) -> tuple[float, ...]:
    try:
        levels = tuple(float(level) for level in quantiles)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        raise ValueError(f"quantiles must be a sequence of numbers, got {quantiles!r}.") from None
    if any(not 0.0 < level < 1.0 for level in levels):
        raise ValueError(f"quantiles must lie strictly between 0 and 1, got {levels}.")
    if any(later <= earlier for earlier, later in itertools.pairwise(levels)):
        raise ValueError(f"quantiles must be strictly increasing, got {levels}.")
    missing = [level for level in REQUIRED_QUANTILES if level not in levels]
    if missing:
        raise ValueError(
            f"quantiles must contain {REQUIRED_QUANTILES}, got {levels} (missing {tuple(missing)})."
        )
    return levels


@dataclass
class ForecastTrainConfig:
    """Optimiser, budget and device settings for train_forecaster."""

    batch_size: int = 64
    # Per ensemble member. About 4 ms per step for the default model on two CPU cores
    # with torch 2.13, so 10 weekly series of 260 points train in roughly 10 s each.
    max_steps: int = 2000
    # Wall-clock budget for the whole training in seconds. With None, only max_steps
    # limits it. A budget makes the result depend on the machine's speed.
    max_seconds: float | None = None
    learning_rate: float = 3e-3
    weight_decay: float = 1e-4
    # Maximum gradient norm, or None to turn clipping off.
    clip_grad_norm: float | None = 1.0
    # Validation checks without improvement before training stops, or None to turn
    # early stopping off. A check runs every `eval_interval` steps.
    early_stopping_patience: int | None = 5
    eval_interval: int = 100
    seed: int = 0
    device: Literal["auto", "cpu", "cuda"] = "auto"
    # torch intra-op CPU threads while training, restored afterwards. None keeps the
    # process setting. The model is small, so a second thread gains little (about 30 %
    # on two idle cores), while threads competing for busy cores slow training many times.
    num_threads: int | None = 1

    def __post_init__(self) -> None:
        _require_int("batch_size", self.batch_size, 1)
        _require_int("max_steps", self.max_steps, 1)
        _require_int("eval_interval", self.eval_interval, 1)
        if self.max_seconds is not None:
            _require_positive_number("max_seconds", self.max_seconds)
        _require_positive_number("learning_rate", self.learning_rate)
        _require_positive_number("weight_decay", self.weight_decay, allow_zero=True)
        if self.clip_grad_norm is not None:
            _require_positive_number("clip_grad_norm", self.clip_grad_norm)
        if self.early_stopping_patience is not None:
            _require_int("early_stopping_patience", self.early_stopping_patience, 1)
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise ValueError(f"seed must be an integer, got {self.seed!r}.")  # noqa: TRY004
        if self.num_threads is not None:
            _require_int("num_threads", self.num_threads, 1)
        if self.device not in DEVICES:
            raise ValueError(f"device must be one of {', '.join(DEVICES)}, got {self.device!r}.")
