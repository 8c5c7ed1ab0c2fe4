"""Tests for decoding title and meta description candidates as one batch."""
from __future__ import annotations

from dataclasses import replace

import pytest
import torch

from lstm_engine.checkpoint import LoadedLanguageModel
from lstm_engine.config import LanguageModelConfig
from lstm_engine.drafting import (
    META_DESCRIPTION_RANGE,
    TITLE_MAX_CHARACTERS,
    DraftSpec,
    _DraftWriter,
    _keyword_prompt,
    _title_rules,
    _write_titles,
    generate_draft,
)
from lstm_engine.language_model import RecurrentLanguageModel
from lstm_engine.sampling import DecodingConfig, NoRepeatIndex, RecurrentScorer

pytestmark = pytest.mark.usefixtures("one_thread")

TITLE_SPEC = DraftSpec(
    keywords=["コーヒー", "淹れ方"],
    related_keywords=["豆の選び方"],
    language="ja",
    target_length=300,
    title_candidates=6,
    seed=11,
)
ENGLISH_TITLE_SPEC = DraftSpec(
    keywords=["coffee", "beans"],
    related_keywords=["water"],
    language="en",
    target_length=80,
    title_candidates=6,
    seed=11,
)


class BatchScorerTests:
    @pytest.mark.parametrize("cell", ["lstm", "gru"])
    @pytest.mark.parametrize("stepper", [True, False], ids=["stepper", "model"])
    def test_batch_step_matches_single_steps(self, cell: str, stepper: bool) -> None:
        torch.manual_seed(0)
        model = RecurrentLanguageModel(
            LanguageModelConfig(vocab_size=60, embedding_size=16, hidden_size=24, num_layers=2, cell=cell)
        ).eval()
        scorer = RecurrentScorer(model)
        if not stepper:
            # Without the CPU stepper, steps run through the model, as on an accelerator.
            scorer.stepper = None
        states = [scorer.start([3, 9]), scorer.start([4]), scorer.start([3, 9])]
        tokens = [17, 30, 5]
        batched = scorer.advance_batch(states, tokens)
        for state, token, result in zip(states, tokens, batched, strict=True):
            single = scorer.advance(state, [token])
            assert torch.allclose(result.log_probs, single.log_probs, atol=1e-5)
            # The batched state keeps working as a single state.
            next_single = scorer.advance(single, [7])
            next_batched = scorer.advance(result, [7])
            assert torch.allclose(next_batched.log_probs, next_single.log_probs, atol=1e-5)

    def test_baseline_batch_matches_single_steps(self, loaded_baseline: LoadedLanguageModel) -> None:
        scorer = loaded_baseline.scorer
        tokenizer = loaded_baseline.tokenizer
        states = [scorer.start([tokenizer.end_id]), scorer.start([tokenizer.end_id, tokenizer.keywords_id])]
        tokens = [tokenizer.keywords_id, tokenizer.title_id]
        for state, token, result in zip(states, tokens, scorer.advance_batch(states, tokens), strict=True):
            assert torch.equal(scorer.next_log_probs(result), scorer.next_log_probs(scorer.advance(state, [token])))

    def test_mismatched_lengths_rejected(self, loaded_model: LoadedLanguageModel) -> None:
        state = loaded_model.scorer.start([loaded_model.tokenizer.end_id])
        with pytest.raises(ValueError, match="one token per state"):
            loaded_model.scorer.advance_batch([state, state], [1])


@pytest.fixture(params=["loaded_model", "loaded_baseline"])
def any_model(request: pytest.FixtureRequest) -> LoadedLanguageModel:
    return request.getfixturevalue(request.param)


class BatchedTitleTests:
    @pytest.mark.parametrize("spec", [TITLE_SPEC, ENGLISH_TITLE_SPEC], ids=["ja", "en"])
    def test_candidates_keep_title_rules(self, any_model: LoadedLanguageModel, spec: DraftSpec) -> None:
        draft = generate_draft(any_model, spec)
        assert 1 <= len(draft.title_candidates) <= spec.title_candidates
        assert len(set(draft.title_candidates)) == len(draft.title_candidates)
        for candidate in draft.title_candidates:
            assert candidate.startswith(spec.keywords[0]), candidate
            assert len(candidate) <= TITLE_MAX_CHARACTERS[spec.language], candidate
            assert "。" not in candidate

    def test_candidates_carry_required_keywords(self, loaded_model: LoadedLanguageModel) -> None:
        # Both keywords fit in 60 % of a 32-character title, so every candidate has both.
        for candidate in generate_draft(loaded_model, TITLE_SPEC).title_candidates:
            assert "淹れ方" in candidate, candidate

    def test_first_free_tokens_differ(self, loaded_model: LoadedLanguageModel) -> None:
        spec = replace(TITLE_SPEC, decoding=DecodingConfig(greedy=True))
        writer = _DraftWriter(loaded_model, spec)
        state = writer.scorer.start(_keyword_prompt(loaded_model.tokenizer, spec))
        segments = [segment for _, segment in _write_titles(writer, spec, state)]
        first_tokens = [segment.first_free_token for segment in segments]
        assert len(segments) == spec.title_candidates
        assert len(set(first_tokens)) == len(first_tokens)

    def test_scores_sorted_and_match_titles(self, loaded_model: LoadedLanguageModel) -> None:
        draft = generate_draft(loaded_model, TITLE_SPEC)
        scores = [candidate.log_likelihood for candidate in draft.scored_titles]
        assert [candidate.text for candidate in draft.scored_titles] == draft.title_candidates
        assert scores == sorted(scores, reverse=True)
        assert all(score < 0 for score in scores)
        assert draft.title == draft.title_candidates[0]

    def test_same_seed_same_candidates(self, any_model: LoadedLanguageModel) -> None:
        first = generate_draft(any_model, TITLE_SPEC)
        second = generate_draft(any_model, TITLE_SPEC)
        assert first.scored_titles == second.scored_titles
        assert first.scored_meta_descriptions == second.scored_meta_descriptions

    def test_greedy_first_candidate_matches_sequential(self, loaded_model: LoadedLanguageModel) -> None:
        spec = replace(TITLE_SPEC, decoding=DecodingConfig(greedy=True))
        writer = _DraftWriter(loaded_model, spec)
        state = writer.scorer.start(_keyword_prompt(loaded_model.tokenizer, spec))
        batched = _write_titles(writer, spec, state)
        no_repeat = NoRepeatIndex(spec.decoding.no_repeat_ngram_size)
        sequential = writer.write_segment(state, _title_rules(spec), no_repeat, [])
        assert sequential.text in [segment.text for _, segment in batched]


class MetaDescriptionCandidateTests:
    @pytest.mark.parametrize("spec", [TITLE_SPEC, ENGLISH_TITLE_SPEC], ids=["ja", "en"])
    def test_candidates_within_length_range(self, any_model: LoadedLanguageModel, spec: DraftSpec) -> None:
        draft = generate_draft(any_model, spec)
        low, high = META_DESCRIPTION_RANGE[spec.language]
        texts = [candidate.text for candidate in draft.scored_meta_descriptions]
        assert texts[0] == draft.meta_description
        assert len(texts) == len(set(texts))
        assert 1 <= len(texts) <= spec.meta_description_candidates
        for text in texts:
            assert low <= len(text) <= high, text
            assert spec.keywords[0] in text, text

    def test_candidate_count_validated(self) -> None:
        with pytest.raises(ValueError, match="meta_description_candidates"):
            replace(TITLE_SPEC, meta_description_candidates=0)


class TitleChoiceTests:
    def test_body_follows_chosen_title(self, loaded_model: LoadedLanguageModel) -> None:
        offered: list[list[str]] = []

        def choose_last(candidates) -> int:
            offered.append([candidate.text for candidate in candidates])
            return len(candidates) - 1

        draft = generate_draft(loaded_model, TITLE_SPEC, choose_title=choose_last)
        assert offered and len(offered[0]) > 1
        assert draft.title == offered[0][-1]
        assert draft.title_candidates == offered[0]

    def test_out_of_range_choice_is_rejected(self, loaded_model: LoadedLanguageModel) -> None:
        with pytest.raises(ValueError, match="choose_title returned 99"):
            generate_draft(loaded_model, TITLE_SPEC, choose_title=lambda candidates: 99)
