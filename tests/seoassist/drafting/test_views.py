import pytest
from django.urls import reverse

from seoassist.drafting.models import Draft, DraftRevision, KeywordRequest, RequestStatus
from tests.seoassist.progress_bars import duplicate_ids, progress_bars
from tests.seoassist.translations import japanese_catalog_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(site, editor_user):
    created = Draft.objects.create(
        site=site, owner=editor_user, language="ja", keywords=["花粉症"],
        title="花粉症の対策", slug="kafun", meta_description="説明", body="## 見出し\n\n本文です。",
    )
    DraftRevision.objects.create(draft=created, number=1, title=created.title, body=created.body)
    return created


class LoginRequiredTests:
    @pytest.mark.parametrize(
        "name",
        ["core:home", "drafting:request_create", "drafting:draft_list", "corpus:import_list",
         "engine:model_overview", "drafting:request_list"],
    )
    def test_anonymous_user_is_sent_to_login(self, client, name):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_login_page_is_public(self, client):
        assert client.get(reverse("login")).status_code == 200


class RequestCreateViewTests:
    def test_submission_saves_request_and_redirects(self, client, editor_user, django_capture_on_commit_callbacks, monkeypatch):
        dispatched = []
        monkeypatch.setattr(
            "seoassist.drafting.services.keyword_request_dispatch",
            lambda *, request_id: dispatched.append(request_id),
        )
        client.force_login(editor_user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("drafting:request_create"), {"keywords": "花粉症、 対策", "target_length": ""}
            )
        saved = KeywordRequest.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("drafting:request_detail", args=[saved.pk])
        assert saved.keywords == ["花粉症", "対策"]
        assert saved.language == "ja"
        assert saved.target_length == 1500
        assert saved.status == RequestStatus.QUEUED
        assert dispatched == [saved.pk]

    def test_six_keywords_are_rejected_with_message(self, client, editor_user):
        client.force_login(editor_user)
        response = client.post(
            reverse("drafting:request_create"), {"keywords": "a,b,c,d,e,f"}, HTTP_ACCEPT_LANGUAGE="en"
        )
        assert response.status_code == 200
        assert "You entered 6 keywords; enter at most 5." in response.content.decode()
        # The message sits under the keywords field, which needs the change.
        assert response.context["form"].errors["keywords"] == ["You entered 6 keywords; enter at most 5."]
        assert KeywordRequest.objects.count() == 0
        # The editor's input is shown again, so nothing typed is lost.
        assert "a,b,c,d,e,f" in response.content.decode()

    def test_request_page_says_it_waits_for_model(self, client, editor_user, site):
        keyword_request = KeywordRequest.objects.create(
            site=site, created_by=editor_user, keywords=["花粉症"], language="ja",
            target_length=1500, status=RequestStatus.WAITING_FOR_MODEL,
            progress_message="The site's language model is still training",
        )
        client.force_login(editor_user)
        response = client.get(
            reverse("drafting:request_detail", args=[keyword_request.pk]),
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert "first models are still training" in response.content.decode()

    def test_waiting_request_names_each_run_bar(self, client, editor_user, site):
        from seoassist.core.models import JobStatus
        from seoassist.engine.models import ModelKind, TrainingPhase, TrainingRun

        language_model_run = TrainingRun.objects.create(
            site=site, kind=ModelKind.LANGUAGE_MODEL, status=JobStatus.RUNNING,
            progress_step=520, progress_total=1000, progress_phase=TrainingPhase.TRAINING_GRU,
        )
        forecaster_run = TrainingRun.objects.create(site=site, kind=ModelKind.FORECASTER)
        keyword_request = KeywordRequest.objects.create(
            site=site, created_by=editor_user, keywords=["花粉症"], language="ja",
            target_length=1500, status=RequestStatus.WAITING_FOR_MODEL,
        )
        client.force_login(editor_user)

        html = client.get(
            reverse("drafting:request_detail", args=[keyword_request.pk]), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()

        names = {bar.id: bar.accessible_name for bar in progress_bars(html)}
        assert duplicate_ids(html) == []
        assert names == {
            f"run-{language_model_run.pk}-progress": "Training the GRU",
            f"run-{forecaster_run.pk}-progress": "Waiting for a worker",
        }


class TargetLengthValidationTests:
    @pytest.mark.parametrize(
        ("keywords", "length", "message"),
        [
            ("花粉症, 対策", "50", "The target length 50 is outside 300 to 10000 for this language."),
            ("花粉症, 対策", "150", "The target length 150 is outside 300 to 10000 for this language."),
            ("花粉症, 対策", "20000", "The target length 20000 is outside 300 to 10000 for this language."),
            ("pollen allergy", "50", "The target length 50 is outside 100 to 4000 for this language."),
            ("pollen allergy", "5000", "The target length 5000 is outside 100 to 4000 for this language."),
        ],
    )
    def test_length_error_names_language_range(self, client, editor_user, keywords, length, message):
        client.force_login(editor_user)
        response = client.post(
            reverse("drafting:request_create"),
            {"keywords": keywords, "target_length": length},
            HTTP_ACCEPT_LANGUAGE="en",
        )
        html = response.content.decode()
        assert message in html
        assert "Ensure this value is" not in html
        assert KeywordRequest.objects.count() == 0

    def test_chosen_language_sets_the_range(self, client, editor_user):
        client.force_login(editor_user)
        response = client.post(
            reverse("drafting:request_create"),
            {"keywords": "pollen allergy", "language": "ja", "target_length": "200"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert "The target length 200 is outside 300 to 10000 for this language." in response.content.decode()

    def test_zero_length_is_rejected_not_defaulted(self, client, editor_user):
        client.force_login(editor_user)
        client.post(reverse("drafting:request_create"), {"keywords": "花粉症", "target_length": "0"})
        assert KeywordRequest.objects.count() == 0

    def test_japanese_message_for_japanese_keywords(self, client, editor_user):
        client.force_login(editor_user)
        response = client.post(
            reverse("drafting:request_create"), {"keywords": "花粉症, 対策", "target_length": "50"}
        )
        html = response.content.decode()
        assert "目標の長さ 50 は、この言語で指定できる範囲（300〜10000）の外です。" in html
        assert "100 以上" not in html


class KeywordPlaceholderTests:
    def test_english_page_shows_english_example(self, client, editor_user):
        client.force_login(editor_user)
        html = client.get(reverse("drafting:request_create"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert 'placeholder="e.g. hay fever, remedies"' in html

    def test_japanese_page_translates_the_example(self, client, editor_user):
        client.force_login(editor_user)
        with japanese_catalog_with({"e.g. hay fever, remedies": "例: 花粉症、対策"}):
            html = client.get(reverse("drafting:request_create")).content.decode()
        assert 'placeholder="例: 花粉症、対策"' in html


class RequestPageBeforeWorkerTests:
    """The request page before any worker took the request."""

    def _submit(self, client, editor_user, django_capture_on_commit_callbacks, monkeypatch):
        monkeypatch.setattr("seoassist.core.dispatch.task_send", lambda task, *args: None)
        client.force_login(editor_user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("drafting:request_create"), {"keywords": "花粉症、 対策", "target_length": ""}
            )
        assert response.status_code == 302
        return KeywordRequest.objects.get()

    def test_first_render_shows_queued_training(
        self, client, editor_user, site_with_articles, django_capture_on_commit_callbacks, monkeypatch
    ):
        from seoassist.engine.models import ModelKind, TrainingRun

        submitted = self._submit(client, editor_user, django_capture_on_commit_callbacks, monkeypatch)

        response = client.get(
            reverse("drafting:request_detail", args=[submitted.pk]), HTTP_ACCEPT_LANGUAGE="en"
        )

        html = response.content.decode()
        assert submitted.status == RequestStatus.QUEUED
        run = TrainingRun.objects.get(site=site_with_articles, kind=ModelKind.LANGUAGE_MODEL)
        assert run.trigger == "request"
        assert "Waiting for the site's first models" in html
        assert "first models are still training" in html
        assert f'id="run-{run.pk}"' in html
        assert "Language model #%d</strong> · Queued" % run.pk in html
        [bar] = progress_bars(html)
        assert bar.id == f"run-{run.pk}-progress"
        assert bar.label == "0 % · Waiting for a worker"
        assert bar.accessible_name == "Waiting for a worker"
        assert 'class="status status-queued"' not in html
        # The request does not wait for the related-search model, so its run is not listed.
        query_run = TrainingRun.objects.get(site=site_with_articles, kind=ModelKind.QUERY_MODEL)
        assert f'id="run-{query_run.pk}"' not in html

    def test_polled_status_shows_training_progress(
        self, client, editor_user, site_with_articles, django_capture_on_commit_callbacks, monkeypatch
    ):
        from seoassist.core.models import JobStatus
        from seoassist.engine.models import ModelKind, TrainingPhase, TrainingRun

        submitted = self._submit(client, editor_user, django_capture_on_commit_callbacks, monkeypatch)
        TrainingRun.objects.filter(kind=ModelKind.LANGUAGE_MODEL).update(
            status=JobStatus.RUNNING, progress_step=300, progress_total=1000,
            progress_phase=TrainingPhase.TRAINING_LSTM,
        )

        response = client.get(
            reverse("drafting:request_status", args=[submitted.pk]), HTTP_ACCEPT_LANGUAGE="en"
        )

        html = response.content.decode()
        assert "Waiting for the site's first models" in html
        [bar] = progress_bars(html)
        assert bar.label == "30 % · Training the LSTM"
        assert bar.accessible_name == "Training the LSTM"

    def test_site_without_articles_says_training_starts_with_worker(
        self, client, editor_user, site, django_capture_on_commit_callbacks, monkeypatch
    ):
        from seoassist.engine.models import TrainingRun

        submitted = self._submit(client, editor_user, django_capture_on_commit_callbacks, monkeypatch)

        response = client.get(
            reverse("drafting:request_detail", args=[submitted.pk]), HTTP_ACCEPT_LANGUAGE="en"
        )

        assert not TrainingRun.objects.exists()
        assert "The site has no language model yet" in response.content.decode()

    def test_site_with_model_shows_request_progress(self, client, editor_user, site):
        from seoassist.engine.models import ModelKind, ModelVersion

        ModelVersion.objects.create(site=site, kind=ModelKind.LANGUAGE_MODEL, number=1, artifact_prefix="x")
        keyword_request = KeywordRequest.objects.create(
            site=site, created_by=editor_user, keywords=["花粉症"], language="ja",
            target_length=1500, progress_total=4,
        )
        client.force_login(editor_user)

        response = client.get(
            reverse("drafting:request_detail", args=[keyword_request.pk]), HTTP_ACCEPT_LANGUAGE="en"
        )

        html = response.content.decode()
        assert 'class="status status-queued"' in html
        assert "Waiting for the site's first models" not in html
        [bar] = progress_bars(html)
        assert bar.id == f"request-{keyword_request.pk}-progress"
        assert bar.accessible_name == "Waiting for a worker"


class DraftEditViewTests:
    def test_save_stores_new_revision(self, client, editor_user, draft):
        client.force_login(editor_user)
        response = client.post(
            reverse("drafting:draft_edit", args=[draft.pk]),
            {"title": "新しい題", "slug": "kafun", "meta_description": "説明", "body": "本文。",
             "version": draft.version},
        )
        assert response.status_code == 302
        draft.refresh_from_db()
        assert draft.title == "新しい題"
        assert draft.revisions.count() == 2
        assert draft.revisions.first().number == 2
        assert draft.revisions.first().author == editor_user

    def test_preview_strips_scripts(self, client, editor_user, draft):
        client.force_login(editor_user)
        response = client.post(
            reverse("drafting:draft_preview", args=[draft.pk]),
            {"body": "## H\n\n<script>alert(1)</script><img src=x onerror=alert(1)>**bold**"},
        )
        html = response.content.decode()
        assert "<script" not in html
        assert "onerror" not in html
        assert "<strong>bold</strong>" in html

    def test_editor_of_another_site_cannot_open_draft(self, client, draft):
        from seoassist.core.services import membership_set, site_create, user_create

        other_site = site_create(name="Other Site", slug="other", language="en")
        other = user_create(username="other", password="x-pass-12345")
        membership_set(user=other, site=other_site, role="editor")
        client.force_login(other)
        response = client.get(reverse("drafting:draft_edit", args=[draft.pk]))
        assert response.status_code == 404

    def test_second_editor_of_the_site_opens_draft(self, client, site, draft):
        from seoassist.core.services import membership_set, user_create

        colleague = user_create(username="colleague", password="x-pass-12345")
        membership_set(user=colleague, site=site, role="editor")
        client.force_login(colleague)
        response = client.get(reverse("drafting:draft_edit", args=[draft.pk]))
        assert response.status_code == 200

    def test_draft_list_shows_own_drafts(self, client, editor_user, draft):
        client.force_login(editor_user)
        response = client.get(reverse("drafting:draft_list"))
        assert draft.title in response.content.decode()


class FailedRequestTests:
    def test_failed_request_offers_resubmission(self, client, editor_user, site):
        keyword_request = KeywordRequest.objects.create(
            site=site, created_by=editor_user, keywords=["花粉症", "対策"], language="ja",
            target_length=1500, status=RequestStatus.FAILED, error="The model files are missing.",
        )
        client.force_login(editor_user)
        page = client.get(reverse("drafting:request_detail", args=[keyword_request.pk])).content.decode()
        assert "The model files are missing." in page
        retry = reverse("drafting:request_create") + "?keywords=%E8%8A%B1%E7%B2%89%E7%97%87%2C+%E5%AF%BE%E7%AD%96"
        assert retry in page.replace("&amp;", "&")
        form_page = client.get(retry).content.decode()
        assert 'value="花粉症, 対策"' in form_page


class RequestProgressLabelTests:
    def test_queued_request_label(self, site, editor_user, english_messages):
        request = KeywordRequest.objects.create(
            site=site, created_by=editor_user, keywords=["花粉症"], language="ja", target_length=800
        )
        assert request.status == RequestStatus.QUEUED
        assert request.progress_label == "Waiting for a worker"

    def test_running_request_label(self, site, editor_user, english_messages):
        request = KeywordRequest.objects.create(
            site=site, created_by=editor_user, keywords=["花粉症"], language="ja", target_length=800,
            status=RequestStatus.RUNNING, progress_step=3,
        )
        assert request.progress_label == "Writing the draft"


class ExistingContentTests:
    @pytest.fixture
    def keyword_request(self, site, editor_user):
        return KeywordRequest.objects.create(
            site=site, created_by=editor_user, keywords=["花粉症", "対策"], language="ja",
            target_length=1500, status=RequestStatus.SUCCEEDED,
        )

    def _page(self, client, user, keyword_request) -> str:
        client.force_login(user)
        return client.get(
            reverse("drafting:request_detail", args=[keyword_request.pk]), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()

    def test_lists_matching_articles_and_drafts(
        self, client, site, editor_user, second_editor, keyword_request
    ):
        from seoassist.corpus.models import Article

        Article.objects.create(
            site=site, title="花粉症の季節に備える", body="本文", language="ja",
            url="https://example.com/kafun", content_hash="a",
        )
        Article.objects.create(site=site, title="紅葉の名所", body="本文", language="ja", content_hash="b")
        Draft.objects.create(
            site=site, owner=second_editor, language="ja", keywords=["花粉症"], title="目のかゆみを抑える",
        )
        Draft.objects.create(site=site, owner=second_editor, language="ja", keywords=["紅葉"], title="紅葉狩り")

        html = self._page(client, editor_user, keyword_request)

        assert "Already on this site" in html
        assert 'href="https://example.com/kafun"' in html
        assert "花粉症の季節に備える" in html
        assert "目のかゆみを抑える" in html
        assert "紅葉" not in html

    def test_skips_own_draft_and_other_languages(self, client, site, editor_user, keyword_request):
        from seoassist.corpus.models import Article

        Draft.objects.create(
            site=site, owner=editor_user, request=keyword_request, language="ja", keywords=["花粉症"],
            title="花粉症の対策",
        )
        Article.objects.create(site=site, title="花粉症 in English", body="text", language="en", content_hash="c")

        html = self._page(client, editor_user, keyword_request)

        assert "Already on this site" not in html

    def test_non_web_address_is_not_linked(self, client, site, editor_user, keyword_request):
        from seoassist.corpus.models import Article

        Article.objects.create(
            site=site, title="花粉症の薬", body="本文", language="ja", url="javascript:alert(1)", content_hash="d",
        )

        html = self._page(client, editor_user, keyword_request)

        assert "花粉症の薬" in html
        assert "javascript:" not in html

    def test_long_lists_end_with_count(self, client, site, editor_user, keyword_request):
        from seoassist.corpus.models import Article
        from seoassist.drafting.selectors import EXISTING_CONTENT_LIMIT

        for index in range(EXISTING_CONTENT_LIMIT + 2):
            Article.objects.create(
                site=site, title=f"花粉症の話 {index}", body="本文", language="ja", content_hash=f"e{index}",
            )

        html = self._page(client, editor_user, keyword_request)

        assert html.count("花粉症の話") == EXISTING_CONTENT_LIMIT
        assert "and 2 more articles" in html

    def test_english_keyphrase_matches_any_case(self, client, site, editor_user):
        from seoassist.corpus.models import Article

        keyword_request = KeywordRequest.objects.create(
            site=site, created_by=editor_user, keywords=["autumn leaves"], language="en",
            target_length=600, status=RequestStatus.SUCCEEDED,
        )
        Article.objects.create(
            site=site, title="Autumn Leaves: Where to See Them", body="text", language="en", content_hash="f",
        )

        html = self._page(client, editor_user, keyword_request)

        assert "Autumn Leaves: Where to See Them" in html
