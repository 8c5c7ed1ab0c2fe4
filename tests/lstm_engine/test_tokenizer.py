"""Tests for the SentencePiece tokenizer and document encoding."""
from __future__ import annotations

import pytest

from lstm_engine.data import Block, Document, encode_document
from lstm_engine.tokenizer import (
    END_SYMBOL,
    TITLE_SYMBOL,
    DocumentTokenizer,
    normalize_text,
    train_tokenizer,
)


@pytest.fixture(scope="module")
def tokenizer(japanese_documents: list[Document], english_documents: list[Document]) -> DocumentTokenizer:
    texts = [text for document in japanese_documents + english_documents for text in document.texts()]
    return train_tokenizer(texts, vocab_size=800)


class TokenizerTests:
    def test_japanese_text_round_trips(self, tokenizer: DocumentTokenizer) -> None:
        text = "自宅でコーヒーを淹れるときは、お湯の温度が大切です。「浅煎り」と（深煎り）！"
        assert tokenizer.decode(tokenizer.encode(text)) == text

    def test_english_text_round_trips(self, tokenizer: DocumentTokenizer) -> None:
        text = 'Brew coffee at 90 degrees, then "bloom" the grounds (30 seconds).'
        assert tokenizer.decode(tokenizer.encode(text)) == text

    def test_rare_characters_use_byte_fallback(self, tokenizer: DocumentTokenizer) -> None:
        text = "絵文字😀と旧字體の髙橋さん、Ωmega ✓"
        ids = tokenizer.encode(text)
        assert any(tokenizer.is_byte(piece_id) for piece_id in ids)
        assert tokenizer.decode(ids) == text
        assert "\ufffd" not in tokenizer.decode(ids)

    def test_unknown_piece_never_produced(self, tokenizer: DocumentTokenizer) -> None:
        ids = tokenizer.encode("𠮷野家と𩸽の定食 🍣🍵")
        assert tokenizer.processor.unk_id() not in ids

    def test_structure_symbols_are_single_pieces(self, tokenizer: DocumentTokenizer) -> None:
        assert tokenizer.processor.id_to_piece(tokenizer.title_id) == TITLE_SYMBOL
        assert tokenizer.processor.id_to_piece(tokenizer.end_id) == END_SYMBOL
        assert len(tokenizer.structure_ids) == 6

    def test_normalize_removes_symbols_and_whitespace(self) -> None:
        assert normalize_text(f"  a{TITLE_SYMBOL}b \n\n c\u3000d ") == "a b c d"

    def test_document_encoding_layout(self, tokenizer: DocumentTokenizer) -> None:
        document = Document(
            title="コーヒーの淹れ方",
            keywords=["コーヒー", "淹れ方"],
            blocks=[Block("heading", "豆の選び方"), Block("paragraph", "豆は新しいものを選びます。")],
        )
        ids, characters = encode_document(tokenizer, document)
        assert ids[0] == tokenizer.keywords_id
        assert ids.count(tokenizer.keyword_separator_id) == 1
        assert ids.count(tokenizer.title_id) == 1
        assert ids.count(tokenizer.heading_id) == 1
        assert ids.count(tokenizer.paragraph_id) == 1
        assert ids[-1] == tokenizer.end_id
        assert tokenizer.decode(ids) == "コーヒー淹れ方コーヒーの淹れ方豆の選び方豆は新しいものを選びます。"
        assert characters == len("コーヒー淹れ方コーヒーの淹れ方豆の選び方豆は新しいものを選びます。") + 6

    def test_save_and_load_preserve_ids(self, tokenizer: DocumentTokenizer, tmp_path) -> None:
        path = tmp_path / "tokenizer.model"
        tokenizer.save(path)
        loaded = DocumentTokenizer.load(path)
        text = "Search engine optimization と検索。"
        assert loaded.encode(text) == tokenizer.encode(text)
        assert loaded.vocab_size == tokenizer.vocab_size

    def test_empty_training_input_rejected(self) -> None:
        with pytest.raises(ValueError, match="texts is empty"):
            train_tokenizer(["", ""], vocab_size=100)


class LivedoorTokenizerTests:
    def test_unseen_articles_round_trip(self, livedoor_documents: list[Document]) -> None:
        texts = [text for document in livedoor_documents[::2] for text in document.texts()]
        tokenizer = train_tokenizer(texts, vocab_size=2000)
        for document in livedoor_documents[1::2]:
            for text in document.texts():
                ids = tokenizer.encode(text)
                assert tokenizer.decode(ids) == text
