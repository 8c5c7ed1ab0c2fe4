"""Tests for keyword-aware draft generation."""
from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import pytest

from lstm_engine.checkpoint import LoadedLanguageModel, load_language_model
from lstm_engine.config import LanguageModelConfig, TrainConfig
from lstm_engine.data import Document
from lstm_engine.drafting import (
    META_DESCRIPTION_RANGE,
    TITLE_MAX_CHARACTERS,
    SUMMARY_HEADINGS,
    DraftSection,
    DraftSpec,
    GeneratedDraft,
    body_length,
    check_draft,
    generate_draft,
    _DraftWriter,
    _SegmentRules,
    regenerate_section,
)
from lstm_engine.sampling import DecodingConfig
from lstm_engine.training import train_language_model

pytestmark = pytest.mark.usefixtures("one_thread")

JAPANESE_SPEC = DraftSpec(
    keywords=["コーヒー", "淹れ方"],
    related_keywords=["豆の選び方", "お湯の温度", "道具"],
    language="ja",
    target_length=1500,
    seed=3,
)
ENGLISH_SPEC = DraftSpec(
    keywords=["coffee", "brewing", "beans"],
    related_keywords=["water temperature", "grind size"],
    language="en",
    target_length=400,
    seed=3,
)


@pytest.fixture(scope="module")
def japanese_draft(loaded_model: LoadedLanguageModel) -> GeneratedDraft:
    return generate_draft(loaded_model, JAPANESE_SPEC)


@pytest.fixture(scope="module")
def english_draft(loaded_model: LoadedLanguageModel) -> GeneratedDraft:
    return generate_draft(loaded_model, ENGLISH_SPEC)


@pytest.fixture(params=["ja", "en"])
def draft_and_spec(
    request: pytest.FixtureRequest, japanese_draft: GeneratedDraft, english_draft: GeneratedDraft
) -> tuple[GeneratedDraft, DraftSpec]:
    if request.param == "ja":
        return japanese_draft, JAPANESE_SPEC
    return english_draft, ENGLISH_SPEC


class KeywordPlacementTests:
    def test_title_starts_with_first_keyword(self, draft_and_spec: tuple[GeneratedDraft, DraftSpec]) -> None:
        draft, spec = draft_and_spec
        assert draft.title.startswith(spec.keywords[0])

    def test_first_paragraph_has_every_keyword(self, draft_and_spec: tuple[GeneratedDraft, DraftSpec]) -> None:
        draft, spec = draft_and_spec
        introduction = draft.sections[0].paragraphs[0]
        for keyword in spec.keywords:
            assert keyword in introduction, keyword

    def test_body_has_every_keyword(self, draft_and_spec: tuple[GeneratedDraft, DraftSpec]) -> None:
        draft, spec = draft_and_spec
        body = draft.body_markdown()
        for keyword in spec.keywords:
            assert keyword in body, keyword

    def test_headings_contain_related_keywords(self, draft_and_spec: tuple[GeneratedDraft, DraftSpec]) -> None:
        draft, spec = draft_and_spec
        headings = [section.heading for section in draft.sections if section.heading]
        assert headings[-1] == SUMMARY_HEADINGS[spec.language]
        assert len(headings) == len(spec.related_keywords) + 1
        for heading, keyword in zip(headings[:-1], spec.related_keywords, strict=True):
            assert keyword in heading

    def test_summary_limits_keyword_headings(self, loaded_model: LoadedLanguageModel) -> None:
        related = ["豆の選び方", "お湯の温度", "道具", "保存方法"]
        spec = DraftSpec(keywords=["コーヒー"], related_keywords=related, language="ja", target_length=2000, seed=3)
        draft = generate_draft(loaded_model, spec)
        headings = [section.heading for section in draft.sections if section.heading]
        with_phrase = [h for h in headings if any(phrase in h for phrase in ["コーヒー", *related])]
        assert headings[-1] == "まとめ"
        assert len(with_phrase) / len(headings) <= 0.75
        assert "コーヒー" in draft.sections[-1].paragraphs[0]

    def test_meta_description_has_first_keyword(self, draft_and_spec: tuple[GeneratedDraft, DraftSpec]) -> None:
        draft, spec = draft_and_spec
        assert spec.keywords[0] in draft.meta_description

    def test_requested_keywords_head_sections_without_related(self, loaded_model: LoadedLanguageModel) -> None:
        spec = DraftSpec(keywords=["睡眠", "習慣"], related_keywords=[], language="ja", target_length=600, seed=1)
        draft = generate_draft(loaded_model, spec)
        headings = [section.heading for section in draft.sections if section.heading]
        assert headings[-1] == SUMMARY_HEADINGS["ja"]
        assert headings[:-1]
        for heading in headings[:-1]:
            assert any(keyword in heading for keyword in spec.keywords), heading

    def test_five_english_keywords_all_placed(self, loaded_baseline: LoadedLanguageModel) -> None:
        spec = DraftSpec(
            keywords=["sleep", "habits", "morning light", "phone", "warm bath"],
            related_keywords=["before bed"],
            language="en",
            target_length=250,
            seed=4,
        )
        draft = generate_draft(loaded_baseline, spec)
        assert check_draft(draft, spec) == []


class DraftLimitsTests:
    def test_title_candidates_within_limit(self, draft_and_spec: tuple[GeneratedDraft, DraftSpec]) -> None:
        draft, spec = draft_and_spec
        assert len(draft.title_candidates) == spec.title_candidates
        assert draft.title == draft.title_candidates[0]
        for candidate in draft.title_candidates:
            assert 0 < len(candidate) <= TITLE_MAX_CHARACTERS[spec.language], candidate

    def test_meta_description_length(self, draft_and_spec: tuple[GeneratedDraft, DraftSpec]) -> None:
        draft, spec = draft_and_spec
        low, high = META_DESCRIPTION_RANGE[spec.language]
        assert low <= len(draft.meta_description) <= high

    def test_meta_description_ends_cleanly(self, draft_and_spec: tuple[GeneratedDraft, DraftSpec]) -> None:
        draft, spec = draft_and_spec
        assert draft.meta_description[-1] in ("。" if spec.language == "ja" else ".!?")

    def test_body_length_near_target(self, draft_and_spec: tuple[GeneratedDraft, DraftSpec]) -> None:
        draft, spec = draft_and_spec
        assert 0.75 * spec.target_length <= body_length(draft, spec.language) <= 1.25 * spec.target_length

    def test_paragraphs_end_with_sentence(self, draft_and_spec: tuple[GeneratedDraft, DraftSpec]) -> None:
        draft, spec = draft_and_spec
        endings = "。" if spec.language == "ja" else ".!?"
        for section in draft.sections:
            for paragraph in section.paragraphs:
                assert paragraph.rstrip("」』）)】”\"]")[-1] in endings, paragraph[-30:]

    def test_no_empty_sections(self, draft_and_spec: tuple[GeneratedDraft, DraftSpec]) -> None:
        draft, _ = draft_and_spec
        for section in draft.sections:
            assert section.paragraphs
            assert all(paragraph.strip() for paragraph in section.paragraphs)

    def test_no_replacement_characters(self, draft_and_spec: tuple[GeneratedDraft, DraftSpec]) -> None:
        draft, _ = draft_and_spec
        assert "\ufffd" not in draft.body_markdown() + draft.title + draft.meta_description

    def test_check_draft_finds_nothing(self, draft_and_spec: tuple[GeneratedDraft, DraftSpec]) -> None:
        draft, spec = draft_and_spec
        assert check_draft(draft, spec) == []

    def test_english_draft_has_no_japanese(self, english_draft: GeneratedDraft) -> None:
        text = english_draft.body_markdown() + english_draft.title + english_draft.meta_description
        assert not any(0x3000 <= ord(char) <= 0x9FFF for char in text)

    @pytest.mark.parametrize("target_length", [300, 800, 3000])
    def test_japanese_lengths_hold_with_baseline(
        self, loaded_baseline: LoadedLanguageModel, target_length: int
    ) -> None:
        spec = DraftSpec(
            keywords=["キャンプ", "持ち物"],
            related_keywords=["寝袋"],
            language="ja",
            target_length=target_length,
            seed=target_length,
        )
        assert check_draft(generate_draft(loaded_baseline, spec), spec) == []


class DraftReproducibilityTests:
    def test_same_seed_same_draft(self, loaded_model: LoadedLanguageModel, english_draft: GeneratedDraft) -> None:
        assert generate_draft(loaded_model, ENGLISH_SPEC) == english_draft

    def test_other_seed_other_draft(self, loaded_model: LoadedLanguageModel, english_draft: GeneratedDraft) -> None:
        spec = DraftSpec(**{**ENGLISH_SPEC.__dict__, "seed": 99})
        assert generate_draft(loaded_model, spec).body_markdown() != english_draft.body_markdown()

    def test_greedy_draft_is_valid_and_repeatable(self, loaded_model: LoadedLanguageModel) -> None:
        spec = DraftSpec(
            keywords=["観葉植物"],
            related_keywords=["水やり"],
            language="ja",
            target_length=500,
            decoding=DecodingConfig(greedy=True),
        )
        first = generate_draft(loaded_model, spec)
        assert check_draft(first, spec) == []
        assert generate_draft(loaded_model, DraftSpec(**{**spec.__dict__, "seed": 5})) == first
        assert len(set(first.title_candidates)) == len(first.title_candidates)

    def test_log_likelihood_is_mean_log_probability(self, japanese_draft: GeneratedDraft) -> None:
        assert math.isfinite(japanese_draft.log_likelihood)
        assert japanese_draft.log_likelihood < 0


class DraftOutputTests:
    def test_body_markdown_layout(self) -> None:
        draft = GeneratedDraft(
            title="t",
            title_candidates=["t"],
            meta_description="m",
            sections=[DraftSection("", ["intro"]), DraftSection("Heading", ["one", "two"])],
            log_likelihood=-1.0,
        )
        assert draft.body_markdown() == "intro\n\n## Heading\n\none\n\ntwo\n"

    def test_as_dict_includes_markdown(self, english_draft: GeneratedDraft) -> None:
        result = english_draft.as_dict()
        assert result["title"] == english_draft.title
        assert result["body_markdown"] == english_draft.body_markdown()
        assert result["sections"][0]["paragraphs"] == english_draft.sections[0].paragraphs


class DraftSpecTests:
    def test_too_many_keywords_rejected(self) -> None:
        with pytest.raises(ValueError, match="keywords must be 1 to 5"):
            DraftSpec(keywords=list("abcdef"), related_keywords=[], language="en", target_length=300)

    def test_no_keywords_rejected(self) -> None:
        with pytest.raises(ValueError, match="keywords must be 1 to 5"):
            DraftSpec(keywords=[], related_keywords=[], language="en", target_length=300)

    def test_unknown_language_rejected(self) -> None:
        with pytest.raises(ValueError, match="language must be"):
            DraftSpec(keywords=["a"], related_keywords=[], language="de", target_length=300)  # type: ignore[arg-type]

    def test_tiny_target_length_rejected(self) -> None:
        with pytest.raises(ValueError, match="target_length"):
            DraftSpec(keywords=["a"], related_keywords=[], language="ja", target_length=10)

    def test_blank_related_keywords_dropped(self) -> None:
        spec = DraftSpec(keywords=["a"], related_keywords=[" ", "b", ""], language="en", target_length=300)
        assert spec.related_keywords == ["b"]

    def test_overlong_keyword_rejected(self) -> None:
        with pytest.raises(ValueError, match="at most 20"):
            DraftSpec(keywords=["長" * 25], related_keywords=[], language="ja", target_length=1000)


class LivedoorDraftTests:
    def test_news_model_drafts_valid_article(
        self,
        tmp_path: Path,
        livedoor_documents: list[Document],
        tiny_model_config: Callable[[], LanguageModelConfig],
        tiny_train_config: Callable[..., TrainConfig],
    ) -> None:
        train_language_model(
            livedoor_documents,
            tmp_path,
            model_config=tiny_model_config(),
            train_config=tiny_train_config(max_steps=100, batch_size=8, validation_fraction=0.1),
        )
        spec = DraftSpec(
            keywords=["スマートフォン", "映画"],
            related_keywords=["新機能", "公開日"],
            language="ja",
            target_length=1200,
            seed=2,
        )
        for use_baseline in (False, True):
            draft = generate_draft(load_language_model(tmp_path, use_baseline=use_baseline), spec)
            assert check_draft(draft, spec) == [], use_baseline


class RegenerateSectionTests:
    @pytest.mark.parametrize(("spec", "target"), [(JAPANESE_SPEC, 300), (ENGLISH_SPEC, 80)])
    def test_new_paragraphs_carry_heading_keyword(
        self, loaded_model: LoadedLanguageModel, spec: DraftSpec, target: int
    ) -> None:
        draft = generate_draft(loaded_model, spec)
        section = draft.sections[1]
        paragraphs = regenerate_section(
            loaded_model,
            spec,
            title=draft.title,
            sections_before=draft.sections[:1],
            heading=section.heading,
            target_units=target,
        )
        assert paragraphs
        assert spec.related_keywords[0].lower() in paragraphs[0].lower()
        unit = "words" if spec.language == "en" else "nonspace"
        written = sum(len(p.split()) if unit == "words" else len(p.replace(" ", "")) for p in paragraphs)
        assert 0.5 * target <= written <= 1.5 * target
        if spec.language == "ja":
            assert all(paragraph.endswith("。") for paragraph in paragraphs)

    def test_introduction_carries_every_keyword(self, loaded_model: LoadedLanguageModel) -> None:
        draft = generate_draft(loaded_model, JAPANESE_SPEC)
        paragraphs = regenerate_section(
            loaded_model, JAPANESE_SPEC, title=draft.title, sections_before=[], heading="", target_units=200
        )
        for keyword in JAPANESE_SPEC.keywords:
            assert keyword in paragraphs[0]

    def test_longer_keyword_starts_first(self, loaded_model: LoadedLanguageModel) -> None:
        # A shorter keyword placed first would leave the longer one to follow it at once
        # ("water water temperature").
        writer = _DraftWriter(loaded_model, ENGLISH_SPEC, [])
        rules = _SegmentRules(
            kind="paragraph", required=["water", "Water temperature", "grind"], unit="words",
            min_units=10, target_units=20, max_units=30, sentence_end=True,
        )
        progress = writer._begin_segment(rules)
        assert list(progress.placed) == ["Water temperature", "grind", "water"]

    def test_same_seed_same_text(self, loaded_model: LoadedLanguageModel) -> None:
        arguments = {"title": "コーヒーの話", "sections_before": [], "heading": "豆の選び方について", "target_units": 150}
        first = regenerate_section(loaded_model, JAPANESE_SPEC, **arguments)
        second = regenerate_section(loaded_model, JAPANESE_SPEC, **arguments)
        assert first == second


class CutTitleTests:
    """Titles and headings that reach their length cap end on a whole word."""

    @pytest.mark.parametrize(
        ("text", "placed", "expected"),
        [
            (
                "autumn leaves are bark. Sight, and typed power de",
                {"autumn leaves": True},
                "autumn leaves are bark. Sight, and typed power",
            ),
            (
                "christmas dinner working and supplight before Chri",
                {"christmas dinner": True},
                "christmas dinner working and supplight",
            ),
            ("coffee brewing", {"coffee brewing": True}, "coffee brewing"),
        ],
    )
    def test_english_cut_ends_on_a_word(
        self, loaded_model: LoadedLanguageModel, text: str, placed: dict[str, bool], expected: str
    ) -> None:
        writer = _DraftWriter(loaded_model, ENGLISH_SPEC, [])
        assert writer._trim_cut(text, placed) == expected

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("コーヒーの淹れ方を年末に慌てないスケジュー", "コーヒーの淹れ方を年末に慌てない"),
            ("コーヒーの豆は、", "コーヒーの豆"),
            ("コーヒー", "コーヒー"),
        ],
    )
    def test_japanese_cut_drops_the_open_word(
        self, loaded_model: LoadedLanguageModel, text: str, expected: str
    ) -> None:
        writer = _DraftWriter(loaded_model, JAPANESE_SPEC, [])
        assert writer._trim_cut(text, {"コーヒー": True}) == expected

    def test_cut_keeps_bracketed_tail(self, loaded_model: LoadedLanguageModel) -> None:
        writer = _DraftWriter(loaded_model, JAPANESE_SPEC, [])
        assert writer._trim_cut("コーヒー「豆」の選び", {"コーヒー": True}) == "コーヒー「豆」の選び"

    def test_japanese_title_avoids_particle_end(self, loaded_model: LoadedLanguageModel) -> None:
        writer = _DraftWriter(loaded_model, JAPANESE_SPEC, [])
        rules = _SegmentRules(kind="title", required=["コーヒー"], unit="chars", min_units=2, target_units=10, max_units=32)
        assert not writer._may_end("コーヒーの淹れ方を", rules, 9)
        assert writer._may_end("コーヒーの淹れ方", rules, 8)

    def test_word_continues_when_extensions_are_likely(self, loaded_model: LoadedLanguageModel) -> None:
        import torch

        writer = _DraftWriter(loaded_model, ENGLISH_SPEC, [])
        tables = writer.tables
        continuing = (tables.first_class == 1) & ~tables.starts_with_space
        log_probs = torch.full((len(continuing),), -30.0)
        log_probs[torch.nonzero(continuing).flatten()[0]] = 0.0
        assert writer._word_continues(log_probs, "coffee de")
        assert not writer._word_continues(log_probs, "coffee de ")
        log_probs[torch.nonzero(tables.starts_with_space).flatten()[0]] = 0.0
        log_probs[torch.nonzero(continuing).flatten()[0]] = -5.0
        assert not writer._word_continues(log_probs, "coffee de")


class PlainTextStartTests:
    @pytest.mark.parametrize("kind", ["title", "heading", "meta"])
    def test_markup_cannot_open_plain_segments(self, loaded_model: LoadedLanguageModel, kind: str) -> None:
        writer = _DraftWriter(loaded_model, ENGLISH_SPEC, [])
        tables = writer.tables
        markup = [
            piece_id
            for piece_id, text in enumerate(loaded_model.tokenizer.piece_texts)
            if bool(tables.allowed[piece_id])
            and (text.lstrip()[:1] in ("-", "#") or int(tables.byte_values[piece_id]) in (0x2D, 0x23))
        ]
        assert markup, "the test vocabulary has no list or heading piece"
        rules = _SegmentRules(kind=kind, required=[], unit="chars", min_units=5, target_units=20, max_units=40)
        from lstm_engine.drafting import _TextState

        opening = writer._allowed_mask(rules, _TextState(), [], False)
        later = writer._allowed_mask(rules, _TextState(text="coffee "), [], False)
        assert not any(bool(opening[piece_id]) for piece_id in markup)
        assert any(bool(later[piece_id]) for piece_id in markup)


class SentenceCutTests:
    def test_capped_meta_ends_at_sentence(self, loaded_model: LoadedLanguageModel) -> None:
        writer = _DraftWriter(loaded_model, JAPANESE_SPEC, [])
        rules = _SegmentRules(
            kind="meta", required=["コーヒー"], unit="chars", min_units=8, target_units=20, max_units=30,
            sentence_end=True,
        )
        text = "コーヒーの淹れ方を紹介します。豆は食器棚な"
        assert writer._earlier_sentence_end(text, rules, {"コーヒー": True}) == "コーヒーの淹れ方を紹介します。"

    def test_short_sentence_is_not_enough(self, loaded_model: LoadedLanguageModel) -> None:
        writer = _DraftWriter(loaded_model, JAPANESE_SPEC, [])
        rules = _SegmentRules(
            kind="meta", required=["コーヒー"], unit="chars", min_units=20, target_units=25, max_units=30,
            sentence_end=True,
        )
        assert writer._earlier_sentence_end("コーヒーです。豆は食器棚な", rules, {"コーヒー": True}) is None

    def test_hiragana_cut_keeps_clause(self, loaded_model: LoadedLanguageModel) -> None:
        writer = _DraftWriter(loaded_model, JAPANESE_SPEC, [])
        text = "コーヒーは部屋に合わせると、取りましょうかっているこ"
        assert writer._trim_cut(text, {"コーヒー": True}) == "コーヒーは部屋に合わせる"
