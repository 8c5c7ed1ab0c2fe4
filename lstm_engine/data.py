"""Documents, the train/validation split and token streams for language-model training."""
from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import torch

from lstm_engine.tokenizer import DocumentTokenizer, normalize_text


@dataclass
class Block:
    """One heading or paragraph of a document body."""

    kind: Literal["heading", "paragraph"]
    text: str

    def __post_init__(self) -> None:
        if self.kind not in ("heading", "paragraph"):
            raise ValueError(f"Block.kind must be 'heading' or 'paragraph', got {self.kind!r}")


@dataclass
class Document:
    """A training article: title, body blocks and the keywords that precede it in the token stream."""

    title: str
    blocks: list[Block]
    # Given by the caller (usually extracted from the title and headings). Training puts
    # them before the title so that keywords requested at generation time steer the text.
    keywords: list[str] = field(default_factory=list)

    def fingerprint(self) -> str:
        """Return a SHA-256 hex digest of the normalized content."""
        digest = hashlib.sha256()
        for part in self.segments():
            digest.update(part.encode("utf-8"))
            digest.update(b"\x00")
        return digest.hexdigest()

    def segments(self) -> list[str]:
        """Return the normalized keyword, title and block texts, in stream order, with kind tags."""
        parts = [f"k:{normalize_text(keyword)}" for keyword in self.keywords]
        parts.append(f"t:{normalize_text(self.title)}")
        parts.extend(f"{block.kind[0]}:{normalize_text(block.text)}" for block in self.blocks)
        return parts

    def texts(self) -> list[str]:
        """Return the non-empty normalized texts for tokenizer training."""
        texts = [normalize_text(keyword) for keyword in self.keywords]
        texts.append(normalize_text(self.title))
        texts.extend(normalize_text(block.text) for block in self.blocks)
        return [text for text in texts if text]

    def character_count(self) -> int:
        """Return the number of characters of the normalized texts."""
        return sum(len(text) for text in self.texts())


def split_documents(
    documents: Sequence[Document], validation_fraction: float, seed: int
) -> tuple[list[Document], list[Document]]:
    """Split documents into training and validation sets.

    The split depends only on each document's content and ``seed``, not on the order of
    ``documents``, and both returned lists are in a canonical order.
    """
    if len(documents) < 2:
        raise ValueError(
            f"documents must contain at least 2 documents to hold one out for validation, got {len(documents)}"
        )
    keyed = sorted(
        documents,
        key=lambda document: hashlib.sha256(f"{seed}:{document.fingerprint()}".encode()).hexdigest(),
    )
    n_validation = min(len(documents) - 1, max(1, round(len(documents) * validation_fraction)))
    return keyed[n_validation:], keyed[:n_validation]


def encode_document(tokenizer: DocumentTokenizer, document: Document) -> tuple[list[int], int]:
    """Encode one document as ``<|kw|> k1 <|sep|> k2 <|title|> title <|h|> ... <|p|> ... <|end|>``.

    Returns the ids and the number of characters they cover, counting each structure
    symbol as one character.
    """
    ids: list[int] = [tokenizer.keywords_id]
    characters = 1
    for index, keyword in enumerate(document.keywords):
        text = normalize_text(keyword)
        if not text:
            continue
        if index > 0:
            ids.append(tokenizer.keyword_separator_id)
            characters += 1
        ids.extend(tokenizer.encode(text))
        characters += len(text)
    ids.append(tokenizer.title_id)
    title = normalize_text(document.title)
    ids.extend(tokenizer.encode(title))
    characters += 1 + len(title)
    for block in document.blocks:
        text = normalize_text(block.text)
        if not text:
            continue
        ids.append(tokenizer.heading_id if block.kind == "heading" else tokenizer.paragraph_id)
        ids.extend(tokenizer.encode(text))
        characters += 1 + len(text)
    ids.append(tokenizer.end_id)
    characters += 1
    return ids, characters


@dataclass
class EncodedCorpus:
    """Token ids of each document, in canonical order, and the characters they cover."""

    documents: list[np.ndarray]
    characters: int
    # Leading symbol so that the first document is preceded by an end of document like
    # every other one. Generation starts from the same symbol.
    start_id: int

    @property
    def n_tokens(self) -> int:
        """Number of tokens over all documents."""
        return int(sum(len(ids) for ids in self.documents))

    def stream(self, order: Sequence[int] | None = None) -> np.ndarray:
        """Return ``start_id`` followed by the documents concatenated in ``order``."""
        indices = range(len(self.documents)) if order is None else order
        parts = [np.array([self.start_id], dtype=np.int64)]
        parts.extend(self.documents[i] for i in indices)
        return np.concatenate(parts)


def encode_corpus(tokenizer: DocumentTokenizer, documents: Sequence[Document]) -> EncodedCorpus:
    """Encode ``documents`` into an :class:`EncodedCorpus`."""
    encoded: list[np.ndarray] = []
    characters = 0
    for document in documents:
        ids, count = encode_document(tokenizer, document)
        encoded.append(np.asarray(ids, dtype=np.int64))
        characters += count
    return EncodedCorpus(documents=encoded, characters=characters, start_id=tokenizer.end_id)


def epoch_order(n_documents: int, seed: int, epoch: int) -> np.ndarray:
    """Return the document order of ``epoch``, a pure function of seed and epoch so resumed runs match."""
    generator = np.random.default_rng([seed, epoch])
    return generator.permutation(n_documents)


def effective_batch_size(n_tokens: int, batch_size: int, min_column_tokens: int = 16) -> int:
    """Shrink ``batch_size`` so that every column of a tiny stream still has ``min_column_tokens`` tokens."""
    return max(1, min(batch_size, n_tokens // min_column_tokens))


def batchify(stream: np.ndarray, batch_size: int) -> torch.Tensor:
    """Cut ``stream`` into ``batch_size`` contiguous columns.

    Returns
    -------
    torch.Tensor
        (B, L) ids; the last ``len(stream) % batch_size`` tokens are dropped.
    """
    length = len(stream) // batch_size
    if length < 2:
        raise ValueError(
            f"stream of {len(stream)} tokens is too short for batch_size={batch_size}; "
            "add documents or lower batch_size"
        )
    return torch.from_numpy(stream[: length * batch_size].copy()).view(batch_size, length)


def windows_per_epoch(columns: torch.Tensor, bptt: int) -> int:
    """Return the number of BPTT windows that cover ``columns`` of shape (B, L)."""
    return (columns.shape[1] - 1 + bptt - 1) // bptt


def window(columns: torch.Tensor, index: int, bptt: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Return inputs and targets of window ``index``, each (B, T) with T <= bptt."""
    start = index * bptt
    length = min(bptt, columns.shape[1] - 1 - start)
    return columns[:, start : start + length], columns[:, start + 1 : start + 1 + length]


def iterate_windows(columns: torch.Tensor, bptt: int) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """Yield every (inputs, targets) window of ``columns`` in order."""
    for index in range(windows_per_epoch(columns, bptt)):
        yield window(columns, index, bptt)
