"""Decoding of uploads without a declared encoding: UTF-8, UTF-16, Shift_JIS and EUC-JP."""
from __future__ import annotations

import codecs
import logging
import re

from django.utils.translation import gettext as _

from seoassist.core.exceptions import ImportFileError

logger = logging.getLogger(__name__)

# How many leading bytes of an HTML document are searched for a charset declaration.
_HTML_SNIFF_BYTES = 4096

_META_CHARSET_RE = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.IGNORECASE
)
_XML_DECLARATION_RE = re.compile(rb"""^<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.\-]+)""")

# Declared charsets that are decoded with a superset codec: Windows code pages
# extend Shift_JIS, and browsers decode ISO-8859-1 as windows-1252.
_CHARSET_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "big5": "big5hkscs",
    "euc-kr": "cp949",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "ms_kanji": "cp932",
    "windows-31j": "cp932",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "us-ascii": "utf-8",
    "ascii": "utf-8",
}

_JAPANESE_FALLBACKS = ("cp932", "euc_jp")


def _codec_of(name: str) -> str | None:
    """Return the Python codec for a declared charset name, or None when it is unknown."""
    name = name.strip().strip("\"'").lower()
    name = _CHARSET_SUPERSETS.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        logger.info("Ignoring the unknown charset %r", name)
        return None


def _declared_html_charset(data: bytes) -> str | None:
    """Return the codec named by an XML declaration or `<meta charset>` in the head of `data`."""
    head = data[:_HTML_SNIFF_BYTES]
    match = _XML_DECLARATION_RE.search(head) or _META_CHARSET_RE.search(head)
    if not match:
        return None
    return _codec_of(match.group(1).decode("ascii"))


def _looks_like_utf16(data: bytes) -> str | None:
    """Return "utf-16-le" or "utf-16-be" when `data` has the NUL pattern of BOM-less UTF-16 text."""
    sample = data[:2000]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nuls > half * 0.3 and even_nuls < half * 0.05:
        return "utf-16-le"
    if even_nuls > half * 0.3 and odd_nuls < half * 0.05:
        return "utf-16-be"
    return None


def _is_half_width_katakana(char: str) -> bool:
    return 0xFF61 <= ord(char) <= 0xFF9F


def _is_common_japanese(code: int) -> bool:
    return (
        0x3000 <= code <= 0x30FF  # Japanese punctuation, hiragana, katakana
        or 0x4E00 <= code <= 0x9FFF  # common kanji
        or 0xFF01 <= code <= 0xFF5E  # full-width ASCII forms
        or code in (0x00D7, 0x00F7, 0x2010, 0x2015, 0x2018, 0x2019, 0x201C, 0x201D)
        or 0x2190 <= code <= 0x21FF  # arrows
        or 0x2460 <= code <= 0x2473  # circled numbers (NEC special characters)
        or 0x25A0 <= code <= 0x26FF  # geometric shapes and symbols such as ■ and ★
    )


def _japanese_plausibility(text: str) -> float:
    """Return the share of non-ASCII characters that ordinary Japanese text contains.

    Shift_JIS and EUC-JP share byte ranges, so text in one often decodes without
    error in the other, and so do some Latin-1 bytes. The wrong decoding shows
    as rare symbols and as half-width katakana standing alone between ASCII
    characters. Half-width katakana next to other Japanese characters count as
    plausible, because real Shift_JIS text uses them in words like ﾃﾞｰﾀ.
    """
    non_ascii = 0
    plausible = 0
    for index, char in enumerate(text):
        code = ord(char)
        if code < 0x80:
            continue
        non_ascii += 1
        if _is_common_japanese(code):
            plausible += 1
        elif _is_half_width_katakana(char):
            neighbours = text[max(0, index - 1) : index] + text[index + 1 : index + 2]
            if any(
                _is_half_width_katakana(other) or _is_common_japanese(ord(other))
                for other in neighbours
            ):
                plausible += 1
    return 1.0 if non_ascii == 0 else plausible / non_ascii


def _try_decode(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_bytes(
    data: bytes, *, file_name: str, html: bool = False, declared_charset: str = ""
) -> str:
    """Decode an uploaded or fetched file's bytes without guessing into mojibake.

    The order is: a byte order mark (UTF-8, UTF-16 LE or BE), the charset of
    the HTTP Content-Type header (`declared_charset`), for HTML the charset
    declared in the document, BOM-less UTF-16, strict UTF-8, then Shift_JIS
    (as CP932) and EUC-JP, of which the one that reads as plausible Japanese
    wins. A declared charset that does not decode the bytes is passed over.

    Raises
    ------
    ImportFileError
        When no encoding decodes `data` cleanly.
    """
    if data.startswith(codecs.BOM_UTF8):
        text = _try_decode(data[len(codecs.BOM_UTF8) :], "utf-8")
        if text is not None:
            return text
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _try_decode(data, "utf-16")
        if text is not None:
            return text

    if declared_charset:
        codec = _codec_of(declared_charset)
        text = _try_decode(data, codec) if codec else None
        if text is not None:
            return text
        logger.info("%s: the header charset %s does not decode the file", file_name, declared_charset)

    if html:
        declared = _declared_html_charset(data)
        if declared is not None:
            text = _try_decode(data, declared)
            if text is not None:
                return text
            logger.info("%s: the declared charset %s does not decode the file", file_name, declared)

    # Checked before UTF-8 because ASCII text in UTF-16 is also valid UTF-8 (with NULs).
    utf16 = _looks_like_utf16(data)
    if utf16 is not None:
        text = _try_decode(data, utf16)
        if text is not None:
            return text

    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        first_bad_line = data.count(b"\n", 0, error.start) + 1

    best: tuple[float, str] | None = None
    for codec in _JAPANESE_FALLBACKS:
        text = _try_decode(data, codec)
        if text is None:
            continue
        score = _japanese_plausibility(text)
        if best is None or score > best[0]:
            best = (score, text)
    # NOTE: 0.8 is a judgment call: real Japanese text scores above 0.95, while
    # Latin-1 or EUC-JP bytes read as Shift_JIS score far below 0.5.
    if best is not None and best[0] >= 0.8:
        return best[1]

    raise ImportFileError(
        _(
            "%(file)s, line %(line)d: the text is not in a supported encoding (UTF-8, "
            "UTF-16, Shift_JIS or EUC-JP). Save the file as UTF-8 and upload it again."
        )
        % {"file": file_name, "line": first_bad_line},
        file_name=file_name,
        line=first_bad_line,
    )
