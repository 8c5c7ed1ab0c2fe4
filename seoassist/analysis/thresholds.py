"""Limits of every analysis check, one configuration per draft language.

Japanese lengths count characters without punctuation, whitespace and URLs;
English lengths count words. Ranges are inclusive. The starting points are
Yoast SEO's published limits; the Japanese values are the project's own
where Yoast has none, with the reason next to each.
"""
from __future__ import annotations

from dataclasses import dataclass

# Scores of one check by status, on Yoast's 9/6/3 scale. A group's score is the
# sum of its checks' scores as a percentage of 9 per check.
STATUS_SCORES = {"good": 9, "improve": 6, "problem": 3}

# Google result page metrics (desktop, 2024): titles in 20 px Arial, snippets in
# 14 px Arial, a result column about 600 px wide, snippets cut after two lines.
SERP_TITLE_FONT_PX = 20
SERP_DESCRIPTION_FONT_PX = 14
SERP_TITLE_MAX_PX = 600
SERP_DESCRIPTION_LINE_PX = 600
SERP_DESCRIPTION_LINES = 2


@dataclass(frozen=True)
class Thresholds:
    """Limits of the checks for one language; units as the field comments state."""

    language: str
    # Keyphrase length: characters (ja) or words (en).
    keyphrase_good_max: int
    keyphrase_problem_over: int
    # Title width in pixels at the result page's title font size.
    title_min_px: int
    title_max_px: int
    # Meta description length in characters, both languages.
    meta_description_min: int
    meta_description_max: int
    # Keyphrase density in percent; see `density_unit`.
    density_min: float
    density_max: float
    density_problem_over: float
    density_from_length: int  # below this text length, density is not judged
    # Share of H2/H3 subheadings that mention the keyphrase or a related one, percent.
    subheadings_min: float
    subheadings_max: float
    # Longest stretch of the text without the keyphrase, percent of the text.
    distribution_good_max: float
    distribution_improve_max: float
    # Text length: characters (ja) or words (en).
    text_good_min: int
    text_improve_min: int
    # Related keyphrases that the body uses, percent of those given.
    related_good_min: float
    # Sentence length: characters (ja) or words (en), share of long sentences in percent.
    sentence_max: int
    long_sentences_good_max: float
    long_sentences_improve_max: float
    # Paragraph length: characters (ja) or words (en).
    paragraph_good_max: int
    paragraph_improve_max: int
    # Text between subheadings: characters (ja) or words (en).
    section_good_max: int
    section_improve_max: int
    # Sentences in a row that start with the same word.
    same_start_max: int
    # Share of sentences with a transition word, percent; judged from `transition_from_length`.
    transition_good_min: float
    transition_improve_min: float
    transition_from_length: int


@dataclass(frozen=True)
class EnglishThresholds(Thresholds):
    flesch_good_min: float
    flesch_improve_min: float
    passive_good_max: float  # percent of sentences
    passive_improve_max: float


@dataclass(frozen=True)
class JapaneseThresholds(Thresholds):
    # Kanji as a percentage of kanji, hiragana and katakana.
    kanji_good_min: float
    kanji_good_max: float
    kanji_improve_max: float
    katakana_good_max: float
    # 読点: a sentence longer than `comma_needed_from` characters needs at least one,
    # and more than `comma_max_per_sentence` in one sentence is too many.
    comma_needed_from: int
    comma_max_per_sentence: int
    comma_flagged_good_max: float  # percent of sentences
    comma_flagged_improve_max: float
    # Mixed styles: sentences in the minority style, percent of styled sentences.
    style_minority_improve_max: float
    # Runs of nouns: this many nouns in a row (Sudachi split mode A) is a run.
    noun_run_min: int
    noun_runs_improve_max: int


ENGLISH = EnglishThresholds(
    language="en",
    keyphrase_good_max=4,
    keyphrase_problem_over=8,
    # 300 px is about 30 characters: shorter titles leave most of the title line unused.
    title_min_px=300,
    title_max_px=SERP_TITLE_MAX_PX,
    meta_description_min=120,
    meta_description_max=156,
    density_min=0.5,
    density_max=3.0,
    density_problem_over=3.0,
    density_from_length=100,
    subheadings_min=30.0,
    subheadings_max=75.0,
    distribution_good_max=50.0,
    distribution_improve_max=70.0,
    text_good_min=300,
    text_improve_min=200,
    related_good_min=50.0,
    sentence_max=20,
    long_sentences_good_max=25.0,
    long_sentences_improve_max=30.0,
    paragraph_good_max=150,
    paragraph_improve_max=200,
    section_good_max=300,
    section_improve_max=350,
    same_start_max=2,
    transition_good_min=30.0,
    transition_improve_min=20.0,
    transition_from_length=200,
    flesch_good_min=60.0,
    flesch_improve_min=50.0,
    passive_good_max=10.0,
    passive_improve_max=15.0,
)

JAPANESE = JapaneseThresholds(
    language="ja",
    keyphrase_good_max=12,
    keyphrase_problem_over=18,
    # Full-width glyphs are 1 em, so 300 px is 15 characters and 600 px is 30.
    title_min_px=300,
    title_max_px=SERP_TITLE_MAX_PX,
    # Two 600 px snippet lines at 14 px fit 2 × 42 = 84 full-width characters,
    # and 80 leaves room for the ellipsis. Under 60, the second line stays mostly
    # empty, so the result page fills it with text taken from the body.
    meta_description_min=60,
    meta_description_max=80,
    # Density for Japanese is the share of characters inside keyphrase
    # occurrences: 1 % is a 5-character keyphrase twice per 1,000 characters.
    # NOTE: 1–4 % is an editorial estimate, not a published limit.
    density_min=1.0,
    density_max=4.0,
    density_problem_over=4.0,
    density_from_length=200,
    subheadings_min=30.0,
    subheadings_max=75.0,
    distribution_good_max=50.0,
    distribution_improve_max=70.0,
    text_good_min=600,
    text_improve_min=400,
    related_good_min=50.0,
    # Japanese style guides advise 40 characters at most per sentence.
    sentence_max=40,
    long_sentences_good_max=25.0,
    long_sentences_improve_max=30.0,
    paragraph_good_max=300,
    paragraph_improve_max=400,
    section_good_max=600,
    section_improve_max=800,
    same_start_max=2,
    # Japanese marks fewer connections with a word than English does.
    transition_good_min=20.0,
    transition_improve_min=10.0,
    transition_from_length=400,
    # Measured on 295 livedoor news articles (every 20th of the corpus). Kanji
    # are 31 % of the kana and kanji at the median, 24 % at the 10th percentile
    # and 41 % at the 90th. Katakana are 23 % at the median and 32 % at the 80th.
    kanji_good_min=20.0,
    kanji_good_max=35.0,
    kanji_improve_max=40.0,
    katakana_good_max=30.0,
    comma_needed_from=35,
    comma_max_per_sentence=4,
    comma_flagged_good_max=20.0,
    comma_flagged_improve_max=35.0,
    style_minority_improve_max=20.0,
    noun_run_min=5,
    noun_runs_improve_max=2,
)

THRESHOLDS: dict[str, Thresholds] = {"en": ENGLISH, "ja": JAPANESE}


def thresholds_for(language: str) -> Thresholds:
    """Return the limits for a draft language ("ja" or "en")."""
    try:
        return THRESHOLDS[language]
    except KeyError:
        raise ValueError(
            f"language must be 'ja' or 'en', got {language!r}; pass the draft's language"
        ) from None
