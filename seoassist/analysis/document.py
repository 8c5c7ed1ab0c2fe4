"""Structure of a Markdown body with every part located by character offsets into it.

The parser masks Markdown syntax, code, HTML tags and URLs with spaces in a copy
of the body of the same length, so every position in the masked text is the same
position in the body. Counting and matching run on the masked text, and the
spans they report can highlight the body as the editor typed it.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

_FENCE_RE = re.compile(r"^(```|~~~)[^\n]*\n.*?(^\1[^\n]*$|\Z)", re.MULTILINE | re.DOTALL)
_IMAGE_RE = re.compile(r"!\[([^\]\n]*)\]\(\s*([^)\s]*)(?:\s+[\"'][^\"'\n]*[\"'])?\s*\)")
_HTML_IMAGE_RE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_HTML_ALT_RE = re.compile(r"\balt\s*=\s*(\"[^\"]*\"|'[^']*')", re.IGNORECASE)
_LINK_RE = re.compile(r"\[([^\]\n]+)\]\(\s*([^)\s]+)(?:\s+[\"'][^\"'\n]*[\"'])?\s*\)")
_HTML_LINK_RE = re.compile(
    r"<a\b[^>]*\bhref\s*=\s*(\"[^\"]*\"|'[^']*')[^>]*>(.*?)</a\s*>", re.IGNORECASE | re.DOTALL
)
_AUTOLINK_RE = re.compile(r"<(https?://[^>\s]+)>")
_HTML_TAG_RE = re.compile(r"</?[a-zA-Z][^>\n]*>|<!--.*?-->", re.DOTALL)
_BARE_URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"'「」『』（）()、。]+", re.IGNORECASE)
_INLINE_CODE_RE = re.compile(r"`[^`\n]*`")
_HEADING_RE = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$", re.MULTILINE)
_LIST_MARK_RE = re.compile(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+", re.MULTILINE)
_QUOTE_MARK_RE = re.compile(r"^[ \t]*(?:>[ \t]?)+", re.MULTILINE)
_EMPHASIS_RE = re.compile(r"(\*{1,3}|_{1,3}|~~)(?=\S)|(?<=\S)(\*{1,3}|_{1,3}|~~)")
_RULE_RE = re.compile(r"^[ \t]*([-*_])([ \t]*\1){2,}[ \t]*$", re.MULTILINE)
_TABLE_RULE_RE = re.compile(r"^[ \t|:-]+$", re.MULTILINE)

# Sentence ends: Japanese full stops, question and exclamation marks, and Latin
# ones followed by whitespace. Closing quotes after the mark stay in the sentence.
_SENTENCE_END_RE = re.compile(r"[。．！？!?]+[」』）)\"”’]*|\.+[\"”’)]*(?=\s|$)")


@dataclass(frozen=True)
class Span:
    start: int
    end: int

    def text(self, source: str) -> str:
        return source[self.start : self.end]


@dataclass(frozen=True)
class Heading(Span):
    level: int


@dataclass(frozen=True)
class Image(Span):
    alt: str
    url: str


@dataclass(frozen=True)
class Link(Span):
    url: str


@dataclass
class Document:
    """The parts of a Markdown body; `masked` is the body with its syntax blanked out."""

    body: str
    masked: str
    headings: list[Heading] = field(default_factory=list)
    paragraphs: list[Span] = field(default_factory=list)
    sentences: list[Span] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)

    def text_of(self, span: Span) -> str:
        return self.masked[span.start : span.end]

    def sections(self) -> list[Span]:
        """Return the stretches of text before, between and after the subheadings (H2 to H6)."""
        cuts = [heading for heading in self.headings if heading.level >= 2]
        sections: list[Span] = []
        start = 0
        for heading in cuts:
            sections.append(Span(start, heading.start))
            start = heading.end
        sections.append(Span(start, len(self.masked)))
        return sections


def _blank(chars: list[str], start: int, end: int) -> None:
    for index in range(start, end):
        if chars[index] != "\n":
            chars[index] = " "


def _unquote(value: str) -> str:
    return value[1:-1] if len(value) >= 2 and value[0] in "\"'" else value


def parse_markdown(body: str) -> Document:
    """Locate headings, paragraphs, sentences, images and links in a Markdown body."""
    chars = list(body)
    document = Document(body=body, masked="")

    for match in _FENCE_RE.finditer(body):
        _blank(chars, match.start(), match.end())
    for match in _INLINE_CODE_RE.finditer(body):
        _blank(chars, match.start(), match.end())
    code_free = "".join(chars)

    for match in _IMAGE_RE.finditer(code_free):
        document.images.append(Image(match.start(), match.end(), match.group(1), match.group(2)))
        _blank(chars, match.start(), match.end())
    for match in _HTML_IMAGE_RE.finditer(code_free):
        alt = _HTML_ALT_RE.search(match.group())
        document.images.append(
            Image(match.start(), match.end(), _unquote(alt.group(1)) if alt else "", "")
        )
        _blank(chars, match.start(), match.end())
    without_images = "".join(chars)

    for match in _LINK_RE.finditer(without_images):
        document.links.append(Link(match.start(), match.end(), match.group(2)))
        # Keep the link text, blank the brackets and the target.
        _blank(chars, match.start(), match.start(1))
        _blank(chars, match.end(1), match.end())
    for match in _HTML_LINK_RE.finditer(without_images):
        document.links.append(Link(match.start(), match.end(), _unquote(match.group(1))))
    for match in _AUTOLINK_RE.finditer(without_images):
        document.links.append(Link(match.start(), match.end(), match.group(1)))
        _blank(chars, match.start(), match.end())
    document.links.sort(key=lambda link: link.start)

    current = "".join(chars)
    for match in _HTML_TAG_RE.finditer(current):
        _blank(chars, match.start(), match.end())
    current = "".join(chars)
    for match in _BARE_URL_RE.finditer(current):
        _blank(chars, match.start(), match.end())

    current = "".join(chars)
    heading_lines: list[tuple[int, int, int]] = []
    for match in _HEADING_RE.finditer(current):
        heading_lines.append((match.start(), match.end(), len(match.group(1))))
        _blank(chars, match.start(), match.start(2))
        _blank(chars, match.end(2), match.end())
    for pattern in (_RULE_RE, _LIST_MARK_RE, _QUOTE_MARK_RE, _TABLE_RULE_RE):
        for match in pattern.finditer("".join(chars)):
            _blank(chars, match.start(), match.end())
    current = "".join(chars)
    for match in _EMPHASIS_RE.finditer(current):
        _blank(chars, match.start(), match.end())
    for index, char in enumerate(chars):
        if char in "|":
            chars[index] = " "

    document.masked = "".join(chars)
    for start, end, level in heading_lines:
        document.headings.append(Heading(*_trim(document.masked, start, end), level=level))
    _split_blocks(document, {start for start, _end, _level in heading_lines})
    return document


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _split_blocks(document: Document, heading_starts: set[int]) -> None:
    """Cut the masked body into paragraphs at blank lines and headings, then into sentences."""
    body = document.body
    masked = document.masked
    block_start: int | None = None
    position = 0
    list_item_starts: set[int] = {match.start() for match in _LIST_MARK_RE.finditer(body)}
    line_starts: list[int] = []

    def close(end: int) -> None:
        nonlocal block_start
        if block_start is not None:
            start, stop = _trim(masked, block_start, end)
            if start < stop:
                paragraph = Span(start, stop)
                document.paragraphs.append(paragraph)
                breaks = [line for line in line_starts if line in list_item_starts]
                document.sentences.extend(_split_sentences(masked, paragraph, breaks))
        block_start = None
        line_starts.clear()

    for line in body.splitlines(keepends=True):
        line_end = position + len(line)
        if position in heading_starts:
            close(position)
        elif not masked[position:line_end].strip():
            close(position)
        else:
            if block_start is None:
                block_start = position
            line_starts.append(position)
        position = line_end
    close(len(body))


def _split_sentences(masked: str, paragraph: Span, breaks: list[int]) -> list[Span]:
    sentences: list[Span] = []
    cuts = sorted(
        {match.end() for match in _SENTENCE_END_RE.finditer(masked, paragraph.start, paragraph.end)}
        | {position for position in breaks if paragraph.start < position < paragraph.end}
    )
    start = paragraph.start
    for cut in [*cuts, paragraph.end]:
        cut = min(cut, paragraph.end)
        trimmed = _trim(masked, start, cut)
        if trimmed[0] < trimmed[1] and _has_letters(masked[trimmed[0] : trimmed[1]]):
            sentences.append(Span(*trimmed))
        start = max(start, cut)
    return sentences


def _has_letters(text: str) -> bool:
    return any(char.isalnum() for char in text)


def is_counted_char(char: str) -> bool:
    """Return whether a character counts towards a Japanese length (letters, digits, marks)."""
    category = unicodedata.category(char)
    return category[0] in "LNM"


def count_characters(text: str) -> int:
    """Count characters without whitespace, punctuation and symbols."""
    return sum(1 for char in text if is_counted_char(char))
