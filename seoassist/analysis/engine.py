"""On-page SEO and readability analysis of a draft, for Japanese and English.

`analyze_text` is a pure function of its input: it reads no database and no
settings. Messages are translated into the language active when it runs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from seoassist.analysis.document import Document, count_characters, parse_markdown
from seoassist.analysis.matching import Keyphrase, TextIndex, keyphrase_prepare
from seoassist.analysis.thresholds import STATUS_SCORES, Thresholds, thresholds_for

GOOD = "good"
IMPROVE = "improve"
PROBLEM = "problem"
SEO = "seo"
READABILITY = "readability"

_ENGLISH_WORD_RE = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")

# Every check id either language can return; a check appears only where it applies.
CHECK_IDS = frozenset(
    """
    keyphrase_length keyphrase_in_title title_width keyphrase_in_meta_description
    meta_description_length keyphrase_in_introduction keyphrase_density
    keyphrase_in_subheadings keyphrase_distribution text_length slug single_h1 image_alt
    internal_links outbound_links related_keyphrases sentence_length paragraph_length
    subheading_distribution consecutive_sentences flesch_reading_ease passive_voice
    transition_words script_balance comma_frequency style_mixing noun_runs
    """.split()
)


@dataclass(frozen=True)
class DraftText:
    """The parts of a draft that the analysis reads; `body` is Markdown."""

    title: str = ""
    slug: str = ""
    meta_description: str = ""
    body: str = ""
    keyphrase: str = ""
    related_keyphrases: tuple[str, ...] = ()
    language: str = "ja"


@dataclass(frozen=True)
class Check:
    """The result of one check; `spans` are (start, end) character offsets into the body."""

    id: str
    group: str
    status: str
    score: int
    message: str
    spans: tuple[tuple[int, int], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "group": self.group,
            "status": self.status,
            "score": self.score,
            "message": self.message,
            "spans": [list(span) for span in self.spans],
        }


@dataclass(frozen=True)
class Analysis:
    """All checks of a draft with the overall SEO and readability scores (0 to 100)."""

    language: str
    seo_score: int
    readability_score: int
    characters: int
    words: int
    checks: tuple[Check, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "seo_score": self.seo_score,
            "readability_score": self.readability_score,
            "characters": self.characters,
            "words": self.words,
            "checks": [check.as_dict() for check in self.checks],
        }

    def without(self, check_ids: set[str] | frozenset[str]) -> Analysis:
        """Return the analysis with the scores recomputed without the given checks."""
        kept = [check for check in self.checks if check.id not in check_ids]
        return replace(
            self,
            seo_score=group_score(kept, SEO),
            readability_score=group_score(kept, READABILITY),
        )


def group_score(checks: list[Check] | tuple[Check, ...], group: str) -> int:
    """Return a group's score: its checks' scores as a percentage of the best possible."""
    scores = [check.score for check in checks if check.group == group]
    if not scores:
        return 0
    return round(100 * sum(scores) / (STATUS_SCORES["good"] * len(scores)))


def make_check(
    check_id: str, group: str, status: str, message: str, spans=()
) -> Check:
    return Check(
        id=check_id,
        group=group,
        status=status,
        score=STATUS_SCORES[status],
        message=str(message),
        spans=tuple((int(start), int(end)) for start, end in spans),
    )


def english_words(text: str) -> list[str]:
    return _ENGLISH_WORD_RE.findall(text)


class Context:
    """Everything the checks share about one draft, computed once."""

    def __init__(self, text: DraftText) -> None:
        self.draft = text
        self.language = text.language
        self.limits: Thresholds = thresholds_for(text.language)
        self.document: Document = parse_markdown(text.body or "")
        self.body = TextIndex(self.document.masked, self.language)
        self.keyphrase: Keyphrase = keyphrase_prepare(text.keyphrase or "", self.language)
        self.related: list[Keyphrase] = [
            keyphrase_prepare(phrase, self.language)
            for phrase in text.related_keyphrases
            if phrase and phrase.strip()
        ]
        self._title: TextIndex | None = None
        self._meta: TextIndex | None = None
        self._text_length: int | None = None
        self._token_starts: list[int] | None = None

    @property
    def is_japanese(self) -> bool:
        return self.language == "ja"

    @property
    def title(self) -> TextIndex:
        if self._title is None:
            self._title = TextIndex(self.draft.title or "", self.language)
        return self._title

    @property
    def meta(self) -> TextIndex:
        if self._meta is None:
            self._meta = TextIndex(self.draft.meta_description or "", self.language)
        return self._meta

    def length(self, text: str) -> int:
        """Return the length of `text`: characters for Japanese, words for English."""
        if self.is_japanese:
            return count_characters(text)
        return len(english_words(text))

    @property
    def text_length(self) -> int:
        if self._text_length is None:
            self._text_length = self.length(self.document.masked)
        return self._text_length

    @property
    def token_starts(self) -> list[int]:
        """Return the start offsets of the body's main tokens, for bisecting by position."""
        if self._token_starts is None:
            self._token_starts = [token.start for token in self.body.tokens]
        return self._token_starts


def analyze_text(text: DraftText) -> Analysis:
    """Run every check for the draft's language and score the result."""
    from seoassist.analysis import readability, seo

    context = Context(text)
    checks = [*seo.run_checks(context), *readability.run_checks(context)]
    masked = context.document.masked
    return Analysis(
        language=text.language,
        seo_score=group_score(checks, SEO),
        readability_score=group_score(checks, READABILITY),
        characters=count_characters(masked),
        words=len(english_words(masked)) if not context.is_japanese else 0,
        checks=tuple(checks),
    )
