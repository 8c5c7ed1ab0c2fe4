"""Draft quality figures: diversity, repetition, keyword placement and verbatim copying."""
from __future__ import annotations

import pytest

from lstm_engine.checkpoint import LoadedLanguageModel
from lstm_engine.data import Block, Document
from lstm_engine.drafting import DraftSection, DraftSpec, GeneratedDraft
from lstm_engine.quality import (
    distinct_n,
    document_language,
    draft_quality,
    draft_units,
    keyword_placed,
    longest_copied_span,
    measure_sample_drafts,
    repetition_rate,
    sample_draft_specs,
)


def make_draft(title: str, headings: list[str], paragraphs: list[str]) -> GeneratedDraft:
    sections = [DraftSection(heading="", paragraphs=paragraphs[:1])]
    sections += [DraftSection(heading=heading, paragraphs=[text]) for heading, text in zip(headings, paragraphs[1:])]
    return GeneratedDraft(
        title=title, title_candidates=[title], meta_description="", sections=sections, log_likelihood=-1.0
    )


class DiversityTests:
    def test_distinct_counts_unique_ngrams(self) -> None:
        units = list("abab")
        assert distinct_n(units, 1) == pytest.approx(0.5)
        assert distinct_n(units, 2) == pytest.approx(2 / 3)

    def test_repetition_rate_counts_repeated_ngrams(self) -> None:
        assert repetition_rate(list("abcdabcd"), 4) == pytest.approx(1 / 5)
        assert repetition_rate(list("abcdefgh"), 4) == 0.0

    def test_english_units_are_words(self) -> None:
        assert draft_units("The cat, the hat.", "en") == ["the", "cat", "the", "hat"]

    def test_japanese_units_are_characters(self) -> None:
        assert draft_units("猫 が", "ja") == ["猫", "が"]


class CopiedSpanTests:
    def test_finds_longest_common_substring(self) -> None:
        assert longest_copied_span("xxhello worldyy", "say hello world now") == len("hello world")

    def test_nothing_shared(self) -> None:
        assert longest_copied_span("abc", "xyz") == 0


class KeywordPlacementTests:
    def test_keyword_everywhere_counts(self) -> None:
        draft = make_draft("コーヒーの淹れ方", ["コーヒー豆"], ["コーヒーは香りが大切です。", "豆を選びます。"])
        assert keyword_placed(draft, "コーヒー")

    def test_missing_from_first_paragraph_does_not_count(self) -> None:
        draft = make_draft("コーヒーの淹れ方", ["コーヒー豆"], ["香りが大切です。", "豆を選びます。"])
        assert not keyword_placed(draft, "コーヒー")
        spec = DraftSpec(keywords=["コーヒー"], related_keywords=[], language="ja", target_length=100)
        quality = draft_quality([(spec, draft)], corpus="香りが大切")
        assert quality.keyword_coverage == 0.0
        assert quality.longest_copied_span == len("香りが大切")


class SampleDraftTests:
    def test_language_follows_the_script(self) -> None:
        assert document_language(Document(title="猫の話", blocks=[])) == "ja"
        assert document_language(Document(title="Cats", blocks=[Block("paragraph", "They purr.")])) == "en"

    def test_specs_skip_documents_without_keywords(self, japanese_documents: list[Document]) -> None:
        documents = [Document(title="無題", blocks=[Block("paragraph", "本文。")])] + japanese_documents
        specs = sample_draft_specs(documents, count=2)
        assert len(specs) == 2
        assert specs[0].keywords == japanese_documents[0].keywords[:2]

    def test_measures_generated_drafts(
        self, loaded_model: LoadedLanguageModel, japanese_documents: list[Document]
    ) -> None:
        quality = measure_sample_drafts(loaded_model, japanese_documents, count=1)
        assert quality is not None
        assert quality.drafts == 1
        assert 0.0 < quality.distinct_1 <= 1.0
        assert 0.0 <= quality.repetition_rate < 1.0
        assert quality.keyword_coverage == 1.0
        assert quality.longest_copied_span > 0
