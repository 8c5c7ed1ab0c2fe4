"""LSTM models for seoassist: language model, drafting and demand forecasting.

This package is plain PyTorch and SentencePiece. It never imports Django.
"""
from lstm_engine.checkpoint import LoadedLanguageModel, load_language_model
from lstm_engine.config import LanguageModelConfig, TrainConfig
from lstm_engine.data import Block, Document
from lstm_engine.drafting import (
    DraftSection,
    DraftSpec,
    GeneratedDraft,
    TextCandidate,
    body_length,
    check_draft,
    generate_draft,
    regenerate_section,
)
from lstm_engine.sampling import DecodingConfig, TokenScorer
from lstm_engine.training import LanguageModelTrainResult, NgramBaselines, train_language_model

__all__ = [
    "Block",
    "DecodingConfig",
    "Document",
    "DraftSection",
    "DraftSpec",
    "GeneratedDraft",
    "LanguageModelConfig",
    "LanguageModelTrainResult",
    "LoadedLanguageModel",
    "NgramBaselines",
    "TextCandidate",
    "TokenScorer",
    "TrainConfig",
    "body_length",
    "check_draft",
    "generate_draft",
    "load_language_model",
    "regenerate_section",
    "train_language_model",
]

from lstm_engine import forecast as _forecast
from lstm_engine.forecast import *  # noqa: F403 — re-exports the forecasting API

__all__ += _forecast.__all__
