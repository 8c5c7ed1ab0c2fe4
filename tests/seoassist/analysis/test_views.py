"""The analysis panel, dismissals and their permissions."""
import pytest
from django.urls import reverse

from seoassist.analysis.models import CheckDismissal
from seoassist.analysis.services import check_dismiss, check_restore, draft_analyze, draft_text
from seoassist.core.exceptions import ApplicationError
from seoassist.corpus.models import Article
from seoassist.drafting.models import Draft, KeywordRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(site, editor_user):
    return Draft.objects.create(
        site=site, owner=editor_user, language="ja", keywords=["見積もり", "引越し"],
        title="見積もりを安くする方法", slug="mitsumori", meta_description="説明",
        body="## 見出し\n\n見積もりを比較します。",
    )


@pytest.fixture
def other_editor(db, site):
    from seoassist.core.models import Role
    from seoassist.core.services import membership_set, user_create

    user = user_create(username="other-editor", password="other-pass-123")
    membership_set(user=user, site=site, role=Role.EDITOR)
    return user


@pytest.fixture
def outsider(db):
    from seoassist.core.models import Role
    from seoassist.core.services import membership_set, site_create, user_create

    other_site = site_create(name="Other", slug="other", language="en")
    user = user_create(username="outsider", password="outsider-pass-123")
    membership_set(user=user, site=other_site, role=Role.ADMIN)
    return user


class DraftAnalyzeServiceTests:
    def test_keyphrases_from_draft_and_request(self, draft, site):
        Article.objects.create(
            site=site, language="ja", title="引越し業者の見積もり",
            body="引越し業者の見積もりを比べます。", content_hash="moving-estimate",
        )
        draft.request = KeywordRequest.objects.create(
            site=site, keywords=["見積もり"], language="ja", target_length=1500,
            related_keywords=["業者", "引越し"],
        )
        text = draft_text(draft=draft)
        assert text.keyphrase == "見積もり"
        assert text.related_keyphrases == ("引越し", "業者")
        assert text.language == "ja"

    def test_request_keywords_pass_quality_rules(self, draft, site):
        Article.objects.create(
            site=site, language="ja", title="引越し業者の見積もり",
            body="引越し業者の見積もりを比べます。", content_hash="moving-estimate",
        )
        draft.request = KeywordRequest.objects.create(
            site=site, keywords=["見積もり"], language="ja", target_length=1500,
            related_keywords=["業者", "日焼け止め"],
        )
        assert draft_text(draft=draft).related_keyphrases == ("引越し", "業者")

    def test_unsaved_values_win(self, draft):
        text = draft_text(draft=draft, data={"title": "別のタイトル", "body": "a\r\nb"})
        assert text.title == "別のタイトル"
        assert text.body == "a\nb"
        assert text.meta_description == "説明"

    def test_analysis_uses_the_draft_language_not_the_site(self, draft, site):
        draft.language = "en"
        analysis = draft_analyze(draft=draft)
        assert site.language == "ja"
        assert analysis.language == "en"


class CheckDismissServiceTests:
    def test_reason_is_required(self, draft, editor_user):
        with pytest.raises(ApplicationError, match="Give a reason"):
            check_dismiss(draft=draft, check_id="text_length", reason="  ", user=editor_user)

    def test_unknown_check_is_rejected(self, draft, editor_user):
        with pytest.raises(ApplicationError, match="“nope” is not an analysis check"):
            check_dismiss(draft=draft, check_id="nope", reason="x", user=editor_user)

    def test_second_dismissal_replaces_reason(self, draft, editor_user):
        check_dismiss(
            draft=draft, check_id="text_length", reason="short news item", user=editor_user
        )
        check_dismiss(draft=draft, check_id="text_length", reason="a brief", user=editor_user)
        dismissal = CheckDismissal.objects.get()
        assert dismissal.reason == "a brief"
        assert dismissal.dismissed_by == editor_user

    def test_restore_deletes_the_dismissal(self, draft, editor_user):
        check_dismiss(draft=draft, check_id="text_length", reason="short", user=editor_user)
        check_restore(draft=draft, check_id="text_length")
        check_restore(draft=draft, check_id="text_length")
        assert CheckDismissal.objects.count() == 0


class DraftPanelViewTests:
    def test_anonymous_user_is_sent_to_login(self, client, draft):
        response = client.post(reverse("analysis:draft_panel", args=[draft.pk]))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_panel_analyses_the_posted_fields(self, client, editor_user, draft):
        client.force_login(editor_user)
        response = client.post(
            reverse("analysis:draft_panel", args=[draft.pk]),
            {"title": "引越しの見積もり", "body": "今日は晴れです。", "meta_description": "", "slug": ""},
            HTTP_ACCEPT_LANGUAGE="en",
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "The title contains the keyphrase. Move it to the start of the title." in html
        assert "引越しの見積もり" in html  # the search result preview
        assert 'class="analysis-seo-score"' in html
        assert "<script>" not in html
        assert "style=" not in html

    def test_span_links_carry_body_offsets(self, client, editor_user, draft):
        client.force_login(editor_user)
        body = "今日は晴れです。\n\n見積もりを比較します。"
        response = client.post(reverse("analysis:draft_panel", args=[draft.pk]), {"body": body})
        html = response.content.decode()
        assert 'data-start="0" data-end="8"' in html  # the first paragraph lacks the keyphrase

    def test_colleague_on_the_same_site_can_analyse_the_draft(self, client, other_editor, draft):
        client.force_login(other_editor)
        assert client.post(reverse("analysis:draft_panel", args=[draft.pk])).status_code == 200

    def test_user_of_another_site_cannot_see_the_draft(self, client, outsider, draft):
        client.force_login(outsider)
        assert client.post(reverse("analysis:draft_panel", args=[draft.pk])).status_code == 404

    def test_user_without_site_is_refused(self, client, draft):
        from seoassist.core.services import user_create

        client.force_login(user_create(username="nobody", password="nobody-pass-123"))
        assert client.post(reverse("analysis:draft_panel", args=[draft.pk])).status_code == 403

    def test_admin_of_the_site_sees_any_draft(self, client, admin_user, draft):
        client.force_login(admin_user)
        assert client.get(reverse("analysis:draft_panel", args=[draft.pk])).status_code == 200


class DismissalViewTests:
    def test_dismiss_shows_reason_and_restore_button(self, client, editor_user, draft):
        client.force_login(editor_user)
        response = client.post(
            reverse("analysis:check_dismiss", args=[draft.pk]),
            {"check_id": "text_length", "reason_text_length": "短いニュース記事"},
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert CheckDismissal.objects.get().check_id == "text_length"
        assert "Dismissed checks" in html
        assert "短いニュース記事" in html
        assert reverse("analysis:check_restore", args=[draft.pk]) in html

    def test_dismissed_check_no_longer_counts_in_the_score(self, client, editor_user, draft):
        client.force_login(editor_user)
        before = draft_analyze(draft=draft)
        client.post(
            reverse("analysis:check_dismiss", args=[draft.pk]),
            {"check_id": "text_length", "reason": "a brief"},
        )
        response = client.post(reverse("analysis:draft_panel", args=[draft.pk]))
        expected = before.without({"text_length"}).seo_score
        html = response.content.decode()
        assert f'<strong class="analysis-seo-score">{expected}</strong>' in html

    def test_missing_reason_is_shown_and_nothing_stored(self, client, editor_user, draft):
        client.force_login(editor_user)
        response = client.post(
            reverse("analysis:check_dismiss", args=[draft.pk]), {"check_id": "text_length"}
        )
        assert "Give a reason for dismissing this check." in response.content.decode()
        assert CheckDismissal.objects.count() == 0

    def test_dismissal_of_absent_check_stays_listed(self, client, editor_user, draft):
        # The saved draft is too short for a density check, but it can be dismissed.
        check_dismiss(draft=draft, check_id="keyphrase_density", reason="news", user=editor_user)
        client.force_login(editor_user)
        response = client.post(reverse("analysis:draft_panel", args=[draft.pk]))
        html = response.content.decode()
        assert "does not apply to the text as it is now" in html
        assert "news" in html

    def test_restore(self, client, editor_user, draft):
        client.force_login(editor_user)
        check_dismiss(draft=draft, check_id="text_length", reason="short", user=editor_user)
        response = client.post(
            reverse("analysis:check_restore", args=[draft.pk]), {"check_id": "text_length"}
        )
        assert response.status_code == 200
        assert CheckDismissal.objects.count() == 0
        assert "Dismissed checks" not in response.content.decode()

    def test_dismiss_requires_post(self, client, editor_user, draft):
        client.force_login(editor_user)
        assert client.get(reverse("analysis:check_dismiss", args=[draft.pk])).status_code == 405

    def test_user_of_another_site_cannot_dismiss(self, client, outsider, draft):
        client.force_login(outsider)
        response = client.post(
            reverse("analysis:check_dismiss", args=[draft.pk]),
            {"check_id": "text_length", "reason": "x"},
        )
        assert response.status_code == 404
        assert CheckDismissal.objects.count() == 0
