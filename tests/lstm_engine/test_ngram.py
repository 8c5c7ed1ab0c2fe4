"""Tests for the interpolated modified Kneser-Ney n-gram model."""
from __future__ import annotations

import numpy as np
import pytest

from lstm_engine.ngram import KneserNeyModel, evaluate_ngram

VOCAB_SIZE = 12


@pytest.fixture(scope="module")
def stream() -> np.ndarray:
    generator = np.random.default_rng(0)
    patterned = np.tile(np.array([1, 2, 3, 4, 2, 3, 5]), 30)
    noise = generator.integers(1, 9, size=200)
    return np.concatenate([patterned, noise, patterned[:40]]).astype(np.int64)


@pytest.fixture(scope="module", params=[2, 3, 4])
def model(request: pytest.FixtureRequest, stream: np.ndarray) -> KneserNeyModel:
    return KneserNeyModel.fit(stream, request.param, VOCAB_SIZE, start_id=0)


class KneserNeyModelTests:
    @pytest.mark.parametrize("history", [[], [1], [2, 3], [1, 2, 3], [9, 10, 11], [11, 11, 11], [4, 2]])
    def test_distribution_sums_to_one(self, model: KneserNeyModel, history: list[int]) -> None:
        distribution = model.distribution(history)
        assert distribution.shape == (VOCAB_SIZE,)
        assert abs(distribution.sum() - 1.0) < 1e-9
        assert (distribution > 0).all()

    def test_pointwise_matches_distribution(self, model: KneserNeyModel, stream: np.ndarray) -> None:
        positions = np.arange(len(stream))
        pointwise = model.probabilities_at(stream, positions)
        for position in (0, 1, 5, 100, len(stream) - 1):
            expected = model.distribution(list(stream[:position]))[stream[position]]
            assert pointwise[position] == pytest.approx(expected, rel=1e-12)

    def test_frequent_continuation_is_likely(self, model: KneserNeyModel) -> None:
        distribution = model.distribution([1, 2, 3, 4])
        assert distribution.argmax() == 2

    def test_unseen_token_keeps_some_mass(self, model: KneserNeyModel) -> None:
        assert model.distribution([1, 2])[11] > 0

    def test_discounts_within_modified_bounds(self, model: KneserNeyModel) -> None:
        for level in model.levels:
            assert 0.0 <= level.discounts[1] <= 1.0
            assert 0.0 <= level.discounts[2] <= 2.0
            assert 0.0 <= level.discounts[3] <= 3.0

    def test_save_load_round_trip(self, model: KneserNeyModel, stream: np.ndarray, tmp_path) -> None:
        path = tmp_path / "ngram.npz"
        model.save(path)
        loaded = KneserNeyModel.load(path)
        positions = np.arange(len(stream))
        assert np.array_equal(loaded.probabilities_at(stream, positions), model.probabilities_at(stream, positions))

    def test_higher_order_fits_pattern_better(self, stream: np.ndarray) -> None:
        positions = np.arange(len(stream))
        bigram = evaluate_ngram(KneserNeyModel.fit(stream, 2, VOCAB_SIZE, 0), stream, positions)
        fourgram = evaluate_ngram(KneserNeyModel.fit(stream, 4, VOCAB_SIZE, 0), stream, positions)
        assert fourgram < bigram

    def test_out_of_vocabulary_ids_rejected(self) -> None:
        with pytest.raises(ValueError, match="outside"):
            KneserNeyModel.fit(np.array([1, 2, 99]), 3, VOCAB_SIZE, 0)

    def test_key_overflow_rejected(self) -> None:
        with pytest.raises(ValueError, match="overflows"):
            KneserNeyModel.fit(np.array([1, 2, 3]), 5, 10_000_000, 0)
