"""Training of a global LSTM forecaster across the series of one site."""

from __future__ import annotations

import copy
import dataclasses
import logging
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from lstm_engine.forecast.baselines import NAIVE, SEASONAL_NAIVE, baseline_forecast, baseline_method
from lstm_engine.forecast.checkpoint import resolve_device, save_checkpoint
from lstm_engine.forecast.config import ForecasterConfig, ForecastTrainConfig
from lstm_engine.forecast.forecaster import Forecaster
from lstm_engine.forecast.metrics import interval_coverage, mase, smape
from lstm_engine.forecast.model import LSTMForecaster, ModelInputs, pinball_loss, prepare_inputs
from lstm_engine.forecast.results import ForecasterTrainResult
from lstm_engine.forecast.series import Series, calendar_features, seasonal_period
from lstm_engine.seeding import set_seed

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int, str], None]
PhaseCallback = Callable[[str], None]
# Phase announced through ``on_phase`` when the ensemble has trained, before the held-out
# scoring and the writing of forecaster.pt, which report no steps of their own.
PHASE_EVALUATING = "evaluating"


@dataclass
class _TrainingData:
    """All trainable series concatenated, with the window starts each split may use."""

    values: np.ndarray  # (N,) float32, every trainable series back to back
    calendar: np.ndarray  # (N, 4) float32
    offsets: np.ndarray  # (S,) first index of each series in `values`
    train_window_counts: np.ndarray  # (S,) number of training windows per series
    validation_starts: np.ndarray  # (V,) global start index of each validation window


def _check_series(series: Mapping[str, Series]) -> str:
    """Validate the mapping and return the frequency shared by all series."""
    if not isinstance(series, Mapping) or len(series) == 0:
        raise ValueError("series must be a non-empty mapping of name to Series.")
    frequencies = set()
    for name, item in series.items():
        if not isinstance(name, str):
            raise ValueError(f"series names must be strings, got {name!r}.")  # noqa: TRY004
        if not isinstance(item, Series):
            raise ValueError(  # noqa: TRY004
                f"series[{name!r}] must be a Series, got {type(item).__name__}."
            )
        frequencies.add(item.frequency)
    if len(frequencies) > 1:
        raise ValueError(
            f"all series must share one frequency, got {sorted(frequencies)}. "
            "Train one forecaster per frequency."
        )
    return frequencies.pop()


def minimum_training_length(config: ForecasterConfig) -> int:
    """Return the shortest series that yields a training window and a held-out horizon."""
    return config.input_chunk_length + 2 * config.horizon


def _build_training_data(
    series: Mapping[str, Series],
    names: list[str],
    config: ForecasterConfig,
    use_validation: bool,
) -> _TrainingData:
    """Cut each series into training windows, an optional validation window and the holdout.

    With n points, input length T and horizon K, the last K points are the holdout. The
    window whose targets are the K points before the holdout is kept for early stopping
    when the series has at least T + 3K points, and training windows end before it.
    """
    input_length, horizon = config.input_chunk_length, config.horizon
    values, calendars, offsets, counts, validation = [], [], [], [], []
    offset = 0
    for name in names:
        item = series[name]
        length = len(item)
        last_target_end = length - horizon
        if use_validation and length >= input_length + 3 * horizon:
            validation.append(offset + last_target_end - horizon - input_length)
            last_target_end -= horizon
        counts.append(last_target_end - horizon - input_length + 1)
        offsets.append(offset)
        values.append(item.to_array().astype(np.float32))
        calendars.append(calendar_features(item.dates))
        offset += length
    return _TrainingData(
        values=np.concatenate(values),
        calendar=np.concatenate(calendars),
        offsets=np.asarray(offsets, dtype=np.int64),
        train_window_counts=np.asarray(counts, dtype=np.int64),
        validation_starts=np.asarray(validation, dtype=np.int64),
    )


def _gather(
    data: _TrainingData,
    starts: np.ndarray,
    config: ForecasterConfig,
    season: int,
    device: torch.device,
) -> tuple[ModelInputs, torch.Tensor]:
    """Return model inputs and raw targets (B, K) for windows starting at `starts`."""
    input_index = starts[:, None] + np.arange(config.input_chunk_length)  # (B, T)
    target_index = starts[:, None] + config.input_chunk_length + np.arange(config.horizon)  # (B, K)
    inputs = prepare_inputs(
        torch.from_numpy(data.values[input_index]).to(device),
        torch.from_numpy(data.calendar[input_index]).to(device),
        torch.from_numpy(data.calendar[target_index]).to(device),
        season,
    )
    targets = torch.from_numpy(data.values[target_index]).to(device)
    return inputs, targets


def _sample_starts(data: _TrainingData, batch_size: int, rng: np.random.Generator) -> np.ndarray:
    """Draw a series uniformly, then a training window uniformly within it."""
    series_index = rng.integers(0, len(data.offsets), size=batch_size)
    counts = data.train_window_counts[series_index]
    window_index = np.floor(rng.random(batch_size) * counts).astype(np.int64)
    return data.offsets[series_index] + window_index


def _validation_loss(
    model: LSTMForecaster,
    data: _TrainingData,
    config: ForecasterConfig,
    season: int,
    quantiles: torch.Tensor,
    device: torch.device,
) -> float:
    """Return the mean pinball loss of the model on the validation windows, in scaled units."""
    model.eval()
    with torch.no_grad():
        inputs, targets = _gather(data, data.validation_starts, config, season, device)
        predicted = model(inputs.encoder, inputs.decoder)
        loss = pinball_loss(predicted, inputs.scale_targets(targets), quantiles)
    model.train()
    return float(loss)


def _set_learning_rate(
    optimizer: torch.optim.Optimizer,
    train_config: ForecastTrainConfig,
    step: int,
    member_started: float,
    deadline: float | None,
) -> None:
    """Decay the learning rate on a cosine from its start value to a tenth of it.

    Progress is the larger of the share of max_steps done and the share of this
    member's time budget spent, so a time-limited run also ends on a low rate.
    """
    progress = step / train_config.max_steps
    if deadline is not None and deadline > member_started:
        progress = max(progress, (time.monotonic() - member_started) / (deadline - member_started))
    progress = min(progress, 1.0)
    peak = train_config.learning_rate
    rate = 0.1 * peak + 0.9 * peak * 0.5 * (1.0 + math.cos(math.pi * progress))
    for group in optimizer.param_groups:
        group["lr"] = rate


@dataclass
class _MemberOutcome:
    model: LSTMForecaster
    steps: int
    best_validation_loss: float | None
    stopped_early: bool


class _EarlyStopping:
    """Best validation loss so far, the weights that reached it and the checks since."""

    def __init__(self, patience: int) -> None:
        self.patience = patience
        self.best_loss: float | None = None
        self.best_state: dict[str, torch.Tensor] | None = None
        self.checks_without_improvement = 0

    def update(self, loss: float, model: LSTMForecaster) -> None:
        """Record a validation loss and copy the weights when it is the best so far."""
        if self.best_loss is None or loss < self.best_loss:
            self.best_loss = loss
            self.best_state = copy.deepcopy(model.state_dict())
            self.checks_without_improvement = 0
        else:
            self.checks_without_improvement += 1

    @property
    def should_stop(self) -> bool:
        """Whether `patience` checks in a row brought no improvement."""
        return self.checks_without_improvement >= self.patience


def _train_step(
    model: LSTMForecaster,
    optimizer: torch.optim.Optimizer,
    data: _TrainingData,
    starts: np.ndarray,
    config: ForecasterConfig,
    train_config: ForecastTrainConfig,
    season: int,
    quantiles: torch.Tensor,
    device: torch.device,
) -> float:
    """Run one optimiser step on the windows at `starts` and return the training loss."""
    inputs, targets = _gather(data, starts, config, season, device)
    predicted = model(inputs.encoder, inputs.decoder)
    loss = pinball_loss(predicted, inputs.scale_targets(targets), quantiles)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    if train_config.clip_grad_norm is not None:
        torch.nn.utils.clip_grad_norm_(model.parameters(), train_config.clip_grad_norm)
    optimizer.step()
    return loss.item()


def _train_member(
    member: int,
    data: _TrainingData,
    config: ForecasterConfig,
    train_config: ForecastTrainConfig,
    season: int,
    device: torch.device,
    deadline: float | None,
    progress: ProgressCallback | None,
) -> _MemberOutcome:
    """Train one ensemble member with AdamW, cosine learning-rate decay and early stopping.

    The returned model carries the weights of the best validation check when early
    stopping is on and the data has validation windows, else the final weights.
    """
    seed = train_config.seed + member
    set_seed(seed)
    rng = np.random.default_rng(seed)
    model = LSTMForecaster(config).to(device)
    model.train()
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=train_config.learning_rate, weight_decay=train_config.weight_decay
    )
    quantiles = torch.tensor(config.quantiles, dtype=torch.float32, device=device)
    early_stopping = None
    if train_config.early_stopping_patience is not None and len(data.validation_starts) > 0:
        early_stopping = _EarlyStopping(train_config.early_stopping_patience)
    total_steps = train_config.max_steps * config.ensemble_size
    member_started = time.monotonic()

    stopped_early = False
    step = 0
    while step < train_config.max_steps:
        step += 1
        starts = _sample_starts(data, train_config.batch_size, rng)
        loss = _train_step(
            model, optimizer, data, starts, config, train_config, season, quantiles, device
        )
        _set_learning_rate(optimizer, train_config, step, member_started, deadline)

        out_of_time = deadline is not None and time.monotonic() >= deadline
        is_check = (
            step % train_config.eval_interval == 0 or step == train_config.max_steps or out_of_time
        )
        if not is_check:
            continue

        message = f"member {member + 1}/{config.ensemble_size} step {step} train loss {loss:.4f}"
        if early_stopping is not None:
            validation_loss = _validation_loss(model, data, config, season, quantiles, device)
            early_stopping.update(validation_loss, model)
            message += f" validation loss {validation_loss:.4f}"
        logger.debug("Forecaster training: %s", message)
        if progress is not None:
            progress(member * train_config.max_steps + step, total_steps, message)

        if early_stopping is not None and early_stopping.should_stop:
            logger.info(
                "Early stopping member %d at step %d (best validation loss %.4f).",
                member,
                step,
                early_stopping.best_loss,
            )
            stopped_early = True
            break
        if out_of_time:
            logger.info("Time budget reached, so member %d stops at step %d.", member, step)
            break

    best_loss = None
    if early_stopping is not None and early_stopping.best_state is not None:
        model.load_state_dict(early_stopping.best_state)
        best_loss = early_stopping.best_loss
    model.eval()
    return _MemberOutcome(
        model=model, steps=step, best_validation_loss=best_loss, stopped_early=stopped_early
    )


def _train_ensemble(
    data: _TrainingData,
    config: ForecasterConfig,
    train_config: ForecastTrainConfig,
    season: int,
    device: torch.device,
    progress: ProgressCallback | None,
) -> tuple[list[_MemberOutcome], float]:
    """Train the ensemble members one after another and return them with the seconds spent.

    With max_seconds set, each member gets an equal share of the budget. Members whose
    share has passed before they start are not trained.
    """
    started = time.monotonic()
    outcomes = []
    for member in range(config.ensemble_size):
        deadline = None
        if train_config.max_seconds is not None:
            share = train_config.max_seconds * (member + 1) / config.ensemble_size
            deadline = started + share
            if member > 0 and time.monotonic() >= deadline:
                logger.info(
                    "Time budget spent after %d of %d ensemble members.",
                    member,
                    config.ensemble_size,
                )
                break
        outcomes.append(
            _train_member(member, data, config, train_config, season, device, deadline, progress)
        )
    train_seconds = time.monotonic() - started
    return outcomes, train_seconds


def _mean_finite(values: list[float]) -> float:
    finite = [value for value in values if math.isfinite(value)]
    return float(np.mean(finite)) if finite else float("nan")


def _evaluate(
    forecaster: Forecaster, series: Mapping[str, Series], names: list[str], horizon: int
) -> tuple[dict[str, dict[str, Any]], dict[str, float], str]:
    """Score the LSTM and the baseline on the last `horizon` points of each series.

    Aggregates are means over the series. A series whose MASE is infinite (a constant
    training part with a wrong forecast) is left out of the MASE mean.
    """
    per_series: dict[str, dict[str, Any]] = {}
    for name in names:
        item = series[name]
        history = item.head(len(item) - horizon)
        actual = item.values[-horizon:]
        training_values = history.to_array()
        baseline_name, scale_season = baseline_method(len(history), history.season)

        lstm = forecaster.forecast(history, horizon)
        baseline = baseline_forecast(history, horizon)
        per_series[name] = {
            "mase": mase(actual, lstm.p50, training_values, scale_season),
            "smape": smape(actual, lstm.p50),
            "coverage_80": interval_coverage(actual, lstm.p10, lstm.p90),
            "baseline_mase": mase(actual, baseline.p50, training_values, scale_season),
            "baseline_smape": smape(actual, baseline.p50),
            "baseline_coverage_80": interval_coverage(actual, baseline.p10, baseline.p90),
            "baseline_name": baseline_name,
            "mase_season": scale_season,
        }

    metric_names = (
        "mase",
        "smape",
        "coverage_80",
        "baseline_mase",
        "baseline_smape",
        "baseline_coverage_80",
    )
    aggregates = {
        key: _mean_finite([metrics[key] for metrics in per_series.values()]) for key in metric_names
    }
    used = {metrics["baseline_name"] for metrics in per_series.values()}
    if used == {SEASONAL_NAIVE}:
        baseline_label = SEASONAL_NAIVE
    elif used == {NAIVE}:
        baseline_label = NAIVE
    else:
        baseline_label = f"{SEASONAL_NAIVE}+{NAIVE}"
    return per_series, aggregates, baseline_label


def train_forecaster(
    series: Mapping[str, Series],
    output_dir: str | Path,
    *,
    config: ForecasterConfig | None = None,
    train_config: ForecastTrainConfig | None = None,
    progress: ProgressCallback | None = None,
    on_phase: PhaseCallback | None = None,
) -> ForecasterTrainResult:
    """Train one global forecaster on all series, score it and write forecaster.pt.

    The last `horizon` points of each series are held out and never used for gradient
    steps or early stopping. They score the LSTM and the seasonal naive baseline (MASE
    scaled by the in-sample seasonal naive error, sMAPE, 80 % interval coverage). Series
    shorter than input_chunk_length + 2 * horizon are skipped. The saved forecaster still
    forecasts them, with the baseline when they are shorter than input_chunk_length.
    The model is not refitted on the held-out points.

    Parameters
    ----------
    series : Mapping[str, Series]
        Named series of one frequency.
    output_dir : str or Path
        Folder for forecaster.pt, created when missing.
    config, train_config : optional
        Model and training settings. The defaults fit about ten weekly series of five years.
    progress : callable, optional
        Called as progress(step, total_steps, message) every eval_interval steps and
        when an ensemble member stops. An exception it raises stops training and propagates.
    on_phase : callable, optional
        Called as on_phase(PHASE_EVALUATING) after the last training step, before the
        held-out scoring and the saving, so that a caller can label that stretch.

    Returns
    -------
    ForecasterTrainResult
        Held-out metrics of the LSTM and the baseline, with per-series details.
    """
    config = config or ForecasterConfig()
    train_config = train_config or ForecastTrainConfig()
    frequency = _check_series(series)
    season = seasonal_period(frequency)
    device = resolve_device(train_config.device)

    minimum = minimum_training_length(config)
    names = [name for name, item in series.items() if len(item) >= minimum]
    skipped = [name for name, item in series.items() if len(item) < minimum]
    if skipped:
        logger.info("Skipping %d series shorter than %d points: %s", len(skipped), minimum, skipped)
    if not names:
        raise ValueError(
            f"every series is shorter than input_chunk_length + 2 * horizon = {minimum} points "
            f"(input_chunk_length={config.input_chunk_length}, horizon={config.horizon}). "
            "Supply longer series or lower input_chunk_length and horizon."
        )

    use_validation = train_config.early_stopping_patience is not None
    data = _build_training_data(series, names, config, use_validation)
    logger.info(
        "Training forecaster on %d series (%d training windows, %d validation windows) on %s.",
        len(names),
        int(data.train_window_counts.sum()),
        len(data.validation_starts),
        device,
    )

    previous_threads = torch.get_num_threads()
    if train_config.num_threads is not None:
        torch.set_num_threads(train_config.num_threads)
    try:
        outcomes, train_seconds = _train_ensemble(
            data, config, train_config, season, device, progress
        )
    finally:
        torch.set_num_threads(previous_threads)

    if on_phase is not None:
        on_phase(PHASE_EVALUATING)
    forecaster = Forecaster([outcome.model for outcome in outcomes], config, frequency, device)
    per_series, aggregates, baseline_label = _evaluate(forecaster, series, names, config.horizon)
    training_details = {
        "members_trained": len(outcomes),
        "member_steps": [outcome.steps for outcome in outcomes],
        "best_validation_losses": [outcome.best_validation_loss for outcome in outcomes],
        "stopped_early": [outcome.stopped_early for outcome in outcomes],
        "validation_windows": len(data.validation_starts),
        "training_windows": int(data.train_window_counts.sum()),
        "baseline_coverage_80": aggregates["baseline_coverage_80"],
        "frequency": frequency,
        "device": str(device),
    }
    result = ForecasterTrainResult(
        mase=aggregates["mase"],
        smape=aggregates["smape"],
        coverage_80=aggregates["coverage_80"],
        baseline_mase=aggregates["baseline_mase"],
        baseline_smape=aggregates["baseline_smape"],
        baseline_name=baseline_label,
        beats_baseline=bool(aggregates["mase"] < aggregates["baseline_mase"]),
        series_count=len(names),
        skipped=skipped,
        per_series=per_series,
        steps=sum(outcome.steps for outcome in outcomes),
        train_seconds=train_seconds,
        config=dataclasses.asdict(config) | {"quantiles": list(config.quantiles)},
        train_config=dataclasses.asdict(train_config),
        training_details=training_details,
    )
    save_checkpoint(output_dir, forecaster.models, config, frequency, result.as_metrics())
    logger.info(
        "Forecaster trained in %.1f s: MASE %.3f (baseline %.3f), sMAPE %.2f (baseline %.2f).",
        train_seconds,
        result.mase,
        result.baseline_mase,
        result.smape,
        result.baseline_smape,
    )
    return result
