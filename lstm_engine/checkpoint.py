"""Training checkpoints, the final model file, and loading a trained model for generation."""
from __future__ import annotations

import json
import logging
import os
import random
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import torch

from lstm_engine.config import LanguageModelConfig
from lstm_engine.device import resolve_device
from lstm_engine.language_model import RecurrentLanguageModel
from lstm_engine.ngram import NGRAM_FILENAME, KneserNeyModel
from lstm_engine.sampling import MixtureScorer, NgramScorer, RecurrentScorer, TokenScorer
from lstm_engine.tokenizer import TOKENIZER_FILENAME, DocumentTokenizer

logger = logging.getLogger(__name__)

CHECKPOINT_FILENAME = "checkpoint.pt"
MODEL_FILENAME = "model.pt"
METRICS_FILENAME = "metrics.json"
MODEL_FORMAT_VERSION = 1


def capture_rng_state() -> dict[str, Any]:
    """Return the states of the Python, NumPy and PyTorch (CPU and CUDA) generators."""
    numpy_state = np.random.get_state()
    state: dict[str, Any] = {
        "python": random.getstate(),
        # Plain lists so that the checkpoint loads with torch.load(weights_only=True).
        "numpy": [numpy_state[0], numpy_state[1].tolist(), int(numpy_state[2]), int(numpy_state[3]), float(numpy_state[4])],
        "torch": torch.get_rng_state(),
    }
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def restore_rng_state(state: dict[str, Any]) -> None:
    """Restore generator states captured by :func:`capture_rng_state`."""
    random.setstate(state["python"])
    name, keys, position, has_gauss, cached = state["numpy"]
    np.random.set_state((name, np.asarray(keys, dtype=np.uint32), position, has_gauss, cached))
    torch.set_rng_state(state["torch"].cpu())
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all([tensor.cpu() for tensor in state["cuda"]])


def save_atomically(payload: dict[str, Any], path: Path) -> None:
    """Write ``payload`` with torch.save to a temporary file and rename it over ``path``."""
    temporary = path.with_name(path.name + ".tmp")
    torch.save(payload, temporary)
    os.replace(temporary, path)


def load_payload(path: Path) -> dict[str, Any]:
    """Load a file written by :func:`save_atomically` on the CPU, without unpickling arbitrary objects."""
    return torch.load(path, map_location="cpu", weights_only=True)


def save_model_file(
    path: Path,
    state_dict: dict[str, torch.Tensor],
    model_config: LanguageModelConfig,
    train_config: dict[str, Any],
) -> None:
    """Write the final weights and the configuration needed to rebuild the model."""
    save_atomically(
        {
            "format_version": MODEL_FORMAT_VERSION,
            "model_config": asdict(model_config),
            "train_config": train_config,
            "state_dict": {name: tensor.detach().cpu() for name, tensor in state_dict.items()},
        },
        path,
    )


def load_model_file(path: Path, device: torch.device | str = "cpu") -> RecurrentLanguageModel:
    """Rebuild a model from a file written by :func:`save_model_file`, in eval mode."""
    payload = load_payload(path)
    version = payload.get("format_version")
    if version != MODEL_FORMAT_VERSION:
        raise ValueError(f"unsupported model file format version {version!r} in {path}; retrain the model")
    model = RecurrentLanguageModel(LanguageModelConfig(**payload["model_config"]))
    model.load_state_dict(payload["state_dict"])
    return model.to(device).eval()


@dataclass
class LoadedLanguageModel:
    """A tokenizer and the scorer that drafts use: the LSTM, the n-gram baseline or their mixture."""

    tokenizer: DocumentTokenizer
    scorer: TokenScorer
    kind: Literal["lstm", "ngram", "mixture"]
    directory: Path
    # None when the scorer is the n-gram baseline.
    model: RecurrentLanguageModel | None = None
    # None when the scorer is the LSTM alone.
    ngram: KneserNeyModel | None = None
    # Contents of metrics.json written at the end of training, or empty if the file is missing.
    metrics: dict[str, Any] = field(default_factory=dict)


def load_language_model(
    directory: str | Path,
    *,
    device: str = "cpu",
    use_baseline: bool | Literal["auto"] = False,
    quantize: bool = False,
    mixture: bool | Literal["auto"] = False,
) -> LoadedLanguageModel:
    """Load a trained tokenizer and model for generation.

    Parameters
    ----------
    directory:
        Output directory of :func:`lstm_engine.training.train_language_model`.
    device:
        ``"cpu"``, ``"cuda"`` or ``"auto"``, where the LSTM runs.
    use_baseline:
        True loads the n-gram baseline instead of the LSTM. ``"auto"`` loads the baseline
        only when metrics.json records that the LSTM did not beat it.
    quantize:
        Run the output layer as a dynamically quantised int8 layer on the CPU: faster
        with a large vocabulary, with log-probabilities within about 0.01 of fp32.
    mixture:
        True interpolates the LSTM with the n-gram baseline, using the weight that
        metrics.json records (``mixture_weight``). ``"auto"`` does so only when metrics.json
        records that the mixture beat both parts. Ignored when the baseline is loaded.

    Returns
    -------
    LoadedLanguageModel
        Tokenizer plus a scorer in evaluation mode.
    """
    directory = Path(directory)
    tokenizer_path = directory / TOKENIZER_FILENAME
    if not tokenizer_path.is_file():
        raise FileNotFoundError(f"tokenizer file not found: {tokenizer_path}; train a model into {directory} first")
    tokenizer = DocumentTokenizer.load(tokenizer_path)
    metrics_path = directory / METRICS_FILENAME
    metrics = json.loads(metrics_path.read_text(encoding="utf-8")) if metrics_path.is_file() else {}
    if use_baseline == "auto":
        use_baseline = metrics.get("beats_baseline") is False
    elif not isinstance(use_baseline, bool):
        raise ValueError(f"use_baseline must be True, False or 'auto', got {use_baseline!r}")
    if mixture == "auto":
        mixture = metrics.get("mixture_beats_both") is True
    elif not isinstance(mixture, bool):
        raise ValueError(f"mixture must be True, False or 'auto', got {mixture!r}")
    if use_baseline:
        ngram = _load_ngram(directory, tokenizer)
        return LoadedLanguageModel(tokenizer, NgramScorer(ngram), "ngram", directory, ngram=ngram, metrics=metrics)
    weight = metrics.get("mixture_weight")
    if mixture and weight is None:
        raise ValueError(
            f"{metrics_path} records no mixture_weight; retrain the model with this version to serve a mixture"
        )
    model_path = directory / MODEL_FILENAME
    if not model_path.is_file():
        raise FileNotFoundError(f"model file not found: {model_path}; train a model into {directory} first")
    torch_device = resolve_device(device)
    model = load_model_file(model_path, torch_device)
    _check_vocabulary(model.config.vocab_size, tokenizer, model_path)
    scorer = RecurrentScorer(model, torch_device, quantize=quantize)
    if mixture:
        ngram = _load_ngram(directory, tokenizer)
        logger.info(
            "loaded %s language model from %s on %s, mixed with its %d-gram at weight %.3f",
            model.config.cell,
            directory,
            torch_device,
            ngram.order,
            weight,
        )
        return LoadedLanguageModel(
            tokenizer,
            MixtureScorer(scorer, NgramScorer(ngram), float(weight)),
            "mixture",
            directory,
            model=model,
            ngram=ngram,
            metrics=metrics,
        )
    logger.info("loaded %s language model from %s on %s", model.config.cell, directory, torch_device)
    return LoadedLanguageModel(tokenizer, scorer, "lstm", directory, model=model, metrics=metrics)


def _load_ngram(directory: Path, tokenizer: DocumentTokenizer) -> KneserNeyModel:
    ngram_path = directory / NGRAM_FILENAME
    if not ngram_path.is_file():
        raise FileNotFoundError(f"n-gram file not found: {ngram_path}; train a model into {directory} first")
    ngram = KneserNeyModel.load(ngram_path)
    _check_vocabulary(ngram.vocab_size, tokenizer, ngram_path)
    return ngram


def _check_vocabulary(vocab_size: int, tokenizer: DocumentTokenizer, path: Path) -> None:
    if vocab_size != tokenizer.vocab_size:
        raise ValueError(
            f"{path} has vocab_size={vocab_size} but the tokenizer has {tokenizer.vocab_size} pieces; "
            "the files come from different training runs, so retrain the model"
        )
