"""Configuration dataclasses for the language model and its training run."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# Corpus size thresholds, in characters, used by the for_corpus_size constructors.
SMALL_CORPUS_CHARACTERS = 300_000
MEDIUM_CORPUS_CHARACTERS = 3_000_000


@dataclass
class LanguageModelConfig:
    """Architecture of the recurrent language model and the size of its tokenizer."""

    # Requested SentencePiece vocabulary. Small corpora can yield fewer pieces, and the
    # trained model records the size that the tokenizer actually produced.
    vocab_size: int = 8000
    embedding_size: int = 256
    hidden_size: int = 512
    num_layers: int = 2
    # Variational dropout on the embedding output, between layers and on the LSTM output.
    dropout: float = 0.3
    # Variational dropout on the embedding output alone. None uses ``dropout``.
    input_dropout: float | None = None
    # Probability of dropping a whole word type from the embedding matrix during training.
    embedding_dropout: float = 0.1
    # DropConnect on the hidden-to-hidden weights during training: one mask per window,
    # shared by every sequence and time step, so the recurrence itself is regularised.
    weight_drop: float = 0.0
    cell: Literal["lstm", "gru"] = "lstm"
    # Share the embedding matrix with the output layer. A projection maps hidden_size to
    # embedding_size when the two differ.
    tie_weights: bool = True

    def __post_init__(self) -> None:
        _require_int_at_least("vocab_size", self.vocab_size, 16)
        _require_int_at_least("embedding_size", self.embedding_size, 1)
        _require_int_at_least("hidden_size", self.hidden_size, 1)
        _require_int_at_least("num_layers", self.num_layers, 1)
        _require_probability("dropout", self.dropout)
        if self.input_dropout is not None:
            _require_probability("input_dropout", self.input_dropout)
        _require_probability("embedding_dropout", self.embedding_dropout)
        _require_probability("weight_drop", self.weight_drop)
        if self.cell not in ("lstm", "gru"):
            raise ValueError(f"cell must be 'lstm' or 'gru', got {self.cell!r}")

    @classmethod
    def for_corpus_size(cls, n_characters: int) -> LanguageModelConfig:
        """Pick a model size that a corpus of ``n_characters`` can train without overfitting at once."""
        _require_int_at_least("n_characters", n_characters, 0)
        if n_characters < SMALL_CORPUS_CHARACTERS:
            # Demo-sized corpora (tens of articles): a one-layer model trains in about a
            # minute on two CPU cores, and heavy dropout keeps it from memorising the text.
            return cls(
                vocab_size=1000,
                embedding_size=128,
                hidden_size=256,
                num_layers=1,
                dropout=0.5,
                embedding_dropout=0.1,
            )
        if n_characters < MEDIUM_CORPUS_CHARACTERS:
            # Medium corpora train on a 600 s CPU budget per cell. On 600 livedoor articles
            # (bench/lm_quick.py, one thread, two runs sharing a 2-core CPU) this model reached
            # 4.10 bits per character under bfloat16 autocast and 4.23 in float32. The
            # 256-unit model with dropout 0.1 used before reached 4.22 and the 4-gram 4.25.
            # The weight dropout keeps it improving over longer budgets that a site can choose.
            return cls(
                vocab_size=4000,
                embedding_size=256,
                hidden_size=512,
                num_layers=1,
                dropout=0.4,
                embedding_dropout=0.1,
                weight_drop=0.3,
            )
        # Large corpora: on a CPU the softmax over the vocabulary dominates, so the
        # vocabulary grows but the LSTM keeps the medium width. A 2-layer 512-unit model
        # managed about 2,500 tokens/s here and reached perplexity 562 on the livedoor
        # corpus in 15 minutes, far behind the 4-gram's 89.
        return cls(
            vocab_size=8000,
            embedding_size=128,
            hidden_size=256,
            num_layers=1,
            dropout=0.2,
            embedding_dropout=0.1,
        )


@dataclass
class TrainConfig:
    """Optimisation, evaluation and checkpointing settings of one training run."""

    batch_size: int = 32
    # Truncated back-propagation window, in tokens.
    bptt: int = 64
    epochs: int = 10
    # Total optimizer steps. None derives it from epochs and the training stream length.
    max_steps: int | None = None
    # Wall-clock budget in seconds, summed over resumed runs. Training stops early when it
    # runs out, and the learning-rate schedule then follows elapsed time instead of steps.
    max_seconds: float | None = None
    learning_rate: float = 2e-3
    optimizer: Literal["adamw", "rmsprop", "sgd"] = "adamw"
    weight_decay: float = 0.01
    # Used by sgd (Nesterov momentum) and rmsprop.
    momentum: float = 0.9
    clip_grad_norm: float = 0.5
    # Decay of an exponential moving average of the weights, which evaluation, early
    # stopping and model.pt use in place of the raw weights. None disables it.
    weight_average_decay: float | None = None
    # Activation regularisation: weight of the mean squared LSTM output (after dropout)
    # added to the training loss, which keeps the outputs small.
    activation_regularization: float = 0.0
    # Temporal activation regularisation: weight of the mean squared change of the LSTM
    # output (before dropout) from one time step to the next, which favours slow changes.
    temporal_activation_regularization: float = 0.0
    # Cross-entropy label smoothing in training (evaluation always uses the plain loss).
    # It keeps some probability on tokens that the training text never contains.
    label_smoothing: float = 0.0
    # Start the output-layer bias at the log unigram frequencies of the training tokens
    # instead of zero.
    unigram_output_bias: bool = False
    warmup_steps: int = 50
    lr_decay: Literal["cosine", "linear", "none"] = "cosine"
    # Final learning rate as a fraction of learning_rate at the end of the decay.
    min_lr_ratio: float = 0.05
    # Evaluations without a new best validation loss before training stops. None disables.
    early_stopping_patience: int | None = 5
    # Share of the learning-rate decay (0 to 1) that must pass before evaluations count
    # towards the patience. While the rate is high, the validation loss can level off for
    # long stretches and fall again as the rate decays. Given 7,000 s on 600 livedoor
    # articles, a 512-unit LSTM stopped after 2,400 s at 4.15 bits per character, a third
    # of the way into its cosine decay. The same model given 2,100 s reached 3.97.
    early_stopping_after: float = 0.0
    eval_every: int = 100
    checkpoint_every: int = 200
    validation_fraction: float = 0.1
    # Periodic evaluations look at no more than this many validation tokens so that they
    # stay cheap on large corpora. The final evaluation always uses every token.
    max_eval_tokens: int | None = 50_000
    # Orders of the Kneser-Ney baselines fitted after training. The one with the lower
    # validation perplexity is reported and saved.
    ngram_orders: tuple[int, ...] = (3, 4)
    seed: int = 0
    device: Literal["auto", "cpu", "cuda"] = "auto"
    # On CUDA, run the forward pass and the loss under bfloat16 autocast. bfloat16 keeps
    # float32's exponent range, so no loss scaling is needed. No effect on the CPU.
    mixed_precision: bool = True
    # On a CPU with native bfloat16 instructions (Intel AMX or AVX512-BF16), run the
    # forward pass under bfloat16 autocast as well. No effect on other CPUs.
    cpu_mixed_precision: bool = False
    # PyTorch intra-op CPU threads while training. None keeps the process setting. On a
    # busy two-core machine extra OpenMP threads spin while they wait for cores, which
    # slowed a 256-unit LSTM step from 40 ms to over 1 s, so the small and medium presets
    # use one thread.
    num_threads: int | None = None

    def __post_init__(self) -> None:
        _require_int_at_least("batch_size", self.batch_size, 1)
        _require_int_at_least("bptt", self.bptt, 2)
        _require_int_at_least("epochs", self.epochs, 1)
        if self.max_steps is not None:
            _require_int_at_least("max_steps", self.max_steps, 1)
        if self.max_seconds is not None and not self.max_seconds > 0:
            raise ValueError(f"max_seconds must be positive or None, got {self.max_seconds!r}")
        if not self.learning_rate > 0:
            raise ValueError(f"learning_rate must be positive, got {self.learning_rate!r}")
        if self.optimizer not in ("adamw", "rmsprop", "sgd"):
            raise ValueError(f"optimizer must be 'adamw', 'rmsprop' or 'sgd', got {self.optimizer!r}")
        if self.weight_decay < 0:
            raise ValueError(f"weight_decay must be >= 0, got {self.weight_decay!r}")
        _require_probability("momentum", self.momentum)
        if not self.clip_grad_norm > 0:
            raise ValueError(f"clip_grad_norm must be positive, got {self.clip_grad_norm!r}")
        _require_probability("label_smoothing", self.label_smoothing)
        if self.activation_regularization < 0:
            raise ValueError(f"activation_regularization must be >= 0, got {self.activation_regularization!r}")
        if self.temporal_activation_regularization < 0:
            raise ValueError(
                "temporal_activation_regularization must be >= 0, "
                f"got {self.temporal_activation_regularization!r}"
            )
        if self.weight_average_decay is not None:
            _require_probability("weight_average_decay", self.weight_average_decay)
        _require_int_at_least("warmup_steps", self.warmup_steps, 0)
        if self.lr_decay not in ("cosine", "linear", "none"):
            raise ValueError(f"lr_decay must be 'cosine', 'linear' or 'none', got {self.lr_decay!r}")
        _require_probability("min_lr_ratio", self.min_lr_ratio)
        if self.early_stopping_patience is not None:
            _require_int_at_least("early_stopping_patience", self.early_stopping_patience, 1)
        _require_probability("early_stopping_after", self.early_stopping_after)
        _require_int_at_least("eval_every", self.eval_every, 1)
        _require_int_at_least("checkpoint_every", self.checkpoint_every, 1)
        if not 0.0 < self.validation_fraction < 1.0:
            raise ValueError(
                f"validation_fraction must be between 0 and 1 (exclusive), got {self.validation_fraction!r}"
            )
        if self.max_eval_tokens is not None:
            _require_int_at_least("max_eval_tokens", self.max_eval_tokens, 1)
        self.ngram_orders = tuple(self.ngram_orders)
        if not self.ngram_orders or any(order not in (2, 3, 4, 5) for order in self.ngram_orders):
            raise ValueError(
                f"ngram_orders must be a non-empty tuple of orders from 2 to 5, got {self.ngram_orders!r}"
            )
        if self.device not in ("auto", "cpu", "cuda"):
            raise ValueError(f"device must be 'auto', 'cpu' or 'cuda', got {self.device!r}")
        if self.num_threads is not None:
            _require_int_at_least("num_threads", self.num_threads, 1)

    @classmethod
    def for_corpus_size(cls, n_characters: int) -> TrainConfig:
        """Pick batch size, epochs and time budget for a corpus of ``n_characters``."""
        _require_int_at_least("n_characters", n_characters, 0)
        if n_characters < SMALL_CORPUS_CHARACTERS:
            # The demo corpus (about 40k characters) must train within two minutes on
            # two CPU cores, so the budget stops training before that whatever the speed.
            # Label smoothing, weight averaging and a higher learning rate took the
            # validation perplexity on 60 livedoor articles (42k characters) from 209 to
            # 118, below the 4-gram's 133 (bench/lm_quick.py, 78 s on a busy 2-core CPU).
            return cls(
                batch_size=16,
                bptt=48,
                epochs=60,
                max_seconds=100.0,
                learning_rate=1e-2,
                clip_grad_norm=1.0,
                label_smoothing=0.25,
                weight_average_decay=0.998,
                warmup_steps=30,
                early_stopping_patience=10,
                eval_every=25,
                checkpoint_every=100,
                ngram_orders=(3, 4),
                num_threads=1,
            )
        # Medium settings, measured on 600 livedoor articles (one thread, 2-core CPU).
        # In 60 s runs, 64 columns of 32 tokens with light regularisation beat 32 columns
        # of 64 tokens (5.87 against 6.49 bits per character). Starting the output bias
        # at the log unigram frequencies took a 60 s run from 4.89 to 4.63. The 256-unit
        # model used before stopped improving at 4.22 after about 345 s. The 512-unit
        # model with weight dropout trains at 1e-2, so a longer budget keeps lowering it:
        # 3.97 after 2,100 s and 3.92 after 3,600 s in float32. The epochs only cap runs
        # far longer than the preset's budget: with 40 epochs, a 3,000 s budget ended after
        # 1,600 s at 3.93 in bfloat16, where 70 epochs in 3,000 s reached 3.89.
        # Two threads nearly doubled the rate on an idle machine but fell to half of one
        # thread's rate at load 2.5, so the preset keeps one thread.
        if n_characters < MEDIUM_CORPUS_CHARACTERS:
            return cls(
                batch_size=64,
                bptt=32,
                epochs=100,
                max_seconds=600.0,
                learning_rate=1e-2,
                clip_grad_norm=1.0,
                label_smoothing=0.0,
                weight_average_decay=None,
                unigram_output_bias=True,
                warmup_steps=20,
                early_stopping_patience=8,
                early_stopping_after=0.5,
                eval_every=100,
                checkpoint_every=200,
                ngram_orders=(3, 4),
                # bfloat16 doubled the 512-unit model's training rate on a CPU with AMX,
                # from about 6,300 to 13,400 tokens/s on one thread.
                cpu_mixed_precision=True,
                num_threads=1,
            )
        # Two epochs fit the 20-minute budget at about 8,000 tokens/s for a corpus of about
        # 3.5M tokens, so the learning-rate schedule runs to its end.
        return cls(
            batch_size=32,
            bptt=64,
            epochs=2,
            max_seconds=1200.0,
            learning_rate=1e-2,
            clip_grad_norm=1.0,
            label_smoothing=0.05,
            weight_average_decay=0.999,
            warmup_steps=100,
            early_stopping_patience=5,
            early_stopping_after=0.5,
            eval_every=200,
            checkpoint_every=500,
            ngram_orders=(3, 4),
            cpu_mixed_precision=True,
            num_threads=1,
        )


def _require_int_at_least(name: str, value: object, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")


def _require_probability(name: str, value: float) -> None:
    if not 0.0 <= value < 1.0:
        raise ValueError(f"{name} must be in [0, 1), got {value!r}")
