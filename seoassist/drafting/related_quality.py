"""Quality rules for related keyword candidates, checked against the site's own texts.

The query model and the co-occurrence ranking both propose candidates that no
reader would search for: half-formed words ("christma dinner", from keyword
lists stored before plural folding kept "christmas"), several tracked keywords
run together ("christmas dinner your tax return"), and terms from other topics. A candidate
is kept only when it passes every rule below, checked in this order:

1. ``unknown_word``: every word occurs in the site's texts. English words must
   be words of a search query, an article title or an article body. Japanese
   parts (the space-separated pieces) must occur in those texts as written.
   In a candidate with Japanese, English words must occur in texts with
   Japanese too, so a bilingual site's English words ("moving 花粉症") do
   not join Japanese searches. Article keyword lists are left out, because
   they are derived text.
2. ``combined_keywords``: the candidate does not join two or more distinct
   known searches none of which is a seed, and it does not join a seed with a
   whole known search that is unrelated to the seed (rule 3's test).
3. ``unrelated``: the candidate shares a content word with the topic seed
   (for Japanese, a run of two or more kanji or katakana), or it occurs
   together with it in one of the site's articles, queries or Search Console
   rows. The topic seed is the first keyword of the request, the draft's
   keyphrase. The others usually narrow it ("guide", 選び方) and occur with
   articles of every topic, so they cannot show that a candidate is on topic.
   Each added part must pass on its own as well: every space-separated
   Japanese part, and every English content word that the seed lacks, so
   that another article's title ("新生活のお金の管理 紅葉") or a stray word
   ("autumn leaves dinner") does not ride on the seed.
4. ``broken_phrase``: the candidate reads as a search, not as a piece cut
   out of a sentence. It contains no list separator or sentence punctuation
   (「見頃は北から南へ、山から里へ」 would become two keywords). Its English
   words do not end with a word that needs a continuation ("autumn leaves
   and", "guide to the"), start with a conjunction or a preposition ("and
   pumpkins", "around hay fever"), join a conjunction and a preposition
   ("autumn leaves and for checklist"), or follow a question word with a
   possessive ("what your autumn leaves"). Question searches such as "what to
   plant in autumn" pass. English words that the site's texts always extend
   by the same word ("fever bedroom checklist" always follows "hay") are a
   piece of a longer phrase. A Japanese part copied from an article's title or
   headings carries no predicate or particle other than の, と and や, so
   headings such as 「紅葉が色づく仕組み」 are not offered as searches.
5. ``generic_word``: a Japanese candidate of one or two characters without
   spaces must be a single Sudachi noun, and a known search or a word of the
   title or headings of an article whose title or headings name the topic
   seed. This drops everyday words such as 一緒, which co-occur with anything
   in bodies. A single English word must likewise be a known search, an
   abbreviation that bodies write in capitals (SPF), or a word in the titles
   or headings of two such articles ("two" and "festive" are not). A
   candidate that is only a part of the seed (掃除 for 大掃除, "leaf" for
   "autumn leaves") adds nothing and is dropped too.

This module contains the rules and the evidence they read. It makes no database
queries, so the rules test without a site; ``seoassist.drafting.related``
builds the evidence from a site and caches it.
"""
from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from seoassist.core.text import (
    ENGLISH_STOPWORDS as _STOPWORDS,
    content_terms,
    contains_japanese,
    normalize_keyword,
    sudachi_tokens,
)

logger = logging.getLogger(__name__)

# A Japanese single-term candidate shorter than this must pass the generic-word rule.
JAPANESE_SHORT_TERM_LENGTH = 3
# Shortest run of kanji or katakana that counts as a shared content word in Japanese.
JAPANESE_SHARED_RUN_LENGTH = 2

# English words that cannot end a search, because they need a word after them.
_DANGLING_END_WORDS = frozenset(
    """
    a an the and or but nor of for to with from than as into onto via per
    my your our their its
    what which who whose whom how why when where whether very
    """.split()
)
# A search does not start with a conjunction or a preposition, nor join the two.
_CONJUNCTIONS = frozenset("and or but nor".split())
_PREPOSITIONS = frozenset(
    """
    of for to with from by at in on into onto about via per around near without during through
    toward towards across among between within against
    """.split()
)
_QUESTION_WORDS = frozenset("what which who how why when where".split())
# Seed articles whose titles or headings must contain a single-word English candidate.
ENGLISH_SINGLE_WORD_ARTICLES = 2
# Number words, which name no topic alone ("two" from "Christmas Dinner for Two or Four").
_NUMBER_WORDS = frozenset("one two three four five six seven eight nine ten".split())
# Characters that separate keywords in the request form or end a sentence.
_PHRASE_BREAKS = frozenset(",、，。.!?！？;；")
# Particles that join nouns inside a search ("花粉症対策の基本", "マスクとメガネ").
_NOUN_PARTICLES = frozenset("の と や".split())
# A Japanese part shorter than this is not checked for being a copied heading or for a
# link of its own to the seed.
JAPANESE_COPIED_PART_LENGTH = 6
_POSSESSIVES = frozenset("my your our their his her its".split())

# A word in capitals within a body: an abbreviation such as SPF or UV names a topic.
_ACRONYM_RE = re.compile(r"\b[A-Z][A-Z0-9]+\b")
# Punctuation that ends a clause of a title or heading ("Christmas Dinner Leftovers: Safe Storage").
_CLAUSE_BREAK_RE = re.compile(r"[:;,.!?()\[\]\"“”、。・–—|/]+|\s-\s")
_DECIMAL_POINT_RE = re.compile(r"(?<=\d)\.(?=\d)")
_LATIN_WORD_RE = re.compile(r"[0-9a-zß-ÿ]+(?:'[0-9a-zß-ÿ]+)*")
# Kanji (with the iteration mark) and katakana (with the prolonged sound mark).
_KANJI_KATAKANA_RUN_RE = re.compile(r"[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF々\u30A1-\u30FA\u30FC]+")


def latin_words(text: str) -> list[str]:
    """Return the Latin-script words of ``text``, NFKC-normalised and case-folded."""
    normalized = normalize_keyword(text).replace("’", "'")
    return _LATIN_WORD_RE.findall(normalized)


def compact_form(text: str) -> str:
    """Return ``text`` normalised like a keyword, with all spaces removed."""
    return normalize_keyword(text).replace(" ", "")


def _word_form(text: str) -> str:
    """Return the Latin words of ``text`` joined by single spaces and padded with a space each side."""
    return " " + " ".join(latin_words(text)) + " "


@dataclass(frozen=True)
class EvidenceDocument:
    """One article, search query or Search Console query, in the forms the rules match against."""

    words: str  # Latin words joined by spaces, padded with one space each side
    compact: str  # keyword-normalised text without spaces
    topics: str = ""  # compact title and headings of an article, one per line
    topic_words: str = ""  # Latin words of the title and headings, in the form of ``words``
    # Latin words of each clause of the title and headings (split at punctuation), one per line.
    topic_clauses: str = ""

    @classmethod
    def build(cls, text: str, *, title: str = "", headings: Sequence[str] = ()) -> EvidenceDocument:
        lines = [line for line in (title, *headings) if line]
        clauses = [
            " ".join(latin_words(clause))
            for line in lines
            for clause in _CLAUSE_BREAK_RE.split(normalize_keyword(line))
        ]
        return cls(
            words=_word_form(text),
            compact=compact_form(text),
            topics="\n".join(compact_form(line) for line in lines),
            topic_words="".join(_word_form(line) for line in lines),
            topic_clauses="\n".join(clause for clause in clauses if clause),
        )

    def contains_pattern(self, pattern: tuple[bool, str]) -> bool:
        """Tell whether the document contains a pattern made by :func:`phrase_pattern`.

        Latin phrases match as whole words, Japanese ones as written with spaces removed.
        """
        is_japanese, form = pattern
        if not form.strip():
            return False
        return form in (self.compact if is_japanese else self.words)


def phrase_pattern(phrase: str) -> tuple[bool, str]:
    """Return (is Japanese, searched form) of ``phrase``, so that documents match it without renormalising."""
    if contains_japanese(phrase):
        return True, compact_form(phrase)
    return False, _word_form(phrase)


@dataclass(frozen=True)
class RelatedEvidence:
    """The site's words, known searches and documents that candidates are checked against."""

    vocabulary: frozenset[str] = frozenset()  # Latin words of queries, titles and bodies
    japanese_vocabulary: frozenset[str] = frozenset()  # Latin words of those texts that contain Japanese
    japanese_text: str = ""  # compact Japanese texts of queries, titles and bodies, one per line
    known_searches: frozenset[str] = frozenset()  # normalised tracked keywords and queries
    documents: tuple[EvidenceDocument, ...] = field(default_factory=tuple)
    acronyms: frozenset[str] = frozenset()  # case-folded words written in capitals in articles ("spf")

    @classmethod
    def build(
        cls,
        *,
        searches: Iterable[str],
        articles: Iterable[tuple[str, str, Sequence[str]]],
    ) -> RelatedEvidence:
        """Collect evidence from search queries and from (title, body, headings) of articles."""
        vocabulary: set[str] = set()
        japanese_vocabulary: set[str] = set()
        japanese_lines: list[str] = []
        known: set[str] = set()
        acronyms: set[str] = set()
        documents: list[EvidenceDocument] = []
        for search in searches:
            normalized = normalize_keyword(search)
            if not normalized:
                continue
            known.add(normalized)
            vocabulary.update(latin_words(normalized))
            if contains_japanese(normalized):
                japanese_vocabulary.update(latin_words(normalized))
                japanese_lines.append(compact_form(normalized))
            documents.append(EvidenceDocument.build(normalized))
        for title, body, headings in articles:
            text = f"{title}\n{body}"
            vocabulary.update(latin_words(text))
            if contains_japanese(text):
                japanese_vocabulary.update(latin_words(text))
                japanese_lines.append(compact_form(text))
            documents.append(EvidenceDocument.build(text, title=title, headings=headings))
            acronyms.update(word.casefold() for word in _ACRONYM_RE.findall(body))
        return cls(
            vocabulary=frozenset(vocabulary),
            japanese_vocabulary=frozenset(japanese_vocabulary),
            japanese_text="\n".join(japanese_lines),
            known_searches=frozenset(known),
            documents=tuple(documents),
            acronyms=frozenset(acronyms),
        )


def _has_unknown_word(candidate: str, evidence: RelatedEvidence) -> bool:
    normalized = normalize_keyword(candidate)
    vocabulary = evidence.japanese_vocabulary if contains_japanese(normalized) else evidence.vocabulary
    for part in normalized.split():
        if contains_japanese(part):
            # Japanese has no spaces between words, so a part counts when the texts contain it.
            # NOTE: a truncated Japanese word still passes when the full word is in the texts.
            if part not in evidence.japanese_text:
                return True
            continue
        if any(word not in vocabulary for word in latin_words(part)):
            return True
    return False


def _shares_content_word(seed: str, candidate: str) -> bool:
    if latin_words(seed) and latin_words(candidate):
        if set(content_terms(seed, "en")) & set(content_terms(candidate, "en")):
            return True
    if contains_japanese(seed) and contains_japanese(candidate):
        return _shares_kanji_katakana_run(seed, candidate)
    return False


def _shares_kanji_katakana_run(seed: str, candidate: str) -> bool:
    target = compact_form(candidate)
    size = JAPANESE_SHARED_RUN_LENGTH
    for run in _KANJI_KATAKANA_RUN_RE.findall(compact_form(seed)):
        if any(run[start : start + size] in target for start in range(len(run) - size + 1)):
            return True
    return False


def is_related(seed: str, candidate: str, evidence: RelatedEvidence) -> bool:
    """Tell whether ``candidate`` shares a content word with ``seed`` or occurs with it in a document."""
    if _shares_content_word(seed, candidate):
        return True
    seed_pattern = phrase_pattern(seed)
    candidate_pattern = phrase_pattern(candidate)
    return any(
        document.contains_pattern(seed_pattern) and document.contains_pattern(candidate_pattern)
        for document in evidence.documents
    )


def _known_search_spans(words: list[str], evidence: RelatedEvidence) -> list[str]:
    """Return the known searches found as whole-word spans of ``words``, longest first, not overlapping."""
    matches: list[tuple[int, int, str]] = []
    for start in range(len(words)):
        for end in range(start + 1, len(words) + 1):
            if end - start == len(words):
                continue  # the candidate itself, which may be a known search
            phrase = " ".join(words[start:end])
            if phrase in evidence.known_searches:
                matches.append((start, end, phrase))
    matches.sort(key=lambda match: (-(match[1] - match[0]), match[0]))
    covered: set[int] = set()
    found: list[str] = []
    for start, end, phrase in matches:
        if covered & set(range(start, end)):
            continue
        covered.update(range(start, end))
        found.append(phrase)
    return found


def _combines_keywords(candidate: str, seeds: Sequence[str], evidence: RelatedEvidence) -> bool:
    words = normalize_keyword(candidate).split()
    seed_set = {normalize_keyword(seed) for seed in seeds}
    spans = _known_search_spans(words, evidence)
    others = sorted(set(spans) - seed_set)
    if len(others) >= 2 and not set(spans) & seed_set:
        return True
    contained_seeds = [seed for seed in seed_set if _contains_words(words, seed.split())]
    if not contained_seeds:
        return False
    for other in others:
        if not any(is_related(seed, other, evidence) for seed in contained_seeds):
            return True
    return False


def _contains_words(words: list[str], part: list[str]) -> bool:
    size = len(part)
    return size > 0 and any(words[i : i + size] == part for i in range(len(words) - size + 1))


def _is_broken_phrase(candidate: str, seeds: Sequence[str], evidence: RelatedEvidence) -> bool:
    normalized = normalize_keyword(candidate)
    if any(char in _PHRASE_BREAKS for char in _DECIMAL_POINT_RE.sub("", normalized)):
        return True
    if contains_japanese(normalized):
        return any(_is_copied_sentence(part, evidence) for part in normalized.split())
    words = latin_words(candidate)
    if not words:
        return False
    if words[0] in _CONJUNCTIONS or words[0] in _PREPOSITIONS:
        return True
    if len(words) > 1 and _always_extended(words, seeds, evidence):
        return True
    if len(words) > 1 and words[-1] in _DANGLING_END_WORDS:
        return True
    for first, second in zip(words, words[1:]):
        pair = {first, second}
        if pair & _CONJUNCTIONS and pair & _PREPOSITIONS:
            return True
        if first in _QUESTION_WORDS and second in _POSSESSIVES:
            return True
    return False


def _always_extended(words: list[str], seeds: Sequence[str], evidence: RelatedEvidence) -> bool:
    """Tell whether every title or heading clause that contains ``words`` extends them by a content word.

    Article keywords are cut from titles and headings at three words, so "Hay Fever
    Bedroom Checklist" also yields "fever bedroom checklist", which no reader searches for.
    A phrase that starts with a seed may follow any word ("Stop hay fever triggers").
    """
    size = len(words)
    starts_with_seed = any(
        seed_words and words[: len(seed_words)] == seed_words
        for seed_words in (latin_words(seed) for seed in seeds)
    )
    found = False
    for document in evidence.documents:
        for clause in document.topic_clauses.splitlines():
            clause_words = clause.split()
            for start in range(len(clause_words) - size + 1):
                if clause_words[start : start + size] != words:
                    continue
                found = True
                before = clause_words[start - 1] if start > 0 else ""
                after = clause_words[start + size] if start + size < len(clause_words) else ""
                if (starts_with_seed or not _extends(before)) and not _extends(after):
                    return False
    return found


def _extends(word: str) -> bool:
    return bool(word) and word not in _STOPWORDS


def _is_copied_sentence(part: str, evidence: RelatedEvidence) -> bool:
    """Tell whether a Japanese part is a clause taken from an article's title or headings."""
    compact = compact_form(part)
    if len(compact) < JAPANESE_COPIED_PART_LENGTH or not contains_japanese(compact):
        return False
    if not any(compact in document.topics for document in evidence.documents):
        return False
    for token in sudachi_tokens(compact):
        if token.pos[0] in ("動詞", "助動詞", "形容詞"):
            return True
        if token.pos[0] == "助詞" and token.surface not in _NOUN_PARTICLES:
            return True
    return False


def _has_unrelated_part(seed: str, candidate: str, evidence: RelatedEvidence) -> bool:
    """Tell whether a part of ``candidate`` that the seed lacks has no link to the seed of its own."""
    normalized = normalize_keyword(candidate)
    if contains_japanese(normalized):
        # Short parts are usually modifiers that searches add to any topic (おすすめ, 比較).
        parts = [part for part in normalized.split() if len(compact_form(part)) >= JAPANESE_COPIED_PART_LENGTH]
        return len(normalized.split()) > 1 and any(not is_related(seed, part, evidence) for part in parts)
    seed_terms = set(content_terms(seed, "en"))
    added = [term for term in content_terms(normalized, "en") if term not in seed_terms]
    if not seed_terms or not added:
        return False
    seed_pattern = phrase_pattern(seed)
    seed_documents = [document for document in evidence.documents if document.contains_pattern(seed_pattern)]
    return any(
        not any(_mentions_term(document, term) for document in seed_documents) for term in added
    )


def _mentions_term(document: EvidenceDocument, term: str) -> bool:
    """Tell whether the document contains the folded English term, in its singular or a plural form."""
    forms = [term, f"{term}s", f"{term}es"]
    if term.endswith("y"):
        forms.append(f"{term[:-1]}ies")
    if term.endswith(("f", "fe")):
        forms.append(term.removesuffix("e").removesuffix("f") + "ves")
    return any(document.contains_pattern((False, f" {form} ")) for form in forms)


def _is_generic_word(candidate: str, seeds: Sequence[str], evidence: RelatedEvidence) -> bool:
    text = normalize_keyword(candidate)
    if text not in evidence.known_searches and any(_is_part_of_seed(text, seed) for seed in seeds):
        return True
    if " " in text:
        return False
    if not contains_japanese(text):
        if len(latin_words(text)) != 1:
            return False
        return text in _NUMBER_WORDS or not _named_with_seed(text, seeds, evidence)
    if len(text) >= JAPANESE_SHORT_TERM_LENGTH:
        return False
    tokens = sudachi_tokens(text)
    if len(tokens) != 1 or tokens[0].pos[0] != "名詞":
        return True
    return not _named_with_seed(text, seeds, evidence)


def _is_part_of_seed(text: str, seed: str) -> bool:
    seed_text = normalize_keyword(seed)
    if not seed_text or text == seed_text:
        return False
    if contains_japanese(text):
        return compact_form(text) in compact_form(seed_text)
    terms = set(content_terms(text, "en"))
    return bool(terms) and terms < set(content_terms(seed_text, "en"))


def _named_with_seed(text: str, seeds: Sequence[str], evidence: RelatedEvidence) -> bool:
    """Tell whether ``text`` is a known search or a word in the title or headings of a seed's article."""
    if text in evidence.known_searches:
        return True
    # The seed's articles are those whose title or a heading names a seed.
    if contains_japanese(text):
        compact = compact_form(text)
        seed_forms = [compact_form(seed) for seed in seeds]
        return any(
            compact in document.topics and any(form in document.topics for form in seed_forms)
            for document in evidence.documents
        )
    if text in evidence.acronyms:
        return True
    # English titles are full of words that name no topic ("Easy Ideas", "for Two or Four"),
    # so a single word must recur in the titles or headings of two of the seed's articles.
    word = _word_form(text)
    seed_words = [_word_form(seed) for seed in seeds]
    naming = [
        document
        for document in evidence.documents
        if word in document.topic_words and any(form in document.topic_words for form in seed_words)
    ]
    return len(naming) >= ENGLISH_SINGLE_WORD_ARTICLES


def related_keyword_rejection(
    candidate: str, seeds: Sequence[str], evidence: RelatedEvidence
) -> str | None:
    """Return the first rule that ``candidate`` breaks for the seed keywords, or None when it passes.

    The rule names are "unknown_word", "combined_keywords", "unrelated",
    "broken_phrase" and "generic_word". The module docstring describes each.
    """
    seeds = [seed for seed in seeds if normalize_keyword(seed)]
    if not normalize_keyword(candidate):
        return "unknown_word"
    if _has_unknown_word(candidate, evidence):
        return "unknown_word"
    if _combines_keywords(candidate, seeds, evidence):
        return "combined_keywords"
    if not seeds or not is_related(seeds[0], candidate, evidence):
        return "unrelated"
    if _has_unrelated_part(seeds[0], candidate, evidence):
        return "unrelated"
    if _is_broken_phrase(candidate, seeds, evidence):
        return "broken_phrase"
    if _is_generic_word(candidate, seeds[:1], evidence):
        return "generic_word"
    return None


def related_keywords_filter(
    candidates: Sequence[str], seeds: Sequence[str], evidence: RelatedEvidence
) -> list[str]:
    """Return the candidates that pass every rule, in their given order, adding none."""
    passed: list[str] = []
    rejected: dict[str, int] = {}
    for candidate in candidates:
        rule = related_keyword_rejection(unicodedata.normalize("NFKC", candidate), seeds, evidence)
        if rule is None:
            passed.append(candidate)
        else:
            rejected[rule] = rejected.get(rule, 0) + 1
    if rejected:
        logger.info(
            "Dropped %d of %d related keyword candidates for %s: %s",
            len(candidates) - len(passed), len(candidates), list(seeds), rejected,
        )
    return passed
