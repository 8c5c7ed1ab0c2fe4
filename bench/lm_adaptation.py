"""Score a trained drafting model with document-level adaptation and print one JSON object.

Example::

    nice .venv/bin/python bench/lm_quick.py --data DIR/livedoor-news --articles 600 --budget 600 --output /tmp/lm
    nice .venv/bin/python bench/lm_adaptation.py --data DIR/livedoor-news --articles 600 --model /tmp/lm

The held-out articles are the ones the training run held out (same articles, same split).
Each method adapts to the earlier tokens of the article being scored, and to nothing else:

- continuous cache: attention over the LSTM's earlier hidden states in the article. Each
  state votes for the token that followed it, and the vote is interpolated with the LSTM.
- dynamic evaluation: after scoring each segment of 32 tokens the LSTM takes one SGD
  step on it. Its weights are reset at the start of every article.
- document n-gram cache: a Witten-Bell 4-gram model of the article so far, interpolated
  with the Kneser-Ney baseline (the n-gram's own form of adaptation) and with the LSTM.

Sharpness, interpolation weights and learning rates are chosen on the first half of the
held-out articles, and every figure is bits per character on the second half.
"""
from __future__ import annotations

import argparse
import copy
import json
import math
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from lm_quick import read_article, rounded, select_articles  # noqa: E402

from lstm_engine.checkpoint import load_model_file, load_payload  # noqa: E402
from lstm_engine.data import Document, encode_corpus, split_documents  # noqa: E402
from lstm_engine.language_model import RecurrentLanguageModel, detach_state  # noqa: E402
from lstm_engine.ngram import KneserNeyModel  # noqa: E402
from lstm_engine.tokenizer import DocumentTokenizer  # noqa: E402
from lstm_engine.training import (  # noqa: E402
    MODEL_FILENAME,
    NGRAM_FILENAME,
    TOKENIZER_FILENAME,
    tokenizer_character_lengths,
)

CACHE_SHARPNESS = (2.0, 4.0, 8.0, 12.0, 16.0, 24.0)
DYNAMIC_LEARNING_RATES = (0.3, 0.6, 1.0, 1.4)
INTERPOLATION_WEIGHTS = np.arange(0.02, 0.62, 0.02)
DYNAMIC_SEGMENT = 32


@dataclass
class HeldOut:
    """The held-out articles as one token stream, with what each scored position needs.

    Position ``t`` of the per-target arrays scores ``stream[t + 1]`` from ``stream[: t + 1]``.
    """

    stream: np.ndarray
    document_starts: list[int]  # stream index of each article's first token
    document_of_target: np.ndarray  # (N,) article index of each target
    characters: np.ndarray  # (N,) characters each target covers
    fit: np.ndarray  # (N,) True for targets in the first half of the articles

    @property
    def report(self) -> np.ndarray:
        return ~self.fit

    def article_spans(self) -> list[tuple[int, int]]:
        """Return the (first, end) target positions of each article, end excluded."""
        bounds = [start - 1 for start in self.document_starts] + [len(self.stream) - 1]
        return list(zip(bounds[:-1], bounds[1:]))


def held_out_articles(documents: list[Document], model_dir: Path) -> HeldOut:
    """Rebuild the validation articles of the run that wrote ``model_dir`` and encode them with its tokenizer."""
    train_config = load_payload(model_dir / MODEL_FILENAME)["train_config"]
    _, validation = split_documents(documents, train_config["validation_fraction"], train_config["seed"])
    tokenizer = DocumentTokenizer.load(model_dir / TOKENIZER_FILENAME)
    corpus = encode_corpus(tokenizer, validation)
    starts: list[int] = []
    offset = 1
    for ids in corpus.documents:
        starts.append(offset)
        offset += len(ids)
    stream = corpus.stream()
    document_of_target = np.searchsorted(np.asarray(starts), np.arange(1, len(stream)), side="right") - 1
    characters = tokenizer_character_lengths(tokenizer)[stream[1:]]
    fit = document_of_target < len(starts) // 2
    return HeldOut(stream, starts, document_of_target, characters, fit)


def bits_per_character(log_probs: np.ndarray, held_out: HeldOut, mask: np.ndarray) -> float:
    """Return the bits per character of the targets selected by ``mask``."""
    return float(-log_probs[mask].sum() / held_out.characters[mask].sum() / math.log(2))


def best_interpolation(
    base: np.ndarray, cache: np.ndarray, held_out: HeldOut
) -> tuple[float, float]:
    """Return the cache weight with the lowest bits per character on the first half, and that figure."""
    best_weight, best_bits = 0.0, bits_per_character(np.log(base), held_out, held_out.fit)
    for weight in INTERPOLATION_WEIGHTS:
        bits = bits_per_character(np.log((1 - weight) * base + weight * cache), held_out, held_out.fit)
        if bits < best_bits:
            best_weight, best_bits = float(weight), bits
    return best_weight, best_bits


@torch.no_grad()
def lstm_states(model: RecurrentLanguageModel, held_out: HeldOut) -> tuple[np.ndarray, torch.Tensor]:
    """Return the LSTM's log-probability of every target and its top-layer state before each target."""
    inputs = torch.as_tensor(held_out.stream[:-1]).unsqueeze(0)  # (1, N)
    targets = torch.as_tensor(held_out.stream[1:])  # (N,)
    state = None
    log_probs, states = [], []
    for begin in range(0, inputs.shape[1], 256):
        chunk = inputs[:, begin : begin + 256]  # (1, T)
        outputs, state = model.recurrent(model.embedding(chunk), state)  # (1, T, H)
        states.append(outputs[0])
        projected = model.projection(outputs) if model.projection is not None else outputs
        logits = model.decoder(projected)[0]  # (T, V)
        chosen = targets[begin : begin + chunk.shape[1], None]  # (T, 1)
        log_probs.append(torch.log_softmax(logits, -1).gather(-1, chosen)[:, 0])
    return torch.cat(log_probs).double().numpy(), torch.cat(states)  # (N,), (N, H)


@torch.no_grad()
def continuous_cache(states: torch.Tensor, held_out: HeldOut, sharpness: float) -> np.ndarray:
    """Return the probability of each target under attention over the earlier states of its article."""
    targets = torch.as_tensor(held_out.stream[1:])
    probabilities = np.zeros(states.shape[0])
    for first, end in held_out.article_spans():
        keys = states[first:end]  # (D, H)
        scores = sharpness * keys @ keys.T  # (D, D)
        earlier = torch.ones_like(scores, dtype=torch.bool).tril(-1)
        # An article's first state has no earlier one, so its row of NaNs becomes zeros.
        weights = torch.softmax(scores.masked_fill(~earlier, -math.inf), -1).nan_to_num(0.0)
        same_token = targets[first:end, None] == targets[None, first:end]  # (D, D)
        probabilities[first:end] = (weights * same_token).sum(-1).double().numpy()
    return probabilities


def document_ngram_cache(held_out: HeldOut, order: int = 4) -> np.ndarray:
    """Return the probability of each target under a Witten-Bell n-gram model of the article so far."""
    stream = held_out.stream
    probabilities = np.zeros(len(stream) - 1)
    for first, end in held_out.article_spans():
        follow = [defaultdict(int) for _ in range(order)]  # (context..., token) -> count
        totals = [defaultdict(int) for _ in range(order)]  # context -> count
        types = [defaultdict(int) for _ in range(order)]  # context -> distinct followers
        for position in range(first, end):
            token = int(stream[position + 1])
            # Contexts of 0 to order - 1 tokens, all inside the article.
            lengths = range(min(order, position - first + 1))
            contexts = [tuple(stream[position - k + 1 : position + 1].tolist()) for k in lengths]
            probability = 0.0
            for k, context in enumerate(contexts):
                total = totals[k].get(context, 0)
                if total:
                    keep = total / (total + types[k][context])
                    probability = keep * follow[k].get(context + (token,), 0) / total + (1 - keep) * probability
            probabilities[position] = probability
            for k, context in enumerate(contexts):
                if follow[k][context + (token,)] == 0:
                    types[k][context] += 1
                follow[k][context + (token,)] += 1
                totals[k][context] += 1
    return probabilities


def dynamic_evaluation(model: RecurrentLanguageModel, held_out: HeldOut, learning_rate: float, fit: bool) -> np.ndarray:
    """Return the log-probability of each target in one half, with one SGD step after each scored segment.

    Every article starts from the trained weights, and the recurrent state runs on from
    the previous article as in the plain scoring. Targets of the other half stay zero.
    """
    adapted = copy.deepcopy(model).eval()
    trained = {name: parameter.detach().clone() for name, parameter in adapted.named_parameters()}
    stream = held_out.stream
    log_probs = np.zeros(len(stream) - 1)
    state = None
    for first, end in held_out.article_spans():
        with torch.no_grad():
            for name, parameter in adapted.named_parameters():
                parameter.copy_(trained[name])
        scored_here = bool(held_out.fit[first]) == fit
        for begin in range(first, end, DYNAMIC_SEGMENT):
            stop = min(end, begin + DYNAMIC_SEGMENT)
            inputs = torch.as_tensor(stream[begin:stop]).unsqueeze(0)  # (1, T)
            if not scored_here:
                with torch.no_grad():
                    _, state = adapted(inputs, state)
                continue
            targets = torch.as_tensor(stream[begin + 1 : stop + 1])  # (T,)
            logits, state = adapted(inputs, state)  # (1, T, V)
            scored = torch.log_softmax(logits[0], -1).gather(-1, targets[:, None])[:, 0]  # (T,)
            log_probs[begin:stop] = scored.detach().double().numpy()
            adapted.zero_grad()
            (-scored.mean()).backward()
            with torch.no_grad():
                for parameter in adapted.parameters():
                    parameter.add_(parameter.grad, alpha=-learning_rate)
            state = detach_state(state)
    return log_probs


def adaptation_figures(documents: list[Document], model_dir: Path) -> dict[str, object]:
    """Score the held-out articles of the run in ``model_dir`` with and without each form of adaptation."""
    held_out = held_out_articles(documents, model_dir)
    model = load_model_file(model_dir / MODEL_FILENAME)
    ngram = KneserNeyModel.load(model_dir / NGRAM_FILENAME)
    positions = np.arange(1, len(held_out.stream))
    ngram_probabilities = ngram.probabilities_at(held_out.stream, positions)
    lstm_log_probs, states = lstm_states(model, held_out)
    lstm_probabilities = np.exp(lstm_log_probs)

    def on_report_half(log_probs: np.ndarray) -> float | None:
        return rounded(bits_per_character(log_probs, held_out, held_out.report))

    figures: dict[str, object] = {
        "held_out_articles": len(held_out.document_starts),
        "report_tokens": int(held_out.report.sum()),
        "lstm_bpc": on_report_half(lstm_log_probs),
        "ngram_bpc": on_report_half(np.log(ngram_probabilities)),
    }

    best: tuple[float, float, float, np.ndarray] | None = None  # fit bits, sharpness, weight, cache
    for sharpness in CACHE_SHARPNESS:
        cache = continuous_cache(states, held_out, sharpness)
        weight, bits = best_interpolation(lstm_probabilities, cache, held_out)
        if best is None or bits < best[0]:
            best = (bits, sharpness, weight, cache)
    assert best is not None
    _, sharpness, weight, cache = best
    figures["lstm_continuous_cache_bpc"] = on_report_half(np.log((1 - weight) * lstm_probabilities + weight * cache))
    figures["lstm_continuous_cache"] = {"sharpness": sharpness, "weight": rounded(weight)}

    document_cache = document_ngram_cache(held_out)
    for name, probabilities in (("ngram", ngram_probabilities), ("lstm", lstm_probabilities)):
        weight, _ = best_interpolation(probabilities, document_cache, held_out)
        figures[f"{name}_document_cache_bpc"] = on_report_half(
            np.log((1 - weight) * probabilities + weight * document_cache)
        )
        figures[f"{name}_document_cache_weight"] = rounded(weight)

    fitted = {
        rate: bits_per_character(dynamic_evaluation(model, held_out, rate, fit=True), held_out, held_out.fit)
        for rate in DYNAMIC_LEARNING_RATES
    }
    # A rate that diverges scores NaN, and such a rate is never chosen.
    rate = min(fitted, key=lambda candidate: (not math.isfinite(fitted[candidate]), fitted[candidate]))
    figures["lstm_dynamic_bpc"] = on_report_half(dynamic_evaluation(model, held_out, rate, fit=False))
    figures["lstm_dynamic_learning_rate"] = rate
    return figures


def add_model_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options that name a model trained by lm_quick.py and the articles it was trained on."""
    parser.add_argument("--data", type=Path, required=True, help="livedoor-news folder the model was trained on")
    parser.add_argument("--articles", type=int, default=600, help="the --articles the model was trained with")
    parser.add_argument("--model", type=Path, required=True, help="folder written by lm_quick.py --output")
    parser.add_argument("--threads", type=int, default=1, help="PyTorch CPU threads")


def training_articles(arguments: argparse.Namespace) -> list[Document]:
    """Read the articles that lm_quick.py selected for ``--data`` and ``--articles``."""
    return [read_article(path, None) for path in select_articles(arguments.data, arguments.articles)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_model_arguments(parser)
    arguments = parser.parse_args()
    torch.set_num_threads(arguments.threads)
    started = time.monotonic()
    documents = training_articles(arguments)
    report = adaptation_figures(documents, arguments.model)
    report["wall_seconds"] = round(time.monotonic() - started, 1)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
