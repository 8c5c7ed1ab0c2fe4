"""Quality figures of generated drafts: diversity, repetition, keyword coverage and copying."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from lstm_engine.checkpoint import LoadedLanguageModel
from lstm_engine.data import Document
from lstm_engine.drafting import SUMMARY_HEADINGS, DraftSpec, GeneratedDraft, Language, generate_draft


@dataclass
class DraftQuality:
    """Figures over a set of sample drafts; every share is between 0 and 1."""

    # Distinct n-grams over all n-grams of the body units (characters for Japanese, words for English).
    distinct_1: float
    distinct_2: float
    # Share of 4-grams that already occurred earlier in the same draft.
    repetition_rate: float
    # Share of (draft, keyword) pairs where the keyword is in the title, the first
    # paragraph and at least one outline heading (or the draft has fewer outline headings
    # than keywords). The summary heading is not an outline heading.
    keyword_coverage: float
    # Maximum length of a span of body characters found verbatim in the training corpus.
    longest_copied_span: int
    drafts: int

    def as_metrics(self) -> dict[str, float | int]:
        """Return the figures as a JSON-serialisable dict."""
        return asdict(self)


def draft_units(text: str, language: Language) -> list[str]:
    """Return the units that distinct-n counts: non-space characters for Japanese, lowercased words for English."""
    if language == "ja":
        return [char for char in text if not char.isspace()]
    return [word.strip(".,;:!?\"'()[]").lower() for word in text.split() if word.strip(".,;:!?\"'()[]")]


def distinct_n(units: Sequence[str], n: int) -> float:
    """Return distinct n-grams over all n-grams of ``units``, or 0 when there are none."""
    grams = [tuple(units[i : i + n]) for i in range(len(units) - n + 1)]
    return len(set(grams)) / len(grams) if grams else 0.0


def repetition_rate(units: Sequence[str], n: int = 4) -> float:
    """Return the share of n-grams of ``units`` that repeat an earlier n-gram of the same sequence."""
    grams = [tuple(units[i : i + n]) for i in range(len(units) - n + 1)]
    if not grams:
        return 0.0
    counts = Counter(grams)
    return sum(count - 1 for count in counts.values()) / len(grams)


def longest_copied_span(text: str, corpus: str) -> int:
    """Return the length of the longest substring of ``text`` that occurs in ``corpus``.

    The best length found so far only grows, so each start position costs one search
    per extra character: about ``len(text)`` plus the result substring searches in all.
    """
    best = 0
    for start in range(len(text)):
        while start + best < len(text) and text[start : start + best + 1] in corpus:
            best += 1
    return best


def keyword_placed(draft: GeneratedDraft, keyword: str, n_keywords: int = 1) -> bool:
    """Return whether ``keyword`` is in the title, the first paragraph and a heading.

    The heading counts only when the draft has at least ``n_keywords`` headings, one
    for each requested keyword.
    """
    lowered = keyword.lower()
    paragraphs = [paragraph for section in draft.sections for paragraph in section.paragraphs]
    # The closing summary heading never carries a keyword, so it does not count.
    summary_headings = set(SUMMARY_HEADINGS.values())
    headings = [
        section.heading for section in draft.sections if section.heading and section.heading not in summary_headings
    ]
    in_title = lowered in draft.title.lower()
    in_first = bool(paragraphs) and lowered in paragraphs[0].lower()
    in_heading = len(headings) < n_keywords or any(lowered in heading.lower() for heading in headings)
    return in_title and in_first and in_heading


def draft_quality(drafts: Sequence[tuple[DraftSpec, GeneratedDraft]], corpus: str) -> DraftQuality:
    """Measure ``drafts`` (each with the spec it was generated from) against the training ``corpus`` text."""
    if not drafts:
        raise ValueError("drafts is empty; generate at least one sample draft to measure")
    units_per_draft = []
    placed = 0
    pairs = 0
    longest = 0
    for spec, draft in drafts:
        body = "\n".join(paragraph for section in draft.sections for paragraph in section.paragraphs)
        units_per_draft.append(draft_units(body, spec.language))
        for keyword in spec.keywords:
            pairs += 1
            placed += keyword_placed(draft, keyword, len(spec.keywords))
        longest = max(longest, longest_copied_span(body, corpus))
    return DraftQuality(
        distinct_1=_mean(distinct_n(units, 1) for units in units_per_draft),
        distinct_2=_mean(distinct_n(units, 2) for units in units_per_draft),
        repetition_rate=_mean(repetition_rate(units) for units in units_per_draft),
        keyword_coverage=placed / pairs,
        longest_copied_span=longest,
        drafts=len(drafts),
    )


def _mean(values: Iterable[float]) -> float:
    items = list(values)
    return sum(items) / len(items)


# Body length of each sample draft: enough for headings and paragraphs, short enough to stay cheap.
SAMPLE_DRAFT_LENGTH = {"ja": 400, "en": 150}


def document_language(document: Document) -> Language:
    """Return "ja" when the title or first block contains kana or kanji, else "en"."""
    sample = document.title + (document.blocks[0].text if document.blocks else "")
    return "ja" if any("\u3040" <= char <= "\u9fff" for char in sample) else "en"


def sample_draft_specs(documents: Sequence[Document], count: int = 2) -> list[DraftSpec]:
    """Return up to ``count`` draft requests built from the keywords of ``documents``.

    Each request takes one document's first two keywords, in that document's language,
    and the first keyword of the next two documents of the same language as its
    outline. Documents whose keywords do not fit a request are skipped.
    """
    specs: list[DraftSpec] = []
    usable = [(document, document_language(document)) for document in documents if document.keywords]
    for index, (document, language) in enumerate(usable):
        related = [other.keywords[0] for other, other_language in usable[index + 1 :] if other_language == language]
        try:
            spec = DraftSpec(
                keywords=document.keywords[:2],
                related_keywords=related[:2],
                language=language,
                target_length=SAMPLE_DRAFT_LENGTH[language],
                seed=index,
            )
        except ValueError:
            continue
        specs.append(spec)
        if len(specs) >= count:
            break
    return specs


def measure_sample_drafts(
    model: LoadedLanguageModel, documents: Sequence[Document], count: int = 2
) -> DraftQuality | None:
    """Generate sample drafts from the keywords of ``documents`` and measure them, or None without usable keywords."""
    specs = sample_draft_specs(documents, count)
    if not specs:
        return None
    drafts = [(spec, generate_draft(model, spec)) for spec in specs]
    corpus = "\n".join(text for document in documents for text in document.texts())
    return draft_quality(drafts, corpus)
