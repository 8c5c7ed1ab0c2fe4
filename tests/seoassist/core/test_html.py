"""Markdown rendering and HTML sanitising for previews and exports."""
from seoassist.core.html import render_markdown, sanitize_html


class RenderMarkdownTests:
    def test_column_alignment_becomes_align_attribute(self):
        html = render_markdown("| a | b | c |\n| :--- | ---: | :---: |\n| 1 | 2 | 3 |")
        assert '<th align="left">a</th>' in html
        assert '<td align="right">2</td>' in html
        assert '<td align="center">3</td>' in html
        assert "style=" not in html

    def test_unaligned_table_has_no_attribute(self):
        html = render_markdown("| a |\n| --- |\n| 1 |")
        assert "<td>1</td>" in html

    def test_raw_style_attribute_is_dropped(self):
        html = render_markdown('<p style="color: red">text</p>\n\n<td style="text-align: left;">x</td>')
        assert "style=" not in html


class SanitizeHtmlTests:
    def test_script_and_handler_are_removed(self):
        html = sanitize_html('<p onclick="alert(1)">hi</p><script>alert(2)</script>')
        assert html == "<p>hi</p>"

    def test_links_get_noopener(self):
        html = sanitize_html('<a href="https://example.com/">x</a>')
        assert 'rel="noopener noreferrer"' in html
