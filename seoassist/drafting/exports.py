"""Export files of an approved draft: Markdown, a standalone HTML page and a WordPress WXR item."""
import json
import re
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from django.utils import timezone
from django.utils.html import escape as html_escape

from seoassist.core.html import render_markdown
from seoassist.drafting.models import Draft

EXPORT_FORMATS = ("markdown", "html", "wxr")
# XML 1.0 forbids these control characters even when escaped.
_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class ExportFile:
    file_name: str
    content_type: str
    content: bytes


def draft_render_export(draft: Draft, export_format: str, *, author: str) -> ExportFile:
    base_name = draft.slug or f"draft-{draft.pk}"
    if export_format == "markdown":
        return ExportFile(
            f"{base_name}.md", "text/markdown; charset=utf-8", markdown_document(draft).encode()
        )
    if export_format == "html":
        return ExportFile(
            f"{base_name}.html", "text/html; charset=utf-8", html_document(draft).encode()
        )
    if export_format == "wxr":
        return ExportFile(
            f"{base_name}-wordpress.xml",
            "application/xml; charset=utf-8",
            wxr_document(draft, author=author).encode(),
        )
    raise ValueError(f"export_format must be one of {EXPORT_FORMATS}, not {export_format!r}")


def markdown_document(draft: Draft) -> str:
    """Return the body with YAML front matter; JSON strings are valid YAML scalars."""

    def quoted(value: str) -> str:
        return json.dumps(value, ensure_ascii=False)

    keywords = ", ".join(quoted(keyword) for keyword in draft.keywords)
    front_matter = [
        "---",
        f"title: {quoted(draft.title)}",
        f"slug: {quoted(draft.slug)}",
        f"description: {quoted(draft.meta_description)}",
        f"keywords: [{keywords}]",
        "---",
    ]
    return "\n".join(front_matter) + "\n\n" + draft.body.strip() + "\n"


def html_document(draft: Draft) -> str:
    """Return a small standalone page: sanitised body, title and meta description, no scripts."""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{draft.language}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html_escape(draft.title)}</title>\n"
        f'<meta name="description" content="{html_escape(draft.meta_description)}">\n'
        "</head>\n<body>\n<article>\n"
        f"<h1>{html_escape(draft.title)}</h1>\n{render_markdown(draft.body)}\n"
        "</article>\n</body>\n</html>\n"
    )


def _cdata(text: str) -> str:
    # A "]]>" inside the text would end the section, so it is split across two sections.
    return "<![CDATA[" + _XML_INVALID.sub("", text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _text(text: str) -> str:
    return escape(_XML_INVALID.sub("", text))


def wxr_document(draft: Draft, *, author: str) -> str:
    """Return a WordPress eXtended RSS 1.2 file with the draft as one post in status draft.

    WordPress's importer reads the wp:wxr_version and wp:base_site_url of the
    channel and maps dc:creator to the authors listed in wp:author. It keeps the
    post's wp:status, and the keywords become post tags.
    """
    now = timezone.now()
    local = timezone.localtime(now)
    # The importer accepts empty base URLs; it only uses them to rewrite attachment links.
    site_url = f"https://{draft.site.domain}/" if draft.site.domain else ""
    tags = "".join(
        f'\n    <category domain="post_tag" nicename={quoteattr(_tag_slug(keyword))}>'
        f"{_cdata(keyword)}</category>"
        for keyword in draft.keywords
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"
  xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:wfw="http://wellformedweb.org/CommentAPI/"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>{_text(draft.site.name)}</title>
  <link>{_text(site_url)}</link>
  <description></description>
  <pubDate>{now.strftime("%a, %d %b %Y %H:%M:%S +0000")}</pubDate>
  <language>{draft.language}</language>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_site_url>{_text(site_url)}</wp:base_site_url>
  <wp:base_blog_url>{_text(site_url)}</wp:base_blog_url>
  <wp:author>
    <wp:author_id>1</wp:author_id>
    <wp:author_login>{_cdata(author)}</wp:author_login>
    <wp:author_email></wp:author_email>
    <wp:author_display_name>{_cdata(author)}</wp:author_display_name>
    <wp:author_first_name></wp:author_first_name>
    <wp:author_last_name></wp:author_last_name>
  </wp:author>
  <item>
    <title>{_text(draft.title)}</title>
    <link></link>
    <pubDate></pubDate>
    <dc:creator>{_cdata(author)}</dc:creator>
    <guid isPermaLink="false">seoassist-draft-{draft.pk}</guid>
    <description></description>
    <content:encoded>{_cdata(str(render_markdown(draft.body)))}</content:encoded>
    <excerpt:encoded>{_cdata(draft.meta_description)}</excerpt:encoded>
    <wp:post_id>{draft.pk}</wp:post_id>
    <wp:post_date>{_cdata(local.strftime("%Y-%m-%d %H:%M:%S"))}</wp:post_date>
    <wp:post_date_gmt>{_cdata(now.strftime("%Y-%m-%d %H:%M:%S"))}</wp:post_date_gmt>
    <wp:comment_status>{_cdata("closed")}</wp:comment_status>
    <wp:ping_status>{_cdata("closed")}</wp:ping_status>
    <wp:post_name>{_cdata(draft.slug)}</wp:post_name>
    <wp:status>{_cdata("draft")}</wp:status>
    <wp:post_parent>0</wp:post_parent>
    <wp:menu_order>0</wp:menu_order>
    <wp:post_type>{_cdata("post")}</wp:post_type>
    <wp:post_password>{_cdata("")}</wp:post_password>
    <wp:is_sticky>0</wp:is_sticky>{tags}
  </item>
</channel>
</rss>
"""


def _tag_slug(keyword: str) -> str:
    return re.sub(r"\s+", "-", keyword.strip().lower())
