"""Notices on the draft editor: the n-gram baseline warning and what the analysis scores measure."""
import pytest
from django.urls import reverse

from seoassist.drafting.labels import written_by_label
from seoassist.drafting.models import Draft

pytestmark = pytest.mark.django_db

BASELINE_WARNING = "The n-gram baseline wrote this draft."
SCORE_SCOPE = "The scores measure structure and length, not whether the text reads well."


def _draft(site, owner, served_by):
    return Draft.objects.create(
        site=site, owner=owner, language="en", keywords=["pollen"], title="Pollen tips",
        slug="pollen-tips", body="Pollen tips.\n\n## Masks\n\nWear a mask.",
        generation={"served_by": served_by, "model_version": 2},
    )


def _editor_html(client, user, draft):
    client.force_login(user)
    url = reverse("drafting:draft_edit", args=[draft.pk])
    return client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()


class BaselineNoticeTests:
    def test_baseline_draft_shows_warning(self, client, site, editor_user):
        html = _editor_html(client, editor_user, _draft(site, editor_user, "ngram_baseline"))
        assert 'id="baseline-notice"' in html
        assert BASELINE_WARNING in html
        assert "Read it and rewrite it before you publish it." in html

    def test_baseline_warning_omits_score_scope(self, client, site, editor_user):
        html = _editor_html(client, editor_user, _draft(site, editor_user, "ngram_baseline"))
        start = html.index('id="baseline-notice"')
        notice = html[start:html.index("</div>", start)]
        assert "measure structure and length" not in notice
        assert html.count(SCORE_SCOPE) <= 1

    def test_japanese_sentences_have_no_space(self, client, site, editor_user):
        client.force_login(editor_user)
        draft = _draft(site, editor_user, "ngram_baseline")
        html = client.get(reverse("drafting:draft_edit", args=[draft.pk]), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
        assert "<strong>この下書きは n-gram ベースラインが書きました。</strong></p>" in html

    @pytest.mark.parametrize("served_by", ["lstm", "gru+ngram", ""])
    def test_model_draft_shows_no_warning(self, client, site, editor_user, served_by):
        html = _editor_html(client, editor_user, _draft(site, editor_user, served_by))
        assert 'id="baseline-notice"' not in html
        assert BASELINE_WARNING not in html

    def test_warning_has_no_inline_style_or_script(self, client, site, editor_user):
        html = _editor_html(client, editor_user, _draft(site, editor_user, "ngram_baseline"))
        start = html.index('id="baseline-notice"')
        notice = html[start:html.index("</div>", start)]
        assert " style=" not in notice
        assert "<script" not in notice

    def test_reviewer_sees_warning(self, client, site, editor_user, reviewer_user):
        html = _editor_html(client, reviewer_user, _draft(site, editor_user, "ngram_baseline"))
        assert BASELINE_WARNING in html


class ScoreScopeTests:
    @pytest.mark.parametrize("served_by", ["ngram_baseline", "lstm"])
    def test_panel_says_what_scores_measure(self, client, site, editor_user, served_by):
        draft = _draft(site, editor_user, served_by)
        client.force_login(editor_user)
        response = client.get(
            reverse("analysis:draft_panel", args=[draft.pk]), HTTP_ACCEPT_LANGUAGE="en"
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert SCORE_SCOPE in html
        assert html.index("analysis-readability-score") < html.index(SCORE_SCOPE)


class WrittenByLabelTests:
    @pytest.mark.parametrize(
        ("served_by", "number", "expected"),
        [
            ("ngram_baseline", 3, "written by the n-gram baseline of v3"),
            ("lstm", 4, "written by the LSTM language model v4"),
            ("gru+ngram", 5, "written by the GRU language model mixed with its n-gram, v5"),
            ("", 5, ""),
        ],
    )
    def test_label(self, english_messages, served_by, number, expected):
        assert written_by_label(served_by, number) == expected
