"""Reader for WordPress WXR exports (Tools → Export): posts and pages with their metadata."""
from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from django.utils.translation import gettext as _
from lxml import etree

from seoassist.corpus.parsing.blocks import blocks_from_fragment, clean_text, render_markdown
from seoassist.corpus.parsing.files import ArticleItem, ArticleProblem, ArticleSkip, ParsedArticle
from seoassist.corpus.parsing.files import _language as article_language
from seoassist.corpus.parsing.xml import local_name, namespace, parse_xml

ARTICLE_POST_TYPES = ("post", "page")
PUBLISHED_STATUSES = ("publish",)
DRAFT_STATUSES = ("draft", "pending", "private", "future", "inherit")
# Post types that hold site structure rather than articles; left out silently.
_STRUCTURE_POST_TYPES = frozenset(
    ["nav_menu_item", "wp_navigation", "wp_template", "wp_template_part", "wp_global_styles",
     "wp_block", "custom_css", "customize_changeset", "oembed_cache", "user_request",
     "wp_font_family", "wp_font_face", "revision"]
)
# Shortcodes whose enclosed content is media markup or a caption, not article prose.
_MEDIA_SHORTCODES = ("caption", "wp_caption", "gallery", "embed", "video", "audio", "playlist")

_BLOCK_COMMENT_RE = re.compile(r"<!--\s*/?wp:.*?-->", re.DOTALL)
_MEDIA_SHORTCODE_RE = re.compile(
    r"\[(%s)\b[^\]]*\].*?\[/\1\]" % "|".join(_MEDIA_SHORTCODES), re.DOTALL | re.IGNORECASE
)
# Opening, self-closing and closing shortcode tags such as [contact-form id="3"] or [/column].
_SHORTCODE_TAG_RE = re.compile(r"\[\[?/?[a-zA-Z][\w-]*(?:\s[^\[\]]*)?/?\]\]?")
_BLOCK_START_RE = re.compile(
    r"^\s*<(?:p|div|h[1-6]|ul|ol|li|blockquote|pre|table|figure|hr|section|article|dl|address)\b",
    re.IGNORECASE,
)


def is_wxr(root: etree._Element) -> bool:
    """Return whether a parsed XML document is a WordPress export."""
    if local_name(root) != "rss":
        return False
    return any("wordpress.org/export/" in (uri or "") for uri in root.nsmap.values())


def strip_wordpress_markup(content: str) -> str:
    """Remove block-editor comments and shortcodes, keeping the text that shortcodes wrap."""
    content = _BLOCK_COMMENT_RE.sub("", content)
    content = _MEDIA_SHORTCODE_RE.sub("", content)
    return _SHORTCODE_TAG_RE.sub("", content)


def wordpress_paragraphs(content: str) -> str:
    """Wrap blank-line separated text in <p> as WordPress does when it shows a post."""
    chunks = re.split(r"\n\s*\n", content.replace("\r\n", "\n"))
    parts: list[str] = []
    for chunk in chunks:
        if not chunk.strip():
            continue
        if _BLOCK_START_RE.match(chunk):
            parts.append(chunk)
        else:
            parts.append("<p>" + chunk.strip().replace("\n", "<br>\n") + "</p>")
    return "\n".join(parts)


def content_markdown(content: str) -> str:
    """Convert a WXR post body to the article body format (Markdown headings and paragraphs)."""
    html = wordpress_paragraphs(strip_wordpress_markup(content))
    return render_markdown(blocks_from_fragment(html)) if html.strip() else ""


def _children(item: etree._Element) -> dict[str, list[etree._Element]]:
    """Group an item's children by "prefix:name", the prefix chosen by namespace, not by URI."""
    grouped: dict[str, list[etree._Element]] = {}
    for child in item:
        name = local_name(child)
        uri = namespace(child)
        if "wordpress.org/export/" in uri:
            key = f"wp:{name}"
        elif "/content/" in uri:
            key = f"content:{name}"
        elif "wordpress.org/export/" not in uri and "excerpt" in uri:
            key = f"excerpt:{name}"
        elif "purl.org/dc/" in uri:
            key = f"dc:{name}"
        else:
            key = name
        grouped.setdefault(key, []).append(child)
    return grouped


def _text(grouped: dict[str, list[etree._Element]], key: str) -> str:
    elements = grouped.get(key)
    if not elements:
        return ""
    return (elements[0].text or "").strip()


def _published_at(grouped: dict[str, list[etree._Element]]) -> datetime | None:
    for key in ("wp:post_date_gmt", "wp:post_date"):
        value = _text(grouped, key)
        if value and not value.startswith("0000"):
            try:
                parsed = datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
            except ValueError:
                continue
            # post_date is in the site's own zone, which the export does not state.
            return parsed.replace(tzinfo=UTC) if key.endswith("_gmt") else parsed
    value = _text(grouped, "pubDate")
    if value:
        try:
            return parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
    return None


def _authors(channel: etree._Element) -> dict[str, str]:
    names: dict[str, str] = {}
    for element in channel:
        if local_name(element) != "author" or "wordpress.org/export/" not in namespace(element):
            continue
        fields = {local_name(child): (child.text or "").strip() for child in element}
        login = fields.get("author_login", "")
        if login:
            names[login] = fields.get("author_display_name") or login
    return names


def _fallback_title(body: str) -> str:
    first = next((line for line in body.split("\n") if line.strip()), "")
    first = first.lstrip("#").strip()
    return first[:60] + ("…" if len(first) > 60 else "")


def _item_article(
    item: etree._Element,
    number: int,
    file_name: str,
    authors: dict[str, str],
    include_drafts: bool,
    include_attachments: bool,
) -> ArticleItem | None:
    grouped = _children(item)
    post_type = _text(grouped, "wp:post_type") or "post"
    status = _text(grouped, "wp:status") or "publish"
    slug = _text(grouped, "wp:post_name")
    title = clean_text(_text(grouped, "title"))
    source = f"{file_name}:item {number}" + (f" ({slug})" if slug else "")
    location = _("%(file)s, item %(number)d") % {"file": file_name, "number": number}
    if post_type in _STRUCTURE_POST_TYPES:
        return None
    if post_type == "attachment" and not include_attachments:
        return ArticleSkip(
            source,
            _("%(location)s: an attachment (media file), left out. Choose “include "
              "attachments” to import attachments.") % {"location": location},
            title,
        )
    if post_type not in ARTICLE_POST_TYPES and post_type != "attachment":
        return ArticleSkip(
            source,
            _("%(location)s: the post type %(type)r is not an article, left out.")
            % {"location": location, "type": post_type},
            title,
        )
    if status not in PUBLISHED_STATUSES and not (include_drafts or post_type == "attachment"):
        return ArticleSkip(
            source,
            _("%(location)s: the status is %(status)r, not published, so it was left out. "
              "Choose “include drafts” to import it.") % {"location": location, "status": status},
            title,
        )
    if status == "trash":
        return ArticleSkip(
            source, _("%(location)s: the post is in the trash, left out.") % {"location": location},
            title,
        )

    body = content_markdown(_text(grouped, "content:encoded"))
    excerpt = "\n".join(
        text for _kind, text in blocks_from_fragment(
            wordpress_paragraphs(strip_wordpress_markup(_text(grouped, "excerpt:encoded")))
        )
    ) if _text(grouped, "excerpt:encoded") else ""
    if not body and post_type == "attachment":
        body = excerpt or title
    if not body:
        return ArticleProblem(
            source,
            _("%(location)s: the post %(title)r has no content. Add content in WordPress or "
              "leave it out of the export.") % {"location": location, "title": title or slug},
        )
    title = title or _fallback_title(excerpt or body)

    categories: list[str] = []
    tags: list[str] = []
    for element in grouped.get("category", []):
        name = clean_text(element.text or "")
        if not name:
            continue
        if element.get("domain") == "post_tag":
            tags.append(name)
        elif element.get("domain") == "category" and name not in categories:
            categories.append(name)
    creator = _text(grouped, "dc:creator")
    return ParsedArticle(
        title=title,
        body=body,
        url=_text(grouped, "link") or _text(grouped, "guid"),
        category=categories[0] if categories else "",
        published_at=_published_at(grouped),
        language=article_language("", title, body),
        source=source,
        excerpt=excerpt,
        slug=slug,
        tags=list(dict.fromkeys(tags)),
        author=authors.get(creator, creator),
    )


def read_wxr(
    data: bytes,
    file_name: str,
    *,
    include_drafts: bool = False,
    include_attachments: bool = False,
    root: etree._Element | None = None,
) -> Iterator[ArticleItem]:
    """Read the posts and pages of a WordPress export.

    Published posts and pages are read by default; drafts, pending, private
    and scheduled posts come out as ArticleSkip items unless `include_drafts`,
    and attachments unless `include_attachments`. Menus, templates and other
    structure items are left out without a trace.

    Raises
    ------
    ImportFileError
        When the file is not well-formed XML, declares entities, or is not a
        WordPress export.
    """
    from seoassist.core.exceptions import ImportFileError

    if root is None:
        root = parse_xml(data, file_name=file_name)
    if not is_wxr(root):
        raise ImportFileError(
            _("%(file)s: the XML file is not a WordPress export (WXR). In WordPress, use Tools "
              "→ Export and upload the file it writes.") % {"file": file_name},
            file_name=file_name,
        )
    channel = next((child for child in root if local_name(child) == "channel"), root)
    authors = _authors(channel)
    number = 0
    for element in channel:
        if local_name(element) != "item":
            continue
        number += 1
        article = _item_article(
            element, number, file_name, authors, include_drafts, include_attachments
        )
        if article is not None:
            yield article
