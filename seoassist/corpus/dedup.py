"""Duplicate detection for articles: normalised URLs and SimHash fingerprints of the text."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np

SHINGLE_SIZE = 5  # characters; works for Japanese and English alike
MIN_FINGERPRINT_CHARS = 80  # shorter texts share too many shingles by chance
# Of 64 bits. On livedoor news articles, adding one sentence changes up to 5
# bits, while unrelated articles differ in about 32 and in no pair under 17.
NEAR_DUPLICATE_BITS = 6
# With at most 6 differing bits, at least one of 7 bands is equal (pigeonhole).
_BAND_WIDTHS = (10, 9, 9, 9, 9, 9, 9)
_TRACKING_PARAMS = re.compile(r"^(?:utm_\w+|fbclid|gclid|yclid|mc_cid|mc_eid)$", re.IGNORECASE)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def url_key(url: str) -> str:
    """Return `url` in a form where addresses of the same page compare equal.

    The scheme and host are lowercased, default ports, fragments, tracking
    parameters and a trailing slash are dropped.
    """
    url = url.strip()
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        # An invalid address (unclosed "[", a port that is not a number) is
        # compared as written, so it matches only itself.
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    netloc = host
    if port and port != _DEFAULT_PORTS.get(scheme):
        netloc = f"{host}:{port}"
    path = parts.path or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    query = urlencode(
        [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True)
         if not _TRACKING_PARAMS.match(key)]
    )
    return urlunsplit((scheme, netloc, path, query, ""))


def _normalised(text: str) -> str:
    """Return the letters and digits of `text`, NFKC-normalised and case-folded.

    Punctuation, symbols and spaces are dropped, so that separator lines such
    as "-----" or "■■■" cannot make unrelated texts look alike.
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(re.findall(r"[^\W_]+", text))


def simhash(text: str) -> int | None:
    """Return the signed 64-bit SimHash of the text's character shingles, or None when too short."""
    normalised = _normalised(text)
    if len(normalised) < MIN_FINGERPRINT_CHARS:
        return None
    # Each distinct shingle counts once, so a repeated phrase cannot outweigh the rest.
    shingles = {
        normalised[index:index + SHINGLE_SIZE]
        for index in range(len(normalised) - SHINGLE_SIZE + 1)
    }
    digests = b"".join(
        hashlib.blake2b(shingle.encode(), digest_size=8).digest() for shingle in shingles
    )
    # One row of 64 bits per shingle, most significant bit first.
    bits = np.unpackbits(np.frombuffer(digests, dtype=np.uint8)).reshape(len(shingles), 64)
    weights = (bits.astype(np.int64) * 2 - 1).sum(axis=0)
    unsigned = int("".join("1" if weight > 0 else "0" for weight in weights), 2)
    return unsigned - (1 << 64) if unsigned >= 1 << 63 else unsigned


def hamming(first: int, second: int) -> int:
    return ((first ^ second) & ((1 << 64) - 1)).bit_count()


class NearDuplicateIndex:
    """Finds stored fingerprints within NEAR_DUPLICATE_BITS of a new one."""

    def __init__(self) -> None:
        self._bands: list[dict[int, list[tuple[int, int]]]] = [{} for _ in _BAND_WIDTHS]

    @staticmethod
    def _band_keys(fingerprint: int) -> list[int]:
        unsigned = fingerprint & ((1 << 64) - 1)
        keys = []
        for width in _BAND_WIDTHS:
            keys.append(unsigned & ((1 << width) - 1))
            unsigned >>= width
        return keys

    def add(self, fingerprint: int, article_id: int) -> None:
        for band, key in enumerate(self._band_keys(fingerprint)):
            self._bands[band].setdefault(key, []).append((fingerprint, article_id))

    def find(self, fingerprint: int) -> int | None:
        """Return the id of a stored article whose fingerprint is near, or None."""
        for band, key in enumerate(self._band_keys(fingerprint)):
            for other, article_id in self._bands[band].get(key, ()):
                if hamming(fingerprint, other) <= NEAR_DUPLICATE_BITS:
                    return article_id
        return None
