"""analyze_text and serp_preview accept any input without an unhandled exception."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seoassist.analysis.engine import CHECK_IDS, DraftText, analyze_text
from seoassist.analysis.serp import serp_preview

# Markdown syntax, Japanese and Latin text, full-width forms, URLs and odd code points.
_PIECES = st.sampled_from([
    "# ", "## ", "### ", "\n", "\n\n", "- ", "1. ", "> ", "**", "_", "`", "```\n", "|", "---",
    "[", "](", ")", "![", "<img alt='", "'>", "<a href=\"/x\">", "</a>", "https://example.com/",
    "見積もり", "引っ越し", "です。", "だ。", "、", "「", "」", "『", "』", "２０２４年", "ＳＥＯ",
    "ｶﾞｲﾄﾞ", "Running shoes", "was written", "However, ", ". ", "? ", "!", "\r\n", "\u3000",
    "\u200b", "e\u0301", "😀", "\ufeff", "\x00",
])
_TEXT = st.one_of(
    st.text(max_size=200),
    st.lists(st.one_of(_PIECES, st.text(max_size=8)), max_size=60).map("".join),
)


class AnalyzeTextFuzzTests:
    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        title=_TEXT, slug=_TEXT, meta=_TEXT, body=_TEXT, keyphrase=_TEXT,
        related=st.lists(_TEXT, max_size=3), language=st.sampled_from(["ja", "en"]),
    )
    def test_any_input_gives_a_valid_analysis(
        self, title, slug, meta, body, keyphrase, related, language
    ):
        analysis = analyze_text(DraftText(
            title=title, slug=slug, meta_description=meta, body=body, keyphrase=keyphrase,
            related_keyphrases=tuple(related), language=language,
        ))
        assert 0 <= analysis.seo_score <= 100
        assert 0 <= analysis.readability_score <= 100
        for check in analysis.checks:
            assert check.id in CHECK_IDS
            assert check.status in ("good", "improve", "problem")
            for start, end in check.spans:
                assert 0 <= start <= end <= len(body)
        assert analysis.as_dict()["checks"] is not None

    @settings(max_examples=100, deadline=None)
    @given(title=_TEXT, url=_TEXT, description=_TEXT, language=st.sampled_from(["ja", "en"]))
    def test_serp_preview_accepts_any_text(self, title, url, description, language):
        preview = serp_preview(title, url, description, language)
        assert preview["title_px"] >= 0
