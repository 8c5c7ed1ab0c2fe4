"""SentencePiece tokenizer with structure symbols for keywords, titles, headings and paragraphs."""
from __future__ import annotations

import io
import logging
import os
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import sentencepiece as spm

logger = logging.getLogger(__name__)

TOKENIZER_FILENAME = "tokenizer.model"

# Structure symbols. Each is one user-defined piece and is inserted by id, never parsed
# from text, and normalize_text removes any literal occurrence from input text.
KEYWORDS_SYMBOL = "<|kw|>"
KEYWORD_SEPARATOR_SYMBOL = "<|sep|>"
TITLE_SYMBOL = "<|title|>"
HEADING_SYMBOL = "<|h|>"
PARAGRAPH_SYMBOL = "<|p|>"
END_SYMBOL = "<|end|>"
STRUCTURE_SYMBOLS = (
    KEYWORDS_SYMBOL,
    KEYWORD_SEPARATOR_SYMBOL,
    TITLE_SYMBOL,
    HEADING_SYMBOL,
    PARAGRAPH_SYMBOL,
    END_SYMBOL,
)

# SentencePiece replaces spaces with this meta symbol inside pieces.
SPACE_META = "\u2581"
# Bytes 0x00-0xFF and the unknown piece are always in the vocabulary with byte fallback.
RESERVED_PIECES = 256 + 1 + len(STRUCTURE_SYMBOLS)


def normalize_text(text: str) -> str:
    """Return ``text`` in NFC with structure symbols removed and whitespace runs collapsed to one space."""
    text = unicodedata.normalize("NFC", text)
    for symbol in STRUCTURE_SYMBOLS:
        text = text.replace(symbol, " ")
    return " ".join(text.split())


class DocumentTokenizer:
    """A trained SentencePiece unigram model plus the ids of the structure symbols."""

    def __init__(self, model_proto: bytes) -> None:
        self.model_proto = model_proto
        self.processor = spm.SentencePieceProcessor(model_proto=model_proto)
        self.vocab_size: int = self.processor.get_piece_size()
        self.keywords_id = self._symbol_id(KEYWORDS_SYMBOL)
        self.keyword_separator_id = self._symbol_id(KEYWORD_SEPARATOR_SYMBOL)
        self.title_id = self._symbol_id(TITLE_SYMBOL)
        self.heading_id = self._symbol_id(HEADING_SYMBOL)
        self.paragraph_id = self._symbol_id(PARAGRAPH_SYMBOL)
        self.end_id = self._symbol_id(END_SYMBOL)
        self.structure_ids = frozenset(self._symbol_id(symbol) for symbol in STRUCTURE_SYMBOLS)
        self._build_piece_tables()

    def _symbol_id(self, symbol: str) -> int:
        piece_id = self.processor.piece_to_id(symbol)
        if self.processor.id_to_piece(piece_id) != symbol:
            raise ValueError(f"tokenizer model has no structure symbol {symbol!r}; retrain it with train_tokenizer()")
        return piece_id

    def _build_piece_tables(self) -> None:
        size = self.vocab_size
        # byte_values[i] is the byte of a byte-fallback piece, or -1 for other pieces.
        self.byte_values = np.full(size, -1, dtype=np.int64)
        self.piece_texts: list[str] = []
        special: list[int] = []
        for piece_id in range(size):
            piece = self.processor.id_to_piece(piece_id)
            if self.processor.is_byte(piece_id):
                self.byte_values[piece_id] = int(piece[3:5], 16)
                self.piece_texts.append("")
            elif self.processor.is_unknown(piece_id) or self.processor.is_control(piece_id):
                special.append(piece_id)
                self.piece_texts.append("")
            elif piece_id in self.structure_ids:
                self.piece_texts.append("")
            else:
                self.piece_texts.append(piece.replace(SPACE_META, " "))
        self.special_ids = frozenset(special)

    @classmethod
    def load(cls, path: str | Path) -> DocumentTokenizer:
        """Load a tokenizer written by :meth:`save`."""
        return cls(Path(path).read_bytes())

    def save(self, path: str | Path) -> None:
        """Write the SentencePiece model file atomically."""
        path = Path(path)
        temporary = path.with_suffix(path.suffix + ".tmp")
        temporary.write_bytes(self.model_proto)
        os.replace(temporary, path)

    def encode(self, text: str) -> list[int]:
        """Encode normalized ``text`` to piece ids. Spaces in the text become part of the pieces."""
        if not text:
            return []
        return list(self.processor.encode(text))

    def decode(self, ids: Sequence[int]) -> str:
        """Decode ids to text, dropping structure symbols."""
        return self.processor.decode([int(i) for i in ids if int(i) not in self.structure_ids])

    def is_byte(self, piece_id: int) -> bool:
        """Return whether ``piece_id`` is a byte-fallback piece."""
        return bool(self.byte_values[piece_id] >= 0)


def train_tokenizer(
    texts: Iterable[str],
    vocab_size: int,
    *,
    num_threads: int | None = None,
) -> DocumentTokenizer:
    """Train a unigram SentencePiece tokenizer for Japanese and English text.

    Parameters
    ----------
    texts:
        Normalized text segments (keywords, titles, headings, paragraphs).
    vocab_size:
        Requested number of pieces. It is raised to fit every required character and
        may come out smaller on a tiny corpus, because the vocabulary limit is soft.
    num_threads:
        Trainer threads; defaults to the CPU count, at most 4.

    Returns
    -------
    DocumentTokenizer
        Tokenizer whose model keeps bytes for unseen characters (byte fallback).
    """
    segments = [text for text in texts if text]
    if not segments:
        raise ValueError("texts is empty; pass at least one non-empty text segment to train the tokenizer")
    distinct_characters = len({char for text in segments for char in text})
    # Unigram training fails when the request cannot even hold the required characters,
    # so the request grows with the character inventory of the corpus.
    requested = max(vocab_size, RESERVED_PIECES + distinct_characters + 16)
    threads = num_threads or min(4, os.cpu_count() or 1)
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(segments),
        model_writer=model,
        model_type="unigram",
        vocab_size=requested,
        hard_vocab_limit=False,
        character_coverage=0.9995,
        byte_fallback=True,
        user_defined_symbols=list(STRUCTURE_SYMBOLS),
        # Identity normalization keeps full-width Japanese punctuation as written, and
        # normalize_text already handles whitespace, so decode(encode(x)) == x.
        normalization_rule_name="identity",
        add_dummy_prefix=False,
        remove_extra_whitespaces=False,
        split_digits=True,
        max_sentence_length=1 << 16,
        input_sentence_size=2_000_000,
        shuffle_input_sentence=True,
        unk_id=0,
        bos_id=-1,
        eos_id=-1,
        pad_id=-1,
        num_threads=threads,
        minloglevel=2,
    )
    tokenizer = DocumentTokenizer(model.getvalue())
    logger.info(
        "trained tokenizer with %d pieces (requested %d) on %d segments",
        tokenizer.vocab_size,
        requested,
        len(segments),
    )
    return tokenizer
