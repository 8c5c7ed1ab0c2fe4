"""Tests for the recurrent language model and its configuration."""
from __future__ import annotations

import pytest
import torch

from lstm_engine.config import LanguageModelConfig, TrainConfig
from lstm_engine.language_model import RecurrentLanguageModel, count_parameters, detach_state
from lstm_engine.seeding import set_seed

pytestmark = pytest.mark.usefixtures("one_thread")


def small_config(**overrides: object) -> LanguageModelConfig:
    settings: dict[str, object] = {
        "vocab_size": 50,
        "embedding_size": 16,
        "hidden_size": 24,
        "num_layers": 2,
        "dropout": 0.2,
        "embedding_dropout": 0.1,
    }
    settings.update(overrides)
    return LanguageModelConfig(**settings)  # type: ignore[arg-type]


class RecurrentLanguageModelTests:
    def test_forward_shapes_lstm(self) -> None:
        model = RecurrentLanguageModel(small_config())
        logits, (hidden, cell) = model(torch.randint(0, 50, (3, 7)))
        assert logits.shape == (3, 7, 50)
        assert hidden.shape == (2, 3, 24)
        assert cell.shape == (2, 3, 24)

    def test_forward_shapes_gru(self) -> None:
        model = RecurrentLanguageModel(small_config(cell="gru"))
        logits, hidden = model(torch.randint(0, 50, (2, 5)))
        assert logits.shape == (2, 5, 50)
        assert hidden.shape == (2, 2, 24)

    def test_tied_weights_share_storage(self) -> None:
        model = RecurrentLanguageModel(small_config())
        assert model.decoder.weight.data_ptr() == model.embedding.weight.data_ptr()
        assert model.projection is not None

    def test_untied_model_has_more_parameters(self) -> None:
        tied = count_parameters(RecurrentLanguageModel(small_config()))
        untied = count_parameters(RecurrentLanguageModel(small_config(tie_weights=False)))
        assert untied > tied

    def test_state_carries_across_windows(self) -> None:
        model = RecurrentLanguageModel(small_config(dropout=0.0, embedding_dropout=0.0)).eval()
        ids = torch.randint(0, 50, (2, 10))
        full, _ = model(ids)
        first, state = model(ids[:, :6])
        second, _ = model(ids[:, 6:], detach_state(state))
        assert torch.allclose(torch.cat([first, second], dim=1), full, atol=1e-5)

    def test_tiny_model_loss_falls(self) -> None:
        set_seed(3)
        model = RecurrentLanguageModel(small_config(dropout=0.0, embedding_dropout=0.0))
        optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
        sequence = torch.tensor([[1, 2, 3, 4, 5, 6, 7, 8] * 4])
        inputs, targets = sequence[:, :-1], sequence[:, 1:]
        losses = []
        for _ in range(60):
            logits, _ = model(inputs)
            loss = torch.nn.functional.cross_entropy(logits.reshape(-1, 50), targets.reshape(-1))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(float(loss.detach()))
        assert losses[-1] < 0.6 * losses[0]

    def test_dropout_inactive_in_eval_mode(self) -> None:
        model = RecurrentLanguageModel(small_config(dropout=0.5, embedding_dropout=0.5)).eval()
        ids = torch.randint(0, 50, (2, 6))
        first, _ = model(ids)
        second, _ = model(ids)
        assert torch.equal(first, second)

    @pytest.mark.parametrize("cell", ["lstm", "gru"])
    def test_weight_drop_changes_training_outputs_only(self, cell: str) -> None:
        set_seed(5)
        model = RecurrentLanguageModel(small_config(dropout=0.0, embedding_dropout=0.0, weight_drop=0.5, cell=cell))
        ids = torch.randint(0, 50, (2, 6))
        model.eval()
        plain, _ = model(ids)
        model.train()
        dropped, _ = model(ids)
        model.eval()
        again, _ = model(ids)
        assert not torch.allclose(plain, dropped)
        assert torch.equal(plain, again)

    def test_weight_drop_trains_the_stored_recurrent_weights(self) -> None:
        set_seed(6)
        model = RecurrentLanguageModel(small_config(dropout=0.0, embedding_dropout=0.0, weight_drop=0.3))
        before = model.recurrent.weight_hh_l1.detach().clone()
        optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
        logits, _ = model(torch.randint(0, 50, (2, 6)))
        logits.logsumexp(-1).mean().backward()
        assert model.recurrent.weight_hh_l1.grad is not None
        optimizer.step()
        assert not torch.equal(before, model.recurrent.weight_hh_l1)
        assert set(model.state_dict()) == set(RecurrentLanguageModel(small_config()).state_dict())

    def test_outputs_match_forward_in_eval_mode(self) -> None:
        model = RecurrentLanguageModel(small_config()).eval()
        ids = torch.randint(0, 50, (2, 6))
        logits, _ = model(ids)
        same_logits, _, outputs, dropped = model.forward_with_outputs(ids)
        assert torch.equal(logits, same_logits)
        assert outputs.shape == (2, 6, 24)
        assert torch.equal(outputs, dropped)

    def test_input_dropout_overrides_dropout(self) -> None:
        default = RecurrentLanguageModel(small_config(dropout=0.2))
        separate = RecurrentLanguageModel(small_config(dropout=0.2, input_dropout=0.6))
        assert default.input_dropout.probability == 0.2
        assert separate.input_dropout.probability == 0.6
        assert separate.output_dropout.probability == 0.2


class LanguageModelConfigTests:
    def test_small_corpus_gets_small_model(self) -> None:
        small = LanguageModelConfig.for_corpus_size(40_000)
        large = LanguageModelConfig.for_corpus_size(7_000_000)
        assert small.vocab_size < large.vocab_size
        assert small.dropout > large.dropout
        assert small.vocab_size < large.vocab_size
        assert large.num_layers == 1

    def test_invalid_cell_names_parameter(self) -> None:
        with pytest.raises(ValueError, match="cell must be"):
            LanguageModelConfig(cell="rnn")  # type: ignore[arg-type]

    def test_invalid_dropout_rejected(self) -> None:
        with pytest.raises(ValueError, match="dropout"):
            LanguageModelConfig(dropout=1.5)

    def test_invalid_weight_drop_rejected(self) -> None:
        with pytest.raises(ValueError, match="weight_drop"):
            LanguageModelConfig(weight_drop=-0.1)

    def test_invalid_input_dropout_rejected(self) -> None:
        with pytest.raises(ValueError, match="input_dropout"):
            LanguageModelConfig(input_dropout=1.2)


class TrainConfigTests:
    def test_demo_corpus_fits_two_minutes(self) -> None:
        config = TrainConfig.for_corpus_size(40_000)
        assert config.max_seconds is not None
        assert config.max_seconds <= 110

    def test_large_corpus_has_twenty_minute_budget(self) -> None:
        assert TrainConfig.for_corpus_size(7_000_000).max_seconds == 1200.0

    @pytest.mark.parametrize("name", ["activation_regularization", "temporal_activation_regularization"])
    def test_negative_activation_penalty_rejected(self, name: str) -> None:
        with pytest.raises(ValueError, match=name):
            TrainConfig(**{name: -1.0})

    def test_invalid_optimizer_rejected(self) -> None:
        with pytest.raises(ValueError, match="optimizer"):
            TrainConfig(optimizer="adam")  # type: ignore[arg-type]

    def test_invalid_validation_fraction_rejected(self) -> None:
        with pytest.raises(ValueError, match="validation_fraction"):
            TrainConfig(validation_fraction=1.0)

    def test_early_stopping_after_of_one_rejected(self) -> None:
        with pytest.raises(ValueError, match=r"early_stopping_after must be in \[0, 1\), got 1.0"):
            TrainConfig(early_stopping_after=1.0)

    def test_presets_early_stopping_after(self) -> None:
        assert TrainConfig.for_corpus_size(40_000).early_stopping_after == 0.0
        assert TrainConfig.for_corpus_size(800_000).early_stopping_after == 0.5
        assert TrainConfig.for_corpus_size(7_000_000).early_stopping_after == 0.5


class LearningRateScheduleTests:
    def test_decay_progress_follows_steps_or_time(self) -> None:
        from lstm_engine.training import LearningRateSchedule

        schedule = LearningRateSchedule(TrainConfig(warmup_steps=10, max_seconds=100.0), total_steps=110)
        assert schedule.decay_progress(5, 0.0) == 0.0
        assert schedule.decay_progress(60, 10.0) == pytest.approx(0.5)
        # The budget runs out faster than the steps: time sets the progress.
        assert schedule.decay_progress(60, 80.0) == pytest.approx(0.8)
        assert schedule.decay_progress(200, 0.0) == 1.0
