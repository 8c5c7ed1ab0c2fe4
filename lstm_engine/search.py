"""Hyperparameter search for the language model, on a wall-clock budget, with Optuna.

Every trial trains a tokenizer and a model on the same document split for the same
number of seconds, and is scored by validation bits per character, which stays
comparable across vocabulary sizes.
"""
from __future__ import annotations

import logging
import math
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from lstm_engine.config import LanguageModelConfig, TrainConfig
from lstm_engine.data import Document
from lstm_engine.training import train_language_model

logger = logging.getLogger(__name__)

SearchProgress = Callable[[int, int, str], None]

# Candidate values. Sizes stay within what trains in minutes on a CPU.
VOCAB_SIZES = (1000, 2000, 4000, 8000)
HIDDEN_SIZES = (128, 256, 384, 512)
EMBEDDING_SIZES = (64, 128, 256)
BATCH_SIZES = (16, 32, 64)
BPTT_LENGTHS = (32, 64)


@dataclass
class SearchResult:
    """Every trial's settings and scores, and the best trial's configurations."""

    trials: list[dict[str, Any]]
    best_trial: int | None
    best_bits_per_char: float | None
    best_model_config: dict[str, Any] | None
    best_train_config: dict[str, Any] | None
    sampler: str
    seconds: float
    ngram_bits_per_char: float | None = None
    notes: list[str] = field(default_factory=list)

    def as_metrics(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict of every field."""
        return asdict(self)


def search_language_model(
    documents: Sequence[Document],
    work_dir: str | Path,
    *,
    budget_seconds: float,
    trial_seconds: float,
    sampler: Literal["tpe", "random"] = "tpe",
    seed: int = 0,
    max_trials: int | None = None,
    base_train_config: TrainConfig | None = None,
    progress: SearchProgress | None = None,
) -> SearchResult:
    """Search model size and optimisation settings within ``budget_seconds``.

    Parameters
    ----------
    documents:
        Articles; the split into training and validation documents is the same for every trial.
    work_dir:
        Scratch directory; each trial trains in a subdirectory that is removed afterwards.
    budget_seconds:
        Wall-clock budget of the whole search. No trial starts after it has passed, and
        a started trial finishes.
    trial_seconds:
        Training budget of each trial.
    sampler:
        "tpe" for Bayesian optimisation (tree-structured Parzen estimator) or "random".
    seed:
        Seed of the sampler and of every trial's training.
    max_trials:
        Upper limit on the number of trials, or None for as many as the budget allows.
    base_train_config:
        Settings that the search does not vary (validation share, n-gram orders, ...).
    progress:
        Called as ``progress(trial, max_trials or 0, message)`` after each trial.

    Returns
    -------
    SearchResult
        The trial table, best first by bits per character among the finished trials.
    """
    import optuna

    if not budget_seconds > 0 or not trial_seconds > 0:
        raise ValueError(
            f"budget_seconds and trial_seconds must be positive, got {budget_seconds!r} and {trial_seconds!r}"
        )
    if sampler not in ("tpe", "random"):
        raise ValueError(f"sampler must be 'tpe' or 'random', got {sampler!r}")
    documents = list(documents)
    work_dir = Path(work_dir)
    base = base_train_config or TrainConfig()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(
        direction="minimize",
        sampler=optuna.samplers.TPESampler(seed=seed)
        if sampler == "tpe"
        else optuna.samplers.RandomSampler(seed=seed),
    )
    trials: list[dict[str, Any]] = []
    ngram_bpc: list[float] = []
    started = time.monotonic()

    def objective(trial: optuna.Trial) -> float:
        model_config, train_config = _suggest(trial, base, trial_seconds, seed)
        directory = work_dir / f"trial-{trial.number}"
        trial_started = time.monotonic()
        try:
            result = train_language_model(
                documents, directory, model_config=model_config, train_config=train_config
            )
        finally:
            shutil.rmtree(directory, ignore_errors=True)
        ngram_bpc.append(result.ngram_bits_per_char)
        row = {
            "number": trial.number,
            "params": dict(trial.params),
            "bits_per_char": result.val_bits_per_char,
            "perplexity": result.val_perplexity,
            "ngram_bits_per_char": result.ngram_bits_per_char,
            "vocab_size": result.model_config["vocab_size"],
            "steps": result.steps,
            "seconds": time.monotonic() - trial_started,
        }
        trials.append(row)
        logger.info(
            "search trial %d: %.4f bits per character with %s", trial.number, row["bits_per_char"], trial.params
        )
        if progress is not None:
            # Without a trial count, the budget bounds how many trials fit.
            expected = max_trials or max(1, int(budget_seconds // trial_seconds))
            progress(
                len(trials),
                max(expected, len(trials)),
                f"trial {trial.number}: {row['bits_per_char']:.3f} bits per character",
            )
        return result.val_bits_per_char

    def stop_when_budget_spent(study: optuna.Study, trial: optuna.trial.FrozenTrial) -> None:
        elapsed = time.monotonic() - started
        # Stop unless another trial of the same length still fits.
        if elapsed + trial_seconds > budget_seconds:
            study.stop()

    study.optimize(
        objective,
        n_trials=max_trials,
        timeout=budget_seconds,
        callbacks=[stop_when_budget_spent],
        catch=(RuntimeError, ValueError),
    )
    finished = [row for row in trials if math.isfinite(row["bits_per_char"])]
    finished.sort(key=lambda row: row["bits_per_char"])
    best = finished[0] if finished else None
    best_model_config = best_train_config = None
    if best is not None:
        model_config, train_config = _configs_from_params(best["params"], base, trial_seconds, seed)
        best_model_config, best_train_config = asdict(model_config), asdict(train_config)
    return SearchResult(
        trials=finished,
        best_trial=None if best is None else best["number"],
        best_bits_per_char=None if best is None else best["bits_per_char"],
        best_model_config=best_model_config,
        best_train_config=best_train_config,
        sampler=sampler,
        seconds=time.monotonic() - started,
        ngram_bits_per_char=min(ngram_bpc) if ngram_bpc else None,
    )


def _suggest(
    trial: Any, base: TrainConfig, trial_seconds: float, seed: int
) -> tuple[LanguageModelConfig, TrainConfig]:
    params = {
        "vocab_size": trial.suggest_categorical("vocab_size", VOCAB_SIZES),
        "hidden_size": trial.suggest_categorical("hidden_size", HIDDEN_SIZES),
        "embedding_size": trial.suggest_categorical("embedding_size", EMBEDDING_SIZES),
        "dropout": trial.suggest_float("dropout", 0.0, 0.5),
        "weight_drop": trial.suggest_float("weight_drop", 0.0, 0.5),
        "cell": trial.suggest_categorical("cell", ("lstm", "gru")),
        "learning_rate": trial.suggest_float("learning_rate", 2e-3, 3e-2, log=True),
        "batch_size": trial.suggest_categorical("batch_size", BATCH_SIZES),
        "bptt": trial.suggest_categorical("bptt", BPTT_LENGTHS),
    }
    return _configs_from_params(params, base, trial_seconds, seed)


def _configs_from_params(
    params: dict[str, Any], base: TrainConfig, trial_seconds: float, seed: int
) -> tuple[LanguageModelConfig, TrainConfig]:
    model_config = LanguageModelConfig(
        vocab_size=params["vocab_size"],
        embedding_size=params["embedding_size"],
        hidden_size=params["hidden_size"],
        num_layers=1,
        dropout=params["dropout"],
        embedding_dropout=0.0,
        weight_drop=params["weight_drop"],
        cell=params["cell"],
    )
    train_config = replace(
        base,
        learning_rate=params["learning_rate"],
        batch_size=params["batch_size"],
        bptt=params["bptt"],
        max_seconds=trial_seconds,
        early_stopping_patience=None,
        seed=seed,
    )
    return model_config, train_config
