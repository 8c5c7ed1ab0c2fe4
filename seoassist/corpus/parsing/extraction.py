"""Main-content extraction from article HTML: title, metadata, and the body as blocks."""
from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from bs4.element import CData, Declaration, Doctype, ProcessingInstruction

from seoassist.core.text import detect_language
from seoassist.corpus.parsing.blocks import (
    ALWAYS_DROPPED_TAGS,
    HEADING_TAGS,
    MIN_PARAGRAPH_LENGTH,
    SECTION_HEADING_TAGS,
    SENTENCE_END_RE,
    SENTENCE_PUNCTUATION_RE,
    BlockCollector,
    blocks_from_fragment,
    clean_text,
    comparable_key,
    effective_length,
    has_block_child,
    inline_text,
    node_text,
    render_markdown,
    split_paragraphs,
)
from seoassist.corpus.parsing.encoding import decode_bytes
from seoassist.corpus.parsing.metadata import choose_title, read_metadata

logger = logging.getLogger(__name__)

# Page-structure elements that are dropped unless they wrap most of the page's text,
# which happens on sites that put the whole page in one <form> or <header>.
_STRUCTURAL_TAGS = frozenset(["form", "nav", "header", "footer", "aside"])
_BOILERPLATE_ROLES = frozenset(
    ["navigation", "banner", "contentinfo", "complementary", "menu", "menubar", "search",
     "dialog", "alertdialog", "toolbar", "tablist", "alert", "tooltip"]
)

# id/class tokens that mark navigation, menus, comments, sharing, ads and the like.
_BOILERPLATE_TOKENS = frozenset(
    ["nav", "navbar", "navigation", "menu", "menubar", "submenu", "sidebar", "sidebars",
     "breadcrumb", "breadcrumbs", "topicpath", "pankuzu", "comment", "comments", "commentlist",
     "disqus", "share", "sharing", "sharebar", "shares", "social", "sns", "related",
     "recommend", "recommended", "recommendations", "ad", "ads", "adsbygoogle", "advert",
     "adverts", "advertisement", "advertising", "adunit", "adslot", "dfp", "sponsor",
     "sponsored", "promo", "promotion", "banner", "cookie", "cookies", "consent", "gdpr",
     "popup", "modal", "newsletter", "subscribe", "subscription", "signup", "login",
     "footer", "masthead", "widget", "widgets", "pagination", "pager", "toolbar", "skip",
     "outbrain", "taboola", "trending", "popular", "ranking", "hidden", "print", "byline",
     "author", "tags", "tag", "tagcloud", "rss", "shoutbox", "supplemental", "aside",
     "header", "meta", "dateline", "timestamp", "caption", "credit", "more", "readmore",
     "jump", "overlay", "paywall", "promobox", "teaser", "teasers", "toc", "crumbs"]
)
# Tokens that mark boilerplate even next to content words ("comment-body").
_STRONG_BOILERPLATE_TOKENS = frozenset(
    ["comment", "comments", "commentlist", "disqus", "share", "sharing", "sharebar", "social",
     "sns", "related", "recommend", "recommended", "recommendations", "ad", "ads",
     "adsbygoogle", "advertisement", "advertising", "cookie", "cookies", "consent", "gdpr",
     "newsletter", "breadcrumb", "breadcrumbs", "topicpath", "pankuzu", "outbrain", "taboola",
     "sidebar", "nav", "navbar", "navigation", "menu", "footer", "sponsor", "sponsored",
     "promo", "toc", "byline", "author", "tags", "tagcloud", "print", "caption", "credit",
     "dateline"]
)
# Tokens of containers that hold the article itself.
_CONTENT_TOKENS = frozenset(
    ["article", "articlebody", "content", "entry", "main", "post", "story", "body", "text",
     "blog", "page", "column", "prose", "honbun", "kiji", "news", "detail"]
)
# Class names that describe a state or a layout variant ("modal-enabled",
# "has-sidebar") rather than what the element is.
_STATE_CLASS_RE = re.compile(
    r"^(?:has|with|no|is|js|show|hide)[-_]|[-_](?:enabled|disabled|active|open|closed|visible|"
    r"loaded|layout|template|page)$",
    re.IGNORECASE,
)
# Class names or ids of the element that contains just the article text in common CMS themes.
_ARTICLE_BODY_CLASSES = frozenset(
    ["entry-content", "post-content", "post-body", "article-body", "articlebody",
     "article-content", "story-body", "story-content", "article__body", "article-text",
     "main-text", "entry-body", "news-body", "c-entry-content", "rich-text"]
)
_CAMEL_RE = re.compile(r"(?<=[a-z])(?=[A-Z])")
_TOKEN_SPLIT_RE = re.compile(r"[^a-z0-9]+")

_PARAGRAPH_TAGS = frozenset(["p", "pre", "td", "blockquote", "dd", "li"])

_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


@dataclass
class ExtractedPage:
    """The main content and metadata of one HTML page."""

    title: str
    blocks: list[tuple[str, str]]  # ("heading" | "paragraph", text) in document order
    language: str  # "ja" or "en"
    meta_description: str = ""
    canonical_url: str = ""
    published_at: datetime | None = None
    author: str = ""
    section: str = ""
    tags: list[str] = field(default_factory=list)

    def markdown(self) -> str:
        """Render the blocks as Markdown: "## heading" lines and blank-line separated paragraphs."""
        return render_markdown(self.blocks)

    def text(self) -> str:
        """Return the headings and paragraphs as plain text, one block per line."""
        return "\n".join(text for _kind, text in self.blocks)


def _attribute_tokens(tag: Tag) -> set[str]:
    """Return the lowercase words of a tag's id and class, camelCase split."""
    values: list[str] = []
    element_id = tag.get("id")
    if isinstance(element_id, str):
        values.append(element_id)
    classes = tag.get("class")
    if isinstance(classes, list):
        values.extend(classes)
    elif isinstance(classes, str):
        values.append(classes)
    tokens: set[str] = set()
    for value in values:
        # Atomic CSS classes such as "Mstart(82px)--modalMinWidth" or "md:hidden"
        # describe styling, not what the element is.
        if _STATE_CLASS_RE.search(value) or any(char in value for char in "():!#"):
            continue
        spaced = _CAMEL_RE.sub(" ", value).lower()
        tokens.update(token for token in _TOKEN_SPLIT_RE.split(spaced) if token)
        # "articleBody" also counts as one word.
        tokens.update(token for token in _TOKEN_SPLIT_RE.split(value.lower()) if token)
    return tokens


def _boilerplate_signal(tag: Tag) -> str:
    """Return "strong", "weak" or "" for how clearly the id and class mark boilerplate."""
    tokens = _attribute_tokens(tag)
    if not tokens & _BOILERPLATE_TOKENS:
        return ""
    if tokens & _STRONG_BOILERPLATE_TOKENS:
        return "strong"
    # "article-header" or "post-meta" are weak signs; "entry-content" overrides them.
    return "" if tokens & _CONTENT_TOKENS else "weak"


def _class_weight(tag: Tag) -> int:
    tokens = _attribute_tokens(tag)
    weight = 0
    if tokens & _BOILERPLATE_TOKENS:
        weight -= 25
    if tokens & _CONTENT_TOKENS:
        weight += 25
    if tag.get("itemprop") == "articleBody":
        weight += 50
    return weight


def _is_article_body(tag: Tag) -> bool:
    if tag.get("itemprop") == "articleBody":
        return True
    classes = tag.get("class")
    names = [name.lower() for name in classes] if isinstance(classes, list) else []
    element_id = tag.get("id")
    if isinstance(element_id, str):
        names.append(element_id.lower())
    return any(name in _ARTICLE_BODY_CLASSES for name in names)


def _is_hidden(tag: Tag) -> bool:
    style = tag.get("style")
    if isinstance(style, str) and _HIDDEN_STYLE_RE.search(style):
        return True
    if tag.has_attr("hidden"):
        return True
    return tag.get("aria-hidden") == "true"


def _link_density(tag: Tag, text_length: int | None = None) -> float:
    length = text_length if text_length is not None else effective_length(tag.get_text())
    if length == 0:
        return 0.0
    link_length = sum(effective_length(link.get_text()) for link in tag.find_all("a"))
    return min(1.0, link_length / length)


# ---------------------------------------------------------------------------
# Clean-up


def _prose_lengths(body: Tag) -> dict[int, int]:
    """Return, per element id, the effective length of the paragraph text inside it."""
    lengths: dict[int, int] = {}
    for node in _paragraph_nodes(body):
        text = _own_paragraph_text(node)
        length = effective_length(text)
        if length < MIN_PARAGRAPH_LENGTH or _link_density(node) > 0.5:
            continue
        lengths[id(node)] = lengths.get(id(node), 0) + length
        for ancestor in node.parents:
            lengths[id(ancestor)] = lengths.get(id(ancestor), 0) + length
    return lengths


def _remove_noise(body: Tag) -> None:
    for node in list(body.descendants):
        if isinstance(node, (Comment, CData, ProcessingInstruction, Declaration, Doctype)):
            node.extract()
    for tag in body.find_all(ALWAYS_DROPPED_TAGS):
        if isinstance(tag, Tag) and not tag.decomposed:
            tag.decompose()

    prose = _prose_lengths(body)
    total = prose.get(id(body), 0)
    for tag in list(body.find_all(True)):
        if tag.decomposed or tag.parent is None or tag.name in ("body", "html"):
            continue
        role = tag.get("role")
        signal = _boilerplate_signal(tag)
        if _is_hidden(tag):
            # Hidden text is not part of the article unless the page hides
            # nearly all of it until a script shows it.
            keep_share = 0.9
        elif (
            tag.name in _STRUCTURAL_TAGS
            or (isinstance(role, str) and role.lower() in _BOILERPLATE_ROLES)
            or signal == "strong"
        ):
            # A container holding most of the page's prose is a layout wrapper
            # (some sites put the whole page in one <form>), not boilerplate.
            keep_share = 0.5
        elif signal == "weak":
            keep_share = 0.2
        else:
            continue
        if total and prose.get(id(tag), 0) > total * keep_share:
            continue
        # A hidden block that marks an article body is a metadata copy of the text.
        if not _is_hidden(tag) and tag.find(_is_article_body) is not None:
            continue
        tag.decompose()


# ---------------------------------------------------------------------------
# Content selection


def _initial_score(tag: Tag) -> float:
    base = {
        "div": 5, "article": 10, "main": 5, "section": 3, "pre": 3, "td": 3, "blockquote": 3,
        "address": -3, "ol": -3, "ul": -3, "dl": -3, "dd": -3, "dt": -3, "li": -3,
        "form": -3, "th": -5, **{name: -5 for name in HEADING_TAGS},
    }.get(tag.name, 0)
    return base + _class_weight(tag)


def _paragraph_nodes(body: Tag) -> Iterator[Tag]:
    """Yield the elements whose own text makes up paragraphs: <p>-like tags and text divs."""
    for tag in body.find_all(True):
        if tag.name in _PARAGRAPH_TAGS:
            if tag.name in ("li", "td", "dd") and tag.find(["p", "div", "table", "ul", "ol"]):
                continue
            yield tag
        elif tag.name in ("div", "section", "article", "span", "font", "center"):
            own = "".join(
                str(child) for child in tag.children if isinstance(child, NavigableString)
            )
            if effective_length(own) >= MIN_PARAGRAPH_LENGTH:
                yield tag


def _own_paragraph_text(node: Tag) -> str:
    """Return a paragraph node's text; for a text <div>, only its direct text."""
    if node.name in _PARAGRAPH_TAGS:
        return node_text(node)
    return clean_text(
        "".join(str(child) for child in node.children if isinstance(child, NavigableString))
    )


def _score_candidates(body: Tag) -> dict[int, tuple[Tag, float]]:
    scores: dict[int, tuple[Tag, float]] = {}
    for node in _paragraph_nodes(body):
        text = _own_paragraph_text(node)
        length = effective_length(text)
        if length < MIN_PARAGRAPH_LENGTH:
            continue
        content_score = 1 + len(SENTENCE_PUNCTUATION_RE.findall(text)) + min(length // 100, 3)
        ancestors: list[Tag] = []
        if node.name in ("div", "section", "article", "span", "font", "center"):
            ancestors.append(node)
        parent = node.parent
        while isinstance(parent, Tag) and len(ancestors) < 5 and parent.name not in ("html",):
            ancestors.append(parent)
            parent = parent.parent
        for level, ancestor in enumerate(ancestors):
            key = id(ancestor)
            if key not in scores:
                scores[key] = (ancestor, float(_initial_score(ancestor)))
            # The parent gets the full score, the grandparent half, and higher levels less.
            if level == 0:
                divider = 1
            elif level == 1:
                divider = 2
            else:
                divider = level * 3
            tag, score = scores[key]
            scores[key] = (tag, score + content_score / divider)
    for key, (tag, score) in scores.items():
        scores[key] = (tag, score * (1 - _link_density(tag)))
    return scores


def _select_content(body: Tag) -> list[Tag]:
    """Return the elements that hold the article: the best-scored container and its kin."""
    scores = _score_candidates(body)
    if not scores:
        return [body]
    ranked = sorted(scores.values(), key=lambda item: item[1], reverse=True)
    top, top_score = ranked[0]

    # When several strong candidates share an ancestor, the article is split
    # across sibling containers and that ancestor is the better choice.
    strong = [tag for tag, score in ranked[1:6] if score >= top_score * 0.75]
    if len(strong) >= 3:
        ancestor = top.parent
        while isinstance(ancestor, Tag) and ancestor.name != "body":
            if sum(1 for tag in strong if ancestor in tag.parents) >= 3:
                top = ancestor
                break
            ancestor = ancestor.parent

    # Walk up while the parent scores higher: the text is spread over its children.
    threshold = top_score / 3
    parent = top.parent
    last_score = scores.get(id(top), (top, top_score))[1]
    while isinstance(parent, Tag) and parent.name != "body":
        parent_score = scores.get(id(parent), (parent, 0.0))[1]
        if parent_score < threshold:
            break
        if parent_score > last_score:
            top = parent
            break
        last_score = parent_score
        parent = parent.parent

    # An only child is wrapped by its parent for layout, so the parent is the container.
    while (
        isinstance(top.parent, Tag)
        and top.parent.name not in ("body", "html")
        and len([child for child in top.parent.children if isinstance(child, Tag)]) == 1
    ):
        top = top.parent

    if not isinstance(top.parent, Tag):
        return [top]
    top_final = scores.get(id(top), (top, top_score))[1]
    sibling_threshold = max(10.0, top_final * 0.2)
    top_classes = top.get("class")
    selected: list[Tag] = []
    for sibling in top.parent.children:
        if not isinstance(sibling, Tag):
            continue
        if sibling is top:
            selected.append(sibling)
            continue
        bonus = top_final * 0.2 if top_classes and sibling.get("class") == top_classes else 0
        sibling_score = scores.get(id(sibling), (sibling, 0.0))[1]
        if sibling_score + bonus >= sibling_threshold:
            selected.append(sibling)
        elif sibling.name == "p":
            text = node_text(sibling)
            length = effective_length(text)
            density = _link_density(sibling, length)
            if length > 80 and density < 0.25:
                selected.append(sibling)
            elif 0 < length <= 80 and density == 0 and SENTENCE_END_RE.search(text):
                selected.append(sibling)
    return selected


def _clean_conditionally(container: Tag) -> None:
    """Remove lists, tables and boxes inside the content that look like links or widgets."""
    boxes = container.find_all(["div", "section", "ul", "ol", "table", "dl", "figure"])
    for tag in reversed(boxes):
        if tag.decomposed or tag.parent is None:
            continue
        text = node_text(tag)
        length = effective_length(text)
        weight = _class_weight(tag)
        punctuation = len(SENTENCE_PUNCTUATION_RE.findall(text))
        if _boilerplate_signal(tag) and punctuation < 10:
            tag.decompose()
            continue
        if punctuation >= 10:
            continue
        paragraphs = len(tag.find_all("p"))
        images = len(tag.find_all("img"))
        density = _link_density(tag, length)
        headings = len(tag.find_all(HEADING_TAGS))
        if tag.name in ("ul", "ol"):
            # Lists of links (related articles, tag clouds) but not lists of sentences.
            if density > 0.5 and length > 0:
                tag.decompose()
            continue
        if tag.name == "figure":
            continue
        remove = (
            # Image galleries with little text.
            (images > 1 and paragraphs / images < 0.5 and length < 200)
            # Short fragments that are not sentences: labels, dates, "Read more".
            or (length < MIN_PARAGRAPH_LENGTH and images == 0 and headings == 0
                and tag.name != "table" and not SENTENCE_END_RE.search(text))
            # Link boxes, with more links allowed in boxes whose class names content.
            or (weight < 25 and density > 0.2 and length > 0)
            or (weight >= 25 and density > 0.5)
        )
        if remove:
            tag.decompose()


# ---------------------------------------------------------------------------
# Public API


def _normalise_language(declared: str, text: str) -> str:
    primary = declared.split("-")[0]
    if primary in ("ja", "en"):
        return primary
    return detect_language(text)


def _blocks_from_article_body(article_body: str, title: str) -> list[tuple[str, str]]:
    if re.search(r"<(?:p|br|div|h[1-6]|li)\b", article_body, re.IGNORECASE):
        blocks = blocks_from_fragment(article_body)
    else:
        lines = split_paragraphs(article_body.replace("\n", "\n\n"))
        blocks = [("paragraph", text) for text in lines]
    title_key = comparable_key(title)
    return [(kind, text) for kind, text in blocks if comparable_key(text) != title_key]


def extract_page(html: bytes | str, *, url: str = "") -> ExtractedPage:
    """Extract the title, metadata and main content of an article page.

    Navigation, menus, sidebars, comments, sharing widgets, ads and other
    boilerplate are removed, then the container whose paragraphs score best
    (text length, punctuation, few links) is chosen with its qualifying
    siblings. Headings inside it become ("heading", text) blocks; paragraphs,
    list items, quotes and table rows become ("paragraph", text) blocks.

    Raises
    ------
    ImportFileError
        When `html` is bytes in no supported encoding.
    """
    if isinstance(html, bytes):
        html = decode_bytes(html, file_name=url or "page.html", html=True)
    soup = BeautifulSoup(html, "lxml")
    meta = read_metadata(soup, url)
    title = choose_title(meta)

    body = soup.body if isinstance(soup.body, Tag) else soup
    _remove_noise(body)
    containers = _select_content(body)
    for container in containers:
        _clean_conditionally(container)
    collector = BlockCollector(title)
    for container in containers:
        if container.name in HEADING_TAGS:
            kind = "heading" if container.name in SECTION_HEADING_TAGS else "paragraph"
            collector.add(kind, node_text(container))
        elif container.name == "table":
            collector.table(container)
        elif has_block_child(container):
            collector.walk(container)
        else:
            for paragraph in split_paragraphs(inline_text(container)):
                collector.add("paragraph", paragraph)

    blocks = collector.blocks
    if meta.article_body:
        # Pages rendered by JavaScript carry the text only in their JSON-LD.
        ld_blocks = _blocks_from_article_body(meta.article_body, title)
        extracted_length = sum(effective_length(text) for _kind, text in blocks)
        ld_length = sum(effective_length(text) for _kind, text in ld_blocks)
        if extracted_length < ld_length * 0.5:
            blocks = ld_blocks

    text = "\n".join(text for _kind, text in blocks)
    language = _normalise_language(meta.language, f"{title}\n{text}")
    return ExtractedPage(
        title=title,
        blocks=blocks,
        language=language,
        meta_description=meta.description,
        canonical_url=meta.canonical_url,
        published_at=meta.published_at,
        author=meta.author,
        section=meta.section,
        tags=meta.tags,
    )
