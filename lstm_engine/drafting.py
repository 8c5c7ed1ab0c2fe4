"""Keyword-aware article drafting: titles, outline, body paragraphs and meta description."""
from __future__ import annotations

import logging
import re
import unicodedata
import weakref
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import torch

from lstm_engine.checkpoint import LoadedLanguageModel
from lstm_engine.device import torch_threads
from lstm_engine.sampling import DecodingConfig, NoRepeatIndex, TokenScorer, select_token
from lstm_engine.tokenizer import DocumentTokenizer, normalize_text

logger = logging.getLogger(__name__)

Language = Literal["ja", "en"]

# Result-page limits used for titles and meta descriptions, in characters. The meta
# description ranges are the "good" ranges of the editor's analysis: two 600 px snippet
# lines hold about 80 full-width characters or 156 Latin ones.
TITLE_MAX_CHARACTERS = {"ja": 32, "en": 60}
META_DESCRIPTION_RANGE = {"ja": (60, 80), "en": (120, 156)}
HEADING_MAX_CHARACTERS = {"ja": 30, "en": 70}
# Maximum keyword length, in characters, that still leaves room for the rest of a title.
KEYWORD_MAX_CHARACTERS = {"ja": 20, "en": 40}
TARGET_LENGTH_RANGE = {"ja": (100, 20000), "en": (50, 8000)}

# Characters that end a sentence, and those that may end a paragraph.
SENTENCE_TERMINATORS = {"ja": "。！？", "en": ".!?"}
PARAGRAPH_TERMINATORS = {"ja": "。", "en": ".!?"}
# Bracket and quote pairs kept balanced in every generated text. The straight double
# quote closes itself.
BRACKET_PAIRS = {"「": "」", "『": "』", "（": "）", "(": ")", "【": "】", "“": "”", "[": "]", "〈": "〉", "《": "》"}
CLOSING_BRACKETS = {closer: opener for opener, closer in BRACKET_PAIRS.items()}
SELF_CLOSING_QUOTES = '"'
MAX_BRACKET_DEPTH = 2

# Typical paragraph length and section length used to lay out the outline.
PARAGRAPH_UNITS = {"ja": 200, "en": 80}
SECTION_UNITS = {"ja": 400, "en": 160}
# Heading of the closing section, which carries no keyword. The editor's analysis wants
# the keyphrase or a related one in 30 to 75 % of the subheadings, and every outline
# heading starts with one, so at most three outline headings precede it.
SUMMARY_HEADINGS = {"ja": "まとめ", "en": "Summary"}
MAX_KEYWORD_HEADINGS = 3
# Runs of Latin letters. A Japanese draft may contain only the runs that its keywords
# or its prompt contain, so that English text from a mixed corpus stays out.
# Characters that a Japanese title or heading does not end with: list marks and the
# particles that need a word after them.
JAPANESE_OPEN_ENDINGS = "、・をがはのとでへやにも"
# English words that a title or heading cut at its length cap does not end with.
ENGLISH_OPEN_WORDS = frozenset(
    "a an the and or but of to for with in on at by from as into about before after your our their".split()
)
# First characters that would make a line a list item, a heading or a quote.
MARKUP_OPENERS = ("-", "*", "+", "#", ">", "・")
LATIN_RUN = re.compile(r"[A-Za-z]+")
LATIN_TAIL = re.compile(r"[A-Za-z]+\Z")
# Tokens generated after a keyword insertion before a paragraph may be closed by force.
INSERTION_GRACE_TOKENS = 15


@dataclass
class DraftSpec:
    """Draft request: keywords, outline keywords, language, length and decoding settings."""

    keywords: list[str]  # 1 to 5, Japanese or English
    # One H2 heading each, in order, as many as the target length holds. May be empty.
    related_keywords: list[str]
    language: Language
    # Characters without whitespace for "ja", words for "en".
    target_length: int
    title_candidates: int = 3
    meta_description_candidates: int = 3
    seed: int = 0
    decoding: DecodingConfig = field(default_factory=DecodingConfig)

    def __post_init__(self) -> None:
        if self.language not in ("ja", "en"):
            raise ValueError(f"language must be 'ja' or 'en', got {self.language!r}")
        self.keywords = [normalize_text(keyword) for keyword in self.keywords]
        # Blank outline keywords are dropped rather than rejected, because they are optional.
        self.related_keywords = [normalize_text(k) for k in self.related_keywords if normalize_text(k)]
        if not 1 <= len(self.keywords) <= 5 or not all(self.keywords):
            raise ValueError(f"keywords must be 1 to 5 non-empty strings, got {self.keywords!r}")
        if len(self.related_keywords) > 10:
            raise ValueError(
                f"related_keywords must hold at most 10 keywords, got {len(self.related_keywords)}; pass fewer"
            )
        limit = KEYWORD_MAX_CHARACTERS[self.language]
        for keyword in self.keywords + self.related_keywords:
            if len(keyword) > limit:
                raise ValueError(
                    f"keyword {keyword!r} has {len(keyword)} characters; use at most {limit} for "
                    f"language={self.language!r} so that it fits in a title or heading"
                )
        low, high = TARGET_LENGTH_RANGE[self.language]
        if isinstance(self.target_length, bool) or not isinstance(self.target_length, int):
            raise TypeError(f"target_length must be an integer, got {self.target_length!r}")
        if not low <= self.target_length <= high:
            raise ValueError(
                f"target_length must be between {low} and {high} for language={self.language!r}, "
                f"got {self.target_length}"
            )
        if not 1 <= self.title_candidates <= 10:
            raise ValueError(f"title_candidates must be between 1 and 10, got {self.title_candidates!r}")
        if not 1 <= self.meta_description_candidates <= 10:
            raise ValueError(
                f"meta_description_candidates must be between 1 and 10, got {self.meta_description_candidates!r}"
            )


@dataclass
class DraftSection:
    """An H2 section. The first section of a draft may have an empty heading: the introduction."""

    heading: str
    paragraphs: list[str]


@dataclass
class TextCandidate:
    """A generated title or meta description and its mean log-likelihood.

    ``log_likelihood`` is the mean natural-log probability per token of the text and of
    the symbol that ends it, under the unmodified model distribution.
    """

    text: str
    log_likelihood: float


@dataclass
class GeneratedDraft:
    """A generated article draft."""

    title: str
    title_candidates: list[str]  # best first, ranked by mean token log-likelihood
    meta_description: str
    sections: list[DraftSection]
    # Mean natural-log probability per token of the title, body and meta description,
    # including forced keyword tokens, under the unmodified model distribution.
    log_likelihood: float
    # The title and meta description candidates with their likelihoods, best first, so
    # that a caller can rerank them. ``title`` and ``meta_description`` are the first.
    scored_titles: list[TextCandidate] = field(default_factory=list)
    scored_meta_descriptions: list[TextCandidate] = field(default_factory=list)

    def body_markdown(self) -> str:
        """Return the body as Markdown: ``## heading`` lines and blank-line separated paragraphs."""
        parts: list[str] = []
        for section in self.sections:
            if section.heading:
                parts.append(f"## {section.heading}")
            parts.extend(section.paragraphs)
        return "\n\n".join(parts) + "\n"

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict of the draft, including the rendered body."""
        result = asdict(self)
        result["body_markdown"] = self.body_markdown()
        return result


def body_length(draft: GeneratedDraft, language: Language) -> int:
    """Return the body length in the unit of ``target_length``: headings and paragraphs, no Markdown."""
    texts = [section.heading for section in draft.sections] + [
        paragraph for section in draft.sections for paragraph in section.paragraphs
    ]
    return sum(_measure(text, "words" if language == "en" else "nonspace") for text in texts)


def _measure(text: str, unit: str) -> int:
    if unit == "words":
        return len(text.split())
    if unit == "nonspace":
        return sum(1 for char in text if not char.isspace())
    # The finished segment is stripped, so spaces at either end do not count.
    return len(text.strip())


class _VocabularyTables:
    """Per-token facts that the decoding constraints look up at every step."""

    def __init__(self, tokenizer: DocumentTokenizer) -> None:
        size = tokenizer.vocab_size
        texts = tokenizer.piece_texts
        byte_values = torch.from_numpy(tokenizer.byte_values.copy())
        is_byte = byte_values >= 0
        self.byte_values = byte_values
        self.is_byte = is_byte

        self.lengths = torch.tensor([len(text) for text in texts], dtype=torch.long)
        # A lead or ASCII byte adds one character, and a continuation byte adds none.
        self.lengths[is_byte] = ((byte_values[is_byte] & 0xC0) != 0x80).long()
        self.allowed = torch.ones(size, dtype=torch.bool)
        self.word_start = torch.zeros(size, dtype=torch.bool)
        self.exempt = torch.zeros(size, dtype=torch.bool)
        self.has_period = torch.zeros(size, dtype=torch.bool)
        self.starts_with_space = torch.zeros(size, dtype=torch.bool)
        # Japanese script or full-width forms (U+3000 and above, below the surrogates),
        # kept out of English drafts, and Latin letters, discouraged in Japanese ones.
        self.has_japanese = torch.zeros(size, dtype=torch.bool)
        self.has_latin = torch.zeros(size, dtype=torch.bool)
        # Text of every piece with Latin letters. A byte piece is its ASCII character.
        self.latin_texts: dict[int, str] = {}
        self.ends_paragraph = {language: torch.zeros(size, dtype=torch.bool) for language in ("ja", "en")}
        self.brackets: dict[int, str] = {}
        # Script class (see _script_class) of the first character of each piece, so that the
        # probability that the next piece continues a word can be summed.
        self.first_class = torch.zeros(size, dtype=torch.long)
        # Pieces that would open a list item, a heading or a quote block at the start of a line.
        self.starts_with_markup = torch.zeros(size, dtype=torch.bool)
        # Pieces that start with hiragana, which can end a verb or adjective after its kanji.
        self.starts_with_hiragana = torch.zeros(size, dtype=torch.bool)

        bracket_characters = set(BRACKET_PAIRS) | set(CLOSING_BRACKETS) | set(SELF_CLOSING_QUOTES)
        for piece_id, text in enumerate(texts):
            if piece_id in tokenizer.special_ids or piece_id in tokenizer.structure_ids:
                self.allowed[piece_id] = False
                self.exempt[piece_id] = True
                continue
            if is_byte[piece_id]:
                value = int(byte_values[piece_id])
                # Only printable ASCII and valid UTF-8 lead bytes may start a character.
                self.allowed[piece_id] = 0x20 <= value <= 0x7E or 0xC2 <= value <= 0xF4
                # Lead bytes E3-EF start the characters U+3000-U+FFFF.
                self.has_japanese[piece_id] = 0xE3 <= value <= 0xEF
                self.starts_with_space[piece_id] = value == 0x20
                self.starts_with_markup[piece_id] = chr(value) in MARKUP_OPENERS
                self.has_latin[piece_id] = chr(value).isascii() and chr(value).isalpha()
                if self.has_latin[piece_id]:
                    self.latin_texts[piece_id] = chr(value)
                    self.first_class[piece_id] = _script_class(chr(value))
                continue
            if not text or any(unicodedata.category(char)[0] == "C" or char == "\ufffd" for char in text):
                self.allowed[piece_id] = False
                continue
            self.word_start[piece_id] = text[0].isalnum()
            self.starts_with_space[piece_id] = text[0].isspace()
            self.first_class[piece_id] = _script_class(text[0])
            self.starts_with_markup[piece_id] = text.lstrip()[:1] in MARKUP_OPENERS
            self.starts_with_hiragana[piece_id] = "\u3041" <= text[0] <= "\u309F"
            self.has_japanese[piece_id] = any(0x3000 <= ord(char) < 0xD800 or 0xF900 <= ord(char) for char in text)
            self.has_latin[piece_id] = any(char.isascii() and char.isalpha() for char in text)
            if self.has_latin[piece_id]:
                self.latin_texts[piece_id] = text
            stripped = text.strip()
            self.exempt[piece_id] = not stripped or all(unicodedata.category(c)[0] == "P" for c in stripped)
            self.has_period[piece_id] = "。" in text
            for language, terminators in PARAGRAPH_TERMINATORS.items():
                self.ends_paragraph[language][piece_id] = bool(stripped) and stripped[-1] in terminators
            found = "".join(char for char in text if char in bracket_characters)
            if found:
                self.brackets[piece_id] = found
        self.byte_ids = torch.nonzero(is_byte).flatten()
        # Python-side copies for per-token membership tests, which are slow on tensors.
        self.exempt_ids = frozenset(torch.nonzero(self.exempt).flatten().tolist())
        self._bracket_bans: dict[tuple[str, ...], torch.Tensor] = {}

    def bracket_bans(self, stack: list[str]) -> torch.Tensor:
        """Return the ids of pieces whose brackets would unbalance text with this open-bracket ``stack``."""
        key = tuple(stack)
        bans = self._bracket_bans.get(key)
        if bans is None:
            banned = [piece_id for piece_id, brackets in self.brackets.items() if not _brackets_valid(stack, brackets)]
            bans = torch.tensor(banned, dtype=torch.long)
            self._bracket_bans[key] = bans
        return bans


def _placed_end(text: str, placed: dict[str, bool]) -> int:
    """Return the index just after the last placed keyword in ``text``, or 0."""
    lowered = text.lower()
    return max(
        (lowered.find(keyword.lower()) + len(keyword) for keyword, done in placed.items() if done),
        default=0,
    )


def _script_class(char: str) -> int:
    """Return 1 for a Latin letter, 2 for katakana, 3 for kanji and 0 for anything else."""
    if char.isascii():
        return 1 if char.isalpha() else 0
    code = ord(char)
    if 0x30A1 <= code <= 0x30FA or code == 0x30FC:
        return 2
    if 0x3400 <= code <= 0x4DBF or 0x4E00 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or char == "々":
        return 3
    return 0


_TABLES: weakref.WeakKeyDictionary[DocumentTokenizer, _VocabularyTables] = weakref.WeakKeyDictionary()


def _tables_for(tokenizer: DocumentTokenizer) -> _VocabularyTables:
    tables = _TABLES.get(tokenizer)
    if tables is None:
        tables = _VocabularyTables(tokenizer)
        _TABLES[tokenizer] = tables
    return tables


@dataclass
class _SegmentRules:
    """Constraints on one generated text segment (title, heading, paragraph or meta description)."""

    kind: str
    required: list[str]  # keywords that must appear, inserted as a last resort
    optional: list[str] = field(default_factory=list)  # boosted, never forced
    forced_prefix: str | None = None
    unit: str = "chars"  # "chars", "nonspace" or "words"
    min_units: int = 1
    target_units: int = 100
    max_units: int = 150
    # Strict character cap for titles, headings and meta descriptions. Tokens that would pass it are masked.
    hard_max_characters: int | None = None
    sentence_end: bool = False  # the segment must end with a paragraph terminator
    ban_period: bool = False  # no 。 inside (titles and headings)


@dataclass
class _Segment:
    text: str
    tokens: list[int]
    state: Any
    log_prob: float
    first_free_token: int | None


@dataclass
class _SegmentProgress:
    """Mutable state of one segment while it is generated."""

    text_state: _TextState
    placed: dict[str, bool]  # keyword -> already in the text, required keywords first
    max_tokens: int  # hard cap, so that a degenerate model cannot loop forever
    tokens: list[int] = field(default_factory=list)
    log_prob: float = 0.0
    forced: deque[int] = field(default_factory=deque)
    # English only: the previous token completed a keyword, so the next may not extend its word.
    boundary_guard: bool = False
    inserted_at: int = -(10**9)  # token index of the last keyword insertion
    closing_steps: int = 0  # tokens generated since the segment passed its target length
    first_free: int | None = None  # first token chosen by sampling rather than forced

    def segment(self, state: Any) -> _Segment:
        """Return the finished segment, ending at scorer ``state``."""
        return _Segment(self.text_state.text.strip(), self.tokens, state, self.log_prob, self.first_free)


@dataclass
class _TextState:
    """Decoded text of a segment plus the open UTF-8 sequence and bracket stack."""

    text: str = ""
    pending_bytes: bytearray = field(default_factory=bytearray)
    bytes_needed: int = 0
    next_byte_range: tuple[int, int] = (0x80, 0xBF)
    stack: list[str] = field(default_factory=list)

    def append(self, piece_id: int, tables: _VocabularyTables, piece_text: str) -> None:
        if not bool(tables.is_byte[piece_id]):
            self.text += piece_text
            self._track_brackets(piece_text)
            return
        value = int(tables.byte_values[piece_id])
        if self.bytes_needed == 0:
            if value < 0x80:
                self.text += chr(value)
                self._track_brackets(chr(value))
                return
            self.pending_bytes = bytearray([value])
            if value < 0xE0:
                self.bytes_needed = 1
            elif value < 0xF0:
                self.bytes_needed = 2
            else:
                self.bytes_needed = 3
            self.next_byte_range = {0xE0: (0xA0, 0xBF), 0xED: (0x80, 0x9F), 0xF0: (0x90, 0xBF), 0xF4: (0x80, 0x8F)}.get(
                value, (0x80, 0xBF)
            )
            return
        self.pending_bytes.append(value)
        self.bytes_needed -= 1
        self.next_byte_range = (0x80, 0xBF)
        if self.bytes_needed == 0:
            character = bytes(self.pending_bytes).decode("utf-8")
            self.pending_bytes = bytearray()
            self.text += character
            self._track_brackets(character)

    def _track_brackets(self, text: str) -> None:
        for char in text:
            if char in SELF_CLOSING_QUOTES:
                if self.stack and self.stack[-1] == char:
                    self.stack.pop()
                else:
                    self.stack.append(char)
            elif char in BRACKET_PAIRS:
                self.stack.append(BRACKET_PAIRS[char])
            elif char in CLOSING_BRACKETS and self.stack and self.stack[-1] == char:
                self.stack.pop()


def _brackets_valid(stack: list[str], brackets: str) -> bool:
    """Return whether appending a piece with these bracket characters keeps the text balanced-able."""
    simulated = list(stack)
    for char in brackets:
        if char in SELF_CLOSING_QUOTES:
            if simulated and simulated[-1] == char:
                simulated.pop()
            else:
                simulated.append(char)
        elif char in BRACKET_PAIRS:
            simulated.append(BRACKET_PAIRS[char])
        elif not simulated or simulated[-1] != char:
            return False
        else:
            simulated.pop()
    return len(simulated) <= MAX_BRACKET_DEPTH


class _LatinWords:
    """Masks that keep Latin letters in a Japanese draft to the words of its keywords and prompt.

    Every Latin run in the text must grow into one of ``words``. While the text ends with
    a run that is only the start of such a word, the next piece must continue it. A piece
    may add only runs that are such words, or the start of one at the piece's end.
    """

    def __init__(self, tables: _VocabularyTables, texts: Sequence[str]) -> None:
        self.words = {run for text in texts for run in LATIN_RUN.findall(normalize_text(text))}
        self.prefixes = {word[:end] for word in self.words for end in range(1, len(word) + 1)}
        self.size = len(tables.allowed)
        self.latin_texts = tables.latin_texts
        self._masks: dict[str, torch.Tensor] = {}
        if not self.words:
            # Without permitted words, every Latin piece is masked wherever it would go.
            self._masks[""] = ~tables.has_latin

    def trailing_run(self, text: str) -> str:
        """Return the Latin run that ends ``text``, or ""."""
        match = LATIN_TAIL.search(text[-64:])
        return match.group() if match else ""

    def run_complete(self, text: str) -> bool:
        """Return whether ``text`` may stop here: it does not end inside a permitted word."""
        run = self.trailing_run(text)
        return run == "" or run in self.words or run not in self.prefixes

    def mask(self, text: str) -> torch.Tensor:
        """Return the (V,) bool mask of the pieces that may follow ``text``."""
        run = self.trailing_run(text)
        mask = self._masks.get(run)
        if mask is None:
            mask = self._build_mask(run)
            self._masks[run] = mask
        return mask

    def _build_mask(self, run: str) -> torch.Tensor:
        complete = run == "" or run in self.words or run not in self.prefixes
        fitting = [piece_id for piece_id, piece in self.latin_texts.items() if self._piece_fits(run, piece, complete)]
        if complete:
            # Pieces without Latin letters may follow, and so may those whose runs fit.
            mask = torch.ones(self.size, dtype=torch.bool)
            mask[torch.tensor(list(self.latin_texts), dtype=torch.long)] = False
        else:
            # The text ends inside a permitted word, so only pieces that continue it may follow.
            mask = torch.zeros(self.size, dtype=torch.bool)
        mask[torch.tensor(fitting, dtype=torch.long)] = True
        return mask

    def _piece_fits(self, run: str, piece: str, complete: bool) -> bool:
        continues = bool(piece) and piece[0].isascii() and piece[0].isalpha()
        if not complete and not continues:
            return False
        for match in LATIN_RUN.finditer(piece):
            word = run + match.group() if match.start() == 0 else match.group()
            allowed = self.prefixes if match.end() == len(piece) else self.words
            if word not in allowed:
                return False
        return True


class _DraftWriter:
    """Generator of one draft, with its random generator and likelihood sums."""

    def __init__(self, model: LoadedLanguageModel, spec: DraftSpec, prompt_texts: Sequence[str] = ()) -> None:
        """Prepare to write ``spec``; ``prompt_texts`` are the texts the model reads besides the keywords."""
        self.tokenizer = model.tokenizer
        self.scorer: TokenScorer = model.scorer
        self.spec = spec
        self.language = spec.language
        self.decoding = spec.decoding
        self.generator = torch.Generator().manual_seed(spec.seed)
        self.tables = _tables_for(self.tokenizer)
        self.end_ids = torch.tensor(
            [self.tokenizer.paragraph_id, self.tokenizer.heading_id, self.tokenizer.end_id], dtype=torch.long
        )
        self.end_id_set = {int(i) for i in self.end_ids}
        self.latin: _LatinWords | None = None
        if self.language == "ja":
            texts = [*spec.keywords, *spec.related_keywords, *prompt_texts]
            self.latin = _LatinWords(self.tables, texts)
        self.log_prob_total = 0.0
        self.token_total = 0

    # Keyword helpers -----------------------------------------------------------------

    def _contains(self, text: str, keyword: str) -> bool:
        if self.language == "ja":
            return keyword in text
        return re.search(rf"(?<!\w){re.escape(keyword)}(?!\w)", text) is not None

    def _keyword_ids(self, keyword: str, text_before: str) -> list[int]:
        """Return the ids that append ``keyword`` after ``text_before``, with a space in English when needed."""
        needs_space = (
            self.language == "en"
            and text_before != ""
            and not text_before[-1].isspace()
            and text_before[-1] not in BRACKET_PAIRS
            and text_before[-1] not in SELF_CLOSING_QUOTES
        )
        return self.tokenizer.encode((" " if needs_space else "") + keyword)

    def _first_token_variants(self, keyword: str, text_before: str) -> list[list[int]]:
        ids = self._keyword_ids(keyword, text_before)
        if ids and self.tokenizer.piece_texts[ids[0]].strip():
            return [ids]
        return []

    # Segment generation ----------------------------------------------------------------

    def write_segment(
        self,
        state: Any,
        rules: _SegmentRules,
        no_repeat: NoRepeatIndex,
        history: list[int],
        banned_first: set[int] | None = None,
    ) -> _Segment:
        """Generate one segment from ``state`` until an end symbol, honouring ``rules``.

        ``history`` and ``no_repeat`` are shared with the other segments of the same text
        and grow with every token. ``banned_first`` bans tokens as the first freely chosen
        token, which makes title candidates differ even under greedy decoding.
        """
        progress = self._begin_segment(rules)
        while True:
            log_probs = self.scorer.next_log_probs(state)
            token = self._next_token(progress, rules, log_probs, no_repeat, history, banned_first)
            if token is None:
                return progress.segment(state)
            self._append_token(progress, token, log_probs, no_repeat, history)
            state = self.scorer.advance(state, [token])

    def write_segments(self, state: Any, rules: _SegmentRules, count: int, banned_first: set[int]) -> list[_Segment]:
        """Generate ``count`` independent segments from ``state`` side by side.

        Each segment follows ``rules`` exactly as :meth:`write_segment` would, with its own
        history and n-gram index. The scorer reads the next token of every unfinished
        segment in one batched step. ``banned_first`` grows with each segment's first
        freely chosen token, so that no two segments open with the same free token. The
        segments choose their tokens in a fixed order, so the same seed gives the same result.
        """
        progresses = [self._begin_segment(rules) for _ in range(count)]
        no_repeats = [NoRepeatIndex(self.decoding.no_repeat_ngram_size) for _ in range(count)]
        histories: list[list[int]] = [[] for _ in range(count)]
        states = [state] * count
        finished: list[_Segment | None] = [None] * count
        live = list(range(count))
        while live:
            stepping: list[int] = []
            tokens: list[int] = []
            for index in live:
                progress = progresses[index]
                log_probs = self.scorer.next_log_probs(states[index])
                first_free_before = progress.first_free
                token = self._next_token(
                    progress, rules, log_probs, no_repeats[index], histories[index], banned_first
                )
                if token is None:
                    finished[index] = progress.segment(states[index])
                    continue
                if first_free_before is None and progress.first_free is not None:
                    banned_first.add(progress.first_free)
                self._append_token(progress, token, log_probs, no_repeats[index], histories[index])
                stepping.append(index)
                tokens.append(token)
            if stepping:
                advanced = self._advance_batch([states[index] for index in stepping], tokens)
                for index, new_state in zip(stepping, advanced, strict=True):
                    states[index] = new_state
            live = stepping
        return [segment for segment in finished if segment is not None]

    def _advance_batch(self, states: list[Any], tokens: list[int]) -> list[Any]:
        """Read one token per state, in one call when the scorer supports batches."""
        advance_batch = getattr(self.scorer, "advance_batch", None)
        if advance_batch is None:
            return [self.scorer.advance(state, [token]) for state, token in zip(states, tokens, strict=True)]
        return advance_batch(states, tokens)

    def _begin_segment(self, rules: _SegmentRules) -> _SegmentProgress:
        required = _containers_first(rules.required)
        keywords_to_place = required + [keyword for keyword in rules.optional if keyword not in rules.required]
        max_tokens = 6 * (rules.hard_max_characters or rules.max_units * (6 if rules.unit == "words" else 1)) + 60
        progress = _SegmentProgress(
            text_state=_TextState(), placed=dict.fromkeys(keywords_to_place, False), max_tokens=max_tokens
        )
        if rules.forced_prefix:
            progress.forced.extend(self._keyword_ids(rules.forced_prefix, ""))
        return progress

    def _next_token(
        self,
        progress: _SegmentProgress,
        rules: _SegmentRules,
        log_probs: torch.Tensor,
        no_repeat: NoRepeatIndex,
        history: list[int],
        banned_first: set[int] | None,
    ) -> int | None:
        """Return the next token of the segment, forced or sampled, or None when it ends here."""
        keywords_to_place = list(progress.placed)
        text_state = progress.text_state
        text = text_state.text
        # In the order of progress.placed, where a keyword comes before those it contains.
        unplaced = [keyword for keyword in keywords_to_place if keyword in rules.required and not progress.placed[keyword]]
        clean = text_state.bytes_needed == 0 and not progress.forced
        measure = _measure(text, rules.unit)
        end_ok = clean and not unplaced and not text_state.stack and self._may_end(text, rules, measure)
        if end_ok and self._word_continues(log_probs, text):
            end_ok = False

        if clean:
            action = self._plan_forced(
                rules, text_state, unplaced, measure, len(progress.tokens), progress.inserted_at, progress.max_tokens
            )
            if action == "end":
                if not end_ok:
                    # Over length with nothing left to force, so stop rather than loop.
                    logger.debug("closing %s segment at %d units", rules.kind, measure)
                    trimmed = text if rules.sentence_end else self._trim_cut(text, progress.placed)
                    if _measure(trimmed, rules.unit) >= rules.min_units:
                        text_state.text = trimmed
                return None
            if action is not None:
                kind, ids = action
                if kind == "insert":
                    progress.inserted_at = len(progress.tokens)
                if kind == "close" and rules.sentence_end and not text_state.stack:
                    # The segment reached its length cap inside a sentence. End it at an
                    # earlier sentence end, or cut it back to a whole word before the full
                    # stop, so that it does not read 「…食器棚な。」 or 「…すぎ、。」.
                    shortened = self._earlier_sentence_end(text, rules, progress.placed)
                    if shortened is not None:
                        text_state.text = shortened
                        return None
                    trimmed = self._trim_cut(text, progress.placed)
                    if _measure(trimmed, rules.unit) + 1 >= rules.min_units:
                        text_state.text = trimmed
                progress.forced.extend(ids)

        if progress.forced:
            return progress.forced.popleft()
        progress.closing_steps = progress.closing_steps + 1 if measure >= rules.target_units else 0
        token = self._choose_free_token(
            log_probs, rules, progress, keywords_to_place, unplaced, end_ok, no_repeat, history, banned_first
        )
        if token is None:
            return None
        if progress.first_free is None:
            progress.first_free = token
        room = self._room(rules, text_state)
        if room is not None:
            room -= len(self.tokenizer.piece_texts[token]) + len(text_state.stack) + int(rules.sentence_end)
        self._start_keyword(token, text, keywords_to_place, progress.placed, progress.forced, room)
        return token

    def _append_token(
        self,
        progress: _SegmentProgress,
        token: int,
        log_probs: torch.Tensor,
        no_repeat: NoRepeatIndex,
        history: list[int],
    ) -> None:
        """Add ``token`` to the segment's text, likelihood, history and keyword bookkeeping."""
        text_state = progress.text_state
        progress.log_prob += float(log_probs[token])
        progress.tokens.append(token)
        history.append(token)
        no_repeat.add(token)
        text_state.append(token, self.tables, self.tokenizer.piece_texts[token])
        progress.boundary_guard = False
        if text_state.bytes_needed == 0:
            for keyword in progress.placed:
                if not progress.placed[keyword] and self._contains(text_state.text, keyword):
                    progress.placed[keyword] = True
                    progress.boundary_guard = self.language == "en" and keyword[-1].isalnum()

    def _choose_free_token(
        self,
        log_probs: torch.Tensor,
        rules: _SegmentRules,
        progress: _SegmentProgress,
        keywords_to_place: list[str],
        unplaced: list[str],
        end_ok: bool,
        no_repeat: NoRepeatIndex,
        history: list[int],
        banned_first: set[int] | None,
    ) -> int | None:
        """Sample the next token under the masks and bonuses, or return None when the segment should end."""
        tables = self.tables
        decoding = self.decoding
        text_state = progress.text_state
        allowed = self._allowed_mask(rules, text_state, unplaced, progress.boundary_guard)
        bonus = self._bonus(log_probs, rules, progress, keywords_to_place)
        if end_ok:
            allowed[self.end_ids] = True
            if progress.closing_steps:
                bonus[self.end_ids] += 2.0 + 0.5 * progress.closing_steps

        banned = {token for token in no_repeat.banned() if token not in tables.exempt_ids}
        if banned_first and progress.first_free is None:
            banned |= banned_first
        candidates = allowed.clone()
        if banned:
            candidates[torch.tensor(sorted(banned), dtype=torch.long)] = False
        if not bool(candidates.any()):
            # The bans would leave nothing to choose, so the repetition bans give way.
            banned = set()
            if not bool(allowed.any()):
                return None

        recent = [token for token in history[-decoding.repetition_window :] if token not in tables.exempt_ids]
        token = select_token(
            log_probs,
            decoding,
            self.generator,
            recent_tokens=recent,
            banned=banned,
            allowed_mask=allowed,
            bonus=bonus,
        )
        return None if token in self.end_id_set else token

    def _bonus(
        self, log_probs: torch.Tensor, rules: _SegmentRules, progress: _SegmentProgress, keywords_to_place: list[str]
    ) -> torch.Tensor:
        """Return (V,) logit adjustments: keyword starts and closing pressure."""
        tables = self.tables
        text_state = progress.text_state
        bonus = torch.zeros_like(log_probs)
        if text_state.bytes_needed > 0:
            return bonus
        growth = self.decoding.keyword_boost + self.decoding.keyword_boost_growth * len(progress.tokens)
        for keyword in keywords_to_place:
            if not progress.placed[keyword]:
                for variant in self._first_token_variants(keyword, text_state.text):
                    bonus[variant[0]] += growth
        pressure = 2.0 + 0.5 * progress.closing_steps
        if progress.closing_steps and text_state.stack:
            # Close the open bracket first, so that the sentence can end.
            for piece_id, brackets in tables.brackets.items():
                if brackets[0] == text_state.stack[-1]:
                    bonus[piece_id] += pressure
        elif progress.closing_steps and rules.sentence_end and not self._ends_paragraph(text_state.text):
            bonus[tables.ends_paragraph[self.language]] += pressure
        return bonus

    def _may_end(self, text: str, rules: _SegmentRules, measure: int) -> bool:
        if not text.strip() or measure < rules.min_units:
            return False
        if self.latin is not None and not self.latin.run_complete(text):
            return False
        if rules.sentence_end:
            return self._ends_paragraph(text)
        last = text.rstrip()[-1]
        if self.language == "ja" and last in JAPANESE_OPEN_ENDINGS:
            return False
        return last not in "、,:;・-"

    def _word_continues(self, log_probs: torch.Tensor, text: str) -> bool:
        """Tell whether the model expects the word at the end of ``text`` to go on.

        A Latin word, a katakana word or a kanji compound is taken as unfinished when the
        pieces that would extend it hold more than half of the next-token probability. A
        single kanji after other characters may also be a verb stem (選 of 選び), so there
        hiragana pieces count as extensions too, as they do after hiragana.
        """
        if not text or text[-1].isspace():
            return False
        script = _script_class(text[-1])
        if script == 0 and "\u3041" <= text[-1] <= "\u309F":
            # Hiragana gives no sign of where a word ends (「…直角にな」), so the model's
            # expectation of more hiragana decides.
            return float(log_probs[self.tables.starts_with_hiragana].exp().sum()) > 0.5
        if script == 0:
            return False
        continuing = self.tables.first_class == script
        if script == 1:
            # A piece that starts with a space starts a new word, so only letters count.
            continuing = continuing & ~self.tables.starts_with_space
        if script == 3 and (len(text) < 2 or _script_class(text[-2]) != 3):
            continuing = continuing | self.tables.starts_with_hiragana
        return float(log_probs[continuing].exp().sum()) > 0.5

    def _trim_cut(self, text: str, placed: dict[str, bool]) -> str:
        """Cut a title or heading stopped at its length cap back to its last whole word.

        The placed keywords stay whole. The tail is kept when it contains brackets, so that
        a closing bracket is not removed without its opening one.
        """
        keep = _placed_end(text, placed)
        trimmed = text.rstrip()
        if self.language == "en":
            space = trimmed.rfind(" ")
            if space >= keep:
                trimmed = trimmed[:space]
            while len(trimmed) > keep:
                stripped = trimmed.rstrip(" ,;:-")
                words = stripped.rsplit(" ", 1)
                if len(words) == 2 and words[1].lower() in ENGLISH_OPEN_WORDS and len(words[0]) >= keep:
                    stripped = words[0]
                if stripped == trimmed:
                    break
                trimmed = stripped
        else:
            script = _script_class(trimmed[-1]) if trimmed else 0
            end = len(trimmed)
            while script and end > keep and _script_class(trimmed[end - 1]) == script:
                end -= 1
            if script and end > keep:
                trimmed = trimmed[:end]
            elif not script and trimmed.rfind("、") >= keep:
                # Hiragana gives no sign of where a word ends, so the clause before the last
                # comma is kept: 「…部屋に合わせると、取りましょうかっているこ」.
                trimmed = trimmed[: trimmed.rfind("、")]
            while len(trimmed) > keep and trimmed[-1] in JAPANESE_OPEN_ENDINGS:
                trimmed = trimmed[:-1]
        removed = text[len(trimmed) :]
        if any(char in BRACKET_PAIRS or char in CLOSING_BRACKETS or char in SELF_CLOSING_QUOTES for char in removed):
            return text
        return trimmed

    def _earlier_sentence_end(self, text: str, rules: _SegmentRules, placed: dict[str, bool]) -> str | None:
        """Return ``text`` up to its last complete sentence, or None when that is too short.

        The placed keywords must stay in the shortened text.
        """
        keep = _placed_end(text, placed)
        terminators = PARAGRAPH_TERMINATORS[self.language]
        for position in range(len(text) - 1, keep - 1, -1):
            if text[position] in terminators:
                shortened = text[: position + 1]
                return shortened if _measure(shortened, rules.unit) >= rules.min_units else None
        return None

    def _ends_paragraph(self, text: str) -> bool:
        stripped = text.rstrip().rstrip("」』）)】”\"]")
        return bool(stripped) and stripped[-1] in PARAGRAPH_TERMINATORS[self.language]

    def _at_sentence_start(self, text: str) -> bool:
        stripped = text.rstrip().rstrip("」』）)】”\"]")
        return not stripped or stripped[-1] in SENTENCE_TERMINATORS[self.language]

    def _room(self, rules: _SegmentRules, text_state: _TextState) -> int | None:
        if rules.hard_max_characters is None:
            return None
        return rules.hard_max_characters - len(text_state.text)

    def _plan_forced(
        self,
        rules: _SegmentRules,
        text_state: _TextState,
        unplaced: list[str],
        measure: int,
        n_tokens: int,
        inserted_at: int,
        max_tokens: int,
    ) -> str | tuple[str, list[int]] | None:
        """Decide whether to insert a keyword, force the closing tokens or end the segment now."""
        text = text_state.text
        room = self._room(rules, text_state)
        closers = "".join(reversed(text_state.stack))
        terminator = "。" if self.language == "ja" else "."
        needs_terminator = rules.sentence_end and not self._ends_paragraph(text + closers)
        closing_reserve = len(closers) + (1 if needs_terminator else 0)

        if unplaced:
            keyword = unplaced[0]
            keyword_reserve = sum(len(k) + 1 for k in unplaced)
            urgent = room is not None and room <= keyword_reserve + closing_reserve + 2
            overdue = n_tokens >= self.decoding.keyword_window or measure >= rules.target_units
            at_start = self._at_sentence_start(text)
            due = urgent or (overdue and (at_start or rules.hard_max_characters is not None))
            if due and (urgent or not text_state.stack):
                return ("insert", self._keyword_ids(keyword, text))

        if closers and rules.sentence_end and measure >= rules.target_units and self._ends_paragraph(text):
            # The last sentence is complete but sits inside brackets: close them and stop.
            return ("close", self.tokenizer.encode(closers))
        over_length = (
            (measure >= rules.max_units and n_tokens - inserted_at > INSERTION_GRACE_TOKENS)
            or n_tokens >= max_tokens
            or (room is not None and room <= closing_reserve + 1)
        )
        if not over_length:
            return None

        if closers or needs_terminator:
            return ("close", self.tokenizer.encode(closers + (terminator if needs_terminator else "")))
        if unplaced:
            return ("insert", self._keyword_ids(unplaced[0], text))
        return "end"

    def _continuation_mask(self, text_state: _TextState) -> torch.Tensor:
        low, high = text_state.next_byte_range
        values = self.tables.byte_values
        return self.tables.is_byte & (values >= low) & (values <= high)

    def _allowed_mask(
        self, rules: _SegmentRules, text_state: _TextState, unplaced: list[str], boundary_guard: bool
    ) -> torch.Tensor:
        tables = self.tables
        if text_state.bytes_needed > 0:
            return self._continuation_mask(text_state)
        allowed = tables.allowed.clone()
        allowed[tables.bracket_bans(text_state.stack)] = False
        if rules.ban_period:
            allowed &= ~tables.has_period
        if boundary_guard:
            allowed &= ~tables.word_start
        if not text_state.text or text_state.text[-1].isspace():
            allowed &= ~tables.starts_with_space
        if rules.kind in ("title", "heading", "meta") and not text_state.text.strip():
            # Titles, headings and meta descriptions are plain text, never list items.
            allowed &= ~tables.starts_with_markup
        if self.language == "en":
            allowed &= ~tables.has_japanese
        if self.latin is not None:
            allowed &= self.latin.mask(text_state.text)
        room = self._room(rules, text_state)
        if room is not None:
            reserve = len(text_state.stack) + (1 if rules.sentence_end else 0)
            reserve += sum(len(keyword) + 1 for keyword in unplaced)
            # Multi-byte lead bytes stand for one character, like any other one-character piece.
            allowed &= tables.lengths <= max(0, room - reserve)
        return allowed

    def _start_keyword(
        self,
        token: int,
        text_before: str,
        keywords_to_place: list[str],
        placed: dict[str, bool],
        forced: deque[int],
        room: int | None,
    ) -> None:
        """Force the rest of a keyword when the sampled token begins one that is still missing.

        ``room`` is the number of characters still free after the token in a capped
        segment. A keyword whose rest does not fit there is left to the model.
        """
        piece = self.tokenizer.piece_texts[token]
        for keyword in keywords_to_place:
            if placed[keyword] or (room is not None and len(keyword) > room):
                continue
            for variant in self._first_token_variants(keyword, text_before):
                if variant[0] == token and len(variant) > 1:
                    forced.extend(variant[1:])
                    return
            stripped = piece.lstrip(" ")
            minimum = 2 if self.language == "ja" else 3
            at_word_start = self.language == "ja" or piece.startswith(" ") or not text_before.strip()
            if at_word_start and minimum <= len(stripped) < len(keyword) and keyword.startswith(stripped):
                forced.extend(self.tokenizer.encode(keyword[len(stripped) :]))
                return

    # Draft assembly --------------------------------------------------------------------

    def symbol_log_prob(self, state: Any, symbol_id: int) -> float:
        """Return the log-probability of ``symbol_id`` after ``state`` and add it to the draft totals."""
        value = float(self.scorer.next_log_probs(state)[symbol_id])
        self.log_prob_total += value
        self.token_total += 1
        return value

    def account(self, segment: _Segment) -> None:
        """Add a segment's tokens to the draft likelihood."""
        self.log_prob_total += segment.log_prob
        self.token_total += len(segment.tokens)


# A function that picks the title the body continues from. It receives the candidates,
# best likelihood first, and returns the index of its choice. The Django service passes
# one that applies the SEO analysis's title checks.
TitleChooser = Callable[[list[TextCandidate]], int]


def generate_draft(
    model: LoadedLanguageModel, spec: DraftSpec, *, choose_title: TitleChooser | None = None
) -> GeneratedDraft:
    """Generate a keyword-aware article draft.

    Parameters
    ----------
    model:
        Tokenizer and scorer from :func:`lstm_engine.checkpoint.load_language_model`
        (the LSTM or the n-gram baseline).
    spec:
        Keywords, outline keywords, language, target length, seed and decoding settings.
    choose_title:
        Returns the index of the title candidate to write the body after. Without it the
        likeliest candidate is used.

    Returns
    -------
    GeneratedDraft
        Title (the first keyword at its start), ranked title candidates, a meta
        description with the first keyword, an introduction that contains every keyword,
        and one section per outline keyword whose heading starts with it.
    """
    device = getattr(model.scorer, "device", torch.device("cpu"))
    cpu_only = torch.device(device).type == "cpu"
    # Single-token steps gain nothing from intra-op threads, which only add contention.
    with torch_threads(1 if cpu_only else None):
        return _generate(model, spec, choose_title)


def _generate(model: LoadedLanguageModel, spec: DraftSpec, choose_title: TitleChooser | None) -> GeneratedDraft:
    writer = _DraftWriter(model, spec)
    tokenizer = model.tokenizer

    title_state = writer.scorer.start(_keyword_prompt(tokenizer, spec))

    titles = _write_titles(writer, spec, title_state)
    chosen = 0
    if choose_title is not None:
        chosen = choose_title([TextCandidate(segment.text, score) for score, segment in titles])
        if not 0 <= chosen < len(titles):
            raise ValueError(f"choose_title returned {chosen!r}; expected an index below {len(titles)}")
    best_title = titles[chosen][1]
    writer.account(best_title)
    sections = _write_body(writer, spec, best_title.state)
    metas = _write_meta_descriptions(writer, spec, best_title.state)
    writer.account(metas[0][1])

    draft = GeneratedDraft(
        title=best_title.text,
        title_candidates=[segment.text for _, segment in titles],
        meta_description=metas[0][1].text,
        sections=sections,
        log_likelihood=writer.log_prob_total / max(1, writer.token_total),
        scored_titles=[TextCandidate(segment.text, score) for score, segment in titles],
        scored_meta_descriptions=[TextCandidate(segment.text, score) for score, segment in metas],
    )
    logger.info(
        "generated %s draft: %d sections, body length %d (target %d), mean log-likelihood %.3f",
        spec.language,
        len(sections) - 1,
        body_length(draft, spec.language),
        spec.target_length,
        draft.log_likelihood,
    )
    return draft


def regenerate_section(
    model: LoadedLanguageModel,
    spec: DraftSpec,
    *,
    title: str,
    sections_before: Sequence[DraftSection],
    heading: str,
    target_units: int,
) -> list[str]:
    """Write new paragraphs for one section of an existing draft.

    The model reads the keywords, the title, every earlier section and the section's
    heading first, so the new text continues the draft. Keywords of ``spec`` that the
    heading contains are placed in the first paragraph.

    Parameters
    ----------
    model:
        Tokenizer and scorer, as for :func:`generate_draft`.
    spec:
        Keywords, outline keywords, language, seed and decoding settings of the draft.
    title:
        The draft's title.
    sections_before:
        The sections above the one to rewrite, the introduction first.
    heading:
        The section's heading, or "" to rewrite the introduction.
    target_units:
        Length of the new paragraphs together, in the unit of ``spec.target_length``.

    Returns
    -------
    list[str]
        The new paragraphs, at least one.
    """
    if target_units < 1:
        raise ValueError(f"target_units must be >= 1, got {target_units!r}")
    device = getattr(model.scorer, "device", torch.device("cpu"))
    with torch_threads(1 if torch.device(device).type == "cpu" else None):
        return _regenerate_section(model, spec, title, list(sections_before), normalize_text(heading), target_units)


def _regenerate_section(
    model: LoadedLanguageModel,
    spec: DraftSpec,
    title: str,
    sections_before: list[DraftSection],
    heading: str,
    target_units: int,
) -> list[str]:
    prompt_texts = [title, heading, *(section.heading for section in sections_before)]
    prompt_texts += [paragraph for section in sections_before for paragraph in section.paragraphs]
    writer = _DraftWriter(model, spec, prompt_texts)
    tokenizer = model.tokenizer
    prompt = _keyword_prompt(tokenizer, spec) + tokenizer.encode(normalize_text(title))
    for section in sections_before:
        if section.heading:
            prompt += [tokenizer.heading_id, *tokenizer.encode(normalize_text(section.heading))]
        for paragraph in section.paragraphs:
            prompt += [tokenizer.paragraph_id, *tokenizer.encode(normalize_text(paragraph))]
    if heading:
        prompt += [tokenizer.heading_id, *tokenizer.encode(heading)]
        required = [k for k in spec.keywords + spec.related_keywords if k.lower() in heading.lower()][:2]
    else:
        required = list(spec.keywords)
    state = writer.scorer.start(prompt)

    unit = "words" if spec.language == "en" else "nonspace"
    paragraph_count = max(1, round(target_units / PARAGRAPH_UNITS[spec.language]))
    budget = max(5 if spec.language == "en" else 20, round(target_units / paragraph_count))
    history: list[int] = []
    no_repeat = NoRepeatIndex(spec.decoding.no_repeat_ngram_size)
    paragraphs: list[str] = []
    for index in range(paragraph_count):
        rules = _SegmentRules(
            kind="paragraph",
            required=required if index == 0 else [],
            unit=unit,
            min_units=max(1, round(budget * 0.6)),
            target_units=budget,
            max_units=max(budget + 2, round(budget * 1.35)),
            sentence_end=True,
        )
        paragraph_state = writer.scorer.advance(state, [tokenizer.paragraph_id])
        segment = writer.write_segment(paragraph_state, rules, no_repeat, history)
        paragraphs.append(segment.text)
        state = segment.state
    return paragraphs


def _containers_first(keywords: list[str]) -> list[str]:
    """Order ``keywords`` so that each comes after every other keyword that contains it.

    Placing "autumn leaves change" places "autumn leaves" as well, while placing the
    shorter one first would leave the longer one to be inserted right after it.
    """
    lowered = [keyword.lower() for keyword in keywords]

    def containers(index: int) -> int:
        return sum(lowered[index] in other for other_index, other in enumerate(lowered) if other_index != index)

    return [keywords[index] for index in sorted(range(len(keywords)), key=containers)]


def _keyword_prompt(tokenizer: DocumentTokenizer, spec: DraftSpec) -> list[int]:
    """Return the ids that open a draft: end of the previous document, the keywords and the title symbol."""
    prompt = [tokenizer.end_id, tokenizer.keywords_id]
    for index, keyword in enumerate(spec.keywords):
        if index > 0:
            prompt.append(tokenizer.keyword_separator_id)
        prompt.extend(tokenizer.encode(keyword))
    prompt.append(tokenizer.title_id)
    return prompt


def _write_titles(writer: _DraftWriter, spec: DraftSpec, title_state: Any) -> list[tuple[float, _Segment]]:
    """Generate distinct title candidates with their scores, best mean log-likelihood first."""
    return _write_distinct(writer, title_state, _title_rules(spec), spec.title_candidates)


def _title_rules(spec: DraftSpec) -> _SegmentRules:
    """Return the title rules: the first keyword as prefix, further keywords that fit, the length cap."""
    language = spec.language
    title_max = TITLE_MAX_CHARACTERS[language]
    first_keyword = spec.keywords[0]
    # Further keywords are required in the title while they fit in 60% of it.
    extra_keywords: list[str] = []
    room_for_extras = int(title_max * 0.6) - len(first_keyword)
    for keyword in spec.keywords[1:]:
        if len(keyword) + 1 <= room_for_extras:
            extra_keywords.append(keyword)
            room_for_extras -= len(keyword) + 1
    return _SegmentRules(
        kind="title",
        required=[first_keyword, *extra_keywords],
        forced_prefix=first_keyword,
        unit="chars",
        min_units=min(title_max - 4, len(first_keyword) + (4 if language == "ja" else 12)),
        target_units=24 if language == "ja" else 45,
        max_units=title_max,
        hard_max_characters=title_max,
        ban_period=True,
    )


def _write_distinct(
    writer: _DraftWriter, state: Any, rules: _SegmentRules, count: int
) -> list[tuple[float, _Segment]]:
    """Generate up to ``count`` distinct segments from ``state``, best mean log-likelihood first.

    Segments are decoded as one batch. When some repeat an earlier text, a further batch
    replaces them, until ``2 * count`` segments have been tried. Each score is the mean
    log-probability per token of the segment and of the paragraph symbol that ends it.
    """
    scored: list[tuple[float, _Segment]] = []
    seen_texts: set[str] = set()
    banned_first: set[int] = set()
    attempts_left = count * 2
    while len(scored) < count and attempts_left > 0:
        batch_size = min(count - len(scored), attempts_left)
        attempts_left -= batch_size
        for segment in writer.write_segments(state, rules, batch_size, banned_first):
            if segment.text in seen_texts:
                continue
            seen_texts.add(segment.text)
            end_log_prob = float(writer.scorer.next_log_probs(segment.state)[writer.tokenizer.paragraph_id])
            scored.append(((segment.log_prob + end_log_prob) / (len(segment.tokens) + 1), segment))
    scored.sort(key=lambda item: item[0], reverse=True)
    return scored


class _LengthPlan:
    """Paragraph budgets that steer the body towards the target length as it is written."""

    def __init__(self, spec: DraftSpec, n_headings: int) -> None:
        language = spec.language
        self.unit = "words" if language == "en" else "nonspace"
        self.target = spec.target_length
        paragraph_unit = PARAGRAPH_UNITS[language]
        # The shortest paragraph worth writing. Short targets allow shorter ones.
        self.smallest_paragraph = max(5 if language == "en" else 20, min(paragraph_unit // 5, self.target // 8))
        intro_units = max(
            min(paragraph_unit // 3, self.target // 4), min(paragraph_unit, round(self.target * 0.15))
        )
        section_units = (self.target - intro_units) / max(1, n_headings)
        self.paragraphs_per_section = max(1, round(section_units / paragraph_unit))
        self.paragraphs_left = 1 + n_headings * self.paragraphs_per_section
        self.headings_left = n_headings
        self.heading_estimate = 14 if language == "ja" else 5
        self.used_units = 0

    def paragraph_rules(self, required: list[str]) -> _SegmentRules:
        """Return the rules of the next paragraph, sized from what is left of the target."""
        remaining = self.target - self.used_units - self.headings_left * self.heading_estimate
        budget = max(self.smallest_paragraph, round(remaining / max(1, self.paragraphs_left)))
        return _SegmentRules(
            kind="paragraph",
            required=required,
            unit=self.unit,
            min_units=max(1, round(budget * 0.6)),
            target_units=budget,
            max_units=max(budget + 2, round(budget * 1.35)),
            sentence_end=True,
        )

    def record_paragraph(self, text: str) -> None:
        """Count a written paragraph."""
        self.used_units += _measure(text, self.unit)
        self.paragraphs_left -= 1

    def record_heading(self, text: str) -> None:
        """Count a written heading."""
        self.used_units += _measure(text, self.unit)
        self.headings_left -= 1


def _write_body(writer: _DraftWriter, spec: DraftSpec, state: Any) -> list[DraftSection]:
    """Generate the introduction (every keyword), one section per outline keyword and a summary.

    The summary section closes drafts with room for at least two sections.
    """
    tokenizer = writer.tokenizer
    language = spec.language
    headings_keywords = _outline_keywords(spec)
    with_summary = _max_sections(spec) >= 2
    plan = _LengthPlan(spec, len(headings_keywords) + int(with_summary))
    history: list[int] = []
    no_repeat = NoRepeatIndex(spec.decoding.no_repeat_ngram_size)

    def next_segment(state: Any, symbol_id: int, rules: _SegmentRules) -> _Segment:
        writer.symbol_log_prob(state, symbol_id)
        segment = writer.write_segment(writer.scorer.advance(state, [symbol_id]), rules, no_repeat, history)
        writer.account(segment)
        return segment

    intro = next_segment(state, tokenizer.paragraph_id, plan.paragraph_rules(list(spec.keywords)))
    plan.record_paragraph(intro.text)
    sections = [DraftSection(heading="", paragraphs=[intro.text])]
    state = intro.state

    heading_max = HEADING_MAX_CHARACTERS[language]
    for section_index, heading_keyword in enumerate(headings_keywords):
        required = [heading_keyword]
        # The first headings also carry the requested keywords, one each, when both fit,
        # so that the outline shows what the article is about.
        if section_index < len(spec.keywords):
            keyword = spec.keywords[section_index]
            if (
                keyword.lower() not in heading_keyword.lower()
                and len(heading_keyword) + len(keyword) + 4 <= heading_max
            ):
                required.append(keyword)
        heading_rules = _SegmentRules(
            kind="heading",
            required=required,
            forced_prefix=heading_keyword,
            unit="chars",
            min_units=min(heading_max - 2, len(heading_keyword) + (2 if language == "ja" else 8)),
            target_units=max(len(heading_keyword) + 4, 14 if language == "ja" else 40),
            max_units=heading_max,
            hard_max_characters=heading_max,
            ban_period=True,
        )
        heading = next_segment(state, tokenizer.heading_id, heading_rules)
        plan.record_heading(heading.text)
        state = heading.state
        section = DraftSection(heading=heading.text, paragraphs=[])
        for index in range(plan.paragraphs_per_section):
            required = [heading_keyword] if index == 0 else []
            paragraph = next_segment(state, tokenizer.paragraph_id, plan.paragraph_rules(required))
            plan.record_paragraph(paragraph.text)
            section.paragraphs.append(paragraph.text)
            state = paragraph.state
        sections.append(section)
    if with_summary:
        sections.append(_write_summary(writer, spec, state, plan, next_segment))
    return sections


def _write_summary(
    writer: _DraftWriter,
    spec: DraftSpec,
    state: Any,
    plan: _LengthPlan,
    next_segment: Callable[[Any, int, _SegmentRules], _Segment],
) -> DraftSection:
    """Write the closing section: a fixed heading and paragraphs that repeat the first keyword."""
    heading_text = SUMMARY_HEADINGS[spec.language]
    heading_ids = writer.tokenizer.encode(heading_text)
    writer.symbol_log_prob(state, writer.tokenizer.heading_id)
    state = writer.scorer.advance(state, [writer.tokenizer.heading_id, *heading_ids])
    plan.record_heading(heading_text)
    section = DraftSection(heading=heading_text, paragraphs=[])
    for index in range(plan.paragraphs_per_section):
        required = [spec.keywords[0]] if index == 0 else []
        paragraph = next_segment(state, writer.tokenizer.paragraph_id, plan.paragraph_rules(required))
        plan.record_paragraph(paragraph.text)
        section.paragraphs.append(paragraph.text)
        state = paragraph.state
    return section


def _write_meta_descriptions(
    writer: _DraftWriter, spec: DraftSpec, title_state: Any
) -> list[tuple[float, _Segment]]:
    """Generate meta descriptions with the first keyword, each a fresh paragraph after the title.

    Returns distinct candidates with their scores, best mean log-likelihood first.
    """
    meta_min, meta_max = META_DESCRIPTION_RANGE[spec.language]
    meta_rules = _SegmentRules(
        kind="meta",
        required=[spec.keywords[0]],
        unit="chars",
        min_units=meta_min,
        target_units=(meta_min + meta_max) // 2 + (5 if spec.language == "en" else 0),
        max_units=meta_max,
        hard_max_characters=meta_max,
        sentence_end=True,
    )
    state = writer.scorer.advance(title_state, [writer.tokenizer.paragraph_id])
    return _write_distinct(writer, state, meta_rules, spec.meta_description_candidates)


def _outline_keywords(spec: DraftSpec) -> list[str]:
    """Return the keyword of each H2 heading: the related keywords, else the requested ones in turn."""
    unit = SECTION_UNITS[spec.language]
    max_sections = _max_sections(spec)
    # The summary section takes one of the sections when there is room for two.
    max_outline = min(MAX_KEYWORD_HEADINGS, max_sections - 1) if max_sections >= 2 else 1
    if spec.related_keywords:
        return spec.related_keywords[:max_outline]
    count = min(max_outline, max(2, min(6, round(spec.target_length / unit))))
    return [spec.keywords[index % len(spec.keywords)] for index in range(count)]


def _max_sections(spec: DraftSpec) -> int:
    """Return how many headed sections the target length has room for."""
    smallest_section = PARAGRAPH_UNITS[spec.language] * 3 // 4
    return max(1, spec.target_length // smallest_section)


def check_draft(draft: GeneratedDraft, spec: DraftSpec) -> list[str]:
    """Return the constraint violations of ``draft`` against ``spec`` (empty when it is valid)."""
    problems: list[str] = []
    language = spec.language
    first = spec.keywords[0]

    if first not in draft.title:
        problems.append(f"title {draft.title!r} lacks the first keyword {first!r}")
    for candidate in draft.title_candidates:
        if len(candidate) > TITLE_MAX_CHARACTERS[language]:
            problems.append(f"title candidate {candidate!r} is longer than {TITLE_MAX_CHARACTERS[language]}")
    meta_min, meta_max = META_DESCRIPTION_RANGE[language]
    if not meta_min <= len(draft.meta_description) <= meta_max:
        problems.append(f"meta description has {len(draft.meta_description)} characters, not {meta_min}-{meta_max}")
    if first not in draft.meta_description:
        problems.append(f"meta description lacks the first keyword {first!r}")

    body = draft.body_markdown()
    intro = draft.sections[0].paragraphs[0] if draft.sections and draft.sections[0].paragraphs else ""
    for keyword in spec.keywords:
        if keyword not in body:
            problems.append(f"body lacks keyword {keyword!r}")
        if keyword not in intro:
            problems.append(f"first paragraph lacks keyword {keyword!r}")
    for section in draft.sections:
        if not section.paragraphs or not all(paragraph.strip() for paragraph in section.paragraphs):
            problems.append(f"section {section.heading!r} has an empty paragraph list or paragraph")

    for text in (draft.title, draft.meta_description, body):
        if "\ufffd" in text:
            problems.append("text contains U+FFFD")
        if not _balanced(text):
            problems.append(f"unbalanced brackets or quotes in {text[:40]!r}")
    if language == "ja":
        for section in draft.sections:
            for paragraph in section.paragraphs:
                if not paragraph.rstrip("」』）)】”\"]").endswith("。"):
                    problems.append(f"paragraph does not end with 。: {paragraph[-20:]!r}")
    length = body_length(draft, language)
    if not 0.75 * spec.target_length <= length <= 1.25 * spec.target_length:
        problems.append(f"body length {length} is not within 25% of {spec.target_length}")
    return problems


def _balanced(text: str) -> bool:
    stack: list[str] = []
    for char in text:
        if char in SELF_CLOSING_QUOTES:
            if stack and stack[-1] == char:
                stack.pop()
            else:
                stack.append(char)
        elif char in BRACKET_PAIRS:
            stack.append(BRACKET_PAIRS[char])
        elif char in CLOSING_BRACKETS:
            if not stack or stack[-1] != char:
                return False
            stack.pop()
    return not stack


__all__: Sequence[str] = [
    "DraftSection",
    "DraftSpec",
    "GeneratedDraft",
    "TextCandidate",
    "body_length",
    "check_draft",
    "generate_draft",
]
