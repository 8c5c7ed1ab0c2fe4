"""Tests for token selection and the scorer protocol."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from lstm_engine.checkpoint import LoadedLanguageModel
from lstm_engine.config import LanguageModelConfig
from lstm_engine.language_model import RecurrentLanguageModel
from lstm_engine.sampling import (
    DecodingConfig,
    MixtureScorer,
    NgramScorer,
    NoRepeatIndex,
    RecurrentScorer,
    filter_top_k_top_p,
    fit_mixture_weight,
    mixture_log_likelihood,
    select_token,
)

pytestmark = pytest.mark.usefixtures("one_thread")


def sample_sequence(
    model: LoadedLanguageModel, config: DecodingConfig, seed: int, length: int = 40
) -> list[int]:
    """Sample ``length`` tokens after a title symbol, with the repetition window of ``config``."""
    tokenizer = model.tokenizer
    scorer = model.scorer
    state = scorer.start([tokenizer.end_id, tokenizer.keywords_id, tokenizer.title_id])
    allowed = torch.ones(tokenizer.vocab_size, dtype=torch.bool)
    for piece_id in tokenizer.structure_ids | tokenizer.special_ids:
        allowed[piece_id] = False
    generator = torch.Generator().manual_seed(seed)
    tokens: list[int] = []
    for _ in range(length):
        token = select_token(
            scorer.next_log_probs(state),
            config,
            generator,
            recent_tokens=tokens[-config.repetition_window :],
            allowed_mask=allowed,
        )
        tokens.append(token)
        state = scorer.advance(state, [token])
    return tokens


def fake_log_probs(vocab_size: int = 30, seed: int = 0) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return torch.log_softmax(torch.randn(vocab_size, generator=generator) * 2.0, dim=-1)


class SelectTokenTests:
    def test_same_seed_same_sequence(self, loaded_model: LoadedLanguageModel) -> None:
        config = DecodingConfig(temperature=1.0)
        assert sample_sequence(loaded_model, config, seed=5) == sample_sequence(loaded_model, config, seed=5)

    def test_different_seeds_differ(self, loaded_model: LoadedLanguageModel) -> None:
        config = DecodingConfig(temperature=1.0)
        assert sample_sequence(loaded_model, config, seed=5) != sample_sequence(loaded_model, config, seed=6)

    def test_greedy_is_deterministic(self, loaded_model: LoadedLanguageModel) -> None:
        config = DecodingConfig(greedy=True, repetition_penalty=1.0)
        assert sample_sequence(loaded_model, config, seed=1) == sample_sequence(loaded_model, config, seed=2)

    def test_greedy_picks_argmax(self) -> None:
        log_probs = fake_log_probs()
        token = select_token(log_probs, DecodingConfig(greedy=True), torch.Generator())
        assert token == int(torch.argmax(log_probs))

    def test_top_k_stays_within_top_k(self) -> None:
        config = DecodingConfig(temperature=5.0, top_k=3, top_p=1.0, repetition_penalty=1.0)
        generator = torch.Generator().manual_seed(0)
        for seed in range(20):
            log_probs = fake_log_probs(seed=seed)
            top = set(torch.topk(log_probs, 3).indices.tolist())
            for _ in range(25):
                assert select_token(log_probs, config, generator) in top

    def test_top_p_keeps_smallest_nucleus(self) -> None:
        logits = torch.log(torch.tensor([0.5, 0.3, 0.15, 0.05]))
        filtered = filter_top_k_top_p(logits, top_k=0, top_p=0.7)
        assert torch.isfinite(filtered).tolist() == [True, True, False, False]

    def test_top_p_always_keeps_best(self) -> None:
        logits = torch.log(torch.tensor([0.9, 0.05, 0.05]))
        filtered = filter_top_k_top_p(logits, top_k=0, top_p=0.1)
        assert torch.isfinite(filtered).tolist() == [True, False, False]

    def test_repetition_penalty_lowers_repeats(self, loaded_model: LoadedLanguageModel) -> None:
        def repeat_rate(penalty: float) -> float:
            config = DecodingConfig(temperature=0.7, top_k=0, top_p=1.0, repetition_penalty=penalty)
            repeats = 0
            total = 0
            for seed in range(8):
                tokens = sample_sequence(loaded_model, config, seed=seed, length=40)
                repeats += len(tokens) - len(set(tokens))
                total += len(tokens)
            return repeats / total

        assert repeat_rate(1.6) < repeat_rate(1.0)

    def test_banned_tokens_never_chosen(self) -> None:
        log_probs = fake_log_probs()
        best = int(torch.argmax(log_probs))
        token = select_token(log_probs, DecodingConfig(greedy=True), torch.Generator(), banned=[best])
        assert token != best

    def test_bonus_can_change_choice(self) -> None:
        log_probs = fake_log_probs()
        worst = int(torch.argmin(log_probs))
        bonus = torch.zeros_like(log_probs)
        bonus[worst] = 100.0
        assert select_token(log_probs, DecodingConfig(greedy=True), torch.Generator(), bonus=bonus) == worst

    def test_everything_banned_raises(self) -> None:
        mask = torch.zeros(30, dtype=torch.bool)
        with pytest.raises(ValueError, match="every token is banned"):
            select_token(fake_log_probs(), DecodingConfig(), torch.Generator(), allowed_mask=mask)


class DecodingConfigTests:
    @pytest.mark.parametrize("temperature", [0.0, -1.0])
    def test_non_positive_temperature_rejected(self, temperature: float) -> None:
        with pytest.raises(ValueError, match="temperature must be > 0"):
            DecodingConfig(temperature=temperature)

    def test_invalid_top_p_rejected(self) -> None:
        with pytest.raises(ValueError, match="top_p"):
            DecodingConfig(top_p=0.0)

    def test_no_repeat_size_one_rejected(self) -> None:
        with pytest.raises(ValueError, match="no_repeat_ngram_size"):
            DecodingConfig(no_repeat_ngram_size=1)


class NoRepeatIndexTests:
    def test_bans_completion_of_seen_ngram(self) -> None:
        index = NoRepeatIndex(3)
        for token in [1, 2, 3, 4, 1, 2]:
            index.add(token)
        assert index.banned() == {3}

    def test_nothing_banned_for_new_prefix(self) -> None:
        index = NoRepeatIndex(3)
        for token in [1, 2, 3, 2, 1]:
            index.add(token)
        assert index.banned() == set()


class ScorerTests:
    def test_incremental_steps_match_full_run(self, loaded_model: LoadedLanguageModel) -> None:
        scorer = loaded_model.scorer
        assert isinstance(scorer, RecurrentScorer)
        ids = loaded_model.tokenizer.encode("自宅でコーヒーを淹れる")
        full = scorer.start(ids)
        state = scorer.start(ids[:1])
        for token in ids[1:]:
            state = scorer.advance(state, [token])
        assert torch.allclose(scorer.next_log_probs(state), scorer.next_log_probs(full), atol=1e-5)

    def test_states_are_not_mutated(self, loaded_model: LoadedLanguageModel) -> None:
        scorer = loaded_model.scorer
        state = scorer.start([loaded_model.tokenizer.end_id])
        before = scorer.next_log_probs(state).clone()
        scorer.advance(state, [loaded_model.tokenizer.title_id])
        assert torch.equal(scorer.next_log_probs(state), before)

    @pytest.mark.parametrize("fixture_name", ["loaded_model", "loaded_baseline"])
    def test_log_probs_normalised(self, fixture_name: str, request: pytest.FixtureRequest) -> None:
        model: LoadedLanguageModel = request.getfixturevalue(fixture_name)
        state = model.scorer.start([model.tokenizer.end_id, model.tokenizer.keywords_id])
        log_probs = model.scorer.next_log_probs(state)
        assert log_probs.shape == (model.tokenizer.vocab_size,)
        assert math.isclose(float(torch.logsumexp(log_probs.double(), dim=0)), 0.0, abs_tol=1e-4)

    def test_baseline_matches_ngram_distribution(self, loaded_baseline: LoadedLanguageModel) -> None:
        ngram = loaded_baseline.ngram
        assert ngram is not None
        history = [loaded_baseline.tokenizer.end_id, loaded_baseline.tokenizer.keywords_id]
        state = loaded_baseline.scorer.start(history)
        expected = np.log(ngram.distribution(history))
        assert np.allclose(loaded_baseline.scorer.next_log_probs(state).numpy(), expected, atol=1e-5)


class RecurrentStepperTests:
    @pytest.mark.parametrize(
        ("cell", "num_layers", "embedding_size"), [("lstm", 2, 16), ("gru", 2, 16), ("lstm", 1, 24)]
    )
    def test_steps_match_model(self, cell: str, num_layers: int, embedding_size: int) -> None:
        torch.manual_seed(0)
        config = LanguageModelConfig(
            vocab_size=50, embedding_size=embedding_size, hidden_size=24, num_layers=num_layers, cell=cell
        )
        model = RecurrentLanguageModel(config).eval()
        ids = [3, 9, 4, 17, 30, 2]
        with torch.no_grad():
            expected = torch.log_softmax(model(torch.tensor([ids]))[0][0, -1], dim=-1)
        scorer = RecurrentScorer(model)
        state = scorer.start(ids[:2])
        for token in ids[2:]:
            state = scorer.advance(state, [token])
        assert torch.allclose(scorer.next_log_probs(state), expected, atol=1e-5)

    def test_quantized_output_stays_close(self) -> None:
        torch.manual_seed(0)
        model = RecurrentLanguageModel(LanguageModelConfig(vocab_size=200, embedding_size=32, hidden_size=32)).eval()
        exact = RecurrentScorer(model)
        quantized = RecurrentScorer(model, quantize=True)
        ids = [5, 8, 13, 21]
        difference = (exact.next_log_probs(exact.start(ids)) - quantized.next_log_probs(quantized.start(ids))).abs()
        assert float(difference.max()) < 0.05


def mixture_scorer(model: LoadedLanguageModel, baseline: LoadedLanguageModel, weight: float) -> MixtureScorer:
    assert isinstance(model.scorer, RecurrentScorer)
    assert isinstance(baseline.scorer, NgramScorer)
    return MixtureScorer(model.scorer, baseline.scorer, weight)


def prompt_ids(model: LoadedLanguageModel) -> list[int]:
    tokenizer = model.tokenizer
    return [tokenizer.end_id, tokenizer.keywords_id, *tokenizer.encode("自宅でコーヒーを淹れる")]


class MixtureScorerTests:
    @pytest.mark.parametrize("weight", [0.0, 0.3, 0.7, 1.0])
    def test_probabilities_sum_to_one(
        self, weight: float, loaded_model: LoadedLanguageModel, loaded_baseline: LoadedLanguageModel
    ) -> None:
        scorer = mixture_scorer(loaded_model, loaded_baseline, weight)
        state = scorer.start(prompt_ids(loaded_model))
        for token in loaded_model.tokenizer.encode("豆の鮮度"):
            log_probs = scorer.next_log_probs(state)
            assert log_probs.shape == (loaded_model.tokenizer.vocab_size,)
            assert math.isclose(float(torch.logsumexp(log_probs.double(), dim=0)), 0.0, abs_tol=1e-4)
            state = scorer.advance(state, [token])

    def test_weight_one_equals_recurrent_model(
        self, loaded_model: LoadedLanguageModel, loaded_baseline: LoadedLanguageModel
    ) -> None:
        scorer = mixture_scorer(loaded_model, loaded_baseline, 1.0)
        ids = prompt_ids(loaded_model)
        expected = loaded_model.scorer.next_log_probs(loaded_model.scorer.start(ids))
        assert torch.equal(scorer.next_log_probs(scorer.start(ids)), expected)

    def test_weight_zero_equals_ngram(
        self, loaded_model: LoadedLanguageModel, loaded_baseline: LoadedLanguageModel
    ) -> None:
        scorer = mixture_scorer(loaded_model, loaded_baseline, 0.0)
        ids = prompt_ids(loaded_model)
        expected = loaded_baseline.scorer.next_log_probs(loaded_baseline.scorer.start(ids))
        assert torch.equal(scorer.next_log_probs(scorer.start(ids)), expected)

    def test_intermediate_weight_mixes_probabilities(
        self, loaded_model: LoadedLanguageModel, loaded_baseline: LoadedLanguageModel
    ) -> None:
        scorer = mixture_scorer(loaded_model, loaded_baseline, 0.25)
        ids = prompt_ids(loaded_model)
        recurrent = loaded_model.scorer.next_log_probs(loaded_model.scorer.start(ids)).double().exp()
        ngram = loaded_baseline.scorer.next_log_probs(loaded_baseline.scorer.start(ids)).double().exp()
        mixed = scorer.next_log_probs(scorer.start(ids)).double().exp()
        assert torch.allclose(mixed, 0.25 * recurrent + 0.75 * ngram, atol=1e-6)

    def test_states_are_not_mutated(self, loaded_model: LoadedLanguageModel, loaded_baseline: LoadedLanguageModel) -> None:
        scorer = mixture_scorer(loaded_model, loaded_baseline, 0.5)
        state = scorer.start(prompt_ids(loaded_model))
        before = scorer.next_log_probs(state).clone()
        scorer.advance(state, [loaded_model.tokenizer.paragraph_id])
        assert torch.equal(scorer.next_log_probs(state), before)

    @pytest.mark.parametrize("weight", [-0.1, 1.5])
    def test_weight_outside_unit_interval_rejected(
        self, weight: float, loaded_model: LoadedLanguageModel, loaded_baseline: LoadedLanguageModel
    ) -> None:
        with pytest.raises(ValueError, match="weight"):
            mixture_scorer(loaded_model, loaded_baseline, weight)


class FitMixtureWeightTests:
    def test_weight_within_unit_interval(self) -> None:
        generator = np.random.default_rng(0)
        recurrent = np.log(generator.uniform(0.01, 1.0, 500))
        ngram = np.log(generator.uniform(0.01, 1.0, 500))
        weight = fit_mixture_weight(recurrent, ngram)
        assert 0.0 <= weight <= 1.0

    def test_finds_interior_optimum(self) -> None:
        # Each part is right on a different half of the tokens, so both are needed.
        recurrent = np.log(np.r_[np.full(300, 0.9), np.full(100, 0.01)])
        ngram = np.log(np.r_[np.full(300, 0.01), np.full(100, 0.9)])
        weight = fit_mixture_weight(recurrent, ngram)
        grid = np.linspace(0.0, 1.0, 1001)
        best = grid[np.argmax([mixture_log_likelihood(value, recurrent, ngram) for value in grid])]
        assert 0.0 < weight < 1.0
        assert weight == pytest.approx(best, abs=2e-3)

    def test_dominant_part_gets_full_weight(self) -> None:
        recurrent = np.log(np.full(200, 0.5))
        ngram = np.log(np.full(200, 0.001))
        assert fit_mixture_weight(recurrent, ngram) == 1.0
        assert fit_mixture_weight(ngram, recurrent) == 0.0

    def test_fitted_mixture_never_loses_to_a_part(self) -> None:
        generator = np.random.default_rng(1)
        for _ in range(5):
            recurrent = np.log(generator.uniform(0.001, 1.0, 300))
            ngram = np.log(generator.uniform(0.001, 1.0, 300))
            weight = fit_mixture_weight(recurrent, ngram)
            fitted = mixture_log_likelihood(weight, recurrent, ngram)
            assert fitted >= recurrent.sum() - 1e-9
            assert fitted >= ngram.sum() - 1e-9

    def test_mismatched_lengths_rejected(self) -> None:
        with pytest.raises(ValueError, match="equal length"):
            fit_mixture_weight(np.zeros(3), np.zeros(4))

    def test_empty_input_rejected(self) -> None:
        with pytest.raises(ValueError, match="no target tokens"):
            fit_mixture_weight(np.zeros(0), np.zeros(0))
