"""The adaptation benchmark of bench/: each method reads only the earlier tokens of an article."""
from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from lstm_engine.checkpoint import load_model_file
from lstm_engine.data import Document
from lstm_engine.training import LanguageModelTrainResult


@pytest.fixture(scope="module")
def bench(bench_script):
    return bench_script("lm_adaptation")


@pytest.fixture(scope="module")
def held_out(bench, trained_directory, japanese_documents, english_documents):
    return bench.held_out_articles(japanese_documents + english_documents, trained_directory[0])


def _changed_after(held_out, position: int):
    """The same held-out stream with every token after ``position`` replaced."""
    stream = held_out.stream.copy()
    stream[position + 1 :] = np.roll(stream[position + 1 :], 7)
    return replace(held_out, stream=stream)


class AdaptationBenchTests:
    def test_figures_cover_every_method(
        self,
        bench,
        trained_directory: tuple[Path, LanguageModelTrainResult],
        japanese_documents: list[Document],
        english_documents: list[Document],
    ) -> None:
        figures = bench.adaptation_figures(japanese_documents + english_documents, trained_directory[0])
        assert figures["held_out_articles"] == 4
        for key in (
            "lstm_bpc", "ngram_bpc", "lstm_continuous_cache_bpc", "ngram_document_cache_bpc",
            "lstm_document_cache_bpc", "lstm_dynamic_bpc",
        ):
            assert math.isfinite(figures[key]), key
            assert figures[key] > 0, key
        # The interpolation weights are chosen on the other half, so a cache may lose a
        # little on the reported half. Five percent is the tolerance.
        assert figures["lstm_continuous_cache_bpc"] < figures["lstm_bpc"] * 1.05
        assert figures["lstm_dynamic_learning_rate"] in bench.DYNAMIC_LEARNING_RATES

    def test_caches_ignore_later_tokens(self, bench, trained_directory, held_out) -> None:
        model = load_model_file(trained_directory[0] / "model.pt")
        position = held_out.document_starts[1] + 20
        changed = _changed_after(held_out, position)
        _, states = bench.lstm_states(model, held_out)
        _, changed_states = bench.lstm_states(model, changed)
        np.testing.assert_allclose(
            bench.continuous_cache(states, held_out, 8.0)[:position],
            bench.continuous_cache(changed_states, changed, 8.0)[:position],
            atol=1e-6,
        )
        np.testing.assert_array_equal(
            bench.document_ngram_cache(held_out)[:position], bench.document_ngram_cache(changed)[:position]
        )
        dynamic = bench.dynamic_evaluation(model, held_out, 1.0, fit=True)
        changed_dynamic = bench.dynamic_evaluation(model, changed, 1.0, fit=True)
        # Each segment is scored before the step that learns from it.
        np.testing.assert_allclose(dynamic[:position], changed_dynamic[:position], atol=1e-5)

    def test_document_cache_predicts_repeats(self, bench, held_out) -> None:
        first, end = held_out.document_starts[0], held_out.document_starts[1]
        passage = held_out.stream[first:end].copy()
        stream = np.concatenate([held_out.stream[:end], passage, held_out.stream[end:]])
        starts = [first] + [start + len(passage) for start in held_out.document_starts[1:]]
        repeated = replace(held_out, stream=stream, document_starts=starts)
        cache = bench.document_ngram_cache(repeated)
        # Once its first few tokens are read, the second copy is far more likely than the first.
        first_copy = cache[first + 3 : end - 1]
        second_copy = cache[end + 3 : end + len(passage) - 1]
        assert second_copy.mean() > 0.5
        assert second_copy.mean() > 3 * first_copy.mean()
        assert cache[first - 1] == 0.0

    def test_zero_rate_matches_static_scores(
        self, bench, trained_directory, held_out
    ) -> None:
        model = load_model_file(trained_directory[0] / "model.pt")
        static, _ = bench.lstm_states(model, held_out)
        unchanged = bench.dynamic_evaluation(model, held_out, 0.0, fit=False)
        report = held_out.report
        np.testing.assert_allclose(unchanged[report], static[report], atol=1e-4)
        assert np.all(unchanged[held_out.fit] == 0.0)
