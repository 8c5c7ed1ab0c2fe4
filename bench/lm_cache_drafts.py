"""Draft with and without a continuous cache over the LSTM's states and print one JSON object.

Example::

    nice .venv/bin/python bench/lm_quick.py --data DIR/livedoor-news --articles 600 --budget 600 --output /tmp/lm
    nice .venv/bin/python bench/lm_cache_drafts.py --data DIR/livedoor-news --articles 600 --model /tmp/lm

The cache is the one `bench/lm_adaptation.py` scores. While a draft is written, each
earlier state of the LSTM votes for the token that followed it. A vote counts by the
softmax of ``sharpness`` times the state's dot product with the current state, and the
votes are mixed into the LSTM's next-token distribution with weight ``weight``. The same draft requests
and seeds run with the plain LSTM and with the cache. The script reports the draft
quality figures that model versions store (distinct-n, repetition rate, keyword
coverage, longest span copied from the training articles) and the drafting time.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from lm_adaptation import add_model_arguments, training_articles  # noqa: E402
from lm_quick import rounded  # noqa: E402

from lstm_engine.checkpoint import LoadedLanguageModel, load_language_model  # noqa: E402
from lstm_engine.drafting import generate_draft  # noqa: E402
from lstm_engine.quality import draft_quality, sample_draft_specs  # noqa: E402
from lstm_engine.sampling import RecurrentScorer, RecurrentScorerState  # noqa: E402


class _Memory:
    """Growable store of (state, following token) pairs, shared by states that extend one another."""

    def __init__(self, hidden_size: int, capacity: int = 256) -> None:
        self.keys = torch.empty(capacity, hidden_size)  # (C, H)
        self.values = torch.empty(capacity, dtype=torch.long)  # (C,)
        self.used = 0

    def extended(self, length: int, key: torch.Tensor, value: int) -> _Memory:
        """Return a memory whose first ``length`` rows are this one's, followed by (key, value).

        The rows that a shorter state reads never change. So the longest state appends in
        place, and a branch from an earlier state copies its prefix first.
        """
        memory = self
        if length != self.used:
            memory = _Memory(self.keys.shape[1], max(256, 2 * length))
            memory.keys[:length] = self.keys[:length]
            memory.values[:length] = self.values[:length]
            memory.used = length
        if memory.used == memory.keys.shape[0]:
            memory.keys = torch.cat([memory.keys, torch.empty_like(memory.keys)])
            memory.values = torch.cat([memory.values, torch.empty_like(memory.values)])
        memory.keys[length] = key
        memory.values[length] = value
        memory.used = length + 1
        return memory


@dataclass(frozen=True)
class CacheState:
    """The LSTM's state and the first ``length`` rows of the memory written before it."""

    recurrent: RecurrentScorerState
    memory: _Memory
    length: int


class CacheScorer:
    """TokenScorer that mixes the LSTM's distribution with a continuous cache over its own states."""

    def __init__(self, recurrent: RecurrentScorer, sharpness: float, weight: float) -> None:
        self.recurrent = recurrent
        self.vocab_size = recurrent.vocab_size
        self.device = recurrent.device
        self.sharpness = sharpness
        self._log_weight = math.log(weight)
        self._log_complement = math.log1p(-weight)
        self._hidden_size = recurrent.model.config.hidden_size

    @staticmethod
    def _top_state(state: RecurrentScorerState) -> torch.Tensor:
        """Return the top layer's hidden state, the vector the cache compares."""
        hidden = state.hidden[0] if isinstance(state.hidden, tuple) else state.hidden  # (L, 1, H)
        return hidden[-1, 0].float()  # (H,)

    def start(self, token_ids: Sequence[int]) -> CacheState:
        """Return the state after reading ``token_ids``, keeping a memory row for each token."""
        state = CacheState(self.recurrent.start(token_ids[:1]), _Memory(self._hidden_size), 0)
        return self.advance(state, token_ids[1:]) if len(token_ids) > 1 else state

    def advance(self, state: CacheState, token_ids: Sequence[int]) -> CacheState:
        """Return the state after reading ``token_ids`` one at a time."""
        for token in token_ids:
            memory = state.memory.extended(state.length, self._top_state(state.recurrent), int(token))
            state = CacheState(self.recurrent.advance(state.recurrent, [int(token)]), memory, state.length + 1)
        return state

    def advance_batch(self, states: Sequence[CacheState], token_ids: Sequence[int]) -> list[CacheState]:
        """Return each state after reading its token, with one batched LSTM step."""
        memories = [
            state.memory.extended(state.length, self._top_state(state.recurrent), int(token))
            for state, token in zip(states, token_ids, strict=True)
        ]
        recurrent = self.recurrent.advance_batch([state.recurrent for state in states], token_ids)
        return [
            CacheState(new_recurrent, memory, state.length + 1)
            for new_recurrent, memory, state in zip(recurrent, memories, states, strict=True)
        ]

    @torch.inference_mode()
    def next_log_probs(self, state: CacheState) -> torch.Tensor:
        """Return (V,) log-probabilities of the LSTM mixed with the cache's votes."""
        log_probs = self.recurrent.next_log_probs(state.recurrent)  # (V,)
        if state.length == 0:
            return log_probs
        keys = state.memory.keys[: state.length]  # (N, H)
        votes = torch.softmax(self.sharpness * (keys @ self._top_state(state.recurrent)), dim=0)  # (N,)
        cache = torch.zeros(self.vocab_size).index_add_(0, state.memory.values[: state.length], votes)  # (V,)
        return torch.logaddexp(log_probs + self._log_complement, cache.log() + self._log_weight)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_model_arguments(parser)
    parser.add_argument("--drafts", type=int, default=8, help="number of draft requests")
    parser.add_argument("--length", type=int, default=1500, help="target length of each draft, characters")
    parser.add_argument("--sharpness", type=float, default=16.0, help="cache sharpness (bench/lm_adaptation.py)")
    parser.add_argument("--weight", type=float, default=0.24, help="cache weight (bench/lm_adaptation.py)")
    arguments = parser.parse_args()
    torch.set_num_threads(arguments.threads)

    documents = training_articles(arguments)
    corpus = "\n".join(text for document in documents for text in document.texts())
    specs = [
        replace(spec, target_length=arguments.length)
        for spec in sample_draft_specs(documents, count=arguments.drafts)
    ]
    plain = load_language_model(arguments.model)
    if not isinstance(plain.scorer, RecurrentScorer):
        raise SystemExit(f"{arguments.model} loads a {plain.kind} scorer; the cache needs the LSTM's states")
    cached: LoadedLanguageModel = replace(
        plain, scorer=CacheScorer(plain.scorer, arguments.sharpness, arguments.weight)
    )
    report: dict[str, object] = {
        "drafts": len(specs),
        "target_length": arguments.length,
        "cache": {"sharpness": arguments.sharpness, "weight": arguments.weight},
    }
    for name, model in (("lstm", plain), ("lstm_with_cache", cached)):
        generate_draft(model, replace(specs[0], target_length=200))  # warm-up
        started = time.monotonic()
        drafts = [(spec, generate_draft(model, spec)) for spec in specs]
        seconds = (time.monotonic() - started) / len(specs)
        quality = asdict(draft_quality(drafts, corpus))
        report[name] = {key: rounded(value) if isinstance(value, float) else value for key, value in quality.items()}
        report[name]["seconds_per_draft"] = rounded(seconds, 3)
        report[name]["first_paragraph"] = drafts[0][1].sections[0].paragraphs[0][:160]
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
