"""Search result preview widths and truncation."""
from seoassist.analysis.serp import char_width, display_url, serp_preview, text_width


class WidthTests:
    def test_latin_glyphs_use_arial_advances(self):
        # Arial's "W" is 1933 of 2048 units: 18.88 px at 20 px.
        assert round(char_width("W", 20), 2) == 18.88
        assert round(text_width("Running shoes", 20)) == 133

    def test_full_width_glyphs_are_one_em(self):
        assert text_width("見積もり", 20) == 80
        assert text_width("ＡＢ", 14) == 28

    def test_combining_marks_take_no_space(self):
        assert text_width("e\u0301", 14) == text_width("e", 14)


class TruncationTests:
    def test_japanese_title_is_cut_at_600_px(self):
        # "..." is 3 × 569 units = 16.7 px at 20 px, which leaves 583.3 px: 29 characters.
        title = "見積もり安くする方法" * 4
        preview = serp_preview(title, "https://example.com/a", "", "ja")
        assert preview["title_truncated"]
        assert preview["title"] == title[:29] + "..."
        assert preview["title_px"] == 800

    def test_english_title_is_cut_at_a_word(self):
        title = "Running shoes for beginners: how to choose, fit and care for your first pair today"
        preview = serp_preview(title, "https://example.com/a", "", "en")
        assert preview["title_truncated"]
        assert preview["title"].endswith("...")
        kept = preview["title"][:-3]
        assert title.startswith(kept)
        assert title[len(kept)] == " "

    def test_short_title_is_kept(self):
        preview = serp_preview("Running shoes", "example.com", "", "en")
        assert preview["title"] == "Running shoes"
        assert not preview["title_truncated"]

    def test_japanese_description_fits_two_lines(self):
        # Two 600 px lines at 14 px, less the 11.7 px ellipsis: 84 full-width characters.
        description = "あ" * 100
        preview = serp_preview("t", "", description, "ja")
        assert preview["description"] == "あ" * 84 + "..."
        assert preview["description_max_px"] == 1200

    def test_empty_fields(self):
        preview = serp_preview("", "", "", "ja")
        assert preview["title"] == ""
        assert preview["description"] == ""
        assert preview["url"] == ""


class DisplayUrlTests:
    def test_path_parts_become_breadcrumbs(self):
        assert display_url("https://media.example.com/guides/running-shoes") == (
            "media.example.com › guides › running-shoes"
        )

    def test_bare_domain(self):
        assert display_url("example.com/") == "example.com"
