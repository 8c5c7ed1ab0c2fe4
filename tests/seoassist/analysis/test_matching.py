"""Keyphrase matching: spelling variants, splits, quotes and URLs in both languages."""
import pytest

from seoassist.analysis.matching import TextIndex, found_in, keyphrase_prepare, stem_english
from tests.seoassist.analysis.helpers import analyze, check_of


def matches(text: str, keyphrase: str, language: str) -> list[str]:
    index = TextIndex(text, language)
    spans = found_in(index, keyphrase_prepare(keyphrase, language))
    return [text[start:end] for start, end in spans]


class JapaneseMatchingTests:
    def test_keyphrase_inside_a_longer_compound(self):
        # Sudachi keeps 東京都庁舎 as 東京 / 都庁 / 舎 and the keyphrase as 東京 / 都庁.
        assert matches("東京都庁舎で働く。", "東京都庁", "ja") == ["東京都庁"]

    def test_compound_split_differently_from_the_keyphrase(self):
        # 機械学習モデル is one noun run; the text has it with and without a particle.
        assert matches("機械学習モデルを使う。機械学習のモデルもある。", "機械学習モデル", "ja") == [
            "機械学習モデル"
        ]

    def test_okurigana_variants(self):
        # Sudachi reads 引越し as a noun and 引っ越し before 見積もり as a verb; both read ヒッコシ.
        found = matches("引っ越し見積もりと引越見積りを比べる。", "引越し見積もり", "ja")
        assert found == ["引っ越し見積もり", "引越見積り"]

    def test_kana_and_kanji_spellings(self):
        assert matches("おすすめの本。オススメの本。お勧めの本。", "おすすめ", "ja") == [
            "おすすめ", "オススメ", "お勧め"
        ]

    def test_small_kana_variant(self):
        assert matches("ウイルス対策とウィルス対策", "ウイルス対策", "ja") == ["ウイルス対策", "ウィルス対策"]

    def test_full_width_letters_and_digits(self):
        assert matches("ＳＥＯ対策は２０２４年に変わった。", "SEO対策", "ja") == ["ＳＥＯ対策"]
        assert matches("ＳＥＯ対策は２０２４年に変わった。", "2024年", "ja") == ["２０２４年"]

    def test_inflected_forms(self):
        assert matches("走った。走ります。走らない。", "走る", "ja") == ["走っ", "走り", "走ら"]

    def test_quoted_keyphrase_matches_exact_characters_only(self):
        text = "「見積もり」と見積りと見積もり"
        assert matches(text, "「見積もり」", "ja") == ["見積もり", "見積もり"]
        assert matches(text, "見積もり", "ja") == ["見積もり", "見積り", "見積もり"]

    def test_space_separated_parts_match_anywhere_in_the_range(self):
        assert matches("京都で旅行を楽しむ。", "京都 旅行", "ja") == ["京都", "旅行"]

    def test_short_readings_do_not_match_homophones(self):
        assert matches("汽車に乗る。", "記者", "ja") == []

    def test_keyphrase_inside_a_url_is_not_a_mention(self):
        analysis = analyze(
            language="ja", keyphrase="見積もり",
            body="詳しくは https://example.com/見積もり を参照。\n\n見積もりは無料です。",
        )
        check = check_of(analysis, "keyphrase_in_introduction")
        assert check.status == "problem"


class EnglishMatchingTests:
    @pytest.mark.parametrize(
        "text",
        ["Running Shoes", "running shoe", "running-shoes", "RUNNING SHOES", "running shoes'"],
    )
    def test_case_plural_and_hyphen(self, text):
        assert matches(text, "running shoe", "en") == [text.rstrip("'")]

    def test_hyphenated_keyphrase_matches_spaced_and_closed_forms(self):
        assert matches("long term, longterm, long-term", "long-term", "en") == [
            "long term", "longterm", "long-term"
        ]

    def test_apostrophes(self):
        assert matches("The editor's guide and the editors’ guides", "editor guide", "en") == [
            "editor's guide", "editors’ guides"
        ]

    def test_simple_inflections(self):
        assert {stem_english(word) for word in ("baked", "baking", "bakes", "bake")} == {"bak"}
        assert stem_english("tries") == stem_english("tried") == stem_english("try")
        assert stem_english("running") == stem_english("run")

    def test_function_words_may_be_left_out(self):
        assert matches("We bake bread at home.", "how to bake bread", "en") == ["bake", "bread"]

    def test_quoted_keyphrase_needs_the_exact_phrase(self):
        assert matches("Marketing of content.", '"content marketing"', "en") == []
        found = matches("Content marketing works.", '"content marketing"', "en")
        assert found == ["Content marketing"]

    def test_empty_keyphrase_matches_nothing(self):
        assert matches("text", "  ", "en") == []
        assert matches("text", '""', "en") == []
