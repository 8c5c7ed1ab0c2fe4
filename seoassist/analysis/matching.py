"""Find a keyphrase in text the way a reader would recognise it.

Both the keyphrase and the text become streams of normalised tokens. Japanese
tokens are Sudachi morphemes in split mode A (the shortest units), spelled in
their normalised dictionary form, so 表記ゆれ and inflections match. English
tokens are words, case-folded and reduced by a light stemmer. A match is a run
of text tokens whose normalised forms, joined without separators, equal the
keyphrase's joined forms, so a compound matches whichever way either side is
split ("long-term" matches "long term" and "longterm"). A quoted keyphrase
matches only its exact characters, compared after NFKC and case folding.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass

from seoassist.core.text import sudachi_tokens

_QUOTE_PAIRS = {"「": "」", "『": "』", '"': '"', "“": "”", "'": "'"}
_ENGLISH_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_SKIPPED_JAPANESE_POS = ("補助記号", "空白", "記号")
_HIRAGANA_OFFSET = ord("ぁ") - ord("ァ")

ENGLISH_FUNCTION_WORDS = frozenset(
    """
    a an the and or but nor so yet of in on at to for from by with about as into onto over
    under after before than then is are was were be been being am do does did have has had
    how what when where why who which that this these those it its i you he she we they my
    your our their his her me us them can could should would will shall may might must not
    no if
    """.split()
)


@dataclass(frozen=True)
class Token:
    norm: str
    start: int
    end: int
    pos: tuple[str, ...] = ()  # Sudachi part of speech, Japanese only


_KATAKANA_TO_HIRAGANA = {code: code + _HIRAGANA_OFFSET for code in range(ord("ァ"), ord("ヶ") + 1)}


def _fold(text: str) -> str:
    """Apply NFKC, case folding and katakana-to-hiragana folding to a whole token."""
    return unicodedata.normalize("NFKC", text).casefold().translate(_KATAKANA_TO_HIRAGANA)


def _fold_by_char(text: str) -> str:
    """Fold each character on its own, as `TextIndex` does for exact matches."""
    return "".join(_fold(char) for char in text)


def stem_english(word: str) -> str:
    """Reduce an English word to a crude stem shared by its plural and simple inflections."""
    stem = unicodedata.normalize("NFKC", word).casefold().replace("’", "'")
    stem = re.sub(r"'s?$", "", stem).replace("'", "")
    if len(stem) > 4 and stem.endswith("ies"):
        stem = stem[:-3] + "y"
    elif len(stem) > 4 and stem.endswith(("sses", "ches", "shes", "xes", "zes")):
        stem = stem[:-2]
    elif len(stem) > 3 and stem.endswith("s") and not stem.endswith(("ss", "us", "is")):
        stem = stem[:-1]
    for suffix in ("ing", "ed"):
        if len(stem) > len(suffix) + 2 and stem.endswith(suffix):
            stem = stem[: -len(suffix)]
            # "running" -> "runn" -> "run"
            if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
                stem = stem[:-1]
            break
    if len(stem) > 3 and stem.endswith("e"):
        stem = stem[:-1]
    if len(stem) > 2 and stem.endswith("y"):
        stem = stem[:-1] + "i"
    return stem


def tokenize(text: str, language: str) -> dict[str, list[Token]]:
    """Return the token streams of `text` by kind, skipping punctuation and whitespace.

    Japanese text has four: normalised forms of split mode A ("A") and of mode C
    ("C"), and the kana-folded surface ("S") and reading ("R") of mode A. Each
    catches variants the others miss: mode C normalises お勧め and オススメ alike,
    mode A finds a keyphrase inside a longer compound, the surface matches kana
    spellings that the dictionary normalises differently, and the reading matches
    okurigana variants that Sudachi tags as different parts of speech (引越し as a
    noun, 引っ越し as a verb). English text has one stream of stems ("S").
    """
    if not text.strip():
        return {}
    if language == "ja":
        streams: dict[str, list[Token]] = {"A": [], "C": [], "S": [], "R": []}
        for mode in ("A", "C"):
            for morpheme in sudachi_tokens(text, mode=mode):
                if morpheme.pos[0] in _SKIPPED_JAPANESE_POS or not morpheme.surface.strip():
                    continue
                streams[mode].append(
                    Token(_fold(morpheme.normalized), morpheme.begin, morpheme.end, morpheme.pos)
                )
                if mode == "A":
                    begin, end = morpheme.begin, morpheme.end
                    streams["S"].append(Token(_fold(morpheme.surface), begin, end))
                    streams["R"].append(Token(_fold(morpheme.reading), begin, end))
        return streams
    return {
        "S": [
            Token(stem_english(match.group()), match.start(), match.end())
            for match in _ENGLISH_WORD_RE.finditer(text)
        ]
    }


# Readings shorter than this are too often shared by different words (記者, 汽車).
_MIN_READING_MATCH = 5


def _joined_forms(text: str, language: str) -> dict[str, str]:
    forms = {
        kind: "".join(token.norm for token in tokens)
        for kind, tokens in tokenize(text, language).items()
    }
    if len(forms.get("R", "")) < _MIN_READING_MATCH:
        forms.pop("R", None)
    return forms


class TokenStream:
    """Tokens of one text, indexed for matching joined normalised forms."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.joined = "".join(token.norm for token in tokens)
        self.positions: list[int] = []
        position = 0
        for token in tokens:
            self.positions.append(position)
            position += len(token.norm)
        self.ends = {position: index for index, position in enumerate(self._end_positions())}

    def _end_positions(self) -> list[int]:
        return [position + len(token.norm) for position, token in zip(self.positions, self.tokens)]

    def find(self, joined_key: str) -> list[tuple[int, int]]:
        """Return the text spans of token runs whose joined forms equal `joined_key`."""
        if not joined_key:
            return []
        spans = []
        position = self.joined.find(joined_key)
        while position != -1:
            first = bisect_left(self.positions, position)
            last = self.ends.get(position + len(joined_key))
            starts_at_token = first < len(self.positions) and self.positions[first] == position
            if starts_at_token and last is not None:
                spans.append((self.tokens[first].start, self.tokens[last].end))
            position = self.joined.find(joined_key, position + 1)
        return spans


@dataclass(frozen=True)
class Keyphrase:
    """A keyphrase prepared for matching in one language."""

    text: str
    language: str
    quoted: bool
    exact: str  # folded characters of a quoted keyphrase
    joined: dict[str, str]  # joined normalised forms of the whole keyphrase, by stream kind
    parts: tuple[dict[str, str], ...]  # the same for each content part, when there are several

    @property
    def is_empty(self) -> bool:
        return not (self.exact if self.quoted else any(self.joined.values()))

    @property
    def length(self) -> int:
        """Return the keyphrase length: characters for Japanese, words for English."""
        inner = self.exact if self.quoted else unicodedata.normalize("NFKC", self.text)
        if self.language == "ja":
            return sum(1 for char in inner if unicodedata.category(char)[0] in "LNM")
        return len(_ENGLISH_WORD_RE.findall(inner))


def keyphrase_prepare(text: str, language: str) -> Keyphrase:
    """Normalise a keyphrase for `TextIndex.find_spans` and `found_in`."""
    stripped = unicodedata.normalize("NFKC", text).strip()
    if len(stripped) >= 2 and _QUOTE_PAIRS.get(stripped[0]) == stripped[-1]:
        inner = stripped[1:-1].strip()
        return Keyphrase(text, language, True, _fold_by_char(inner), {}, ())
    if language == "ja":
        pieces = stripped.split()
    else:
        pieces = [
            word.group()
            for word in _ENGLISH_WORD_RE.finditer(stripped)
            if word.group().casefold() not in ENGLISH_FUNCTION_WORDS
        ]
    parts = tuple(forms for forms in (_joined_forms(piece, language) for piece in pieces) if forms)
    return Keyphrase(
        text,
        language,
        False,
        "",
        _joined_forms(stripped, language),
        parts if len(parts) > 1 else (),
    )


class TextIndex:
    """One analysed text, ready for any number of keyphrase searches."""

    def __init__(self, text: str, language: str) -> None:
        self.text = text
        self.language = language
        self.streams = {
            kind: TokenStream(tokens) for kind, tokens in tokenize(text, language).items()
        }
        self._folded: str | None = None
        self._folded_map: list[int] = []
        self._cache: dict[tuple, list[tuple[int, int]]] = {}

    @property
    def tokens(self) -> list[Token]:
        """Return the tokens of the main stream: mode A morphemes or English words."""
        stream = self.streams.get("A") or self.streams.get("S")
        return stream.tokens if stream else []

    def _exact_spans(self, needle: str) -> list[tuple[int, int]]:
        # Fold character by character so that positions stay those of `text`.
        if self._folded is None:
            pieces = []
            for index, char in enumerate(self.text):
                folded = _fold(char)
                pieces.append(folded)
                self._folded_map.extend([index] * len(folded))
            self._folded = "".join(pieces)
        spans = []
        position = self._folded.find(needle) if needle else -1
        while position != -1:
            last = self._folded_map[position + len(needle) - 1]
            spans.append((self._folded_map[position], last + 1))
            position = self._folded.find(needle, position + 1)
        return spans

    def _forms_spans(self, forms: dict[str, str]) -> list[tuple[int, int]]:
        key = tuple(sorted(forms.items()))
        if key not in self._cache:
            found: set[tuple[int, int]] = set()
            for kind, joined in forms.items():
                if kind in self.streams:
                    found.update(self.streams[kind].find(joined))
            self._cache[key] = _merge_overlaps(sorted(found))
        return self._cache[key]

    def find_spans(self, keyphrase: Keyphrase) -> list[tuple[int, int]]:
        """Return the spans where the whole keyphrase occurs."""
        if keyphrase.is_empty:
            return []
        if keyphrase.quoted:
            return self._exact_spans(keyphrase.exact)
        return self._forms_spans(keyphrase.joined)

    def part_spans(self, keyphrase: Keyphrase) -> list[list[tuple[int, int]]]:
        return [self._forms_spans(forms) for forms in keyphrase.parts]


def _merge_overlaps(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Keep the longest of overlapping spans; `spans` must be sorted."""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            if end - start > merged[-1][1] - merged[-1][0]:
                merged[-1] = (start, end)
            continue
        merged.append((start, end))
    return merged


def spans_within(spans: list[tuple[int, int]], start: int, end: int) -> list[tuple[int, int]]:
    return [span for span in spans if span[0] >= start and span[1] <= end]


def found_in(
    index: TextIndex, keyphrase: Keyphrase, start: int = 0, end: int | None = None
) -> list[tuple[int, int]]:
    """Return the keyphrase's spans in `index.text[start:end]`.

    A keyphrase of several content words also counts as found where all of them
    occur in the range in any order. The spans are then those of the words.
    """
    end = len(index.text) if end is None else end
    whole = spans_within(index.find_spans(keyphrase), start, end)
    if whole or not keyphrase.parts:
        return whole
    spread: list[tuple[int, int]] = []
    for spans in index.part_spans(keyphrase):
        inside = spans_within(spans, start, end)
        if not inside:
            return []
        spread.extend(inside)
    return sorted(spread)
