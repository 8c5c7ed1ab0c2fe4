"""Tests for model files, training checkpoints and loading models for generation."""
from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

from lstm_engine.checkpoint import (
    capture_rng_state,
    load_language_model,
    load_model_file,
    load_payload,
    restore_rng_state,
    save_atomically,
)
from lstm_engine.sampling import MixtureScorer
from lstm_engine.training import LanguageModelTrainResult

pytestmark = pytest.mark.usefixtures("one_thread")


class LoadLanguageModelTests:
    def test_two_loads_give_identical_outputs(self, trained_directory: tuple[Path, LanguageModelTrainResult]) -> None:
        directory, _ = trained_directory
        first = load_language_model(directory)
        second = load_language_model(directory)
        ids = first.tokenizer.encode("Good coffee at home")
        first_log_probs = first.scorer.next_log_probs(first.scorer.start(ids))
        second_log_probs = second.scorer.next_log_probs(second.scorer.start(ids))
        assert torch.equal(first_log_probs, second_log_probs)

    def test_model_file_holds_best_weights(self, trained_directory: tuple[Path, LanguageModelTrainResult]) -> None:
        directory, _ = trained_directory
        model = load_model_file(directory / "model.pt")
        best = load_payload(directory / "checkpoint.pt")["best_state"]
        for name, tensor in model.state_dict().items():
            assert torch.equal(tensor, best[name]), name

    def test_loaded_model_is_in_eval_mode(self, trained_directory: tuple[Path, LanguageModelTrainResult]) -> None:
        loaded = load_language_model(trained_directory[0])
        assert loaded.kind == "lstm"
        assert loaded.model is not None
        assert not loaded.model.training

    def test_baseline_loads_from_npz(self, trained_directory: tuple[Path, LanguageModelTrainResult]) -> None:
        directory, result = trained_directory
        loaded = load_language_model(directory, use_baseline=True)
        assert loaded.kind == "ngram"
        assert loaded.ngram is not None
        assert loaded.ngram.order == result.ngram_order

    def test_auto_follows_recorded_comparison(self, trained_directory: tuple[Path, LanguageModelTrainResult]) -> None:
        directory, result = trained_directory
        loaded = load_language_model(directory, use_baseline="auto")
        assert loaded.kind == ("lstm" if result.beats_baseline else "ngram")

    def test_mixture_uses_recorded_weight(self, trained_directory: tuple[Path, LanguageModelTrainResult]) -> None:
        directory, result = trained_directory
        loaded = load_language_model(directory, mixture=True)
        assert loaded.kind == "mixture"
        assert isinstance(loaded.scorer, MixtureScorer)
        assert loaded.scorer.weight == result.mixture_weight
        assert loaded.model is not None
        assert loaded.ngram is not None

    def test_mixture_auto_follows_recorded_comparison(
        self, trained_directory: tuple[Path, LanguageModelTrainResult]
    ) -> None:
        directory, result = trained_directory
        loaded = load_language_model(directory, mixture="auto")
        assert loaded.kind == ("mixture" if result.mixture_beats_both else "lstm")

    def test_baseline_wins_over_mixture(self, trained_directory: tuple[Path, LanguageModelTrainResult]) -> None:
        loaded = load_language_model(trained_directory[0], use_baseline=True, mixture=True)
        assert loaded.kind == "ngram"

    def test_mixture_without_recorded_weight_rejected(
        self, trained_directory: tuple[Path, LanguageModelTrainResult], tmp_path: Path
    ) -> None:
        directory, _ = trained_directory
        for name in ("tokenizer.model", "model.pt", "ngram.npz"):
            shutil.copy(directory / name, tmp_path / name)
        (tmp_path / "metrics.json").write_text(json.dumps({"beats_baseline": True}), encoding="utf-8")
        with pytest.raises(ValueError, match="no mixture_weight"):
            load_language_model(tmp_path, mixture=True)
        assert load_language_model(tmp_path, mixture="auto").kind == "lstm"

    def test_missing_directory_raises(self, tmp_path: Path) -> None:
        with pytest.raises(FileNotFoundError, match="tokenizer file not found"):
            load_language_model(tmp_path)

    def test_mismatched_tokenizer_rejected(
        self, trained_directory: tuple[Path, LanguageModelTrainResult], tmp_path: Path
    ) -> None:
        directory, _ = trained_directory
        shutil.copy(directory / "model.pt", tmp_path / "model.pt")
        from lstm_engine.tokenizer import train_tokenizer

        train_tokenizer(["alpha beta gamma", "デルタ"], vocab_size=300).save(tmp_path / "tokenizer.model")
        with pytest.raises(ValueError, match="different training runs"):
            load_language_model(tmp_path)


class RngStateTests:
    def test_restore_repeats_random_draws(self) -> None:
        state = capture_rng_state()
        first = (torch.rand(3), np.random.rand(3), random.random())
        restore_rng_state(state)
        second = (torch.rand(3), np.random.rand(3), random.random())
        assert torch.equal(first[0], second[0])
        assert np.array_equal(first[1], second[1])
        assert first[2] == second[2]

    def test_state_survives_weights_only_load(self, tmp_path: Path) -> None:
        path = tmp_path / "rng.pt"
        save_atomically({"rng": capture_rng_state()}, path)
        expected = torch.rand(2)
        restore_rng_state(load_payload(path)["rng"])
        assert torch.equal(torch.rand(2), expected)
