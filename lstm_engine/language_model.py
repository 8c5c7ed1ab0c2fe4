"""Recurrent (LSTM or GRU) word-piece language model with tied embeddings."""
from __future__ import annotations

import torch
from torch import nn

from lstm_engine.config import LanguageModelConfig

# An LSTM state is (h, c), each (L, B, H). A GRU state is h alone, (L, B, H).
RecurrentState = tuple[torch.Tensor, torch.Tensor] | torch.Tensor


class LockedDropout(nn.Module):
    """Dropout with one mask per sequence, shared by every time step (variational dropout)."""

    def __init__(self, probability: float) -> None:
        super().__init__()
        self.probability = probability

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        """Apply the mask to (B, T, F) inputs during training."""
        if not self.training or self.probability == 0.0:
            return inputs
        keep = 1.0 - self.probability
        mask = inputs.new_empty(inputs.shape[0], 1, inputs.shape[2]).bernoulli_(keep)  # (B, 1, F)
        return inputs * mask / keep


class RecurrentLanguageModel(nn.Module):
    """Embedding, stacked LSTM or GRU, optional projection and a (tied) softmax output layer."""

    def __init__(self, config: LanguageModelConfig) -> None:
        super().__init__()
        self.config = config
        self.embedding = nn.Embedding(config.vocab_size, config.embedding_size)
        input_dropout = config.dropout if config.input_dropout is None else config.input_dropout
        self.input_dropout = LockedDropout(input_dropout)
        recurrent_class = nn.LSTM if config.cell == "lstm" else nn.GRU
        self.recurrent = recurrent_class(
            input_size=config.embedding_size,
            hidden_size=config.hidden_size,
            num_layers=config.num_layers,
            dropout=config.dropout if config.num_layers > 1 else 0.0,
            batch_first=True,
        )
        self.output_dropout = LockedDropout(config.dropout)
        self.projection: nn.Linear | None = None
        output_size = config.hidden_size
        if config.tie_weights and config.hidden_size != config.embedding_size:
            self.projection = nn.Linear(config.hidden_size, config.embedding_size)
            output_size = config.embedding_size
        self.decoder = nn.Linear(output_size, config.vocab_size)
        if config.tie_weights:
            self.decoder.weight = self.embedding.weight
        self._init_weights()

    def _init_weights(self) -> None:
        nn.init.uniform_(self.embedding.weight, -0.1, 0.1)
        nn.init.zeros_(self.decoder.bias)
        if not self.config.tie_weights:
            nn.init.uniform_(self.decoder.weight, -0.1, 0.1)

    def initial_state(self, batch_size: int, device: torch.device | str | None = None) -> RecurrentState:
        """Return a zero state for ``batch_size`` sequences, (L, B, H) per tensor."""
        weight = self.embedding.weight
        shape = (self.config.num_layers, batch_size, self.config.hidden_size)
        zeros = torch.zeros(shape, dtype=weight.dtype, device=device or weight.device)
        if self.config.cell == "lstm":
            return zeros, zeros.clone()
        return zeros

    def _embed(self, ids: torch.Tensor) -> torch.Tensor:
        weight = self.embedding.weight
        if self.training and self.config.embedding_dropout > 0.0:
            # Drop whole word types, so a dropped word has no embedding anywhere in the batch.
            keep = 1.0 - self.config.embedding_dropout
            mask = weight.new_empty(weight.shape[0], 1).bernoulli_(keep) / keep  # (V, 1)
            weight = weight * mask
        return nn.functional.embedding(ids, weight)  # (B, T, E)

    def _recur(self, embedded: torch.Tensor, state: RecurrentState) -> tuple[torch.Tensor, RecurrentState]:
        if not self.training or self.config.weight_drop == 0.0:
            return self.recurrent(embedded, state)
        dropped = {
            name: nn.functional.dropout(getattr(self.recurrent, name), p=self.config.weight_drop)
            for name in (f"weight_hh_l{layer}" for layer in range(self.config.num_layers))
        }
        # The dropped matrices stand in for the parameters for this call only, so the state
        # dict and the drafting scorer keep reading the plain weights.
        # NOTE: only run on the CPU so far. On CUDA, cuDNN may warn that the weights are not
        # one contiguous block and copy them on every call.
        return torch.func.functional_call(self.recurrent, dropped, (embedded, state))

    def forward(
        self, ids: torch.Tensor, state: RecurrentState | None = None
    ) -> tuple[torch.Tensor, RecurrentState]:
        """Run the model over a batch of token sequences.

        Parameters
        ----------
        ids:
            (B, T) token ids.
        state:
            Recurrent state from the previous window, or None for zeros.

        Returns
        -------
        tuple[torch.Tensor, RecurrentState]
            (B, T, V) logits and the state after the last time step.
        """
        logits, new_state, _outputs, _dropped = self.forward_with_outputs(ids, state)
        return logits, new_state

    def forward_with_outputs(
        self, ids: torch.Tensor, state: RecurrentState | None = None
    ) -> tuple[torch.Tensor, RecurrentState, torch.Tensor, torch.Tensor]:
        """Run :meth:`forward` and also return the top layer's (B, T, H) outputs before and after dropout.

        Training reads the outputs for the activation regularisation terms.
        """
        if state is None:
            state = self.initial_state(ids.shape[0], ids.device)
        embedded = self.input_dropout(self._embed(ids))  # (B, T, E)
        outputs, new_state = self._recur(embedded, state)  # (B, T, H)
        dropped = self.output_dropout(outputs)  # (B, T, H)
        projected = self.projection(dropped) if self.projection is not None else dropped  # (B, T, E or H)
        logits = self.decoder(projected)  # (B, T, V)
        return logits, new_state, outputs, dropped


def detach_state(state: RecurrentState, dtype: torch.dtype | None = None) -> RecurrentState:
    """Cut the autograd history of ``state`` so that back-propagation stops at the window edge.

    ``dtype`` converts the state as well: under bfloat16 autocast the LSTM returns its
    state in bfloat16, and the state carried to the next window keeps the weights' precision.
    """
    if isinstance(state, tuple):
        return state[0].detach().to(dtype), state[1].detach().to(dtype)
    return state.detach().to(dtype)


def count_parameters(model: nn.Module) -> int:
    """Return the number of distinct trainable parameters (tied weights count once)."""
    return sum(parameter.numel() for parameter in model.parameters() if parameter.requires_grad)
