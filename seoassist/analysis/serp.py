"""Preview of a search result snippet, measured in pixels as a result page lays it out.

Latin glyphs use Arial's advance widths (from a metric-compatible font, see
glyph_widths.py). Full-width glyphs (East Asian width W or F: kana, kanji,
full-width forms) are 1 em wide, as in the Japanese fonts result pages use.
Other glyphs the table lacks count as the average lowercase Latin width.
"""
from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from seoassist.analysis.glyph_widths import ADVANCES, UNITS_PER_EM
from seoassist.analysis.thresholds import (
    SERP_DESCRIPTION_FONT_PX,
    SERP_DESCRIPTION_LINE_PX,
    SERP_DESCRIPTION_LINES,
    SERP_TITLE_FONT_PX,
    SERP_TITLE_MAX_PX,
)

ELLIPSIS = "..."
_FALLBACK_ADVANCE = sum(ADVANCES[code] for code in range(0x61, 0x7B)) / 26


def char_width(char: str, font_px: float) -> float:
    """Return the advance width of one character in pixels at `font_px`."""
    code = ord(char)
    if code in ADVANCES:
        return ADVANCES[code] * font_px / UNITS_PER_EM
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return float(font_px)
    if unicodedata.category(char)[0] in "MC":
        return 0.0
    return _FALLBACK_ADVANCE * font_px / UNITS_PER_EM


def text_width(text: str, font_px: float) -> float:
    return sum(char_width(char, font_px) for char in text)


def truncate(text: str, max_px: float, font_px: float, *, at_words: bool) -> tuple[str, bool]:
    """Cut `text` so that it and an ellipsis fit in `max_px`; return it and whether it was cut.

    With `at_words`, the cut moves back to the last space, as result pages do for
    space-separated languages.
    """
    if text_width(text, font_px) <= max_px:
        return text, False
    budget = max_px - text_width(ELLIPSIS, font_px)
    used = 0.0
    cut = 0
    for index, char in enumerate(text):
        used += char_width(char, font_px)
        if used > budget:
            break
        cut = index + 1
    visible = text[:cut]
    if at_words and " " in visible.strip():
        visible = visible[: visible.rstrip().rfind(" ")]
    return visible.rstrip(" ,.;:、。") + ELLIPSIS, True


def display_url(url: str) -> str:
    """Return the URL as a result page shows it: host, then path parts joined by ›."""
    try:
        parts = urlsplit(url if "//" in url else f"https://{url}")
    except ValueError:  # a malformed host, such as an unclosed IPv6 bracket
        return url
    crumbs = [part for part in parts.path.split("/") if part]
    return " › ".join([parts.hostname or "", *crumbs]).strip(" ›")


def serp_preview(title: str, url: str, description: str, language: str) -> dict:
    """Lay out a result snippet: pixel widths, truncated title and description, display URL."""
    at_words = language != "ja"
    title = " ".join((title or "").split())
    description = " ".join((description or "").split())
    description_max_px = SERP_DESCRIPTION_LINE_PX * SERP_DESCRIPTION_LINES
    shown_title, title_cut = truncate(
        title, SERP_TITLE_MAX_PX, SERP_TITLE_FONT_PX, at_words=at_words
    )
    shown_description, description_cut = truncate(
        description, description_max_px, SERP_DESCRIPTION_FONT_PX, at_words=at_words
    )
    return {
        "title": shown_title,
        "title_px": round(text_width(title, SERP_TITLE_FONT_PX)),
        "title_max_px": SERP_TITLE_MAX_PX,
        "title_truncated": title_cut,
        "url": display_url(url) if url else "",
        "description": shown_description,
        "description_px": round(text_width(description, SERP_DESCRIPTION_FONT_PX)),
        "description_max_px": description_max_px,
        "description_truncated": description_cut,
    }
