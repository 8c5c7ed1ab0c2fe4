"""Tests for language-model training, evaluation, checkpointing and resuming."""
from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch

from lstm_engine.config import LanguageModelConfig, TrainConfig
from lstm_engine.data import Document, split_documents
from lstm_engine.device import cpu_has_native_bfloat16
from lstm_engine.training import (
    LanguageModelTrainResult,
    NgramBaselines,
    _activation_penalty,
    _fit_mixture,
    _mixture_fit_end,
    _fingerprint_settings,
    _run_fingerprint,
    train_language_model,
)


class InterruptTraining(Exception):
    """Raised from the progress callback to simulate a killed worker."""


class TrainLanguageModelTests:
    def test_result_reports_both_models(self, trained_directory: tuple[Path, LanguageModelTrainResult]) -> None:
        _, result = trained_directory
        assert result.val_perplexity == pytest.approx(math.exp(result.val_loss))
        assert result.ngram_perplexity > 1.0
        assert result.ngram_order in (3, 4)
        assert result.beats_baseline == (result.val_perplexity < result.ngram_perplexity)
        assert result.val_bits_per_char > 0
        assert result.ngram_bits_per_char > 0

    def test_mixture_scored_on_separate_half(
        self, trained_directory: tuple[Path, LanguageModelTrainResult]
    ) -> None:
        _, result = trained_directory
        assert result.mixture_weight is not None
        assert 0.0 <= result.mixture_weight <= 1.0
        assert result.mixture_fit_tokens > 0
        assert result.mixture_report_tokens > 0
        assert result.mixture_fit_tokens + result.mixture_report_tokens == result.validation_tokens
        assert result.mixture_perplexity is not None and result.mixture_perplexity > 1.0

    def test_mixture_comparison_matches_scores(
        self, trained_directory: tuple[Path, LanguageModelTrainResult]
    ) -> None:
        _, result = trained_directory
        assert result.mixture_bits_per_char is not None
        assert result.mixture_lstm_bits_per_char is not None
        assert result.mixture_ngram_bits_per_char is not None
        best_part = min(result.mixture_lstm_bits_per_char, result.mixture_ngram_bits_per_char)
        assert result.mixture_beats_both == (result.mixture_bits_per_char < best_part)

    def test_unigram_output_bias_sets_initial_bias(
        self,
        tmp_path: Path,
        japanese_documents: list[Document],
        tiny_model_config: Callable[[], LanguageModelConfig],
        tiny_train_config: Callable[..., TrainConfig],
    ) -> None:
        train_config = tiny_train_config(max_steps=1, learning_rate=1e-9, warmup_steps=0, unigram_output_bias=True)
        train_language_model(
            japanese_documents, tmp_path, model_config=tiny_model_config(), train_config=train_config
        )
        bias = torch.load(tmp_path / "model.pt", weights_only=True)["state_dict"]["decoder.bias"]
        assert float(torch.logsumexp(bias.double(), dim=0)) == pytest.approx(0.0, abs=1e-3)
        assert float(bias.max() - bias.min()) > 1.0

    def test_result_counts_steps_and_tokens(self, trained_directory: tuple[Path, LanguageModelTrainResult]) -> None:
        _, result = trained_directory
        assert result.steps == 150
        assert result.total_steps == 150
        assert result.train_tokens > result.validation_tokens > 0
        assert result.model_config["vocab_size"] >= 256

    def test_metrics_are_json_serialisable(self, trained_directory: tuple[Path, LanguageModelTrainResult]) -> None:
        directory, result = trained_directory
        metrics = result.as_metrics()
        assert json.loads(json.dumps(metrics)) == metrics
        assert json.loads((directory / "metrics.json").read_text()) == metrics

    def test_output_files_written(self, trained_directory: tuple[Path, LanguageModelTrainResult]) -> None:
        directory, _ = trained_directory
        for name in ("tokenizer.model", "model.pt", "checkpoint.pt", "ngram.npz", "metrics.json"):
            assert (directory / name).is_file(), name

    def test_validation_loss_improves(
        self,
        tmp_path: Path,
        japanese_documents: list[Document],
        english_documents: list[Document],
        tiny_model_config: Callable[[], LanguageModelConfig],
        tiny_train_config: Callable[..., TrainConfig],
    ) -> None:
        messages: list[tuple[int, int, str]] = []
        train_language_model(
            japanese_documents + english_documents,
            tmp_path,
            model_config=tiny_model_config(),
            train_config=tiny_train_config(max_steps=80, eval_every=10),
            progress=lambda step, total, message: messages.append((step, total, message)),
        )
        checkpoint = torch.load(tmp_path / "checkpoint.pt", weights_only=True)
        losses = [entry["val_loss"] for entry in checkpoint["history"]]
        assert min(losses[1:]) < losses[0]
        assert any("val loss" in message for _, _, message in messages)
        assert [step for step, _, _ in messages] == sorted(step for step, _, _ in messages)
        assert all(total == 80 for _, total, _ in messages)

    @pytest.mark.skipif(not cpu_has_native_bfloat16(), reason="this CPU has no native bfloat16 instructions")
    def test_bfloat16_run_learns_and_keeps_float32_weights(
        self,
        tmp_path: Path,
        japanese_documents: list[Document],
        english_documents: list[Document],
        tiny_model_config: Callable[[], LanguageModelConfig],
        tiny_train_config: Callable[..., TrainConfig],
    ) -> None:
        train_language_model(
            japanese_documents + english_documents,
            tmp_path,
            model_config=tiny_model_config(),
            train_config=tiny_train_config(max_steps=80, eval_every=10, cpu_mixed_precision=True),
        )
        checkpoint = torch.load(tmp_path / "checkpoint.pt", weights_only=True)
        losses = [entry["val_loss"] for entry in checkpoint["history"]]
        assert min(losses[1:]) < losses[0]
        assert all(tensor.dtype == torch.float32 for tensor in checkpoint["model_state"].values())
        assert all(tensor.dtype == torch.float32 for tensor in checkpoint["hidden"])

    @pytest.mark.parametrize(
        "cpu_mixed_precision",
        [
            False,
            pytest.param(
                True,
                marks=pytest.mark.skipif(
                    not cpu_has_native_bfloat16(), reason="this CPU has no native bfloat16 instructions"
                ),
            ),
        ],
        ids=["float32", "bfloat16"],
    )
    def test_resumed_run_matches_uninterrupted(
        self,
        tmp_path: Path,
        japanese_documents: list[Document],
        english_documents: list[Document],
        tiny_model_config: Callable[[], LanguageModelConfig],
        tiny_train_config: Callable[..., TrainConfig],
        cpu_mixed_precision: bool,
    ) -> None:
        documents = japanese_documents[:6] + english_documents[:6]
        config = tiny_train_config(
            max_steps=60,
            eval_every=10,
            checkpoint_every=20,
            early_stopping_patience=3,
            weight_average_decay=0.9,
            cpu_mixed_precision=cpu_mixed_precision,
        )
        reference = train_language_model(
            documents, tmp_path / "straight", model_config=tiny_model_config(), train_config=config
        )

        def interrupt(step: int, total: int, message: str) -> None:
            if step == 47:
                raise InterruptTraining(message)

        with pytest.raises(InterruptTraining):
            train_language_model(
                documents,
                tmp_path / "resumed",
                model_config=tiny_model_config(),
                train_config=config,
                progress=interrupt,
            )
        interrupted = torch.load(tmp_path / "resumed" / "checkpoint.pt", weights_only=True)
        assert interrupted["schedule_state"]["step"] == 40

        resumed = train_language_model(
            documents, tmp_path / "resumed", model_config=tiny_model_config(), train_config=config
        )
        straight_weights = torch.load(tmp_path / "straight" / "model.pt", weights_only=True)["state_dict"]
        resumed_weights = torch.load(tmp_path / "resumed" / "model.pt", weights_only=True)["state_dict"]
        assert resumed.steps == reference.steps
        assert resumed.val_loss == reference.val_loss
        for name, tensor in straight_weights.items():
            assert torch.equal(tensor, resumed_weights[name]), name
        straight_final = torch.load(tmp_path / "straight" / "checkpoint.pt", weights_only=True)["model_state"]
        resumed_final = torch.load(tmp_path / "resumed" / "checkpoint.pt", weights_only=True)["model_state"]
        for name, tensor in straight_final.items():
            assert torch.equal(tensor, resumed_final[name]), name

    def test_changed_settings_start_fresh(
        self,
        tmp_path: Path,
        english_documents: list[Document],
        tiny_model_config: Callable[[], LanguageModelConfig],
        tiny_train_config: Callable[..., TrainConfig],
    ) -> None:
        train_language_model(
            english_documents, tmp_path, model_config=tiny_model_config(), train_config=tiny_train_config(max_steps=20)
        )
        result = train_language_model(
            english_documents,
            tmp_path,
            model_config=tiny_model_config(),
            train_config=tiny_train_config(max_steps=30, learning_rate=1e-3),
        )
        assert result.steps == 30

    def test_early_stopping_ends_before_total(
        self,
        tmp_path: Path,
        english_documents: list[Document],
        tiny_model_config: Callable[[], LanguageModelConfig],
        tiny_train_config: Callable[..., TrainConfig],
    ) -> None:
        result = train_language_model(
            english_documents,
            tmp_path,
            model_config=tiny_model_config(),
            train_config=tiny_train_config(
                max_steps=400, eval_every=5, early_stopping_patience=1, learning_rate=0.05, warmup_steps=0
            ),
        )
        assert result.stop_reason == "early_stopping"
        assert result.steps < result.total_steps

    def test_early_stopping_waits_for_the_decay(
        self,
        tmp_path: Path,
        english_documents: list[Document],
        tiny_model_config: Callable[[], LanguageModelConfig],
        tiny_train_config: Callable[..., TrainConfig],
    ) -> None:
        settings = dict(max_steps=400, eval_every=5, early_stopping_patience=1, learning_rate=0.05, warmup_steps=0)
        impatient = train_language_model(
            english_documents, tmp_path / "impatient", model_config=tiny_model_config(),
            train_config=tiny_train_config(**settings),
        )
        waiting = train_language_model(
            english_documents, tmp_path / "waiting", model_config=tiny_model_config(),
            train_config=tiny_train_config(**settings, early_stopping_after=0.5),
        )
        assert impatient.steps < 200
        # Without a time budget the decay follows the steps, so half of it is step 200.
        assert waiting.steps >= 200

    def test_time_budget_stops_training(
        self,
        tmp_path: Path,
        english_documents: list[Document],
        tiny_model_config: Callable[[], LanguageModelConfig],
        tiny_train_config: Callable[..., TrainConfig],
    ) -> None:
        result = train_language_model(
            english_documents,
            tmp_path,
            model_config=tiny_model_config(),
            train_config=tiny_train_config(max_steps=100_000, max_seconds=1.0),
        )
        assert result.stop_reason == "time_budget"
        assert result.steps < 100_000

    def test_second_cell_reuses_the_ngram_baseline(
        self,
        tmp_path: Path,
        english_documents: list[Document],
        tiny_model_config: Callable[[], LanguageModelConfig],
        tiny_train_config: Callable[..., TrainConfig],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        from lstm_engine import ngram

        fitted_orders: list[int] = []
        fit = ngram.KneserNeyModel.fit.__func__

        def counting_fit(cls, stream, order, vocab_size, start_id):
            fitted_orders.append(order)
            return fit(cls, stream, order, vocab_size, start_id)

        monkeypatch.setattr(ngram.KneserNeyModel, "fit", classmethod(counting_fit))
        baselines = NgramBaselines()
        phases: list[str] = []
        results = [
            train_language_model(
                english_documents,
                tmp_path / cell,
                model_config=replace(tiny_model_config(), cell=cell),
                train_config=tiny_train_config(max_steps=4, ngram_orders=(2, 3)),
                on_phase=phases.append,
                baselines=baselines,
            )
            for cell in ("lstm", "gru")
        ]

        assert fitted_orders == [2, 3]
        assert phases == ["ngram_baseline"]
        assert len(baselines) == 1
        assert results[0].ngram_bits_per_char == results[1].ngram_bits_per_char
        assert results[0].ngram_order == results[1].ngram_order
        assert (tmp_path / "gru" / "ngram.npz").read_bytes() == (tmp_path / "lstm" / "ngram.npz").read_bytes()

    def test_baseline_of_other_tokens_is_fitted_again(
        self,
        tmp_path: Path,
        english_documents: list[Document],
        japanese_documents: list[Document],
        tiny_model_config: Callable[[], LanguageModelConfig],
        tiny_train_config: Callable[..., TrainConfig],
    ) -> None:
        baselines = NgramBaselines()
        phases: list[str] = []
        for name, documents in (("en", english_documents), ("ja", japanese_documents)):
            train_language_model(
                documents,
                tmp_path / name,
                model_config=tiny_model_config(),
                train_config=tiny_train_config(max_steps=2, ngram_orders=(2,)),
                on_phase=phases.append,
                baselines=baselines,
            )

        assert phases == ["ngram_baseline", "ngram_baseline"]
        assert len(baselines) == 2

    def test_single_document_rejected(
        self,
        tmp_path: Path,
        english_documents: list[Document],
        tiny_model_config: Callable[[], LanguageModelConfig],
        tiny_train_config: Callable[..., TrainConfig],
    ) -> None:
        with pytest.raises(ValueError, match="at least 2 documents"):
            train_language_model(english_documents[:1], tmp_path, train_config=tiny_train_config())


class ActivationPenaltyTests:
    def test_penalty_is_zero_when_off(self) -> None:
        outputs = torch.randn(2, 5, 4)
        assert float(_activation_penalty(outputs, outputs, TrainConfig())) == 0.0

    def test_activation_term_reads_dropped_outputs(self) -> None:
        outputs = torch.zeros(2, 5, 4)
        dropped = torch.full((2, 5, 4), 2.0)
        penalty = _activation_penalty(outputs, dropped, TrainConfig(activation_regularization=0.5))
        assert float(penalty) == pytest.approx(0.5 * 4.0)

    def test_temporal_term_reads_step_changes(self) -> None:
        # Outputs that grow by 3 at each time step: every squared change is 9.
        outputs = torch.arange(5, dtype=torch.float32).mul(3).reshape(1, 5, 1).expand(2, 5, 4)
        constant = torch.ones(2, 5, 4)
        penalty = _activation_penalty(outputs, constant, TrainConfig(temporal_activation_regularization=2.0))
        assert float(penalty) == pytest.approx(2.0 * 9.0)
        assert float(_activation_penalty(constant, constant, TrainConfig(temporal_activation_regularization=2.0))) == 0.0

    def test_penalised_training_runs(
        self,
        tmp_path: Path,
        english_documents: list[Document],
        tiny_model_config: Callable[[], LanguageModelConfig],
        tiny_train_config: Callable[..., TrainConfig],
    ) -> None:
        result = train_language_model(
            english_documents,
            tmp_path,
            model_config=replace(tiny_model_config(), input_dropout=0.5),
            train_config=tiny_train_config(
                max_steps=20, activation_regularization=2.0, temporal_activation_regularization=1.0
            ),
        )
        assert result.steps == 20
        assert math.isfinite(result.val_loss)

    def test_settings_left_off_keep_the_fingerprint(self, english_documents: list[Document]) -> None:
        model_config = LanguageModelConfig(vocab_size=64)
        plain = _run_fingerprint(english_documents, [], model_config, TrainConfig())
        penalised = _run_fingerprint(english_documents, [], model_config, TrainConfig(activation_regularization=1.0))
        assert plain != penalised
        covered = _fingerprint_settings(model_config, TrainConfig())
        assert "activation_regularization" not in covered["train_config"]
        assert "temporal_activation_regularization" not in covered["train_config"]
        assert "input_dropout" not in covered["model_config"]


class SplitDocumentsTests:
    def test_split_ignores_input_order(self, japanese_documents: list[Document]) -> None:
        forward = split_documents(japanese_documents, 0.2, seed=1)
        backward = split_documents(list(reversed(japanese_documents)), 0.2, seed=1)
        assert [d.title for d in forward[1]] == [d.title for d in backward[1]]
        assert [d.title for d in forward[0]] == [d.title for d in backward[0]]

    def test_split_depends_on_seed(self, japanese_documents: list[Document]) -> None:
        splits = {tuple(d.title for d in split_documents(japanese_documents, 0.3, seed)[1]) for seed in range(5)}
        assert len(splits) > 1

    def test_split_holds_out_whole_documents(self, japanese_documents: list[Document]) -> None:
        train, validation = split_documents(japanese_documents, 0.2, seed=0)
        assert len(validation) == 2
        assert len(train) + len(validation) == len(japanese_documents)
        assert not {d.title for d in train} & {d.title for d in validation}


class MixtureSplitTests:
    def test_split_falls_on_nearest_document_boundary(self) -> None:
        assert _mixture_fit_end([40, 30, 30, 100]) == 100
        assert _mixture_fit_end([10, 10, 200, 10]) == 20

    def test_single_document_split_in_middle(self) -> None:
        assert _mixture_fit_end([101]) == 50

    def test_weight_ignores_reported_half(self) -> None:
        generator = np.random.default_rng(3)
        positions = np.arange(1, 401)
        lstm = np.log(generator.uniform(0.01, 1.0, 400))
        ngram = np.log(generator.uniform(0.01, 1.0, 400))
        lengths = np.ones(400, dtype=np.int64)
        first = _fit_mixture(lstm, ngram, positions=positions, target_lengths=lengths, fit_end=200)
        changed = lstm.copy()
        changed[positions >= 200] = np.log(0.999)
        second = _fit_mixture(changed, ngram, positions=positions, target_lengths=lengths, fit_end=200)
        assert first["mixture_weight"] == second["mixture_weight"]
        assert first["mixture_fit_tokens"] == 199
        assert first["mixture_report_tokens"] == 201
        assert second["mixture_bits_per_char"] < first["mixture_bits_per_char"]

    def test_empty_reported_half_skips_mixture(self) -> None:
        lstm = np.log(np.full(300, 0.5))
        ngram = np.log(np.full(300, 0.25))
        fitted = _fit_mixture(
            lstm, ngram, positions=np.arange(300), target_lengths=np.ones(300, dtype=np.int64), fit_end=300
        )
        assert fitted == {}
