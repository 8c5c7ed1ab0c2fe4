"""Next-token scoring protocol, its LSTM, n-gram and mixture implementations, and token sampling."""
from __future__ import annotations

import math
import warnings
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import torch

from lstm_engine.language_model import RecurrentLanguageModel, RecurrentState
from lstm_engine.ngram import KneserNeyModel


@dataclass
class DecodingConfig:
    """Sampling settings for draft generation."""

    temperature: float = 0.8
    # Keep only the k most likely tokens. 0 disables the filter.
    top_k: int = 40
    # Keep the smallest set of tokens whose probability reaches top_p. 1.0 disables it.
    top_p: float = 0.92
    # Penalty on tokens seen in the last repetition_window tokens. Positive centred
    # logits are divided by it and negative ones multiplied by it. 1.0 disables it.
    repetition_penalty: float = 1.15
    repetition_window: int = 64
    # Ban any token that would repeat an n-gram of this size from the same draft. 0 disables it.
    no_repeat_ngram_size: int = 4
    # Logit bonus on the first token of a keyword that still has to be placed. It grows
    # by keyword_boost_growth per generated token until the keyword appears.
    keyword_boost: float = 2.0
    keyword_boost_growth: float = 0.15
    # Tokens to wait for the model to start a keyword before inserting it at the next
    # sentence start.
    keyword_window: int = 40
    greedy: bool = False

    def __post_init__(self) -> None:
        if not (isinstance(self.temperature, (int, float)) and self.temperature > 0):
            raise ValueError(
                f"temperature must be > 0, got {self.temperature!r}; use greedy=True for deterministic decoding"
            )
        if self.top_k < 0:
            raise ValueError(f"top_k must be >= 0 (0 disables it), got {self.top_k!r}")
        if not 0.0 < self.top_p <= 1.0:
            raise ValueError(f"top_p must be in (0, 1], got {self.top_p!r}")
        if self.repetition_penalty < 1.0:
            raise ValueError(f"repetition_penalty must be >= 1.0 (1.0 disables it), got {self.repetition_penalty!r}")
        if self.repetition_window < 1:
            raise ValueError(f"repetition_window must be >= 1, got {self.repetition_window!r}")
        if self.no_repeat_ngram_size < 0 or self.no_repeat_ngram_size == 1:
            raise ValueError(
                f"no_repeat_ngram_size must be 0 (disabled) or >= 2, got {self.no_repeat_ngram_size!r}"
            )
        if self.keyword_boost < 0 or self.keyword_boost_growth < 0:
            raise ValueError(
                f"keyword_boost and keyword_boost_growth must be >= 0, got "
                f"{self.keyword_boost!r} and {self.keyword_boost_growth!r}"
            )
        if self.keyword_window < 1:
            raise ValueError(f"keyword_window must be >= 1, got {self.keyword_window!r}")


class TokenScorer(Protocol):
    """Next-token log-probabilities with an explicit state, shared by the LSTM and the n-gram model.

    States are immutable values: ``advance`` returns a new state and leaves its argument
    usable, so a caller can branch several continuations from one prompt.
    """

    vocab_size: int

    def start(self, token_ids: Sequence[int]) -> Any:
        """Return the state after reading ``token_ids`` from an empty context."""
        ...

    def advance(self, state: Any, token_ids: Sequence[int]) -> Any:
        """Return the state after reading ``token_ids`` on top of ``state``."""
        ...

    def next_log_probs(self, state: Any) -> torch.Tensor:
        """Return (V,) float32 CPU log-probabilities of the next token."""
        ...


@dataclass(frozen=True)
class RecurrentScorerState:
    """Hidden state after the tokens read so far, and the log-probabilities it predicts."""

    hidden: RecurrentState
    log_probs: torch.Tensor


class RecurrentStepper:
    """Inference-only copy of a :class:`RecurrentLanguageModel` for one token at a time.

    ``nn.LSTM`` and ``nn.Linear`` spend most of a single-token step in dispatch and weight
    layout work. Here each layer's input and recurrent weights are concatenated and
    transposed once, so a step is one ``addmm`` per layer plus the output layer, whose
    weight is also pre-transposed. With ``quantize`` the output layer, which dominates
    with a large vocabulary, runs as a dynamically quantised int8 ``nn.Linear``.
    """

    def __init__(self, model: RecurrentLanguageModel, *, quantize: bool = False) -> None:
        config = model.config
        self.cell = config.cell
        self.hidden_size = config.hidden_size
        recurrent = model.recurrent
        with torch.no_grad():
            self.embedding = model.embedding.weight.detach().clone()  # (V, E)
            self.layers: list[tuple[torch.Tensor, ...]] = []
            for layer in range(config.num_layers):
                w_ih = getattr(recurrent, f"weight_ih_l{layer}").detach()  # (G*H, In)
                w_hh = getattr(recurrent, f"weight_hh_l{layer}").detach()  # (G*H, H)
                b_ih = getattr(recurrent, f"bias_ih_l{layer}").detach()
                b_hh = getattr(recurrent, f"bias_hh_l{layer}").detach()
                if self.cell == "lstm":
                    weight = torch.cat([w_ih, w_hh], dim=1).t().contiguous()  # (In+H, 4H)
                    self.layers.append((weight, (b_ih + b_hh).clone()))
                else:
                    self.layers.append((w_ih.t().contiguous(), b_ih.clone(), w_hh.t().contiguous(), b_hh.clone()))
            self.projection: tuple[torch.Tensor, torch.Tensor] | None = None
            if model.projection is not None:
                self.projection = (
                    model.projection.weight.detach().t().contiguous(),  # (H, E)
                    model.projection.bias.detach().clone(),
                )
            decoder = model.decoder
            self.output_weight = decoder.weight.detach().t().contiguous()  # (E, V)
            self.output_bias = decoder.bias.detach().clone()  # (V,)
            self.quantized_output: torch.nn.Module | None = None
            if quantize:
                linear = torch.nn.Linear(decoder.in_features, decoder.out_features)
                linear.weight.copy_(decoder.weight.detach())
                linear.bias.copy_(decoder.bias.detach())
                with warnings.catch_warnings():
                    # PyTorch announces a move of quantisation to another package; the call still works.
                    warnings.simplefilter("ignore")
                    self.quantized_output = torch.ao.quantization.quantize_dynamic(
                        torch.nn.Sequential(linear), {torch.nn.Linear}, dtype=torch.qint8
                    )

    def zero_state(self) -> RecurrentState:
        """Return the zero state, (L, 1, H) per tensor like the model's."""
        zeros = torch.zeros(len(self.layers), 1, self.hidden_size)
        return (zeros, zeros.clone()) if self.cell == "lstm" else zeros

    @torch.inference_mode()
    def step(self, state: RecurrentState, token_id: int) -> tuple[RecurrentState, torch.Tensor]:
        """Read one token; return the new state and (V,) logits of the next token."""
        # A slice of the embedding is cheaper than an index tensor for a single token.
        new_state, logits = self._forward(state, self.embedding[token_id : token_id + 1])
        return new_state, logits[0]

    @torch.inference_mode()
    def step_batch(self, state: RecurrentState, token_ids: Sequence[int]) -> tuple[RecurrentState, torch.Tensor]:
        """Read one token per sequence of a batch; return the (L, B, H) state and (B, V) logits."""
        return self._forward(state, self.embedding[torch.tensor(token_ids, dtype=torch.long)])

    def _forward(self, state: RecurrentState, x: torch.Tensor) -> tuple[RecurrentState, torch.Tensor]:
        """Run the layers on (B, E) input embeddings from (L, B, H) states."""
        hiddens: list[torch.Tensor] = []
        cells: list[torch.Tensor] = []
        for layer, weights in enumerate(self.layers):
            if self.cell == "lstm":
                h, c = state[0][layer], state[1][layer]  # (B, H) each
                gates = torch.addmm(weights[1], torch.cat([x, h], dim=1), weights[0])  # (B, 4H)
                i, f, g, o = gates.chunk(4, dim=1)
                c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
                x = torch.sigmoid(o) * torch.tanh(c)
                cells.append(c)
            else:
                h = state[layer]  # (B, H)
                input_gates = torch.addmm(weights[1], x, weights[0]).chunk(3, dim=1)  # 3 x (B, H)
                hidden_gates = torch.addmm(weights[3], h, weights[2]).chunk(3, dim=1)
                reset = torch.sigmoid(input_gates[0] + hidden_gates[0])
                update = torch.sigmoid(input_gates[1] + hidden_gates[1])
                candidate = torch.tanh(input_gates[2] + reset * hidden_gates[2])
                x = (1.0 - update) * candidate + update * h
            hiddens.append(x)
        new_state: RecurrentState = torch.stack(hiddens)  # (L, B, H)
        if self.cell == "lstm":
            new_state = (new_state, torch.stack(cells))
        if self.projection is not None:
            x = torch.addmm(self.projection[1], x, self.projection[0])  # (B, E)
        if self.quantized_output is not None:
            logits = self.quantized_output(x)  # (B, V)
        else:
            logits = torch.addmm(self.output_bias, x, self.output_weight)  # (B, V)
        return new_state, logits


class RecurrentScorer:
    """TokenScorer over a :class:`RecurrentLanguageModel` that runs one step per new token.

    On the CPU the steps run through a :class:`RecurrentStepper`; on other devices, and
    for long inputs, through the model itself.
    """

    # Inputs longer than this run through the model's fused recurrent kernel in one call.
    FUSED_INPUT_TOKENS = 64

    def __init__(
        self, model: RecurrentLanguageModel, device: torch.device | str = "cpu", *, quantize: bool = False
    ) -> None:
        self.model = model.eval()
        self.device = torch.device(device)
        self.vocab_size = model.config.vocab_size
        self.stepper = RecurrentStepper(model, quantize=quantize) if self.device.type == "cpu" else None

    def start(self, token_ids: Sequence[int]) -> RecurrentScorerState:
        """Return the state after reading ``token_ids`` from a zero hidden state."""
        return self._run(None, token_ids)

    def advance(self, state: RecurrentScorerState, token_ids: Sequence[int]) -> RecurrentScorerState:
        """Return the state after reading ``token_ids``, without re-running earlier tokens."""
        return self._run(state.hidden, token_ids)

    def next_log_probs(self, state: RecurrentScorerState) -> torch.Tensor:
        """Return (V,) log-probabilities of the next token."""
        return state.log_probs

    @torch.inference_mode()
    def advance_batch(
        self, states: Sequence[RecurrentScorerState], token_ids: Sequence[int]
    ) -> list[RecurrentScorerState]:
        """Return the state after reading ``token_ids[i]`` on top of ``states[i]``, in one forward step."""
        if len(states) != len(token_ids) or not states:
            raise ValueError(f"expected one token per state, got {len(token_ids)} tokens for {len(states)} states")
        # Hidden tensors are (L, 1, H) per state, stacked along the batch dimension.
        if self.model.config.cell == "lstm":
            hidden: RecurrentState = (
                torch.cat([state.hidden[0] for state in states], dim=1),
                torch.cat([state.hidden[1] for state in states], dim=1),
            )
        else:
            hidden = torch.cat([state.hidden for state in states], dim=1)
        if self.stepper is not None:
            new_hidden, logits = self.stepper.step_batch(hidden, token_ids)  # logits (B, V)
        else:
            ids = torch.tensor([[int(token)] for token in token_ids], dtype=torch.long, device=self.device)  # (B, 1)
            output, new_hidden = self.model(ids, hidden)  # (B, 1, V)
            logits = output[:, -1].float()
        log_probs = torch.log_softmax(logits, dim=-1).cpu()  # (B, V)
        results = []
        for index in range(len(states)):
            row_hidden: RecurrentState
            if isinstance(new_hidden, tuple):
                row_hidden = (new_hidden[0][:, index : index + 1], new_hidden[1][:, index : index + 1])
            else:
                row_hidden = new_hidden[:, index : index + 1]
            results.append(RecurrentScorerState(hidden=row_hidden, log_probs=log_probs[index]))
        return results

    @torch.inference_mode()
    def _run(self, hidden: RecurrentState | None, token_ids: Sequence[int]) -> RecurrentScorerState:
        if len(token_ids) == 0:
            raise ValueError("token_ids is empty; pass at least one token to read")
        if self.stepper is not None and len(token_ids) <= self.FUSED_INPUT_TOKENS:
            state = self.stepper.zero_state() if hidden is None else hidden
            for token in token_ids:
                state, logits = self.stepper.step(state, int(token))
            return RecurrentScorerState(hidden=state, log_probs=torch.log_softmax(logits, dim=-1))
        ids = torch.tensor([list(token_ids)], dtype=torch.long, device=self.device)  # (1, T)
        logits, new_hidden = self.model(ids, hidden)  # (1, T, V)
        log_probs = torch.log_softmax(logits[0, -1].float(), dim=-1).cpu()  # (V,)
        return RecurrentScorerState(hidden=new_hidden, log_probs=log_probs)


@dataclass(frozen=True)
class NgramScorerState:
    """The last ``order - 1`` token ids."""

    history: tuple[int, ...]


class NgramScorer:
    """TokenScorer over a :class:`KneserNeyModel`, with a small cache of recent distributions."""

    def __init__(self, model: KneserNeyModel, cache_size: int = 4096) -> None:
        self.model = model
        self.vocab_size = model.vocab_size
        self._cache: OrderedDict[tuple[int, ...], torch.Tensor] = OrderedDict()
        self._cache_size = cache_size

    def start(self, token_ids: Sequence[int]) -> NgramScorerState:
        """Return the state after reading ``token_ids`` from the start padding."""
        return self.advance(NgramScorerState(history=(self.model.start_id,) * (self.model.order - 1)), token_ids)

    def advance(self, state: NgramScorerState, token_ids: Sequence[int]) -> NgramScorerState:
        """Return the state with ``token_ids`` appended to the history."""
        keep = self.model.order - 1
        history = (state.history + tuple(int(i) for i in token_ids))[-keep:] if keep else ()
        return NgramScorerState(history=history)

    def advance_batch(self, states: Sequence[NgramScorerState], token_ids: Sequence[int]) -> list[NgramScorerState]:
        """Return the state after reading ``token_ids[i]`` on top of ``states[i]``, one state at a time."""
        if len(states) != len(token_ids):
            raise ValueError(f"expected one token per state, got {len(token_ids)} tokens for {len(states)} states")
        return [self.advance(state, [token]) for state, token in zip(states, token_ids)]

    def next_log_probs(self, state: NgramScorerState) -> torch.Tensor:
        """Return (V,) log-probabilities of the next token."""
        cached = self._cache.get(state.history)
        if cached is not None:
            self._cache.move_to_end(state.history)
            return cached
        log_probs = torch.from_numpy(np.log(self.model.distribution(state.history))).float()
        self._cache[state.history] = log_probs
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return log_probs


@dataclass(frozen=True)
class MixtureScorerState:
    """States of the recurrent scorer and of the n-gram scorer after the same tokens."""

    recurrent: RecurrentScorerState
    ngram: NgramScorerState


class MixtureScorer:
    """TokenScorer for the linear interpolation of an LSTM and an n-gram model.

    The next-token distribution is ``weight * p_rnn + (1 - weight) * p_ngram``, mixed in
    log space over the whole vocabulary, so it sums to one whenever both parts do.
    """

    def __init__(self, recurrent: RecurrentScorer, ngram: NgramScorer, weight: float) -> None:
        if recurrent.vocab_size != ngram.vocab_size:
            raise ValueError(
                f"the recurrent model has {recurrent.vocab_size} tokens but the n-gram model has "
                f"{ngram.vocab_size}; both must come from the same training run"
            )
        if not 0.0 <= weight <= 1.0:
            raise ValueError(f"weight must be in [0, 1], got {weight!r}")
        self.recurrent = recurrent
        self.ngram = ngram
        self.weight = float(weight)
        self.vocab_size = recurrent.vocab_size
        self.device = recurrent.device
        # log(0) is -inf, and logaddexp(x, -inf) == x, so weights 0 and 1 return one part exactly.
        self._log_weight = math.log(weight) if weight > 0.0 else -math.inf
        self._log_complement = math.log1p(-weight) if weight < 1.0 else -math.inf

    def start(self, token_ids: Sequence[int]) -> MixtureScorerState:
        """Return the state after reading ``token_ids`` from an empty context."""
        return MixtureScorerState(self.recurrent.start(token_ids), self.ngram.start(token_ids))

    def advance(self, state: MixtureScorerState, token_ids: Sequence[int]) -> MixtureScorerState:
        """Return the state after reading ``token_ids`` on top of ``state``."""
        return MixtureScorerState(
            self.recurrent.advance(state.recurrent, token_ids), self.ngram.advance(state.ngram, token_ids)
        )

    def next_log_probs(self, state: MixtureScorerState) -> torch.Tensor:
        """Return (V,) log-probabilities of the next token under the mixture."""
        recurrent = self.recurrent.next_log_probs(state.recurrent)  # (V,)
        ngram = self.ngram.next_log_probs(state.ngram)  # (V,)
        return torch.logaddexp(recurrent + self._log_weight, ngram + self._log_complement)


def mixture_log_likelihood(weight: float, recurrent_log_probs: np.ndarray, ngram_log_probs: np.ndarray) -> float:
    """Return the summed natural-log likelihood of the targets under the mixture with ``weight``.

    Both arrays hold the log-probability that each part gives the same target tokens.
    """
    log_weight = math.log(weight) if weight > 0.0 else -math.inf
    log_complement = math.log1p(-weight) if weight < 1.0 else -math.inf
    return float(np.logaddexp(recurrent_log_probs + log_weight, ngram_log_probs + log_complement).sum())


def fit_mixture_weight(
    recurrent_log_probs: np.ndarray, ngram_log_probs: np.ndarray, *, iterations: int = 200, tolerance: float = 1e-7
) -> float:
    """Return the weight of the recurrent part that maximises the likelihood of the targets.

    Runs expectation maximisation from 0.5: the new weight is the mean posterior
    responsibility of the recurrent part. The log-likelihood is concave in the weight and
    EM never lowers it. Its endpoints are compared at the end, because EM approaches a
    boundary optimum only in the limit, so the result never scores below either part alone.
    """
    recurrent_log_probs = np.asarray(recurrent_log_probs, dtype=np.float64)
    ngram_log_probs = np.asarray(ngram_log_probs, dtype=np.float64)
    if recurrent_log_probs.shape != ngram_log_probs.shape or recurrent_log_probs.ndim != 1:
        raise ValueError(
            f"log-probability arrays must be 1-D and of equal length, got shapes "
            f"{recurrent_log_probs.shape} and {ngram_log_probs.shape}"
        )
    if len(recurrent_log_probs) == 0:
        raise ValueError("no target tokens to fit the mixture weight on")
    difference = recurrent_log_probs - ngram_log_probs
    weight = 0.5
    for _ in range(iterations):
        # Posterior of the recurrent part: sigmoid(logit(weight) + log p_rnn - log p_ngram).
        logit = math.log(weight) - math.log1p(-weight) + difference
        new_weight = float(np.mean(0.5 * (1.0 + np.tanh(0.5 * logit))))
        new_weight = min(max(new_weight, 1e-12), 1.0 - 1e-12)
        converged = abs(new_weight - weight) < tolerance
        weight = new_weight
        if converged:
            break
    candidates = (weight, 0.0, 1.0)
    scores = [mixture_log_likelihood(candidate, recurrent_log_probs, ngram_log_probs) for candidate in candidates]
    return candidates[int(np.argmax(scores))]


class NoRepeatIndex:
    """Index of the n-grams generated so far, for banning an n-gram's repetition."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.tokens: list[int] = []
        self._followers: dict[tuple[int, ...], set[int]] = {}

    def add(self, token_id: int) -> None:
        """Append a generated token and record the n-gram it completes."""
        self.tokens.append(token_id)
        if self.size >= 2 and len(self.tokens) >= self.size:
            prefix = tuple(self.tokens[-self.size : -1])
            self._followers.setdefault(prefix, set()).add(token_id)

    def banned(self) -> set[int]:
        """Return the tokens that would complete an n-gram already generated."""
        if self.size < 2 or len(self.tokens) < self.size - 1:
            return set()
        return self._followers.get(tuple(self.tokens[-(self.size - 1) :]), set())


def apply_repetition_penalty(logits: torch.Tensor, token_ids: Iterable[int], penalty: float) -> torch.Tensor:
    """Lower the logits of ``token_ids`` in place: positive ones divided, negative ones multiplied by ``penalty``."""
    ids = torch.tensor(sorted(set(token_ids)), dtype=torch.long)
    if penalty == 1.0 or ids.numel() == 0:
        return logits
    values = logits[ids]
    logits[ids] = torch.where(values > 0, values / penalty, values * penalty)
    return logits


def filter_top_k_top_p(logits: torch.Tensor, top_k: int, top_p: float) -> torch.Tensor:
    """Set every logit outside the top-k and the nucleus (top-p) to -inf, keeping at least the best token."""
    if top_k > 0 and top_k < logits.numel():
        threshold = torch.topk(logits, top_k).values[-1]
        logits = logits.masked_fill(logits < threshold, -math.inf)
    if top_p < 1.0:
        sorted_logits, order = torch.sort(logits, descending=True)
        cumulative = torch.cumsum(torch.softmax(sorted_logits, dim=-1), dim=-1)
        # Drop a token when the tokens before it already reach top_p.
        remove_sorted = (cumulative - torch.softmax(sorted_logits, dim=-1)) >= top_p
        remove_sorted[0] = False
        remove = torch.zeros_like(remove_sorted).scatter(0, order, remove_sorted)
        logits = logits.masked_fill(remove, -math.inf)
    return logits


def select_token(
    log_probs: torch.Tensor,
    config: DecodingConfig,
    generator: torch.Generator,
    *,
    recent_tokens: Iterable[int] = (),
    banned: Iterable[int] = (),
    allowed_mask: torch.Tensor | None = None,
    bonus: torch.Tensor | None = None,
) -> int:
    """Pick the next token from model log-probabilities.

    Parameters
    ----------
    log_probs:
        (V,) log-probabilities from a :class:`TokenScorer`.
    config:
        Temperature, top-k, top-p, repetition penalty and greedy flag.
    generator:
        Seeded generator, so the same seed gives the same choice.
    recent_tokens:
        Tokens that receive the repetition penalty.
    banned:
        Token ids that must not be chosen (for example repeated n-grams).
    allowed_mask:
        (V,) bool, False for tokens that must not be chosen.
    bonus:
        (V,) additive logit bonus, applied after the repetition penalty.

    Returns
    -------
    int
        The chosen token id.
    """
    # Centring makes the repetition penalty independent of the arbitrary offset of the
    # scores, and temperature and softmax are unaffected by it.
    logits = log_probs.detach().float().clone()
    logits -= logits.mean()
    apply_repetition_penalty(logits, recent_tokens, config.repetition_penalty)
    if bonus is not None:
        logits += bonus
    if allowed_mask is not None:
        logits = logits.masked_fill(~allowed_mask, -math.inf)
    banned_ids = list(banned)
    if banned_ids:
        logits[torch.tensor(banned_ids, dtype=torch.long)] = -math.inf
    if not torch.isfinite(logits).any():
        raise ValueError("every token is banned at this step; relax the decoding constraints")
    if config.greedy:
        return int(torch.argmax(logits))
    logits = logits / config.temperature
    if 0 < config.top_k < logits.numel():
        # Sample among the top k only: the same distribution as filtering the full
        # vocabulary, at a fraction of the cost of sorting it at every step.
        values, indices = torch.topk(logits, config.top_k)  # (k,), sorted descending
        values = filter_top_k_top_p(values, 0, config.top_p)
        choice = torch.multinomial(torch.softmax(values, dim=-1), 1, generator=generator)
        return int(indices[choice])
    logits = filter_top_k_top_p(logits, config.top_k, config.top_p)
    probabilities = torch.softmax(logits, dim=-1)
    return int(torch.multinomial(probabilities, 1, generator=generator))
