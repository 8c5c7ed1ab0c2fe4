"""URL keys and SimHash fingerprints for duplicate detection."""
from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from seoassist.corpus.dedup import NEAR_DUPLICATE_BITS, NearDuplicateIndex, hamming, simhash, url_key


class UrlKeyTests:
    @pytest.mark.parametrize(
        ("first", "second"),
        [
            ("https://Example.com/a/", "https://example.com/a"),
            ("https://example.com:443/a", "https://example.com/a"),
            ("https://example.com/a#comments", "https://example.com/a"),
            ("https://example.com/a?utm_source=x&id=3", "https://example.com/a?id=3"),
        ],
    )
    def test_same_page_same_key(self, first, second):
        assert url_key(first) == url_key(second)

    def test_different_query_differs(self):
        assert url_key("https://example.com/a?id=3") != url_key("https://example.com/a?id=4")

    @pytest.mark.parametrize(
        "url", ["http://[::1", "https://example.com:65536/a", "https://example.com:abc/"]
    )
    def test_invalid_url_is_kept_as_written(self, url):
        assert url_key(f" {url} ") == url


class SimhashTests:
    def test_short_text_has_no_fingerprint(self):
        assert simhash("短い文です。") is None

    def test_livedoor_edits_are_near_and_others_far(self, test_data_dir: Path):
        files = sorted((test_data_dir / "livedoor-news").rglob("*.txt"))[:60]
        texts = [path.read_text(encoding="utf-8") for path in files]
        texts = [text for text in texts if len(text) > 500][:30]
        fingerprints = [simhash(text) for text in texts]
        for text, fingerprint in zip(texts, fingerprints):
            edited = text.replace("。", "。一文を足しました。", 1)
            assert hamming(fingerprint, simhash(edited)) <= NEAR_DUPLICATE_BITS
        distances = [hamming(a, b) for a, b in itertools.combinations(fingerprints, 2)]
        assert min(distances) > NEAR_DUPLICATE_BITS

    def test_index_finds_within_six_bits(self):
        index = NearDuplicateIndex()
        base = simhash("The quick brown fox jumps over the lazy dog. " * 5)
        index.add(base, 7)
        flipped = base ^ 0b1001 ^ (1 << 30) ^ (1 << 40) ^ (1 << 50) ^ (1 << 62)
        assert index.find(flipped) == 7
        assert index.find(base ^ 0b1111111) is None
