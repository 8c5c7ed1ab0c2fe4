"""Hyperparameter search on a time budget."""
from __future__ import annotations

from pathlib import Path

import pytest

from lstm_engine.config import TrainConfig
from lstm_engine.data import Document
from lstm_engine.search import search_language_model

pytestmark = pytest.mark.usefixtures("one_thread")


def tiny_base() -> TrainConfig:
    return TrainConfig(max_steps=4, eval_every=2, checkpoint_every=4, warmup_steps=1, ngram_orders=(2,))


class SearchTests:
    @pytest.mark.parametrize("sampler", ["tpe", "random"])
    def test_reports_every_trial(self, japanese_documents: list[Document], tmp_path: Path, sampler: str) -> None:
        result = search_language_model(
            japanese_documents,
            tmp_path,
            budget_seconds=120,
            trial_seconds=30,
            sampler=sampler,
            max_trials=2,
            base_train_config=tiny_base(),
        )
        assert len(result.trials) == 2
        assert result.best_bits_per_char == min(row["bits_per_char"] for row in result.trials)
        assert result.trials[0]["number"] == result.best_trial
        assert result.best_model_config is not None
        assert result.best_train_config["max_steps"] == 4
        assert result.ngram_bits_per_char > 0
        assert not any(tmp_path.iterdir())

    def test_budget_stops_the_search(self, japanese_documents: list[Document], tmp_path: Path) -> None:
        reports: list[tuple[int, int]] = []
        result = search_language_model(
            japanese_documents,
            tmp_path,
            budget_seconds=1,
            trial_seconds=5,
            base_train_config=tiny_base(),
            progress=lambda step, total, message: reports.append((step, total)),
        )
        assert len(result.trials) == 1
        # Without max_trials the budget sets the expected count, so the bar reaches its end.
        assert reports == [(1, 1)]

    def test_invalid_budget_rejected(self, japanese_documents: list[Document], tmp_path: Path) -> None:
        with pytest.raises(ValueError, match="budget_seconds"):
            search_language_model(japanese_documents, tmp_path, budget_seconds=0, trial_seconds=5)
