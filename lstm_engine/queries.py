"""Character-level LSTM query model that predicts the searches people type around a seed keyword.

Two small LSTMs learn the site's queries one character at a time, so Japanese
needs no word segmentation: a forward model reads queries left to right and
scores every candidate, a backward model reads them right to left and proposes
prefixes ("東京 " before "花粉症"). Suggestions come from three sources:

- completions: beam search continues the seed ("花粉症" -> "花粉症 対策");
- prefixes: beam search of the backward model grows the seed leftwards;
- re-orderings: the seed's words, and a completion's added word, in another order.

Every candidate is scored by the forward model's log-likelihood per character
(length-normalised), and near-duplicates (same normalised form, or character
bigram Jaccard similarity at or above a threshold) are merged.
"""
from __future__ import annotations

import itertools
import json
import logging
import math
import os
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from lstm_engine.seeding import set_seed

logger = logging.getLogger(__name__)

QUERY_MODEL_FILENAME = "query_model.pt"
QUERY_VOCABULARY_FILENAME = "query_vocabulary.json"
QUERY_MODEL_FORMAT_VERSION = 1

PAD, BOS, EOS, UNK = "<pad>", "<bos>", "<eos>", "<unk>"
SPECIAL_SYMBOLS = (PAD, BOS, EOS, UNK)

ProgressCallback = Callable[[int, int, str], None]


def normalize_query(text: str) -> str:
    """Return ``text`` in NFKC, case-folded, with whitespace runs collapsed to one space."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _compact(text: str) -> str:
    return normalize_query(text).replace(" ", "")


def _bigrams(text: str) -> set[str]:
    compact = _compact(text)
    if len(compact) < 2:
        return {compact}
    return {compact[i : i + 2] for i in range(len(compact) - 1)}


def bigram_jaccard(first: str, second: str) -> float:
    """Return the Jaccard similarity of the character bigrams of two queries (spaces ignored)."""
    a, b = _bigrams(first), _bigrams(second)
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


# ---------------------------------------------------------------------------
# Configuration and vocabulary
# ---------------------------------------------------------------------------


@dataclass
class QueryModelConfig:
    """Size of the two LSTMs and the vocabulary limits."""

    embedding_size: int = 64
    hidden_size: int = 256
    num_layers: int = 1
    dropout: float = 0.1
    min_character_count: int = 1
    max_query_length: int = 48


@dataclass
class QueryTrainConfig:
    """Optimisation settings. Training stops early when the validation loss stops falling."""

    max_steps: int = 3000
    batch_size: int = 64
    learning_rate: float = 3e-3
    weight_decay: float = 1e-5
    gradient_clip: float = 1.0
    eval_every: int = 100
    early_stopping_patience: int | None = 5
    validation_fraction: float = 0.1
    seed: int = 1234
    max_seconds: float | None = None


class CharacterVocabulary:
    """Characters seen in the training queries plus four special symbols."""

    def __init__(self, symbols: Sequence[str]) -> None:
        if tuple(symbols[: len(SPECIAL_SYMBOLS)]) != SPECIAL_SYMBOLS:
            raise ValueError(f"symbols must start with {SPECIAL_SYMBOLS}, got {list(symbols[:4])}")
        self.symbols = list(symbols)
        self.index = {symbol: i for i, symbol in enumerate(self.symbols)}
        self.pad_id, self.bos_id, self.eos_id, self.unk_id = range(4)

    @classmethod
    def build(cls, queries: Iterable[str], min_count: int = 1) -> CharacterVocabulary:
        counts = Counter(char for query in queries for char in query)
        characters = sorted(char for char, count in counts.items() if count >= min_count)
        return cls(list(SPECIAL_SYMBOLS) + characters)

    def __len__(self) -> int:
        return len(self.symbols)

    def encode(self, text: str) -> list[int]:
        return [self.index.get(char, self.unk_id) for char in text]

    def decode(self, ids: Iterable[int]) -> str:
        return "".join(self.symbols[i] for i in ids if i >= len(SPECIAL_SYMBOLS))

    def to_json(self) -> dict[str, Any]:
        return {"symbols": self.symbols}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CharacterVocabulary:
        return cls(data["symbols"])


# ---------------------------------------------------------------------------
# Network
# ---------------------------------------------------------------------------


class CharacterLSTM(nn.Module):
    """Embedding, LSTM and a softmax layer over the character vocabulary."""

    def __init__(self, vocab_size: int, config: QueryModelConfig) -> None:
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, config.embedding_size, padding_idx=0)
        self.recurrent = nn.LSTM(
            config.embedding_size,
            config.hidden_size,
            num_layers=config.num_layers,
            dropout=config.dropout if config.num_layers > 1 else 0.0,
            batch_first=True,
        )
        self.dropout = nn.Dropout(config.dropout)
        self.decoder = nn.Linear(config.hidden_size, vocab_size)

    def forward(
        self, ids: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor] | None = None
    ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        """Map (B, T) ids to (B, T, V) logits and the state after the last step."""
        embedded = self.dropout(self.embedding(ids))  # (B, T, E)
        outputs, state = self.recurrent(embedded, state)  # (B, T, H)
        return self.decoder(self.dropout(outputs)), state  # (B, T, V)


def _pad_batch(sequences: Sequence[Sequence[int]], pad_id: int) -> torch.Tensor:
    width = max(len(sequence) for sequence in sequences)
    batch = torch.full((len(sequences), width), pad_id, dtype=torch.long)
    for row, sequence in enumerate(sequences):
        batch[row, : len(sequence)] = torch.tensor(sequence, dtype=torch.long)
    return batch


def _sequence_log_likelihoods(
    network: CharacterLSTM, sequences: Sequence[Sequence[int]], pad_id: int
) -> torch.Tensor:
    """Return the summed log-probability of each sequence's tokens after its first, (N,)."""
    batch = _pad_batch(sequences, pad_id)  # (N, T)
    logits, _state = network(batch[:, :-1])  # (N, T-1, V)
    log_probs = torch.log_softmax(logits, dim=-1)
    targets = batch[:, 1:]  # (N, T-1)
    picked = log_probs.gather(-1, targets.unsqueeze(-1)).squeeze(-1)  # (N, T-1)
    return (picked * (targets != pad_id)).sum(dim=1)


# ---------------------------------------------------------------------------
# Suggestions
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class QuerySuggestion:
    """One predicted query: its text, its length-normalised log-likelihood and how it was found."""

    text: str
    score: float
    kind: str  # "completion", "prefix" or "reordering"

    @property
    def likelihood(self) -> float:
        """The per-character probability, exp(score), between 0 and 1."""
        return math.exp(self.score)


class QueryModel:
    """A trained forward and backward character LSTM with their vocabulary."""

    def __init__(
        self,
        vocabulary: CharacterVocabulary,
        forward_network: CharacterLSTM,
        backward_network: CharacterLSTM,
        config: QueryModelConfig,
        metrics: dict[str, Any] | None = None,
        known_words: Iterable[str] = (),
    ) -> None:
        self.vocabulary = vocabulary
        self.forward_network = forward_network.eval()
        self.backward_network = backward_network.eval()
        self.config = config
        self.metrics = metrics or {}
        # Space-separated words of the training queries. Suggestions may only combine
        # these and the seed's own words, which drops half-formed words from the beam.
        self.known_words = frozenset(known_words)

    def is_plausible(self, query: str, seed: str) -> bool:
        """Tell whether every word of ``query`` is known or from the seed, each used once."""
        words = normalize_query(query).split()
        if len(set(words)) != len(words):
            return False
        if not self.known_words:
            return True
        allowed = self.known_words | set(normalize_query(seed).split())
        return all(word in allowed for word in words)

    # -- scoring -----------------------------------------------------------

    @torch.no_grad()
    def score(self, queries: Sequence[str]) -> list[float]:
        """Return each query's forward log-likelihood per character (end symbol included)."""
        vocabulary = self.vocabulary
        texts = [normalize_query(query) for query in queries]
        sequences = [[vocabulary.bos_id, *vocabulary.encode(text), vocabulary.eos_id] for text in texts]
        if not sequences:
            return []
        totals = _sequence_log_likelihoods(self.forward_network, sequences, vocabulary.pad_id)
        return [float(total) / (len(sequence) - 1) for total, sequence in zip(totals, sequences, strict=True)]

    # -- beam search -------------------------------------------------------

    @torch.no_grad()
    def _beam(
        self, network: CharacterLSTM, context: list[int], *, beam_width: int, max_new: int
    ) -> list[list[int]]:
        """Return finished continuations of ``context`` (ids without the end symbol), best first."""
        vocabulary = self.vocabulary
        logits, state = network(torch.tensor([context], dtype=torch.long))
        last = torch.log_softmax(logits[:, -1], dim=-1)  # (1, V)
        beams: list[tuple[list[int], float]] = [([], 0.0)]
        finished: list[tuple[list[int], float]] = []
        banned = [vocabulary.pad_id, vocabulary.bos_id, vocabulary.unk_id]
        for step in range(max_new):
            last[:, banned] = -math.inf
            if step == 0:
                # A continuation must add at least one character.
                last[:, vocabulary.eos_id] = -math.inf
            totals = torch.tensor([score for _ids, score in beams]).unsqueeze(1) + last  # (B, V)
            flat = totals.flatten()
            count = min(beam_width * 2, int(torch.isfinite(flat).sum()))
            if count == 0:
                break
            top_scores, top_index = flat.topk(count)
            next_beams: list[tuple[list[int], float]] = []
            parents: list[int] = []
            for value, index in zip(top_scores.tolist(), top_index.tolist(), strict=True):
                parent, token = divmod(index, last.shape[1])
                ids = beams[parent][0] + [token]
                if token == vocabulary.eos_id:
                    finished.append((ids[:-1], value))
                elif len(next_beams) < beam_width:
                    next_beams.append((ids, value))
                    parents.append(parent)
            if not next_beams:
                break
            beams = next_beams
            selector = torch.tensor(parents)
            state = (state[0][:, selector], state[1][:, selector])
            tokens = torch.tensor([[ids[-1]] for ids, _score in beams])  # (B, 1)
            logits, state = network(tokens, state)
            last = torch.log_softmax(logits[:, -1], dim=-1)  # (B, V)
        # Per-character order, so that long continuations are not penalised for their length.
        finished.sort(key=lambda item: -item[1] / (len(item[0]) + 1))
        return [ids for ids, _score in finished]

    def completions(self, seed: str, *, beam_width: int = 8, max_new: int = 24) -> list[str]:
        """Return queries that start with the seed, best first."""
        text = normalize_query(seed)
        context = [self.vocabulary.bos_id, *self.vocabulary.encode(text)]
        continuations = self._beam(
            self.forward_network, context, beam_width=beam_width, max_new=max_new
        )
        return [text + self.vocabulary.decode(ids) for ids in continuations]

    def prefixes(self, seed: str, *, beam_width: int = 8, max_new: int = 16) -> list[str]:
        """Return queries that end with the seed, grown leftwards by the backward model."""
        text = normalize_query(seed)
        context = [self.vocabulary.bos_id, *self.vocabulary.encode(text[::-1])]
        continuations = self._beam(
            self.backward_network, context, beam_width=beam_width, max_new=max_new
        )
        return [self.vocabulary.decode(ids)[::-1] + text for ids in continuations]

    @staticmethod
    def reorderings(seed: str, completions: Iterable[str] = ()) -> list[str]:
        """Return the seed's words in other orders, and each completion's added word moved first."""
        text = normalize_query(seed)
        words = text.split()
        candidates: list[str] = []
        if 1 < len(words) <= 4:
            candidates += [" ".join(order) for order in itertools.permutations(words)][1:]
        for completion in completions:
            rest = completion[len(text) :]
            if rest.startswith(" ") and rest.strip():
                candidates.append(rest.strip() + " " + text)
        return candidates

    def suggest(
        self,
        seed: str,
        *,
        limit: int = 10,
        beam_width: int = 12,
        max_new: int = 24,
        similarity_threshold: float = 0.8,
        known_words_only: bool = True,
    ) -> list[QuerySuggestion]:
        """Predict the searches people type around ``seed``, best first, near-duplicates merged.

        Parameters
        ----------
        seed:
            A keyword in any language; it is normalised with NFKC and case folding.
        limit:
            Number of suggestions returned at most.
        beam_width:
            Beams kept per step in both beam searches.
        max_new:
            Characters a completion may add at most.
        similarity_threshold:
            Character-bigram Jaccard similarity at or above which two suggestions merge.
        known_words_only:
            Keep only suggestions made of words seen in training or in the seed, each once.
        """
        text = normalize_query(seed)
        if not text:
            raise ValueError(f"seed={seed!r} is empty after normalisation. Pass a non-empty keyword.")
        completions = self.completions(text, beam_width=beam_width, max_new=max_new)
        prefixes = self.prefixes(text, beam_width=beam_width, max_new=max(8, max_new // 2))
        candidates: dict[str, str] = {}
        for kind, items in (
            ("completion", completions),
            ("prefix", prefixes),
            ("reordering", self.reorderings(text, completions)),
        ):
            for item in items:
                item = normalize_query(item)
                if not item or item == text or len(item) > self.config.max_query_length * 2:
                    continue
                if known_words_only and not self.is_plausible(item, text):
                    continue
                candidates.setdefault(item, kind)
        texts = list(candidates)
        scores = self.score(texts) if texts else []
        ranked = sorted(zip(texts, scores, strict=True), key=lambda pair: (-pair[1], pair[0]))
        return merge_near_duplicates(
            [QuerySuggestion(text=t, score=s, kind=candidates[t]) for t, s in ranked],
            seed=text,
            similarity_threshold=similarity_threshold,
        )[:limit]

    # -- persistence -------------------------------------------------------

    def save(self, directory: str | Path) -> list[str]:
        """Write the weights and the vocabulary into ``directory`` and return the file names."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        payload = {
            "format_version": QUERY_MODEL_FORMAT_VERSION,
            "config": asdict(self.config),
            "metrics": json.dumps(self.metrics),
            "forward": {k: v.detach().cpu() for k, v in self.forward_network.state_dict().items()},
            "backward": {k: v.detach().cpu() for k, v in self.backward_network.state_dict().items()},
        }
        temporary = directory / (QUERY_MODEL_FILENAME + ".tmp")
        torch.save(payload, temporary)
        os.replace(temporary, directory / QUERY_MODEL_FILENAME)
        vocabulary_path = directory / QUERY_VOCABULARY_FILENAME
        vocabulary_data = {**self.vocabulary.to_json(), "words": sorted(self.known_words)}
        vocabulary_path.write_text(json.dumps(vocabulary_data, ensure_ascii=False), encoding="utf-8")
        return [QUERY_MODEL_FILENAME, QUERY_VOCABULARY_FILENAME]


def merge_near_duplicates(
    suggestions: Sequence[QuerySuggestion], *, seed: str = "", similarity_threshold: float = 0.8
) -> list[QuerySuggestion]:
    """Keep the best-scored suggestion of each group of near-duplicates, in the given order.

    Two suggestions are near-duplicates when their normalised forms without spaces
    are equal, or when their character bigram Jaccard similarity reaches the threshold.
    A suggestion equal to the seed (spaces ignored) is dropped.
    """
    kept: list[QuerySuggestion] = []
    seen_compact = {_compact(seed)} if seed else set()
    for suggestion in suggestions:
        compact = _compact(suggestion.text)
        if compact in seen_compact:
            continue
        if any(bigram_jaccard(suggestion.text, other.text) >= similarity_threshold for other in kept):
            continue
        seen_compact.add(compact)
        kept.append(suggestion)
    return kept


def load_query_model(directory: str | Path) -> QueryModel:
    """Load a model written by :meth:`QueryModel.save`."""
    directory = Path(directory)
    payload = torch.load(directory / QUERY_MODEL_FILENAME, map_location="cpu", weights_only=True)
    if payload.get("format_version") != QUERY_MODEL_FORMAT_VERSION:
        raise ValueError(
            f"{directory / QUERY_MODEL_FILENAME} has format {payload.get('format_version')!r}, but "
            f"this engine reads format {QUERY_MODEL_FORMAT_VERSION}. Retrain the query model."
        )
    vocabulary_data = json.loads((directory / QUERY_VOCABULARY_FILENAME).read_text(encoding="utf-8"))
    vocabulary = CharacterVocabulary.from_json(vocabulary_data)
    config = QueryModelConfig(**payload["config"])
    forward_network = CharacterLSTM(len(vocabulary), config)
    forward_network.load_state_dict(payload["forward"])
    backward_network = CharacterLSTM(len(vocabulary), config)
    backward_network.load_state_dict(payload["backward"])
    return QueryModel(
        vocabulary,
        forward_network,
        backward_network,
        config,
        json.loads(payload["metrics"]),
        known_words=vocabulary_data.get("words", ()),
    )


# ---------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------


@dataclass
class QueryModelTrainResult:
    """The trained model, its losses and its comparison with a character bigram baseline."""

    model: QueryModel
    train_losses: list[float] = field(default_factory=list)
    val_loss: float = math.nan
    bigram_val_loss: float = math.nan
    steps: int = 0
    queries: int = 0
    seconds: float = 0.0

    @property
    def beats_baseline(self) -> bool:
        return self.val_loss < self.bigram_val_loss

    def as_metrics(self) -> dict[str, Any]:
        return {
            "val_loss": round(self.val_loss, 4),
            "val_perplexity": round(math.exp(min(self.val_loss, 50.0)), 3),
            "bigram_val_loss": round(self.bigram_val_loss, 4),
            "bigram_perplexity": round(math.exp(min(self.bigram_val_loss, 50.0)), 3),
            "first_train_loss": round(self.train_losses[0], 4) if self.train_losses else None,
            "last_train_loss": round(self.train_losses[-1], 4) if self.train_losses else None,
            "steps": self.steps,
            "queries": self.queries,
            "seconds": round(self.seconds, 2),
        }


def prepare_queries(queries: Iterable[str], max_length: int) -> list[str]:
    """Normalise queries and drop empty ones and ones longer than ``max_length`` characters."""
    prepared = []
    for query in queries:
        text = normalize_query(query)
        if text and len(text) <= max_length:
            prepared.append(text)
    return prepared


def _bigram_loss(train: Sequence[list[int]], validation: Sequence[list[int]], vocab_size: int) -> float:
    """Cross-entropy per character of an add-one smoothed character bigram model."""
    counts = np.ones((vocab_size, vocab_size), dtype=np.float64)
    for sequence in train:
        for previous, current in zip(sequence, sequence[1:]):
            counts[previous, current] += 1
    log_probs = np.log(counts / counts.sum(axis=1, keepdims=True))
    total, tokens = 0.0, 0
    for sequence in validation:
        for previous, current in zip(sequence, sequence[1:]):
            total -= log_probs[previous, current]
            tokens += 1
    return total / max(tokens, 1)


def _mean_loss(network: CharacterLSTM, sequences: Sequence[list[int]], pad_id: int) -> float:
    network.eval()
    total, tokens = 0.0, 0
    with torch.no_grad():
        for start in range(0, len(sequences), 256):
            chunk = sequences[start : start + 256]
            total -= float(_sequence_log_likelihoods(network, chunk, pad_id).sum())
            tokens += sum(len(sequence) - 1 for sequence in chunk)
    network.train()
    return total / max(tokens, 1)


def train_query_model(
    queries: Iterable[str],
    output_dir: str | Path | None = None,
    *,
    config: QueryModelConfig | None = None,
    train_config: QueryTrainConfig | None = None,
    progress: ProgressCallback | None = None,
) -> QueryModelTrainResult:
    """Train the forward and backward character LSTMs on ``queries``.

    Parameters
    ----------
    queries:
        Search queries, titles and headings; repeats weigh more.
    output_dir:
        Folder the model is saved into when given.
    config, train_config:
        Network size and optimisation settings; defaults when None.
    progress:
        Called as ``progress(step, total, message)``.

    Returns
    -------
    QueryModelTrainResult
        The model (best validation weights), per-evaluation training losses, the
        validation loss and the character bigram baseline's validation loss.
    """
    config = config or QueryModelConfig()
    train_config = train_config or QueryTrainConfig()
    report = progress or (lambda step, total, message: None)
    started = time.monotonic()
    set_seed(train_config.seed)
    texts = prepare_queries(queries, config.max_query_length)
    if len(texts) < 2:
        raise ValueError(f"queries has {len(texts)} usable entries. Pass at least 2 non-empty queries.")
    vocabulary = CharacterVocabulary.build(texts, config.min_character_count)
    rng = np.random.default_rng(train_config.seed)
    order = rng.permutation(len(texts))
    val_count = max(1, int(len(texts) * train_config.validation_fraction))
    validation_texts = [texts[i] for i in order[:val_count]]
    train_texts = [texts[i] for i in order[val_count:]] or validation_texts

    def sequences(items: Sequence[str], reverse: bool) -> list[list[int]]:
        return [
            [vocabulary.bos_id, *vocabulary.encode(t[::-1] if reverse else t), vocabulary.eos_id]
            for t in items
        ]

    networks = {}
    losses: list[float] = []
    val_losses = {}
    steps_done = 0
    for direction_index, reverse in enumerate((False, True)):
        network = CharacterLSTM(len(vocabulary), config)
        result = _fit(
            network,
            sequences(train_texts, reverse),
            sequences(validation_texts, reverse),
            vocabulary.pad_id,
            train_config,
            rng,
            lambda step, total, message, offset=direction_index: report(
                offset * total + step, 2 * total, message
            ),
        )
        networks[reverse] = network
        val_losses[reverse] = result["val_loss"]
        steps_done += result["steps"]
        if not reverse:
            losses = result["train_losses"]
    known_words = {word for text in texts for word in text.split()}
    model = QueryModel(vocabulary, networks[False], networks[True], config, known_words=known_words)
    train_result = QueryModelTrainResult(
        model=model,
        train_losses=losses,
        val_loss=val_losses[False],
        bigram_val_loss=_bigram_loss(
            sequences(train_texts, False), sequences(validation_texts, False), len(vocabulary)
        ),
        steps=steps_done,
        queries=len(texts),
        seconds=time.monotonic() - started,
    )
    model.metrics = train_result.as_metrics()
    if output_dir is not None:
        model.save(output_dir)
    logger.info(
        "trained query model on %d queries: val loss %.3f, bigram %.3f, %d steps in %.1f s",
        len(texts), train_result.val_loss, train_result.bigram_val_loss, steps_done, train_result.seconds,
    )
    return train_result


def _fit(
    network: CharacterLSTM,
    train: list[list[int]],
    validation: list[list[int]],
    pad_id: int,
    config: QueryTrainConfig,
    rng: np.random.Generator,
    report: ProgressCallback,
) -> dict[str, Any]:
    """Train one network with AdamW, clipping and early stopping, and keep its best weights."""
    optimizer = torch.optim.AdamW(
        network.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay
    )
    loss_function = nn.CrossEntropyLoss(ignore_index=pad_id)
    best_loss, best_state, patience = math.inf, None, 0
    train_losses: list[float] = []
    running, running_count = 0.0, 0
    started = time.monotonic()
    network.train()

    step = 0
    for step in range(1, config.max_steps + 1):
        # Cosine decay over the steps, or over the time budget when that runs out first, so
        # a run cut short on a busy machine still ends at a low learning rate.
        progress = _budget_progress(step - 1, config, time.monotonic() - started)
        for group in optimizer.param_groups:
            group["lr"] = config.learning_rate * 0.5 * (1.0 + math.cos(math.pi * progress))
        picks = rng.integers(0, len(train), size=min(config.batch_size, len(train)))
        batch = _pad_batch([train[i] for i in picks], pad_id)  # (B, T)
        logits, _state = network(batch[:, :-1])  # (B, T-1, V)
        loss = loss_function(logits.reshape(-1, logits.shape[-1]), batch[:, 1:].reshape(-1))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(network.parameters(), config.gradient_clip)
        optimizer.step()
        running += loss.item()
        running_count += 1

        out_of_time = config.max_seconds is not None and time.monotonic() - started > config.max_seconds
        if step % config.eval_every == 0 or step == config.max_steps or out_of_time:
            train_losses.append(running / running_count)
            running, running_count = 0.0, 0
            val_loss = _mean_loss(network, validation, pad_id)
            # The bar follows the time budget as well, so it does not stall on a busy machine.
            done = round(_budget_progress(step, config, time.monotonic() - started) * config.max_steps)
            report(done, config.max_steps, f"step {step}: train {train_losses[-1]:.3f}, val {val_loss:.3f}")
            if val_loss < best_loss:
                best_loss, patience = val_loss, 0
                best_state = {k: v.detach().clone() for k, v in network.state_dict().items()}
            else:
                patience += 1
                if config.early_stopping_patience is not None and patience >= config.early_stopping_patience:
                    break
            if out_of_time:
                break
    if best_state is not None:
        network.load_state_dict(best_state)
    network.eval()
    return {"train_losses": train_losses, "val_loss": best_loss, "steps": step}


def _budget_progress(step: int, config: QueryTrainConfig, elapsed_seconds: float) -> float:
    """Return the share of the run done: the larger of the step share and the time share, at most 1."""
    progress = step / max(config.max_steps, 1)
    if config.max_seconds is not None:
        progress = max(progress, elapsed_seconds / config.max_seconds)
    return min(1.0, progress)
