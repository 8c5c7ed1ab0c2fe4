"""Reader for Markdown articles with YAML (---) or TOML (+++) front matter."""
from __future__ import annotations

import re
import tomllib
from datetime import date, datetime, time

import markdown as markdown_lib
import yaml
from django.utils.translation import gettext as _

from seoassist.corpus.parsing.blocks import blocks_from_fragment, clean_text, render_markdown
from seoassist.corpus.parsing.files import ArticleItem, ArticleProblem, ArticleSkip, ParsedArticle
from seoassist.corpus.parsing.files import _language as article_language
from seoassist.corpus.parsing.metadata import parse_datetime

MARKDOWN_EXTENSIONS = (".md", ".markdown")
_FRONT_MATTER_RE = re.compile(
    r"\A(?P<fence>---|\+\+\+)[ \t]*\n(?P<head>.*?)\n(?P=fence)[ \t]*(?:\n|\Z)", re.DOTALL
)
_TITLE_HEADING_RE = re.compile(r"\A\s*#\s+(.+?)\s*(?:\n|\Z)")


def _front_matter(text: str, file_name: str) -> tuple[dict[str, object], str] | ArticleProblem:
    match = _FRONT_MATTER_RE.match(text)
    if not match:
        return {}, text
    head = match.group("head")
    try:
        if match.group("fence") == "+++":
            fields = tomllib.loads(head)
        else:
            fields = yaml.safe_load(head) or {}
    except (yaml.YAMLError, tomllib.TOMLDecodeError, ValueError) as error:
        # PyYAML raises a plain ValueError for a date that does not exist, such as 2024-13-45.
        detail = (str(error).splitlines() or [type(error).__name__])[0]
        return ArticleProblem(
            file_name,
            _("%(file)s: the front matter is not valid YAML or TOML (%(error)s). Correct it "
              "or remove it.") % {"file": file_name, "error": detail},
        )
    if not isinstance(fields, dict):
        return ArticleProblem(
            file_name,
            _("%(file)s: the front matter must be a list of “key: value” lines.")
            % {"file": file_name},
        )
    return fields, text[match.end():]


def _strings(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, (list, tuple)):
        return [clean_text(str(item)) for item in value if str(item).strip()]
    return [clean_text(str(value))]


def _date(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    if isinstance(value, str) and value.strip():
        return parse_datetime(value.strip())
    return None


def read_markdown(data: str, file_name: str, *, include_drafts: bool = False) -> ArticleItem:
    """Read one Markdown article; the front matter gives title, date, tags and the rest.

    Keys read: title, date (or published), categories (or category), tags,
    author, slug, url (or permalink), description (or excerpt, summary),
    lang (or language) and draft. Drafts are skipped unless `include_drafts`. Without a title key, a leading "# " heading
    is the title.
    """
    parsed = _front_matter(data.lstrip("\ufeff"), file_name)
    if isinstance(parsed, ArticleProblem):
        return parsed
    fields, text = parsed
    fields = {str(key).lower(): value for key, value in fields.items()}
    title = clean_text(str(fields.get("title") or ""))
    heading = _TITLE_HEADING_RE.match(text)
    if heading:
        title = title or clean_text(heading.group(1))
        text = text[heading.end():]
    if fields.get("draft") is True and not include_drafts:
        return ArticleSkip(
            file_name,
            _("%(file)s: the front matter marks it as a draft, so it was left out.")
            % {"file": file_name},
            title,
        )
    html = markdown_lib.markdown(text, extensions=["extra"])
    body = render_markdown(blocks_from_fragment(html)) if html.strip() else ""
    if not title:
        return ArticleProblem(
            file_name,
            _("%(file)s: no title was found. Add “title:” to the front matter or start the "
              "text with a “# ” heading.") % {"file": file_name},
        )
    if not body:
        return ArticleProblem(
            file_name,
            _("%(file)s: the article %(title)r has no text.") % {"file": file_name, "title": title},
        )
    categories = _strings(fields.get("categories") or fields.get("category"))
    description = clean_text(
        str(fields.get("description") or fields.get("excerpt") or fields.get("summary") or "")
    )
    return ParsedArticle(
        title=title,
        body=body,
        url=str(fields.get("url") or fields.get("permalink") or "").strip(),
        category=categories[0] if categories else "",
        published_at=_date(fields.get("date") or fields.get("published")),
        language=article_language(str(fields.get("lang") or fields.get("language") or ""),
                                  title, body),
        source=file_name,
        excerpt=description,
        slug=str(fields.get("slug") or "").strip(),
        tags=_strings(fields.get("tags")),
        author=clean_text(str(fields.get("author") or "")),
        meta_description=description,
    )
