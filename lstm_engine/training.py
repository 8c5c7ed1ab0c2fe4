"""Training of the tokenizer, the LSTM language model and the Kneser-Ney baseline."""
from __future__ import annotations

import hashlib
import json
import logging
import math
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from lstm_engine.checkpoint import (
    CHECKPOINT_FILENAME,
    METRICS_FILENAME,
    MODEL_FILENAME,
    capture_rng_state,
    load_payload,
    restore_rng_state,
    save_atomically,
    save_model_file,
)
from lstm_engine.config import LanguageModelConfig, TrainConfig
from lstm_engine.data import (
    Document,
    EncodedCorpus,
    batchify,
    effective_batch_size,
    encode_corpus,
    epoch_order,
    split_documents,
    window,
    windows_per_epoch,
)
from lstm_engine.device import autocast, resolve_device, torch_threads, uses_bfloat16
from lstm_engine.language_model import RecurrentLanguageModel, RecurrentState, detach_state
from lstm_engine.ngram import NGRAM_FILENAME, KneserNeyModel, evaluate_ngram
from lstm_engine.sampling import fit_mixture_weight, mixture_log_likelihood
from lstm_engine.seeding import set_seed
from lstm_engine.tokenizer import TOKENIZER_FILENAME, DocumentTokenizer, train_tokenizer

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int, str], None]
PhaseCallback = Callable[[str], None]
# Phase announced through ``on_phase`` when the optimizer steps are over and the
# n-gram baselines are fitted, which reports no steps of its own.
PHASE_NGRAM_BASELINE = "ngram_baseline"

# Bumped whenever the checkpoint layout or the meaning of a resumed run changes.
CHECKPOINT_FORMAT_VERSION = 1
# Validation columns are at least this long, so that few tokens are scored from a cold state.
MIN_EVAL_COLUMN_TOKENS = 256
MAX_EVAL_BATCH_SIZE = 32


@dataclass
class LanguageModelTrainResult:
    """Validation scores of the LSTM and of the n-gram baseline on the same tokens, plus run statistics."""

    val_loss: float  # LSTM, nats per token
    val_perplexity: float
    val_bits_per_char: float
    ngram_perplexity: float
    ngram_bits_per_char: float
    ngram_order: int
    beats_baseline: bool  # LSTM perplexity < n-gram perplexity
    steps: int
    total_steps: int
    train_seconds: float
    train_tokens: int
    validation_tokens: int
    model_config: dict[str, Any]
    train_config: dict[str, Any]
    # Training tokens processed per second of training time (forward and backward).
    tokens_per_second: float = 0.0
    # "completed", "early_stopping" or "time_budget".
    stop_reason: str = "completed"
    # "bfloat16" when the forward pass ran under bfloat16 autocast, "float32" otherwise.
    precision: str = "float32"
    # Interpolation p = w * p_lstm + (1 - w) * p_ngram. The weight w is fitted on the first
    # half of the validation documents, and every mixture_* score below is measured on the
    # second half only, where the LSTM and the n-gram are scored again for comparison.
    mixture_weight: float | None = None
    mixture_perplexity: float | None = None
    mixture_bits_per_char: float | None = None
    mixture_lstm_bits_per_char: float | None = None
    mixture_ngram_bits_per_char: float | None = None
    mixture_fit_tokens: int = 0
    mixture_report_tokens: int = 0
    # The mixture scores below both parts on the reported half.
    mixture_beats_both: bool = False

    def as_metrics(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict of every field."""
        return json.loads(json.dumps(asdict(self)))


class LearningRateSchedule:
    """Linear warm-up followed by cosine or linear decay towards ``min_lr_ratio``.

    With a time budget, decay progress is the larger of the step fraction and the elapsed
    fraction of the budget, so a run cut short by time still ends at a low learning rate.
    """

    def __init__(self, config: TrainConfig, total_steps: int) -> None:
        self.config = config
        self.total_steps = total_steps

    def decay_progress(self, step: int, elapsed_seconds: float) -> float:
        """Return how far the decay has gone at optimizer step ``step``: 0 until warm-up ends, then up to 1."""
        config = self.config
        if step < config.warmup_steps:
            return 0.0
        decay_steps = max(1, self.total_steps - config.warmup_steps)
        progress = (step - config.warmup_steps) / decay_steps
        if config.max_seconds is not None:
            progress = max(progress, elapsed_seconds / config.max_seconds)
        return min(1.0, progress)

    def factor(self, step: int, elapsed_seconds: float) -> float:
        """Return the learning-rate multiplier for optimizer step ``step`` (0-based)."""
        config = self.config
        if step < config.warmup_steps:
            return (step + 1) / config.warmup_steps
        progress = self.decay_progress(step, elapsed_seconds)
        floor = config.min_lr_ratio
        if config.lr_decay == "cosine":
            return floor + (1.0 - floor) * 0.5 * (1.0 + math.cos(math.pi * progress))
        if config.lr_decay == "linear":
            return 1.0 - (1.0 - floor) * progress
        return 1.0


@dataclass
class _RunState:
    """Everything that changes during training and goes into checkpoint.pt."""

    step: int = 0
    epoch: int = 0
    window_index: int = 0
    hidden: RecurrentState | None = None
    best_val_loss: float = math.inf
    best_state: dict[str, torch.Tensor] | None = None
    evaluations_without_improvement: int = 0
    elapsed_seconds: float = 0.0
    tokens_seen: int = 0
    stop_reason: str = ""
    history: list[dict[str, float]] = field(default_factory=list)
    # Moving average of the weights when weight_average_decay is set.
    average_state: dict[str, torch.Tensor] | None = None


def train_language_model(
    documents: Sequence[Document],
    output_dir: str | Path,
    *,
    model_config: LanguageModelConfig | None = None,
    train_config: TrainConfig | None = None,
    progress: ProgressCallback | None = None,
    on_phase: PhaseCallback | None = None,
    baselines: NgramBaselines | None = None,
) -> LanguageModelTrainResult:
    """Train a tokenizer, an LSTM language model and an n-gram baseline on ``documents``.

    Writes ``tokenizer.model``, ``checkpoint.pt`` (every ``checkpoint_every`` steps and at
    the end), ``model.pt`` (best weights), ``ngram.npz`` and ``metrics.json`` into
    ``output_dir``. When ``checkpoint.pt`` from a run with the same documents and
    configuration exists, training resumes from it and ends with the same weights as an
    uninterrupted run (bit for bit on the CPU). ``device``, ``max_seconds``,
    ``checkpoint_every`` and ``num_threads`` may differ between the runs.

    Parameters
    ----------
    documents:
        Articles to train on; at least two, because whole documents are held out for
        validation.
    output_dir:
        Directory for the files above; created if missing.
    model_config:
        Architecture; None picks :meth:`LanguageModelConfig.for_corpus_size`.
    train_config:
        Optimisation settings; None picks :meth:`TrainConfig.for_corpus_size`.
    progress:
        Called as ``progress(step, total_steps, message)`` after each evaluation and about
        every 2% of the steps. An exception raised by it stops training, and the last
        checkpoint stays usable for resuming.
    on_phase:
        Called as ``on_phase(PHASE_NGRAM_BASELINE)`` before the n-gram baselines are
        fitted, so that a caller can label that stretch without steps. A baseline
        taken from ``baselines`` is not announced.
    baselines:
        Baselines fitted by earlier runs, such as the other cell's run on the same
        documents. A run whose tokens, split and orders match one reuses it instead of
        fitting it again, and adds the one it fits.

    Returns
    -------
    LanguageModelTrainResult
        Validation scores of the LSTM and of the baseline on the same tokens.
    """
    documents = list(documents)
    for index, document in enumerate(documents):
        if not isinstance(document, Document):
            raise TypeError(f"documents[{index}] must be a Document, got {type(document).__name__}")
    n_characters = sum(document.character_count() for document in documents)
    model_config = model_config or LanguageModelConfig.for_corpus_size(n_characters)
    train_config = train_config or TrainConfig.for_corpus_size(n_characters)
    with torch_threads(train_config.num_threads):
        return _train(
            documents, Path(output_dir), model_config, train_config, progress, on_phase, baselines
        )


class NgramBaselines:
    """The n-gram baselines fitted so far, keyed by the tokens they were fitted and scored on.

    Training the LSTM and then the GRU on the same documents gives both the same
    tokenizer and split, so the second run takes the first run's baseline from here.
    """

    def __init__(self) -> None:
        self._fitted: dict[str, tuple[KneserNeyModel, float]] = {}

    @staticmethod
    def key(
        tokenizer: DocumentTokenizer,
        train_stream: np.ndarray,
        validation_stream: np.ndarray,
        orders: Sequence[int],
    ) -> str:
        digest = hashlib.sha256(tokenizer.model_proto)
        for stream in (train_stream, validation_stream):
            digest.update(np.ascontiguousarray(stream, dtype=np.int64).tobytes())
            digest.update(b"|")
        digest.update(repr(tuple(orders)).encode())
        return digest.hexdigest()

    def get(self, key: str) -> tuple[KneserNeyModel, float] | None:
        """Return the best baseline and its validation loss in nats per token, if fitted."""
        return self._fitted.get(key)

    def add(self, key: str, model: KneserNeyModel, validation_loss: float) -> None:
        self._fitted[key] = (model, validation_loss)

    def __len__(self) -> int:
        return len(self._fitted)


def _train(
    documents: list[Document],
    output_dir: Path,
    model_config: LanguageModelConfig,
    train_config: TrainConfig,
    progress: ProgressCallback | None,
    on_phase: PhaseCallback | None = None,
    baselines: NgramBaselines | None = None,
) -> LanguageModelTrainResult:
    output_dir.mkdir(parents=True, exist_ok=True)
    report = _progress_reporter(progress)

    train_documents, validation_documents = split_documents(
        documents, train_config.validation_fraction, train_config.seed
    )
    fingerprint = _run_fingerprint(train_documents, validation_documents, model_config, train_config)
    checkpoint_path = output_dir / CHECKPOINT_FILENAME
    tokenizer_path = output_dir / TOKENIZER_FILENAME
    resume_payload = _load_matching_checkpoint(checkpoint_path, tokenizer_path, fingerprint)

    if resume_payload is not None:
        tokenizer = DocumentTokenizer.load(tokenizer_path)
    else:
        logger.info("training tokenizer on %d documents", len(train_documents))
        texts = [text for document in train_documents for text in document.texts()]
        tokenizer = train_tokenizer(texts, model_config.vocab_size)
        tokenizer.save(tokenizer_path)
    effective_config = replace(model_config, vocab_size=tokenizer.vocab_size)
    train_corpus = encode_corpus(tokenizer, train_documents)
    validation_corpus = encode_corpus(tokenizer, validation_documents)
    validation_stream = validation_corpus.stream()

    device = resolve_device(train_config.device)
    set_seed(train_config.seed)
    model = RecurrentLanguageModel(effective_config).to(device)
    if train_config.unigram_output_bias:
        _set_unigram_output_bias(model, train_corpus.stream())
    optimizer = _build_optimizer(model, train_config)
    batch_size = effective_batch_size(train_corpus.n_tokens + 1, train_config.batch_size)
    steps_per_epoch = windows_per_epoch(batchify(train_corpus.stream(), batch_size), train_config.bptt)
    total_steps = train_config.max_steps or train_config.epochs * steps_per_epoch
    schedule = LearningRateSchedule(train_config, total_steps)

    run = _RunState()
    if resume_payload is not None:
        run = _restore_run(resume_payload, model, optimizer, device)
        budget = train_config.max_seconds
        if run.stop_reason == "time_budget" and (budget is None or run.elapsed_seconds < budget):
            # A larger budget than last time lets the run continue.
            run.stop_reason = ""
        logger.info("resuming training in %s at step %d of %d", output_dir, run.step, total_steps)
        report(run.step, total_steps, f"resuming at step {run.step}/{total_steps}")
    else:
        report(
            0,
            total_steps,
            f"starting {total_steps} steps on {train_corpus.n_tokens} training tokens "
            f"({tokenizer.vocab_size} pieces, {device.type}, "
            f"{_training_precision(device, train_config)})",
        )

    checkpoint_context = {
        "fingerprint": fingerprint,
        "tokenizer_sha256": hashlib.sha256(tokenizer.model_proto).hexdigest(),
        "model_config": asdict(effective_config),
        "train_config": asdict(train_config),
        "total_steps": total_steps,
    }
    _train_loop(
        model,
        optimizer,
        schedule,
        run,
        train_corpus=train_corpus,
        validation_stream=validation_stream,
        train_config=train_config,
        batch_size=batch_size,
        steps_per_epoch=steps_per_epoch,
        total_steps=total_steps,
        device=device,
        report=report,
        checkpoint_path=checkpoint_path,
        checkpoint_context=checkpoint_context,
    )

    return _finish(
        model,
        run,
        tokenizer=tokenizer,
        train_corpus=train_corpus,
        validation_stream=validation_stream,
        validation_corpus_lengths=[len(ids) for ids in validation_corpus.documents],
        effective_config=effective_config,
        train_config=train_config,
        total_steps=total_steps,
        device=device,
        output_dir=output_dir,
        report=report,
        on_phase=on_phase,
        baselines=baselines,
    )


def _train_loop(
    model: RecurrentLanguageModel,
    optimizer: torch.optim.Optimizer,
    schedule: LearningRateSchedule,
    run: _RunState,
    *,
    train_corpus: EncodedCorpus,
    validation_stream: np.ndarray,
    train_config: TrainConfig,
    batch_size: int,
    steps_per_epoch: int,
    total_steps: int,
    device: torch.device,
    report: ProgressCallback,
    checkpoint_path: Path,
    checkpoint_context: dict[str, Any],
) -> None:
    """Run optimizer steps until total_steps, early stopping or the time budget, updating ``run``."""
    loss_function = nn.CrossEntropyLoss(label_smoothing=train_config.label_smoothing)
    progress_every = max(1, total_steps // 50)
    columns: torch.Tensor | None = None
    columns_epoch = -1
    segment_start = time.monotonic()
    elapsed_before = run.elapsed_seconds
    running_loss = 0.0
    running_count = 0

    while run.step < total_steps and not run.stop_reason:
        if columns is None or columns_epoch != run.epoch:
            order = epoch_order(len(train_corpus.documents), train_config.seed, run.epoch)
            columns = batchify(train_corpus.stream(order), batch_size).to(device)
            columns_epoch = run.epoch
        inputs, targets = window(columns, run.window_index, train_config.bptt)  # (B, T), (B, T)

        run.elapsed_seconds = elapsed_before + time.monotonic() - segment_start
        learning_rate = train_config.learning_rate * schedule.factor(run.step, run.elapsed_seconds)
        for group in optimizer.param_groups:
            group["lr"] = learning_rate

        model.train()
        with autocast(device, train_config.mixed_precision, train_config.cpu_mixed_precision):
            logits, hidden, outputs, dropped = model.forward_with_outputs(inputs, run.hidden)  # (B, T, V)
            loss = loss_function(logits.reshape(-1, logits.shape[-1]).float(), targets.reshape(-1))  # (B*T, V) vs (B*T,)
            penalty = _activation_penalty(outputs, dropped, train_config)
        optimizer.zero_grad(set_to_none=True)
        (loss + penalty).backward()
        nn.utils.clip_grad_norm_(model.parameters(), train_config.clip_grad_norm)
        optimizer.step()
        run.hidden = detach_state(hidden, model.embedding.weight.dtype)
        if train_config.weight_average_decay is not None:
            _update_weight_average(model, run, train_config.weight_average_decay)
        running_loss += float(loss.detach())
        running_count += 1

        run.step += 1
        run.tokens_seen += targets.numel()
        run.window_index += 1
        if run.window_index >= steps_per_epoch:
            # The next epoch reorders the documents, so the carried state is meaningless.
            run.epoch += 1
            run.window_index = 0
            run.hidden = None
        run.elapsed_seconds = elapsed_before + time.monotonic() - segment_start

        if run.step % train_config.eval_every == 0 or run.step == total_steps:
            train_loss = running_loss / max(1, running_count)
            running_loss, running_count = 0.0, 0
            decay_progress = schedule.decay_progress(run.step, run.elapsed_seconds)
            _evaluate_and_track(model, run, validation_stream, train_config, device, train_loss, decay_progress)
            last = run.history[-1]
            report(
                run.step,
                total_steps,
                f"step {run.step}/{total_steps}, train loss {train_loss:.3f}, val loss {last['val_loss']:.3f}",
            )
        elif run.step % progress_every == 0:
            report(run.step, total_steps, f"step {run.step}/{total_steps}")

        if train_config.max_seconds is not None and run.elapsed_seconds >= train_config.max_seconds:
            run.stop_reason = "time_budget"
            logger.info("time budget of %.0f s reached at step %d", train_config.max_seconds, run.step)
        if run.step % train_config.checkpoint_every == 0:
            _save_checkpoint(checkpoint_path, model, optimizer, run, checkpoint_context)

    if not run.stop_reason:
        run.stop_reason = "completed"
    if not run.history or run.history[-1]["step"] != run.step:
        _evaluate_and_track(model, run, validation_stream, train_config, device, math.nan, 1.0)
    _save_checkpoint(checkpoint_path, model, optimizer, run, checkpoint_context)


def _activation_penalty(outputs: torch.Tensor, dropped: torch.Tensor, config: TrainConfig) -> torch.Tensor:
    """Return the activation and temporal activation regularisation terms for (B, T, H) outputs.

    The reported training loss leaves them out, so it stays comparable with the validation loss.
    """
    penalty = outputs.new_zeros((), dtype=torch.float32)
    if config.activation_regularization > 0.0:
        penalty = penalty + config.activation_regularization * dropped.float().pow(2).mean()
    if config.temporal_activation_regularization > 0.0:
        steps = outputs[:, 1:].float() - outputs[:, :-1].float()  # (B, T-1, H)
        penalty = penalty + config.temporal_activation_regularization * steps.pow(2).mean()
    return penalty


@torch.no_grad()
def _update_weight_average(model: RecurrentLanguageModel, run: _RunState, decay: float) -> None:
    """Blend the current weights into the moving average, with a shorter memory over the first steps."""
    effective_decay = min(decay, (1.0 + run.step) / (10.0 + run.step))
    if run.average_state is None:
        run.average_state = {name: tensor.detach().clone() for name, tensor in model.state_dict().items()}
        return
    for name, tensor in model.state_dict().items():
        if tensor.is_floating_point():
            run.average_state[name].mul_(effective_decay).add_(tensor, alpha=1.0 - effective_decay)
        else:
            run.average_state[name].copy_(tensor)


@contextmanager
def _averaged_weights(model: RecurrentLanguageModel, run: _RunState) -> Iterator[None]:
    """Swap the averaged weights into ``model`` for the duration of the block, if there are any."""
    if run.average_state is None:
        yield
        return
    current = {name: tensor.detach().clone() for name, tensor in model.state_dict().items()}
    model.load_state_dict(run.average_state)
    try:
        yield
    finally:
        model.load_state_dict(current)


def _evaluate_and_track(
    model: RecurrentLanguageModel,
    run: _RunState,
    validation_stream: np.ndarray,
    train_config: TrainConfig,
    device: torch.device,
    train_loss: float,
    decay_progress: float,
) -> None:
    """Evaluate on (a prefix of) the validation stream, keep the best weights and apply early stopping.

    Evaluations without a new best count towards the patience only once the
    learning-rate decay has reached ``train_config.early_stopping_after``.
    """
    stream = validation_stream
    if train_config.max_eval_tokens is not None:
        stream = stream[: train_config.max_eval_tokens + 1]
    with _averaged_weights(model, run):
        total_loss, count = evaluate_language_model(model, stream, train_config.bptt, device)
        val_loss = total_loss / count
        improved = val_loss < run.best_val_loss
        if improved:
            run.best_state = {name: tensor.detach().cpu().clone() for name, tensor in model.state_dict().items()}
    run.history.append({"step": run.step, "train_loss": train_loss, "val_loss": val_loss})
    if improved:
        run.best_val_loss = val_loss
        run.evaluations_without_improvement = 0
    elif decay_progress >= train_config.early_stopping_after:
        run.evaluations_without_improvement += 1
        patience = train_config.early_stopping_patience
        if patience is not None and run.evaluations_without_improvement >= patience and not run.stop_reason:
            run.stop_reason = "early_stopping"
            logger.info("early stopping at step %d, best val loss %.4f", run.step, run.best_val_loss)


def validation_batch_size(n_tokens: int) -> int:
    """Return the number of validation columns for a stream of ``n_tokens``."""
    return effective_batch_size(n_tokens, MAX_EVAL_BATCH_SIZE, MIN_EVAL_COLUMN_TOKENS)


def validation_target_positions(n_tokens: int) -> np.ndarray:
    """Return the stream positions that :func:`evaluate_language_model` scores, in column order."""
    batch_size = validation_batch_size(n_tokens)
    length = n_tokens // batch_size
    starts = np.arange(batch_size, dtype=np.int64)[:, None] * length
    return (starts + np.arange(1, length, dtype=np.int64)[None, :]).reshape(-1)


@torch.no_grad()
def token_log_probabilities(
    model: RecurrentLanguageModel, stream: np.ndarray, bptt: int, device: torch.device
) -> np.ndarray:
    """Return the natural-log probability of every scored token, in the order of :func:`validation_target_positions`."""
    was_training = model.training
    model.eval()
    columns = batchify(stream, validation_batch_size(len(stream))).to(device)  # (B, L)
    hidden: RecurrentState | None = None
    pieces: list[torch.Tensor] = []
    for index in range(windows_per_epoch(columns, bptt)):
        inputs, targets = window(columns, index, bptt)  # (B, T), (B, T)
        logits, hidden = model(inputs, hidden)  # (B, T, V)
        log_probs = torch.log_softmax(logits.float(), dim=-1)  # (B, T, V)
        pieces.append(log_probs.gather(-1, targets.unsqueeze(-1)).squeeze(-1).cpu())  # (B, T)
    model.train(was_training)
    # Windows run along the columns, so joining them on the time axis restores column order.
    return torch.cat(pieces, dim=1).reshape(-1).double().numpy()


@torch.no_grad()
def evaluate_language_model(
    model: RecurrentLanguageModel, stream: np.ndarray, bptt: int, device: torch.device
) -> tuple[float, int]:
    """Return the summed negative log-likelihood (nats) and the number of scored tokens.

    The stream is cut into columns like the training data, and every token except the
    first of each column is scored (see :func:`validation_target_positions`).
    """
    was_training = model.training
    model.eval()
    columns = batchify(stream, validation_batch_size(len(stream))).to(device)  # (B, L)
    hidden: RecurrentState | None = None
    total = 0.0
    count = 0
    for index in range(windows_per_epoch(columns, bptt)):
        inputs, targets = window(columns, index, bptt)  # (B, T), (B, T)
        logits, hidden = model(inputs, hidden)  # (B, T, V)
        losses = nn.functional.cross_entropy(
            logits.reshape(-1, logits.shape[-1]).float(), targets.reshape(-1), reduction="sum"
        )  # (B*T, V) vs (B*T,)
        total += float(losses)
        count += targets.numel()
    model.train(was_training)
    return total, count


def _finish(
    model: RecurrentLanguageModel,
    run: _RunState,
    *,
    tokenizer: DocumentTokenizer,
    train_corpus: EncodedCorpus,
    validation_stream: np.ndarray,
    validation_corpus_lengths: Sequence[int],
    effective_config: LanguageModelConfig,
    train_config: TrainConfig,
    total_steps: int,
    device: torch.device,
    output_dir: Path,
    report: ProgressCallback,
    on_phase: PhaseCallback | None = None,
    baselines: NgramBaselines | None = None,
) -> LanguageModelTrainResult:
    """Score the best weights and the n-gram baselines on the full validation set and write the outputs."""
    if run.best_state is not None:
        model.load_state_dict(run.best_state)
    lstm_log_probs = token_log_probabilities(model, validation_stream, train_config.bptt, device)
    total_loss = float(-lstm_log_probs.sum())
    count = len(lstm_log_probs)
    val_loss = total_loss / count
    positions = validation_target_positions(len(validation_stream))
    if len(positions) != count:
        raise RuntimeError(f"validation scored {count} tokens but the n-gram positions number {len(positions)}")
    target_lengths = tokenizer_character_lengths(tokenizer)[validation_stream[positions]]
    target_characters = int(target_lengths.sum())
    nats_per_character = total_loss / max(1, target_characters)

    best_ngram, best_ngram_loss = _ngram_baseline(
        tokenizer=tokenizer,
        train_stream=train_corpus.stream(),
        validation_stream=validation_stream,
        positions=positions,
        orders=train_config.ngram_orders,
        baselines=baselines,
        announce=lambda: _announce_ngram_phase(run, total_steps, report, on_phase),
    )
    best_ngram.save(output_dir / NGRAM_FILENAME)
    ngram_log_probs = np.log(best_ngram.probabilities_at(validation_stream, positions))
    mixture = _fit_mixture(
        lstm_log_probs,
        ngram_log_probs,
        positions=positions,
        target_lengths=target_lengths,
        fit_end=_mixture_fit_end(validation_corpus_lengths),
    )

    train_config_dict = asdict(train_config)
    save_model_file(output_dir / MODEL_FILENAME, model.state_dict(), effective_config, train_config_dict)
    result = LanguageModelTrainResult(
        val_loss=val_loss,
        val_perplexity=math.exp(val_loss),
        val_bits_per_char=nats_per_character / math.log(2),
        ngram_perplexity=math.exp(best_ngram_loss),
        ngram_bits_per_char=best_ngram_loss * count / max(1, target_characters) / math.log(2),
        ngram_order=best_ngram.order,
        beats_baseline=val_loss < best_ngram_loss,
        steps=run.step,
        total_steps=total_steps,
        train_seconds=run.elapsed_seconds,
        train_tokens=train_corpus.n_tokens,
        validation_tokens=count,
        model_config=asdict(effective_config),
        train_config=json.loads(json.dumps(train_config_dict)),
        tokens_per_second=run.tokens_seen / run.elapsed_seconds if run.elapsed_seconds > 0 else 0.0,
        stop_reason=run.stop_reason,
        precision=_training_precision(device, train_config),
        **mixture,
    )
    (output_dir / METRICS_FILENAME).write_text(json.dumps(result.as_metrics(), indent=2), encoding="utf-8")
    report(
        run.step,
        total_steps,
        f"done: val perplexity {result.val_perplexity:.2f}, "
        f"{result.ngram_order}-gram perplexity {result.ngram_perplexity:.2f}",
    )
    return result


def _training_precision(device: torch.device, train_config: TrainConfig) -> str:
    """Return "bfloat16" when the training steps run under bfloat16 autocast, else "float32"."""
    if uses_bfloat16(device, train_config.mixed_precision, train_config.cpu_mixed_precision):
        return "bfloat16"
    return "float32"


def _announce_ngram_phase(
    run: _RunState, total_steps: int, report: ProgressCallback, on_phase: PhaseCallback | None
) -> None:
    if on_phase is not None:
        on_phase(PHASE_NGRAM_BASELINE)
    report(run.step, total_steps, "fitting n-gram baselines")


def _ngram_baseline(
    *,
    tokenizer: DocumentTokenizer,
    train_stream: np.ndarray,
    validation_stream: np.ndarray,
    positions: np.ndarray,
    orders: Sequence[int],
    baselines: NgramBaselines | None,
    announce: Callable[[], None],
) -> tuple[KneserNeyModel, float]:
    """Return the n-gram model of the best order in ``orders`` and its validation loss.

    A run on the same tokens may have fitted it already, and then it comes from
    ``baselines``. Otherwise this calls ``announce``, fits every order and adds the
    best model to ``baselines``.
    """
    key = NgramBaselines.key(tokenizer, train_stream, validation_stream, orders)
    if baselines is not None and (fitted := baselines.get(key)) is not None:
        logger.info("reusing the %d-gram baseline fitted on the same tokens", fitted[0].order)
        return fitted
    announce()
    best_ngram: KneserNeyModel | None = None
    best_ngram_loss = math.inf
    for order in orders:
        ngram = KneserNeyModel.fit(train_stream, order, tokenizer.vocab_size, tokenizer.end_id)
        ngram_loss = evaluate_ngram(ngram, validation_stream, positions)
        logger.info("%d-gram baseline validation loss %.4f nats per token", order, ngram_loss)
        if ngram_loss < best_ngram_loss:
            best_ngram, best_ngram_loss = ngram, ngram_loss
    assert best_ngram is not None
    if baselines is not None:
        baselines.add(key, best_ngram, best_ngram_loss)
    return best_ngram, best_ngram_loss


def _mixture_fit_end(document_lengths: Sequence[int]) -> int:
    """Return the stream offset that splits the validation documents into two halves.

    The split falls on the document boundary nearest the middle of the stream, or at the
    middle itself when a single document makes one half empty.
    """
    total = int(sum(document_lengths))
    boundaries = np.cumsum(np.asarray(document_lengths, dtype=np.int64))[:-1]
    inner = boundaries[(boundaries > 0) & (boundaries < total)]
    if len(inner) == 0:
        return total // 2
    return int(inner[np.argmin(np.abs(inner - total / 2))])


def _fit_mixture(
    lstm_log_probs: np.ndarray,
    ngram_log_probs: np.ndarray,
    *,
    positions: np.ndarray,
    target_lengths: np.ndarray,
    fit_end: int,
) -> dict[str, Any]:
    """Fit the LSTM/n-gram mixture weight on targets before ``fit_end`` and score it on the rest.

    Returns the mixture_* fields of :class:`LanguageModelTrainResult`, empty when either
    half has no scored token.

    NOTE: the n-gram order (3 or 4) is still chosen on the whole validation set, so that
    one choice has seen the reported half.
    """
    fit = positions < fit_end
    held_out = ~fit
    if not fit.any() or not held_out.any():
        logger.warning("validation set too small to fit and score a mixture weight separately")
        return {}
    weight = fit_mixture_weight(lstm_log_probs[fit], ngram_log_probs[fit])
    mixture_nats = -mixture_log_likelihood(weight, lstm_log_probs[held_out], ngram_log_probs[held_out])
    lstm_nats = float(-lstm_log_probs[held_out].sum())
    ngram_nats = float(-ngram_log_probs[held_out].sum())
    tokens = int(held_out.sum())
    characters = max(1, int(target_lengths[held_out].sum()))
    bits = math.log(2) * characters
    logger.info("mixture weight %.3f of the LSTM, fitted on %d tokens", weight, int(fit.sum()))
    return {
        "mixture_weight": weight,
        "mixture_perplexity": math.exp(mixture_nats / tokens),
        "mixture_bits_per_char": mixture_nats / bits,
        "mixture_lstm_bits_per_char": lstm_nats / bits,
        "mixture_ngram_bits_per_char": ngram_nats / bits,
        "mixture_fit_tokens": int(fit.sum()),
        "mixture_report_tokens": tokens,
        "mixture_beats_both": mixture_nats < min(lstm_nats, ngram_nats),
    }


def tokenizer_character_lengths(tokenizer: DocumentTokenizer) -> np.ndarray:
    """Return the characters each piece adds to decoded text.

    Structure symbols count one character, a UTF-8 lead byte one and a continuation
    byte none, so the sum over a stream equals the characters that it encodes.
    """
    lengths = np.array([len(text) for text in tokenizer.piece_texts], dtype=np.int64)
    for piece_id in tokenizer.structure_ids:
        lengths[piece_id] = 1
    is_byte = tokenizer.byte_values >= 0
    lengths[is_byte] = (tokenizer.byte_values[is_byte] & 0xC0) != 0x80
    return lengths


@torch.no_grad()
def _set_unigram_output_bias(model: RecurrentLanguageModel, train_stream: np.ndarray) -> None:
    """Start the output bias at the log unigram frequencies, so the first steps skip learning them.

    Each count gets 0.5 added, so a piece that never occurs in training keeps a finite bias.
    """
    counts = np.bincount(train_stream, minlength=model.config.vocab_size).astype(np.float64) + 0.5
    log_frequencies = np.log(counts / counts.sum())
    model.decoder.bias.copy_(torch.from_numpy(log_frequencies).to(model.decoder.bias))


def _build_optimizer(model: nn.Module, config: TrainConfig) -> torch.optim.Optimizer:
    parameters = model.parameters()
    if config.optimizer == "adamw":
        return torch.optim.AdamW(parameters, lr=config.learning_rate, weight_decay=config.weight_decay)
    if config.optimizer == "rmsprop":
        return torch.optim.RMSprop(
            parameters, lr=config.learning_rate, momentum=config.momentum, weight_decay=config.weight_decay
        )
    return torch.optim.SGD(
        parameters,
        lr=config.learning_rate,
        momentum=config.momentum,
        nesterov=config.momentum > 0,
        weight_decay=config.weight_decay,
    )


def _run_fingerprint(
    train_documents: list[Document],
    validation_documents: list[Document],
    model_config: LanguageModelConfig,
    train_config: TrainConfig,
) -> str:
    """Return a digest of everything that determines the trained weights."""
    content = {
        "version": CHECKPOINT_FORMAT_VERSION,
        "train": [document.fingerprint() for document in train_documents],
        "validation": [document.fingerprint() for document in validation_documents],
        **_fingerprint_settings(model_config, train_config),
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=list).encode()).hexdigest()


def _fingerprint_settings(model_config: LanguageModelConfig, train_config: TrainConfig) -> dict[str, dict[str, Any]]:
    """Return the model and training settings that the run fingerprint covers."""
    settings = asdict(train_config)
    for name in ("device", "max_seconds", "checkpoint_every", "num_threads"):
        settings.pop(name)
    architecture = asdict(model_config)
    # Settings added after the checkpoint format leave the digest alone while they are off,
    # so a run interrupted before an upgrade still resumes after it.
    for name in ("activation_regularization", "temporal_activation_regularization"):
        if settings[name] == 0.0:
            settings.pop(name)
    if architecture["input_dropout"] is None:
        architecture.pop("input_dropout")
    return {"model_config": architecture, "train_config": settings}


def _load_matching_checkpoint(
    checkpoint_path: Path, tokenizer_path: Path, fingerprint: str
) -> dict[str, Any] | None:
    """Return the checkpoint payload if it belongs to this run, else None."""
    if not checkpoint_path.is_file():
        return None
    payload = load_payload(checkpoint_path)
    if payload.get("format_version") != CHECKPOINT_FORMAT_VERSION or payload.get("fingerprint") != fingerprint:
        logger.warning(
            "%s comes from other documents or settings; starting a new run and overwriting it", checkpoint_path
        )
        return None
    if not tokenizer_path.is_file():
        logger.warning("%s is missing; starting a new run instead of resuming", tokenizer_path)
        return None
    if hashlib.sha256(tokenizer_path.read_bytes()).hexdigest() != payload.get("tokenizer_sha256"):
        logger.warning("%s differs from the checkpoint's tokenizer; starting a new run", tokenizer_path)
        return None
    return payload


def _save_checkpoint(
    path: Path,
    model: RecurrentLanguageModel,
    optimizer: torch.optim.Optimizer,
    run: _RunState,
    context: dict[str, Any],
) -> None:
    hidden: Any = run.hidden
    if isinstance(hidden, tuple):
        hidden = [tensor.cpu() for tensor in hidden]
    elif hidden is not None:
        hidden = hidden.cpu()
    payload = {
        "format_version": CHECKPOINT_FORMAT_VERSION,
        **context,
        "model_state": {name: tensor.detach().cpu() for name, tensor in model.state_dict().items()},
        "optimizer_state": optimizer.state_dict(),
        # The schedule is a pure function of the step and the elapsed time.
        "schedule_state": {"step": run.step, "elapsed_seconds": run.elapsed_seconds},
        "rng_state": capture_rng_state(),
        "data_position": {"epoch": run.epoch, "window_index": run.window_index},
        "hidden": hidden,
        "best_val_loss": run.best_val_loss,
        "best_state": run.best_state,
        "average_state": None
        if run.average_state is None
        else {name: tensor.detach().cpu() for name, tensor in run.average_state.items()},
        "evaluations_without_improvement": run.evaluations_without_improvement,
        "tokens_seen": run.tokens_seen,
        "stop_reason": run.stop_reason,
        "history": run.history,
    }
    save_atomically(payload, path)
    logger.debug("wrote checkpoint at step %d to %s", run.step, path)


def _restore_run(
    payload: dict[str, Any],
    model: RecurrentLanguageModel,
    optimizer: torch.optim.Optimizer,
    device: torch.device,
) -> _RunState:
    model.load_state_dict(payload["model_state"])
    optimizer.load_state_dict(payload["optimizer_state"])
    restore_rng_state(payload["rng_state"])
    hidden = payload["hidden"]
    if isinstance(hidden, list):
        hidden = (hidden[0].to(device), hidden[1].to(device))
    elif hidden is not None:
        hidden = hidden.to(device)
    return _RunState(
        step=payload["schedule_state"]["step"],
        epoch=payload["data_position"]["epoch"],
        window_index=payload["data_position"]["window_index"],
        hidden=hidden,
        best_val_loss=payload["best_val_loss"],
        best_state=payload["best_state"],
        average_state=None
        if payload["average_state"] is None
        else {name: tensor.to(device) for name, tensor in payload["average_state"].items()},
        evaluations_without_improvement=payload["evaluations_without_improvement"],
        elapsed_seconds=payload["schedule_state"]["elapsed_seconds"],
        tokens_seen=payload["tokens_seen"],
        stop_reason=payload["stop_reason"],
        history=payload["history"],
    )


def _progress_reporter(progress: ProgressCallback | None) -> ProgressCallback:
    def report(step: int, total: int, message: str) -> None:
        logger.info("%s", message)
        if progress is not None:
            progress(step, total, message)

    return report
