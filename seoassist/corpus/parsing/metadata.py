"""Page metadata: title, description, canonical URL, publication date, author and language."""
from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from seoassist.corpus.parsing.blocks import clean_text, comparable_key, effective_length, node_text

logger = logging.getLogger(__name__)

# Separators between a title and a site name. Colons are left out because they
# usually separate parts of the title itself ("Review: the new phone").
_TITLE_SEPARATORS_RE = re.compile(r"\s+[|\-–—·»/]\s+|\s*[｜|]\s*|\s+::\s+")
_PREFIX_SEPARATORS = frozenset(["|", "｜", "»", "::"])

# JSON-LD @type values that describe an article.
_ARTICLE_TYPES = frozenset(
    ["article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
     "opinionnewsarticle", "techarticle", "scholarlyarticle", "webpage", "report",
     "socialmediaposting", "liveblogposting", "posting"]
)


@dataclass
class PageMetadata:
    """Metadata read from a page's <head>, JSON-LD and first <h1>."""

    og_title: str = ""
    site_name: str = ""
    html_title: str = ""
    h1: str = ""
    description: str = ""
    canonical_url: str = ""
    published_at: datetime | None = None
    author: str = ""
    language: str = ""
    article_body: str = ""
    headline: str = ""
    section: str = ""  # JSON-LD articleSection or article:section
    tags: list[str] = field(default_factory=list)  # JSON-LD keywords or article:tag


def _meta_content(soup: BeautifulSoup, *keys: str) -> str:
    for key in keys:
        for attribute in ("property", "name", "itemprop"):
            tag = soup.find("meta", attrs={attribute: key})
            if tag is None:
                tag = soup.find(
                    "meta", attrs={attribute: re.compile(f"^{re.escape(key)}$", re.IGNORECASE)}
                )
            if isinstance(tag, Tag):
                content = tag.get("content")
                if isinstance(content, str) and content.strip():
                    return clean_text(content)
    return ""


def parse_datetime(value: str) -> datetime | None:
    """Parse an ISO 8601 or common Japanese/English date; aware only when an offset is given."""
    text = value.strip()
    if not text:
        return None
    match = re.match(
        r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
        r"(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*"
        r"(Z|[+-]\d{2}:?\d{2})?$",
        text,
    )
    if not match:
        try:
            return datetime.fromisoformat(text.replace("z", "Z"))
        except ValueError:
            return None
    year, month, day, hour, minute, second, offset = match.groups()
    iso = f"{int(year):04d}-{int(month):02d}-{int(day):02d}T{int(hour or 0):02d}:"
    iso += f"{int(minute or 0):02d}:{int(second or 0):02d}"
    if offset:
        iso += "+00:00" if offset == "Z" else offset
    try:
        return datetime.fromisoformat(iso)
    except ValueError:
        return None


def _json_ld_objects(soup: BeautifulSoup) -> Iterator[dict[str, object]]:
    for script in soup.find_all("script", attrs={"type": re.compile("ld\\+json", re.I)}):
        raw = script.string or script.get_text()
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, TypeError):
            continue
        stack: list[object] = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                yield item
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(graph)
                main_entity = item.get("mainEntity")
                if isinstance(main_entity, (dict, list)):
                    stack.append(main_entity)


def _json_ld_types(item: dict[str, object]) -> set[str]:
    types = item.get("@type")
    if isinstance(types, str):
        return {types.lower()}
    if isinstance(types, list):
        return {value.lower() for value in types if isinstance(value, str)}
    return set()


def _person_names(value: object) -> list[str]:
    if isinstance(value, str):
        return [value] if not value.startswith("http") else []
    if isinstance(value, dict):
        name = value.get("name")
        return [name] if isinstance(name, str) else []
    if isinstance(value, list):
        return [name for item in value for name in _person_names(item)]
    return []


def read_metadata(soup: BeautifulSoup, url: str) -> PageMetadata:
    meta = PageMetadata()
    meta.og_title = _meta_content(soup, "og:title", "twitter:title")
    meta.site_name = _meta_content(soup, "og:site_name", "application-name")
    if soup.title is not None:
        meta.html_title = clean_text(soup.title.get_text())
    h1 = soup.find("h1")
    if isinstance(h1, Tag):
        meta.h1 = node_text(h1)
    meta.description = _meta_content(soup, "description", "og:description", "twitter:description")

    for item in _json_ld_objects(soup):
        if not _json_ld_types(item) & _ARTICLE_TYPES:
            continue
        body = item.get("articleBody")
        if isinstance(body, str) and len(body) > len(meta.article_body):
            meta.article_body = body
        headline = item.get("headline")
        if isinstance(headline, str) and not meta.headline:
            meta.headline = clean_text(headline)
        published = item.get("datePublished")
        if isinstance(published, str) and meta.published_at is None:
            meta.published_at = parse_datetime(published)
        if not meta.author:
            meta.author = ", ".join(_person_names(item.get("author")))
        if not meta.section:
            meta.section = _first_text(item.get("articleSection"))
        if not meta.tags:
            meta.tags = _keyword_list(item.get("keywords"))

    canonical = soup.find("link", rel=lambda value: value and "canonical" in value)
    href = canonical.get("href") if isinstance(canonical, Tag) else None
    if not isinstance(href, str) or not href.strip():
        href = _meta_content(soup, "og:url")
    meta.canonical_url = url
    if href:
        try:
            resolved = urljoin(url, href.strip())
            urlsplit(resolved)  # urljoin returns `href` unparsed when `url` is empty
            meta.canonical_url = resolved
        except ValueError:
            # A canonical link that is not a valid URL is ignored, so the page's own address stays.
            logger.info("Ignored the invalid canonical URL %r of %s", href, url)

    if meta.published_at is None:
        published_text = _meta_content(
            soup, "article:published_time", "og:published_time", "datePublished",
            "pubdate", "publishdate", "publish-date", "parsely-pub-date", "sailthru.date",
            "dc.date.issued", "dc.date", "dcterms.created", "date",
        )
        meta.published_at = parse_datetime(published_text) if published_text else None
    if meta.published_at is None:
        for tag in soup.find_all(attrs={"itemprop": "datePublished"}):
            value = tag.get("datetime") or tag.get("content") or tag.get_text()
            if isinstance(value, str) and (parsed := parse_datetime(value)):
                meta.published_at = parsed
                break
    if meta.published_at is None:
        time_tag = soup.find("time", attrs={"datetime": True})
        if isinstance(time_tag, Tag) and isinstance(time_tag.get("datetime"), str):
            meta.published_at = parse_datetime(str(time_tag["datetime"]))

    if not meta.author:
        meta.author = _meta_content(soup, "author", "parsely-author", "dc.creator", "byl")
        if meta.author.startswith("http"):
            meta.author = ""
    if not meta.author:
        author_tag = soup.find(attrs={"itemprop": "author"}) or soup.find(
            "a", rel=lambda value: value and "author" in value
        )
        if isinstance(author_tag, Tag):
            name_tag = author_tag.find(attrs={"itemprop": "name"})
            meta.author = node_text(name_tag if isinstance(name_tag, Tag) else author_tag)[:200]

    if not meta.section:
        meta.section = _meta_content(soup, "article:section")
    if not meta.tags:
        meta.tags = [
            clean_text(str(tag.get("content")))
            for tag in soup.find_all("meta", attrs={"property": "article:tag"})
            if isinstance(tag, Tag) and str(tag.get("content") or "").strip()
        ][:50]

    html_tag = soup.find("html")
    language = html_tag.get("lang") if isinstance(html_tag, Tag) else None
    if not isinstance(language, str) or not language.strip():
        language = _meta_content(soup, "content-language", "og:locale", "language")
    meta.language = language.strip().lower().replace("_", "-") if isinstance(language, str) else ""
    return meta


def _first_text(value: object) -> str:
    if isinstance(value, list):
        value = next((item for item in value if isinstance(item, str) and item.strip()), "")
    return clean_text(value)[:200] if isinstance(value, str) else ""


def _keyword_list(value: object) -> list[str]:
    """Return JSON-LD keywords, given as a list or as one comma-separated string."""
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        return []
    return [clean_text(item) for item in value if isinstance(item, str) and item.strip()][:50]


def _strip_site_name(title: str, site_name: str) -> str:
    """Remove a site-name suffix such as " | Site", " - Site" or "｜サイト" from a title.

    Without a known site name, the last part is removed only when the rest is
    at least as long. A leading "Site | " is removed only after a pipe-like
    separator, because "Review - The title" more often belongs to the title.
    """
    matches = list(_TITLE_SEPARATORS_RE.finditer(title))
    if not matches:
        return title

    if site_name:
        key = site_name.casefold()
        for match in reversed(matches):
            head = title[: match.start()].strip()
            tail = title[match.end() :].strip()
            if head and tail and (key in tail.casefold() or tail.casefold() in key):
                return head
        first = matches[0]
        tail = title[first.end() :].strip()
        if tail and title[: first.start()].strip().casefold() == key:
            return tail

    last = matches[-1]
    head = title[: last.start()].strip()
    tail = title[last.end() :].strip()
    if effective_length(head) >= max(effective_length(tail), 10):
        return head

    first = matches[0]
    head = title[: first.start()].strip()
    tail = title[first.end() :].strip()
    is_pipe = first.group().strip() in _PREFIX_SEPARATORS
    if is_pipe and tail and effective_length(head) <= min(20, effective_length(tail)):
        return tail
    return title


def choose_title(meta: PageMetadata) -> str:
    """Pick og:title, then the JSON-LD headline, then <h1>, then <title>, site names removed.

    The <h1> is skipped when a <title> exists and does not contain it, or when it
    is much shorter than the title: such an <h1> is usually a site logo.
    """
    if meta.og_title:
        if meta.site_name:
            return _strip_site_name(meta.og_title, meta.site_name)
        if meta.og_title == meta.html_title:
            return _strip_site_name(meta.og_title, "")
        return meta.og_title
    if meta.headline:
        return meta.headline
    cleaned = _strip_site_name(meta.html_title, meta.site_name) if meta.html_title else ""
    h1_key = comparable_key(meta.h1)
    if not h1_key:
        return cleaned
    if not cleaned:
        return meta.h1
    h1_in_title = h1_key in comparable_key(meta.html_title)
    if h1_in_title and len(h1_key) * 2 >= len(comparable_key(cleaned)):
        return meta.h1
    return cleaned
