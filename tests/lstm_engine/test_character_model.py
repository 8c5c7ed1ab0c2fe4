"""Character-level model trained on raw text."""
from __future__ import annotations

import math

import pytest

from lstm_engine.character_model import CharacterTrainConfig, split_text, train_character_model

pytestmark = pytest.mark.usefixtures("one_thread")

TEXT = "the quick brown fox jumps over the lazy dog. " * 60


class CharacterModelTests:
    def test_split_keeps_order(self) -> None:
        train, validation = split_text("abcdefghij", 0.9)
        assert train == "abcdefghi"
        assert validation == "j"

    def test_loss_falls_below_uniform(self) -> None:
        train, validation = split_text(TEXT, 0.9)
        config = CharacterTrainConfig(batch_size=8, bptt=16, max_steps=60, max_seconds=60, learning_rate=1e-2)
        _, result = train_character_model(train, validation, train_config=config)
        assert result.steps == 60
        assert result.vocab_size == len(set(TEXT))
        assert result.val_loss < 0.5 * math.log(result.vocab_size)

    def test_same_seed_same_loss(self) -> None:
        train, validation = split_text(TEXT, 0.9)
        config = CharacterTrainConfig(batch_size=8, bptt=16, max_steps=10, max_seconds=60)
        _, first = train_character_model(train, validation, train_config=config)
        _, second = train_character_model(train, validation, train_config=config)
        assert first.val_loss == second.val_loss
