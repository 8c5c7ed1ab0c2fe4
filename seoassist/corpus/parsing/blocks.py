"""Conversion of HTML into ("heading" | "paragraph", text) blocks and their Markdown form."""
from __future__ import annotations

import re
from collections.abc import Iterable

from bs4 import BeautifulSoup, NavigableString, Tag

# Elements that never hold article text.
ALWAYS_DROPPED_TAGS = frozenset(
    ["script", "style", "noscript", "iframe", "svg", "template", "button", "select", "input",
     "textarea", "object", "embed", "canvas", "dialog", "link", "meta", "map", "audio",
     "video", "source", "track", "math", "label", "option"]
)

HEADING_TAGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])
# Headings kept as ("heading", text) blocks; <h5> and <h6> are run-in labels and
# become paragraphs, and an <h1> inside the content is kept unless it repeats the title.
SECTION_HEADING_TAGS = frozenset(["h1", "h2", "h3", "h4"])
BLOCK_TAGS = frozenset(
    ["address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt",
     "fieldset", "figcaption", "figure", "footer", "form", "header", "hgroup", "hr", "li",
     "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "thead", "tfoot", "tr",
     "td", "th", "ul", "center", "summary", "caption", "body", "html", "menu", *HEADING_TAGS]
)

SENTENCE_PUNCTUATION_RE = re.compile(r"[,、，。.!?！？;；]")
SENTENCE_END_RE = re.compile(r"[.!?。！？」』)）\"'”]$")
_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]")
_CJK_BREAK_RE = re.compile(
    r"(?<=[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff9f])\s*\n\s*"
    r"(?=[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff9f])"
)
# The ideographic space (U+3000) is left alone: Japanese text uses it on purpose.
_SPACE_RE = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200a\u202f\u205f]+")
_INVISIBLE_RE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")

# Minimum effective length (see `effective_length`) of a block that counts as a paragraph.
MIN_PARAGRAPH_LENGTH = 25


def render_markdown(blocks: Iterable[tuple[str, str]]) -> str:
    """Render blocks as "## heading" lines and paragraphs separated by one blank line."""
    parts: list[str] = []
    for kind, text in blocks:
        if kind == "heading":
            parts.append(f"## {text}")
        else:
            # A leading "#" would turn a paragraph into a heading.
            parts.append("\\" + text if text.startswith("#") else text)
    return "\n\n".join(parts)


def effective_length(text: str) -> int:
    """Return the length of `text` without whitespace, counting each kana or kanji twice.

    A Japanese character carries about as much as two Latin letters, so the same
    thresholds work for both languages.
    """
    compact = len(text) - sum(1 for char in text if char.isspace())
    return compact + len(_CJK_RE.findall(text))


def clean_text(text: str) -> str:
    """Collapse whitespace to single spaces, dropping line breaks between Japanese characters."""
    text = _INVISIBLE_RE.sub("", text)
    text = _CJK_BREAK_RE.sub("", text)
    text = text.replace("\n", " ")
    return _SPACE_RE.sub(" ", text).strip(" \u3000")


def node_text(node: Tag) -> str:
    """Return the cleaned text of an element."""
    return clean_text(node.get_text(" "))


def inline_text(node: Tag | NavigableString) -> str:
    """Return the text of an inline node with <br> as a line break."""
    if isinstance(node, NavigableString):
        return str(node)
    if node.name == "br":
        return "\n\n"
    return "".join(inline_text(child) for child in node.children)


def has_block_child(tag: Tag) -> bool:
    return any(isinstance(child, Tag) and child.name in BLOCK_TAGS for child in tag.descendants)


def split_paragraphs(raw: str) -> list[str]:
    """Split inline text at <br> breaks into cleaned paragraphs."""
    paragraphs = []
    for piece in raw.split("\n\n"):
        text = clean_text(piece)
        if text and any(char.isalnum() for char in text):
            paragraphs.append(text)
    return paragraphs


def _is_data_table(table: Tag) -> bool:
    if table.find("table") is not None:
        return False
    if table.find(["th", "caption"]) is not None:
        return True
    cells = table.find_all("td")
    if len(cells) < 2:
        return False
    if any(cell.find(["p", "div", "ul", "ol"]) for cell in cells):
        return False
    return sum(effective_length(node_text(cell)) for cell in cells) / len(cells) < 80


class BlockCollector:
    def __init__(self, title: str) -> None:
        self.blocks: list[tuple[str, str]] = []
        self.title_key = comparable_key(title)

    def add(self, kind: str, text: str) -> None:
        if not text:
            return
        if kind == "heading" and comparable_key(text) == self.title_key:
            return
        if kind == "heading" and self.blocks and self.blocks[-1] == (kind, text):
            return
        self.blocks.append((kind, text))

    def walk(self, node: Tag) -> None:
        buffer: list[str] = []

        def flush() -> None:
            for paragraph in split_paragraphs("".join(buffer)):
                self.add("paragraph", paragraph)
            buffer.clear()

        for child in node.children:
            if isinstance(child, NavigableString):
                buffer.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name
            if name == "br":
                buffer.append("\n\n")
            elif name in HEADING_TAGS:
                flush()
                kind = "heading" if name in SECTION_HEADING_TAGS else "paragraph"
                self.add(kind, clean_text(inline_text(child).replace("\n\n", " ")))
            elif name == "table":
                flush()
                self.table(child)
            elif name in BLOCK_TAGS:
                flush()
                if has_block_child(child):
                    self.walk(child)
                else:
                    for paragraph in split_paragraphs(inline_text(child)):
                        self.add("paragraph", paragraph)
            elif has_block_child(child):
                flush()
                self.walk(child)
            else:
                buffer.append(inline_text(child))
        flush()

    def table(self, table: Tag) -> None:
        if not _is_data_table(table):
            self.walk(table)
            return
        for row in table.find_all("tr"):
            cells = [clean_text(inline_text(cell).replace("\n\n", " "))
                     for cell in row.find_all(["td", "th"])]
            text = " | ".join(cell for cell in cells if cell)
            if text:
                self.add("paragraph", text)


def comparable_key(text: str) -> str:
    """Return `text` without punctuation or spaces, case-folded, for loose equality checks."""
    return re.sub(r"\W+", "", text).casefold()


def blocks_from_fragment(html: str) -> list[tuple[str, str]]:
    """Convert an HTML fragment (such as a CMS export's body) into blocks, without selection."""
    soup = BeautifulSoup(html, "lxml")
    root = soup.body or soup
    for tag in root.find_all(ALWAYS_DROPPED_TAGS):
        if not tag.decomposed:
            tag.decompose()
    collector = BlockCollector(title="")
    collector.walk(root)
    return collector.blocks
