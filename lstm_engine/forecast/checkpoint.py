"""Save and load forecaster checkpoints as plain dicts of tensors and numbers."""

from __future__ import annotations

import dataclasses
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

import torch

from lstm_engine.forecast.config import ForecasterConfig
from lstm_engine.forecast.forecaster import Forecaster
from lstm_engine.forecast.model import RELATIVE_SCALE_FLOOR, ZERO_WINDOW_SCALE, LSTMForecaster
from lstm_engine.forecast.series import FREQUENCIES

logger = logging.getLogger(__name__)

CHECKPOINT_NAME = "forecaster.pt"
FORMAT_VERSION = 1
CHECKPOINT_KIND = "lstm_engine.forecast"


def scaler_info() -> dict[str, Any]:
    """Describe the per-window scaling that inference must repeat."""
    return {
        "method": "window_mean_std",
        "relative_floor": RELATIVE_SCALE_FLOOR,
        "zero_window_scale": ZERO_WINDOW_SCALE,
    }


def save_checkpoint(
    directory: str | Path,
    models: list[LSTMForecaster],
    config: ForecasterConfig,
    frequency: str,
    metadata: dict[str, Any],
) -> Path:
    """Write forecaster.pt into `directory` atomically and return its path.

    The file holds only dicts, lists, numbers, strings and tensors, so it loads with
    torch.load(weights_only=True).
    """
    target_dir = Path(directory)
    target_dir.mkdir(parents=True, exist_ok=True)
    payload = {
        "kind": CHECKPOINT_KIND,
        "format_version": FORMAT_VERSION,
        "config": dataclasses.asdict(config) | {"quantiles": list(config.quantiles)},
        "frequency": frequency,
        "scaler": scaler_info(),
        "state_dicts": [
            {key: value.detach().cpu() for key, value in model.state_dict().items()}
            for model in models
        ],
        "metadata": metadata,
    }
    path = target_dir / CHECKPOINT_NAME
    handle, temporary = tempfile.mkstemp(dir=target_dir, prefix=".forecaster-", suffix=".pt")
    os.close(handle)
    try:
        torch.save(payload, temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    logger.info("Saved forecaster checkpoint to %s", path)
    return path


def resolve_device(device: str) -> torch.device:
    """Map "auto", "cpu" or "cuda" to a torch.device, rejecting unavailable CUDA."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError('device is "cuda", but no CUDA device is available. Use "cpu" or "auto".')
    if device not in ("cpu", "cuda"):
        raise ValueError(f'device must be "auto", "cpu" or "cuda", got {device!r}.')
    return torch.device(device)


def load_forecaster(directory: str | Path, *, device: str = "cpu") -> Forecaster:
    """Load the forecaster saved by train_forecaster.

    Parameters
    ----------
    directory : str or Path
        Folder that contains forecaster.pt.
    device : str
        "cpu", "cuda" or "auto".

    Returns
    -------
    Forecaster
        Models in evaluation mode on the requested device.
    """
    path = Path(directory) / CHECKPOINT_NAME
    if not path.is_file():
        raise FileNotFoundError(
            f"forecaster checkpoint not found: {path}. Run train_forecaster first."
        )
    target = resolve_device(device)
    payload = torch.load(path, map_location=target, weights_only=True)
    if not isinstance(payload, dict) or payload.get("kind") != CHECKPOINT_KIND:
        raise ValueError(
            f"{path} is not a forecaster checkpoint (missing kind {CHECKPOINT_KIND!r})."
        )
    if payload.get("format_version") != FORMAT_VERSION:
        raise ValueError(
            f"{path} has format_version {payload.get('format_version')!r}, but this version of "
            f"lstm_engine reads {FORMAT_VERSION}. Retrain the forecaster."
        )
    if payload.get("scaler") != scaler_info():
        raise ValueError(
            f"{path} was written with scaling {payload.get('scaler')!r}, but this version uses "
            f"{scaler_info()!r}. Retrain the forecaster."
        )
    frequency = payload["frequency"]
    if frequency not in FREQUENCIES:
        raise ValueError(f"{path} has an invalid frequency {frequency!r}.")
    config = ForecasterConfig(**payload["config"])
    models = []
    for state_dict in payload["state_dicts"]:
        model = LSTMForecaster(config)
        model.load_state_dict(state_dict)
        model.to(target)
        models.append(model)
    return Forecaster(models, config, frequency, target)


def read_checkpoint_metadata(directory: str | Path) -> dict[str, Any]:
    """Return the training metadata stored beside the weights."""
    path = Path(directory) / CHECKPOINT_NAME
    payload = torch.load(path, map_location="cpu", weights_only=True)
    return dict(payload.get("metadata", {}))
