"""Language detection, keyword normalisation and content terms for Japanese and English text."""
from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sudachipy import Tokenizer

logger = logging.getLogger(__name__)

# SudachiPy 0.7 rejects inputs over 49,149 bytes. A chunk of 4,000 characters
# stays below that even when every character takes four bytes in UTF-8.
_SUDACHI_CHUNK_CHARS = 4000

_JAPANESE_RANGES = (
    (0x3040, 0x309F),  # Hiragana
    (0x30A0, 0x30FF),  # Katakana, including the prolonged sound mark
    (0x31F0, 0x31FF),  # Katakana phonetic extensions
    (0x3400, 0x4DBF),  # CJK unified ideographs extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF66, 0xFF9F),  # Half-width katakana
)

_ENGLISH_STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are aren't as at be because been
    before being below between both but by can can't cannot could couldn't did didn't do does
    doesn't doing don't down during each even ever every few for from further get gets got had
    hadn't has hasn't have haven't having he he'd he'll he's her here here's hers herself him
    himself his how how's however i i'd i'll i'm i've if in into is isn't it it's its itself
    just let's like made make makes many may me might more most much must mustn't my myself
    need new no nor not now of off on once one only or other ought our ours ourselves out over
    own per same shall shan't she she'd she'll she's should shouldn't so some such than that
    that's the their theirs them themselves then there there's these they they'd they'll
    they're they've this those through to too under until up upon us use used using very via
    was wasn't we we'd we'll we're we've were weren't what what's when when's where where's
    whether which while who who's whom why why's will with within without won't would
    wouldn't yet you you'd you'll you're you've your yours yourself yourselves
    """.split()
)
# Words that carry no topic, for other modules that judge English phrases.
ENGLISH_STOPWORDS = _ENGLISH_STOPWORDS

# "-ves" plurals whose singular ends in "f" or "fe". Other "-ves" words ("moves", "gloves")
# only drop the "s". The verbs "leaves" and "lives" fold to the nouns as well.
_VES_PLURALS = {
    "leaves": "leaf", "knives": "knife", "lives": "life", "wolves": "wolf", "halves": "half",
    "shelves": "shelf", "bookshelves": "bookshelf", "wives": "wife", "housewives": "housewife",
    "midwives": "midwife", "thieves": "thief", "loaves": "loaf", "calves": "calf",
    "selves": "self", "elves": "elf", "scarves": "scarf", "hooves": "hoof",
}

# Words ending in "s" that are not plurals, or whose plural folding by rule goes wrong.
_PLURAL_EXCEPTIONS = frozenset(
    """
    analysis basis bus business campus canvas chaos class crisis diagnosis diabetes does gas
    glass news lens always perhaps physics politics economics mathematics series species
    status thesis this less was has yes its kudos bias atlas alias virus bonus census focus
    genius plus previous various famous serious religious nervous dangerous delicious
    christmas xmas texas kansas arkansas vegas cosmos ethos pathos thermos
    """.split()
)

# Japanese nouns that carry no topic of their own (formal nouns and very general words).
_JAPANESE_STOP_NOUNS = frozenset(
    """
    こと もの もん ため よう とき ところ ほう ほか まま わけ はず つもり うち たち ら など 等 方 人 中
    上 下 前 後 時 際 場合 点 件 今回 今日 以上 以下 以外 自分 私 僕 俺 彼 彼女 皆 皆さん 全て すべて
    何 なに どれ これ それ あれ ここ そこ 感じ 気 的 系 さん 様 氏 ちゃん くん 君 年 月 日 位 つ 個 回
    """.split()
)

_WORD_RE = re.compile(r"[a-z0-9]+(?:['’][a-z]+)*(?:-[a-z0-9]+)*")
_WHITESPACE_RE = re.compile(r"\s+")

_tokenizer_lock = threading.Lock()
_tokenizer: Tokenizer | None = None


def _is_japanese_char(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _JAPANESE_RANGES) or char == "々"


def contains_japanese(text: str) -> bool:
    """Return whether ``text`` has at least one kana or kanji character."""
    return any(_is_japanese_char(char) for char in text)


def detect_language(text: str) -> str:
    """Return "ja" when kana and kanji are at least 10 % of the letters in `text`, else "en"."""
    letters = 0
    japanese = 0
    for char in text:
        if char.isalpha():
            letters += 1
            if _is_japanese_char(char):
                japanese += 1
    if letters == 0:
        return "en"
    return "ja" if japanese * 10 >= letters else "en"


def normalize_keyword(text: str) -> str:
    """Return `text` NFKC-normalised, case-folded, with whitespace runs collapsed and trimmed."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _WHITESPACE_RE.sub(" ", folded).strip()


def _get_tokenizer() -> Tokenizer:
    """Return the process-wide Sudachi tokenizer, creating it on first use."""
    global _tokenizer
    if _tokenizer is None:
        with _tokenizer_lock:
            if _tokenizer is None:
                from sudachipy import Dictionary, SplitMode

                logger.info("Loading the Sudachi core dictionary")
                _tokenizer = Dictionary(dict="core").tokenizer(mode=SplitMode.C)
    return _tokenizer


@dataclass(frozen=True)
class _Morpheme:
    normalized: str
    kind: str  # "noun", "number", "counter", "prefix", "suffix" or "other"


def _classify(pos: Sequence[str]) -> str:
    if pos[0] == "名詞":
        if pos[1] == "数詞":
            return "number"
        if pos[2] == "助数詞可能":
            return "counter"
        return "noun"
    if pos[0] == "接頭辞":
        return "prefix"
    if pos[0] == "接尾辞" and pos[1] == "名詞的":
        return "suffix"
    return "other"


def _chunks(text: str) -> Iterator[str]:
    """Split `text` into pieces Sudachi accepts, preferring line and sentence ends."""
    start = 0
    while start < len(text):
        end = min(start + _SUDACHI_CHUNK_CHARS, len(text))
        if end < len(text):
            cut = max(text.rfind("\n", start, end), text.rfind("。", start, end))
            if cut > start:
                end = cut + 1
        yield text[start:end]
        start = end


def _japanese_morphemes(text: str) -> list[_Morpheme]:
    from sudachipy import SplitMode

    tokenizer = _get_tokenizer()
    morphemes: list[_Morpheme] = []
    # Sudachi tokenizers keep internal state, so concurrent calls share one under a lock.
    with _tokenizer_lock:
        for chunk in _chunks(text):
            for morpheme in tokenizer.tokenize(chunk, SplitMode.C):
                morphemes.append(
                    _Morpheme(morpheme.normalized_form(), _classify(morpheme.part_of_speech()))
                )
            # A chunk border breaks a noun run like any other non-noun.
            morphemes.append(_Morpheme("", "other"))
    return morphemes


def _japanese_noun_runs(text: str) -> list[list[str]]:
    """Return runs of adjacent nouns (with their prefixes and suffixes) as normalised parts."""
    runs: list[list[str]] = []
    current: list[str] = []
    previous_kind = "other"
    for morpheme in _japanese_morphemes(text):
        kind = morpheme.kind
        if kind == "counter" and previous_kind == "number":
            # "2024年", "3つ": a counter after a number is part of a quantity, not a topic.
            kind = "number"
        if kind in ("noun", "counter", "prefix") or (kind == "suffix" and current):
            current.append(morpheme.normalized)
        else:
            if current:
                runs.append(current)
            current = []
        previous_kind = kind
    if current:
        runs.append(current)
    trimmed = [_trim_run(run) for run in runs]
    return [run for run in trimmed if run]


def _trim_run(run: list[str]) -> list[str]:
    """Drop leading and trailing stop nouns and symbols from a noun run."""
    parts = [normalize_keyword(part) for part in run]
    parts = [part for part in parts if part and any(char.isalnum() for char in part)]
    while parts and parts[0] in _JAPANESE_STOP_NOUNS:
        parts.pop(0)
    while parts and parts[-1] in _JAPANESE_STOP_NOUNS:
        parts.pop()
    return parts


def _fold_plural(word: str) -> str:
    if word in _VES_PLURALS:
        return _VES_PLURALS[word]
    if len(word) <= 3 or word in _PLURAL_EXCEPTIONS:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "ches", "shes", "xes", "zzes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _english_spanned_runs(text: str) -> list[tuple[str, list[tuple[str, int, int]]]]:
    """Return runs of content words as (segment, run) pairs.

    The segment is a piece of the keyword-normalised text, and each word of a run is
    (folded word, start, end), with its offsets in the segment as written.
    """
    spanned: list[tuple[str, list[tuple[str, int, int]]]] = []
    normalized = normalize_keyword(text).replace("’", "'")
    # Punctuation other than apostrophes and hyphens inside words ends a run.
    for segment in re.split(r"[^\w\s'-]+|\s-+\s|_", normalized):
        current: list[tuple[str, int, int]] = []
        for match in _WORD_RE.finditer(segment):
            word = re.sub(r"'s$", "", match.group())
            if word in _ENGLISH_STOPWORDS or not any(char.isalpha() for char in word):
                if current:
                    spanned.append((segment, current))
                current = []
                continue
            current.append((_fold_plural(word), match.start(), match.end()))
        if current:
            spanned.append((segment, current))
    spanned = [(segment, [word for word in run if len(word[0]) >= 2]) for segment, run in spanned]
    return [(segment, run) for segment, run in spanned if run]


def _english_word_runs(text: str) -> list[list[str]]:
    """Return runs of content words between stopwords and punctuation, plurals folded."""
    return [[word for word, _start, _end in run] for _segment, run in _english_spanned_runs(text)]


def english_written_forms(text: str, phrases: Iterable[str]) -> dict[str, Counter[str]]:
    """Return how often each written form of the given English phrases occurs in ``text``.

    A phrase is given as ``extract_keywords`` returns it: content words with plurals
    folded, joined by single spaces ("autumn leaf"). A written form is the span of
    ``text`` that the phrase came from, keyword-normalised ("autumn leaves"). Phrases
    that do not occur are left out.
    """
    requested = {phrase for phrase in phrases if phrase}
    sizes = sorted({len(phrase.split()) for phrase in requested})
    forms: dict[str, Counter[str]] = {}
    for segment, run in _english_spanned_runs(text):
        for start in range(len(run)):
            for size in sizes:
                parts = run[start : start + size]
                if len(parts) < size:
                    break
                phrase = " ".join(word for word, _start, _end in parts)
                if phrase in requested:
                    written = segment[parts[0][1] : parts[-1][2]]
                    forms.setdefault(phrase, Counter())[written] += 1
    return forms


def content_terms(text: str, language: str) -> list[str]:
    """Return the content terms of `text` in order of appearance.

    Japanese text yields Sudachi (mode C) nouns, with adjacent nouns joined into
    compounds and spelled in Sudachi's normalised form. English text yields
    lowercase words without stopwords, plurals folded to the singular.
    """
    if language == "ja":
        return ["".join(run) for run in _japanese_noun_runs(text) if len("".join(run)) >= 2]
    if language == "en":
        return [word for run in _english_word_runs(text) for word in run]
    raise ValueError(
        f"language must be 'ja' or 'en', got {language!r}; pass a detected language"
    )


def _sub_runs(run: list[str], max_parts: int) -> Iterator[tuple[str, ...]]:
    for start in range(len(run)):
        for end in range(start + 1, min(len(run), start + max_parts) + 1):
            yield tuple(run[start:end])


def extract_keywords(
    title: str, headings: Sequence[str], language: str, *, limit: int = 5
) -> list[str]:
    """Return an article's own keywords from its title and headings, most salient first.

    Every noun compound (Japanese) or content-word phrase (English) and each
    contiguous part of it up to three words long is a candidate. A candidate
    scores 3 for appearing in the title and 1 for each heading it appears in.
    Ties go to the longer candidate, then to the one earlier in the title. A
    candidate found only inside an already chosen, higher-scoring one is skipped.
    """
    if language not in ("ja", "en"):
        raise ValueError(
            f"language must be 'ja' or 'en', got {language!r}; pass a detected language"
        )
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}; pass a positive count")

    joiner = "" if language == "ja" else " "
    runs_of = _japanese_noun_runs if language == "ja" else _english_word_runs
    scores: dict[tuple[str, ...], float] = {}
    first_seen: dict[tuple[str, ...], int] = {}
    order = 0
    for weight, source in [(3.0, title), *[(1.0, heading) for heading in headings]]:
        seen_here: set[tuple[str, ...]] = set()
        for run in runs_of(source):
            for candidate in _sub_runs(run, max_parts=3):
                if candidate in seen_here:
                    continue
                seen_here.add(candidate)
                scores[candidate] = scores.get(candidate, 0.0) + weight
                if candidate not in first_seen:
                    first_seen[candidate] = order
                    order += 1

    ranked = sorted(
        scores,
        key=lambda candidate: (
            -scores[candidate],
            -len(joiner.join(candidate)),
            first_seen[candidate],
        ),
    )
    chosen: list[tuple[str, ...]] = []
    for candidate in ranked:
        text = joiner.join(candidate)
        if len(text) < 2:
            continue
        if any(
            _contains(parent, candidate) and scores[candidate] <= scores[parent]
            for parent in chosen
        ):
            continue
        chosen.append(candidate)
        if len(chosen) == limit:
            break
    return [joiner.join(candidate) for candidate in chosen]


def _contains(parent: tuple[str, ...], part: tuple[str, ...]) -> bool:
    size = len(part)
    return any(parent[index : index + size] == part for index in range(len(parent) - size + 1))


@dataclass(frozen=True)
class SudachiToken:
    """A Sudachi morpheme with its character offsets in the analysed text."""

    surface: str
    normalized: str
    reading: str  # katakana reading from the dictionary
    pos: tuple[str, ...]
    begin: int
    end: int


def sudachi_tokens(text: str, *, mode: str = "C") -> list[SudachiToken]:
    """Tokenise `text` with the shared Sudachi tokenizer in split mode "A", "B" or "C".

    Offsets index into `text`, also across the chunks that long texts are cut into.
    """
    from sudachipy import SplitMode

    split_modes = {"A": SplitMode.A, "B": SplitMode.B, "C": SplitMode.C}
    if mode not in split_modes:
        raise ValueError(f"mode must be 'A', 'B' or 'C', got {mode!r}")
    tokenizer = _get_tokenizer()
    tokens: list[SudachiToken] = []
    offset = 0
    with _tokenizer_lock:
        for chunk in _chunks(text):
            for morpheme in tokenizer.tokenize(chunk, split_modes[mode]):
                tokens.append(
                    SudachiToken(
                        morpheme.surface(),
                        morpheme.normalized_form(),
                        morpheme.reading_form(),
                        tuple(morpheme.part_of_speech()),
                        offset + morpheme.begin(),
                        offset + morpheme.end(),
                    )
                )
            offset += len(chunk)
    return tokens
