"""The cache drafting benchmark of bench/: a continuous cache over the LSTM's own states."""
from __future__ import annotations

import math
from dataclasses import replace

import pytest
import torch

from lstm_engine.checkpoint import LoadedLanguageModel
from lstm_engine.drafting import DraftSpec, check_draft, generate_draft


@pytest.fixture(scope="module")
def scorer(bench_script, loaded_model: LoadedLanguageModel):
    return bench_script("lm_cache_drafts").CacheScorer(loaded_model.scorer, sharpness=4.0, weight=0.3)


def _prompt(loaded_model: LoadedLanguageModel) -> list[int]:
    return loaded_model.tokenizer.encode("自宅でコーヒーを淹れるときは、豆の鮮度とお湯の温度が大切です。")


class CacheScorerTests:
    def test_distribution_sums_to_one(self, scorer, loaded_model) -> None:
        log_probs = scorer.next_log_probs(scorer.start(_prompt(loaded_model)))
        assert log_probs.shape == (scorer.vocab_size,)
        assert math.isclose(float(log_probs.exp().sum()), 1.0, rel_tol=1e-4)

    def test_cache_raises_tokens_read_before(self, scorer, loaded_model) -> None:
        prompt = _prompt(loaded_model)
        state = scorer.start(prompt)
        plain = scorer.recurrent.next_log_probs(state.recurrent)
        mixed = scorer.next_log_probs(state)
        seen = sorted(set(prompt[1:]))
        unseen = [token for token in range(scorer.vocab_size) if token not in set(prompt)]
        # The cache's whole weight goes to tokens that followed an earlier state, and every
        # other token keeps 70 % of its probability.
        expected_seen = 0.7 * float(plain[seen].exp().sum()) + 0.3
        assert math.isclose(float(mixed[seen].exp().sum()), expected_seen, rel_tol=1e-4)
        assert torch.allclose(mixed[unseen].exp(), plain[unseen].exp() * 0.7, atol=1e-6)

    def test_branches_do_not_share_writes(self, scorer, loaded_model) -> None:
        prompt = _prompt(loaded_model)
        parent = scorer.start(prompt)
        first = scorer.advance(parent, prompt[:5])
        second = scorer.advance(parent, prompt[5:12])
        fresh = scorer.advance(scorer.start(prompt), prompt[5:12])
        assert torch.allclose(scorer.next_log_probs(second), scorer.next_log_probs(fresh), atol=1e-5)
        assert first.length == parent.length + 5
        batched = scorer.advance_batch([parent, parent], [prompt[5], prompt[6]])
        one_by_one = [scorer.advance(parent, [prompt[5]]), scorer.advance(parent, [prompt[6]])]
        for left, right in zip(batched, one_by_one, strict=True):
            assert torch.allclose(scorer.next_log_probs(left), scorer.next_log_probs(right), atol=1e-5)

    def test_draft_with_cache_is_well_formed(self, scorer, loaded_model) -> None:
        spec = DraftSpec(keywords=["コーヒー"], related_keywords=["お湯の温度"], language="ja", target_length=200, seed=3)
        draft = generate_draft(replace(loaded_model, scorer=scorer), spec)
        assert check_draft(draft, spec) == []
