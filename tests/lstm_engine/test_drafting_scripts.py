"""Tests that Japanese drafts from a model trained on mixed Japanese and English text stay Japanese."""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from lstm_engine.checkpoint import LoadedLanguageModel, load_language_model
from lstm_engine.config import LanguageModelConfig, TrainConfig
from lstm_engine.data import Block, Document
from lstm_engine.drafting import DraftSection, DraftSpec, check_draft, generate_draft, regenerate_section
from lstm_engine.training import train_language_model

pytestmark = pytest.mark.usefixtures("one_thread")

LATIN_RUN = re.compile(r"[A-Za-z]+")
# English sentences spliced into the Japanese articles, as in a corpus where one
# site mixes both languages, sometimes within a paragraph.
ENGLISH_INSERTS = [
    "Read more on our blog.",
    "Click here for the English version.",
    "Photo by the editors.",
    "Updated every Monday.",
]


def _mixed_documents(japanese: list[Document], english: list[Document]) -> list[Document]:
    mixed: list[Document] = []
    for index, document in enumerate(japanese):
        insert = ENGLISH_INSERTS[index % len(ENGLISH_INSERTS)]
        blocks = [
            Block(block.kind, block.text + insert if block.kind == "paragraph" else f"{block.text} Guide")
            for block in document.blocks
        ]
        mixed.append(Document(title=f"{document.title} NEWS", blocks=blocks, keywords=document.keywords))
    return mixed + english


@pytest.fixture(scope="module")
def mixed_model(
    tmp_path_factory: pytest.TempPathFactory,
    japanese_documents: list[Document],
    english_documents: list[Document],
    tiny_model_config: Callable[[], LanguageModelConfig],
    tiny_train_config: Callable[..., TrainConfig],
) -> LoadedLanguageModel:
    directory: Path = tmp_path_factory.mktemp("mixed-model")
    train_language_model(
        _mixed_documents(japanese_documents, english_documents),
        directory,
        model_config=tiny_model_config(),
        train_config=tiny_train_config(max_steps=150, eval_every=50, checkpoint_every=50),
    )
    return load_language_model(directory)


def _latin_runs(*texts: str) -> set[str]:
    return {run for text in texts for run in LATIN_RUN.findall(text)}


def _all_texts(draft) -> list[str]:
    titles = [candidate.text for candidate in draft.scored_titles]
    metas = [candidate.text for candidate in draft.scored_meta_descriptions]
    return [*titles, *metas, draft.body_markdown()]


class JapaneseScriptTests:
    @pytest.mark.parametrize("seed", [1, 2, 3])
    def test_no_latin_without_latin_keywords(self, mixed_model: LoadedLanguageModel, seed: int) -> None:
        spec = DraftSpec(
            keywords=["コーヒー", "淹れ方"],
            related_keywords=["豆の選び方", "お湯の温度"],
            language="ja",
            target_length=800,
            seed=seed,
        )
        draft = generate_draft(mixed_model, spec)
        assert _latin_runs(*_all_texts(draft)) == set()
        assert check_draft(draft, spec) == []

    @pytest.mark.parametrize("seed", [1, 2])
    def test_latin_only_from_keywords(self, mixed_model: LoadedLanguageModel, seed: int) -> None:
        spec = DraftSpec(
            keywords=["SEO対策", "検索"],
            related_keywords=["キーワード", "Google検索"],
            language="ja",
            target_length=800,
            seed=seed,
        )
        draft = generate_draft(mixed_model, spec)
        assert _latin_runs(*_all_texts(draft)) <= {"SEO", "Google"}
        assert "SEO対策" in draft.title
        assert check_draft(draft, spec) == []

    def test_rewritten_section_keeps_prompt_words_only(self, mixed_model: LoadedLanguageModel) -> None:
        spec = DraftSpec(keywords=["睡眠"], related_keywords=[], language="ja", target_length=400, seed=5)
        paragraphs = regenerate_section(
            mixed_model,
            spec,
            title="睡眠の質を上げるApp活用術",
            sections_before=[DraftSection(heading="", paragraphs=["睡眠は大切です。"])],
            heading="寝る前の過ごし方",
            target_units=200,
        )
        assert _latin_runs(*paragraphs) <= {"App"}

    def test_english_draft_keeps_latin(self, mixed_model: LoadedLanguageModel) -> None:
        spec = DraftSpec(keywords=["coffee"], related_keywords=[], language="en", target_length=80, seed=1)
        draft = generate_draft(mixed_model, spec)
        assert len(_latin_runs(draft.body_markdown())) > 5
