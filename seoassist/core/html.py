"""Markdown rendering with sanitised output, for every HTML the app shows."""
import re

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h1", "h2",
    "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s", "strong", "sub",
    "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align"},
    "th": {"align"},
}


def sanitize_html(html: str) -> SafeString:
    """Strip scripts, event handlers and unknown tags; links get rel=noopener noreferrer."""
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return mark_safe(cleaned)  # noqa: S308 — nh3 output is safe by construction


# Python-Markdown writes a column's alignment as an inline style, which the sanitiser
# drops and the Content-Security-Policy would block, so it becomes an align attribute.
_CELL_ALIGNMENT = re.compile(r'<(td|th) style="text-align: (left|right|center);">')


def render_markdown(text: str) -> SafeString:
    html = markdown.markdown(text or "", extensions=["extra", "sane_lists"], output_format="html")
    return sanitize_html(_CELL_ALIGNMENT.sub(r'<\1 align="\2">', html))
