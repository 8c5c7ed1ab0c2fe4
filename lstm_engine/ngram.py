"""Interpolated modified Kneser-Ney n-gram language model over token ids.

Each order has three discounts, for counts 1, 2 and 3+, estimated from its
count-of-counts. Every order below the highest counts continuations (the number of
distinct tokens seen before an n-gram) instead of occurrences. The orders interpolate
down to a uniform distribution over the vocabulary, so every conditional distribution
sums to one.

N-grams are stored as sorted int64 keys in base ``vocab_size`` (numpy arrays, no Python
dicts), which keeps a multi-million-token corpus in a few hundred megabytes.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

NGRAM_FILENAME = "ngram.npz"
FORMAT_VERSION = 1


@dataclass
class _Level:
    """Counts of one order ``k``: n-gram keys, their (continuation) counts and per-context sums."""

    order: int
    keys: np.ndarray  # sorted int64 keys of k-grams
    counts: np.ndarray  # int64 raw counts (highest order) or continuation counts
    discounts: np.ndarray  # float64 [0, D1, D2, D3+]
    contexts: np.ndarray  # sorted unique context keys, (k-1)-grams
    context_starts: np.ndarray  # first index in keys of each context
    context_ends: np.ndarray  # one past the last index in keys of each context
    context_totals: np.ndarray  # float64 sum of counts per context
    context_backoff: np.ndarray  # float64 D1*N1 + D2*N2 + D3*N3+ per context

    def discount(self, counts: np.ndarray) -> np.ndarray:
        """Return the discount of each count (0 for unseen n-grams)."""
        return self.discounts[np.minimum(counts, 3)]


def _estimate_discounts(counts: np.ndarray) -> np.ndarray:
    """Estimate modified Kneser-Ney discounts from the count-of-counts of ``counts``."""
    n = [int(np.count_nonzero(counts == value)) for value in range(1, 5)]
    defaults = np.array([0.0, 0.5, 1.0, 1.5])
    if n[0] == 0 or n[1] == 0:
        return defaults
    y = n[0] / (n[0] + 2.0 * n[1])
    d1 = 1.0 - 2.0 * y * n[1] / n[0]
    d2 = 2.0 - 3.0 * y * n[2] / n[1] if n[2] > 0 else defaults[2]
    d3 = 3.0 - 4.0 * y * n[3] / n[2] if n[2] > 0 and n[3] > 0 else defaults[3]
    # Clamping to [0, count] keeps every discounted count non-negative, so the
    # distribution still sums to one on degenerate (tiny) corpora.
    return np.array([0.0, min(max(d1, 0.0), 1.0), min(max(d2, 0.0), 2.0), min(max(d3, 0.0), 3.0)])


def _build_level(order: int, keys: np.ndarray, counts: np.ndarray, vocab_size: int) -> _Level:
    discounts = _estimate_discounts(counts)
    context_keys = keys // vocab_size
    contexts, starts, sizes = np.unique(context_keys, return_index=True, return_counts=True)
    ends = starts + sizes
    totals = np.add.reduceat(counts.astype(np.float64), starts)
    capped = np.minimum(counts, 3)
    backoff = np.zeros(len(contexts), dtype=np.float64)
    for value in (1, 2, 3):
        per_context = np.add.reduceat((capped == value).astype(np.float64), starts)
        backoff += discounts[value] * per_context
    return _Level(order, keys, counts, discounts, contexts, starts, ends, totals, backoff)


def _ngram_keys(stream: np.ndarray, order: int, vocab_size: int) -> np.ndarray:
    """Return the base-``vocab_size`` key of every ``order``-gram of ``stream``, in stream order."""
    n = len(stream) - order + 1
    keys = np.zeros(max(n, 0), dtype=np.int64)
    for offset in range(order):
        keys = keys * vocab_size + stream[offset : offset + n]
    return keys


class KneserNeyModel:
    """Interpolated modified Kneser-Ney model of a fixed order over a fixed vocabulary."""

    def __init__(self, order: int, vocab_size: int, start_id: int, levels: list[_Level]) -> None:
        self.order = order
        self.vocab_size = vocab_size
        # Padding token before the first real token of a stream or of a generation context.
        self.start_id = start_id
        self.levels = levels

    @classmethod
    def fit(cls, stream: np.ndarray, order: int, vocab_size: int, start_id: int) -> KneserNeyModel:
        """Count n-grams of ``stream`` (token ids) and estimate the model.

        Parameters
        ----------
        stream:
            (N,) int token ids; ``order - 1`` copies of ``start_id`` are put in front.
        order:
            Highest n-gram order, 2 to 5.
        vocab_size:
            Number of token ids; every id in ``stream`` must be below it.
        start_id:
            Padding id for missing history.
        """
        if not 2 <= order <= 5:
            raise ValueError(f"order must be between 2 and 5, got {order}")
        if float(vocab_size) ** order >= 2.0**63:
            raise ValueError(
                f"vocab_size={vocab_size} with order={order} overflows 64-bit n-gram keys; lower the order"
            )
        stream = np.asarray(stream, dtype=np.int64)
        if len(stream) == 0:
            raise ValueError("stream is empty; fit the n-gram model on at least one token")
        if stream.min() < 0 or stream.max() >= vocab_size:
            raise ValueError(f"stream contains ids outside [0, {vocab_size}); check the tokenizer vocabulary size")
        padded = np.concatenate([np.full(order - 1, start_id, dtype=np.int64), stream])
        distinct: dict[int, np.ndarray] = {}
        raw_counts: dict[int, np.ndarray] = {}
        for k in range(1, order + 1):
            distinct[k], raw_counts[k] = np.unique(_ngram_keys(padded, k, vocab_size), return_counts=True)
        levels: list[_Level] = []
        for k in range(1, order + 1):
            if k == order:
                keys, counts = distinct[k], raw_counts[k].astype(np.int64)
            else:
                # Continuation count of a k-gram: how many distinct tokens precede it.
                suffixes = distinct[k + 1] % (vocab_size**k)
                keys, counts = np.unique(suffixes, return_counts=True)
                counts = counts.astype(np.int64)
            levels.append(_build_level(k, keys, counts, vocab_size))
        logger.info(
            "fitted %d-gram Kneser-Ney model on %d tokens (%s n-grams per order)",
            order,
            len(stream),
            "/".join(str(len(level.keys)) for level in levels),
        )
        return cls(order, vocab_size, start_id, levels)

    def probabilities_at(self, stream: np.ndarray, positions: np.ndarray) -> np.ndarray:
        """Return P(stream[i] | preceding tokens) for every i in ``positions``.

        Missing history before the start of ``stream`` is filled with ``start_id``.
        """
        stream = np.asarray(stream, dtype=np.int64)
        pad = self.order - 1
        padded = np.concatenate([np.full(pad, self.start_id, dtype=np.int64), stream])
        targets = np.asarray(positions, dtype=np.int64) + pad
        probabilities = np.full(len(targets), 1.0 / self.vocab_size)
        full_keys = np.zeros(len(targets), dtype=np.int64)
        for level in self.levels:
            k = level.order
            # Key of the k-gram ending at each target: its context key gains one older token.
            full_keys = full_keys + padded[targets - (k - 1)] * (self.vocab_size ** (k - 1))
            context_keys = full_keys // self.vocab_size
            context_index = np.searchsorted(level.contexts, context_keys)
            context_index = np.minimum(context_index, len(level.contexts) - 1)
            has_context = level.contexts[context_index] == context_keys
            key_index = np.minimum(np.searchsorted(level.keys, full_keys), len(level.keys) - 1)
            counts = np.where(level.keys[key_index] == full_keys, level.counts[key_index], 0)
            discounted = np.maximum(counts - level.discount(counts), 0.0)
            totals = level.context_totals[context_index]
            interpolated = (discounted + level.context_backoff[context_index] * probabilities) / totals
            probabilities = np.where(has_context, interpolated, probabilities)
        return probabilities

    def distribution(self, history: list[int] | tuple[int, ...]) -> np.ndarray:
        """Return the (V,) next-token distribution after ``history`` (only the last order-1 ids matter)."""
        pad = self.order - 1
        context = ([self.start_id] * pad + [int(i) for i in history])[-pad:] if pad else []
        probabilities = np.full(self.vocab_size, 1.0 / self.vocab_size)
        for level in self.levels:
            k = level.order
            context_key = 0
            for token in context[len(context) - (k - 1) :] if k > 1 else []:
                context_key = context_key * self.vocab_size + token
            index = int(np.searchsorted(level.contexts, context_key))
            if index >= len(level.contexts) or level.contexts[index] != context_key:
                continue
            start, end = int(level.context_starts[index]), int(level.context_ends[index])
            words = level.keys[start:end] % self.vocab_size
            counts = level.counts[start:end]
            total = level.context_totals[index]
            mixed = probabilities * (level.context_backoff[index] / total)
            mixed[words] += np.maximum(counts - level.discount(counts), 0.0) / total
            probabilities = mixed
        return probabilities

    def save(self, path: str | Path) -> None:
        """Write the counts to a compressed ``.npz`` file (numeric arrays only, no pickled objects)."""
        arrays: dict[str, np.ndarray] = {
            "format_version": np.array(FORMAT_VERSION),
            "order": np.array(self.order),
            "vocab_size": np.array(self.vocab_size),
            "start_id": np.array(self.start_id),
        }
        for level in self.levels:
            arrays[f"keys_{level.order}"] = level.keys
            arrays[f"counts_{level.order}"] = level.counts
        path = Path(path)
        temporary = path.with_name(path.name + ".tmp.npz")
        np.savez_compressed(temporary, **arrays)
        os.replace(temporary, path)

    @classmethod
    def load(cls, path: str | Path) -> KneserNeyModel:
        """Load a model written by :meth:`save`."""
        with np.load(Path(path), allow_pickle=False) as archive:
            version = int(archive["format_version"])
            if version != FORMAT_VERSION:
                raise ValueError(f"unsupported n-gram file format version {version} in {path}; retrain the model")
            order = int(archive["order"])
            vocab_size = int(archive["vocab_size"])
            start_id = int(archive["start_id"])
            levels = [
                _build_level(k, archive[f"keys_{k}"], archive[f"counts_{k}"], vocab_size) for k in range(1, order + 1)
            ]
        return cls(order, vocab_size, start_id, levels)


def evaluate_ngram(model: KneserNeyModel, stream: np.ndarray, positions: np.ndarray) -> float:
    """Return the mean negative log-likelihood in nats per token at ``positions`` of ``stream``."""
    probabilities = model.probabilities_at(stream, positions)
    return float(-np.mean(np.log(probabilities)))
