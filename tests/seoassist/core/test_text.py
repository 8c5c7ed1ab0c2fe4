"""Tests for language detection, keyword normalisation and content terms."""
from __future__ import annotations

import pytest

from seoassist.core import text
from seoassist.core.text import (
    content_terms,
    detect_language,
    english_written_forms,
    extract_keywords,
    normalize_keyword,
)


class DetectLanguageTests:
    def test_japanese_sentence_is_ja(self) -> None:
        assert detect_language("花粉症の季節には加湿器が役に立ちます。") == "ja"

    def test_english_sentence_is_en(self) -> None:
        assert detect_language("Hay fever season starts in early spring.") == "en"

    def test_few_kanji_in_english_is_en(self) -> None:
        # 2 kanji among 40 letters is 5 %, below the 10 % threshold.
        assert detect_language("The word 日本 appears in this English sentence about trips") == "en"

    def test_ten_percent_kana_is_ja(self) -> None:
        assert detect_language("abcdefghi" + "あ") == "ja"

    def test_text_without_letters_is_en(self) -> None:
        assert detect_language("2024-01-07 12:00 !!") == "en"

    def test_empty_text_is_en(self) -> None:
        assert detect_language("") == "en"


class NormalizeKeywordTests:
    def test_full_width_letters_become_ascii(self) -> None:
        assert normalize_keyword("ＳＥＯ対策") == "seo対策"

    def test_whitespace_runs_collapse(self) -> None:
        assert normalize_keyword("  hay\u3000 fever\n ") == "hay fever"

    def test_case_is_folded(self) -> None:
        assert normalize_keyword("Straße") == "strasse"

    def test_half_width_katakana_become_full_width(self) -> None:
        assert normalize_keyword("ｶﾀｶﾅ") == "カタカナ"


class ContentTermsJapaneseTests:
    def test_full_width_number_is_not_a_term(self) -> None:
        terms = content_terms("２０２４年の確定申告", "ja")
        assert terms == ["確定申告"]

    def test_katakana_nouns_join_into_compound(self) -> None:
        terms = content_terms("ファイナンシャルプランナーが解説します", "ja")
        assert "ファイナンシャルプランナー" in terms

    def test_katakana_compound_is_not_split(self) -> None:
        terms = content_terms("ファイナンシャルプランナーが解説します", "ja")
        assert "プランナー" not in terms

    def test_spelling_variants_use_normalized_form(self) -> None:
        assert content_terms("シュミレーションをする", "ja") == ["シミュレーション"]

    def test_formal_nouns_are_dropped(self) -> None:
        assert "こと" not in content_terms("申告すること", "ja")

    def test_full_width_latin_is_normalised(self) -> None:
        assert content_terms("ＳＥＯ対策のノウハウ", "ja") == ["seo対策", "ノウハウ"]

    def test_text_longer_than_sudachi_limit(self) -> None:
        long_text = "確定申告の方法を解説します。" * 4000  # about 170 kB in UTF-8
        terms = content_terms(long_text, "ja")
        assert terms.count("確定申告") == 4000


class ContentTermsEnglishTests:
    def test_plurals_fold_to_singular(self) -> None:
        assert content_terms("cities boxes strategies editors", "en") == [
            "city", "box", "strategy", "editor",
        ]

    def test_non_plural_s_words_stay(self) -> None:
        assert content_terms("news series analysis", "en") == ["news", "series", "analysis"]

    def test_singular_words_ending_in_s_stay(self) -> None:
        assert content_terms("christmas dinner in texas", "en") == ["christmas", "dinner", "texas"]

    def test_stopwords_are_removed(self) -> None:
        assert content_terms("How to write the best guide for your readers", "en") == [
            "write", "best", "guide", "reader",
        ]

    def test_possessive_is_dropped(self) -> None:
        assert content_terms("the editor's guide", "en") == ["editor", "guide"]

    @pytest.mark.parametrize(
        ("plural", "singular"),
        [
            ("leaves", "leaf"), ("knives", "knife"), ("lives", "life"), ("wolves", "wolf"),
            ("halves", "half"), ("shelves", "shelf"), ("wives", "wife"), ("thieves", "thief"),
            ("loaves", "loaf"), ("calves", "calf"), ("selves", "self"), ("elves", "elf"),
        ],
    )
    def test_listed_ves_plurals_fold_to_f(self, plural: str, singular: str) -> None:
        assert content_terms(plural, "en") == [singular]

    def test_other_ves_words_drop_only_the_s(self) -> None:
        words = "moves gloves olives drives archives waves curves valves sleeves"
        assert content_terms(words, "en") == [
            "move", "glove", "olive", "drive", "archive", "wave", "curve", "valve", "sleeve",
        ]

    def test_unknown_language_raises(self) -> None:
        with pytest.raises(ValueError, match="language"):
            content_terms("text", "fr")


class ExtractKeywordsTests:
    def test_japanese_shared_term_ranks_first(self) -> None:
        keywords = extract_keywords(
            "確定申告のやり方をわかりやすく解説",
            ["確定申告の期限", "確定申告に必要な書類", "スマホで確定申告する方法"],
            "ja",
        )
        assert keywords[0] == "確定申告"

    def test_english_phrase_ranks_first(self) -> None:
        keywords = extract_keywords(
            "How to beat hay fever this spring",
            ["Hay fever symptoms", "Best hay fever remedies"],
            "en",
        )
        assert keywords[0] == "hay fever"

    def test_part_of_chosen_phrase_is_skipped(self) -> None:
        keywords = extract_keywords("Mental health tips", ["Mental health at work"], "en")
        assert "mental" not in keywords

    def test_limit_caps_the_result(self) -> None:
        keywords = extract_keywords(
            "Mental health tips for students",
            ["What is mental health?", "Tips for better sleep", "Exercise and diet"],
            "en",
            limit=2,
        )
        assert len(keywords) == 2

    def test_title_only_article_gets_keywords(self) -> None:
        assert extract_keywords("加湿器の選び方", [], "ja")[0] == "加湿器"

    def test_limit_below_one_raises(self) -> None:
        with pytest.raises(ValueError, match="limit"):
            extract_keywords("title", [], "en", limit=0)

    def test_ves_plural_in_title_folds(self) -> None:
        keywords = extract_keywords(
            "Why Autumn Leaves Change Color", ["What Autumn Leaves Need"], "en"
        )
        assert keywords[0] == "autumn leaf"
        assert not any("leave" in keyword for keyword in keywords)


class EnglishWrittenFormsTests:
    def test_folded_phrase_maps_to_text_as_written(self) -> None:
        forms = english_written_forms("Why Autumn Leaves Change Color", ["autumn leaf"])
        assert forms == {"autumn leaf": {"autumn leaves": 1}}

    def test_each_written_form_is_counted(self) -> None:
        text = "Rake autumn leaves. One autumn leaf fell, then more autumn leaves."
        forms = english_written_forms(text, ["autumn leaf", "leaf"])
        assert forms["autumn leaf"] == {"autumn leaves": 2, "autumn leaf": 1}
        assert forms["leaf"] == {"leaves": 2, "leaf": 1}

    def test_phrase_not_in_text_is_left_out(self) -> None:
        assert english_written_forms("Autumn leaves", ["maple tree", ""]) == {}

    def test_written_form_keeps_inner_words(self) -> None:
        text = "Vitamin C tablets and the editor's guides"
        forms = english_written_forms(text, ["vitamin tablet", "editor guide"])
        assert forms["vitamin tablet"] == {"vitamin c tablets": 1}
        assert forms["editor guide"] == {"editor's guides": 1}


class TokenizerCacheTests:
    def test_tokenizer_is_created_once(self) -> None:
        content_terms("東京", "ja")
        first = text._get_tokenizer()
        content_terms("大阪", "ja")
        assert text._get_tokenizer() is first
