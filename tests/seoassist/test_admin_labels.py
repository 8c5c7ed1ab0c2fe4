"""The admin pages name fields, choices and apps in the reader's language, never by their codes."""
import re

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise

from tests.seoassist.translations import japanese_catalog_with

pytestmark = pytest.mark.django_db

LANGUAGES = ["ja", "en"]


def _page(client, url: str, language: str, **params) -> str:
    response = client.get(url, params, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, url
    return response.content.decode()


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.DOTALL).group(1)


@pytest.fixture
def draft(site):
    from seoassist.drafting.models import Draft

    return Draft.objects.create(site=site, language="en", title="Spring hiking guide")


@pytest.fixture
def export_event(draft):
    from seoassist.drafting.models import DraftEvent, DraftEventKind

    return DraftEvent.objects.create(
        draft=draft, kind=DraftEventKind.EXPORT, revision_number=2, export_format="wxr",
        status_before="approved", status_after="exported",
    )


class DraftEventAdminTests:
    @pytest.mark.parametrize("language", LANGUAGES)
    def test_changelist_shows_event_text(
        self, superuser_client, export_event, language
    ):
        url = reverse("admin:drafting_draftevent_changelist")
        html = _page(superuser_client, url, language, _facets="1")

        assert "%(" not in html
        assert ">wxr<" not in html
        assert "WordPress (WXR)" in html
        with translation.override(language):
            assert export_event.text in html

    def test_changelist_in_english(self, superuser_client, export_event):
        html = _page(superuser_client, reverse("admin:drafting_draftevent_changelist"), "en")

        assert "Revision 2 exported as WordPress (WXR)" in html
        # The "By event" filter names the export events.
        assert ">Exported</a>" in html

    def test_changelist_in_japanese(self, superuser_client, export_event):
        html = _page(superuser_client, reverse("admin:drafting_draftevent_changelist"), "ja")

        assert "リビジョン 2 を WordPress (WXR) で書き出し" in html
        assert ">書き出し済み</a>" in html

    def test_events_cannot_be_added_by_hand(self, superuser_client):
        response = superuser_client.get(reverse("admin:drafting_draftevent_add"))

        assert response.status_code == 403

    @pytest.mark.parametrize("language", LANGUAGES)
    def test_change_page(self, superuser_client, export_event, language):
        url = reverse("admin:drafting_draftevent_change", args=[export_event.pk])
        html = _page(superuser_client, url, language)

        assert "%(" not in html
        assert ": export" not in html
        assert '<div class="readonly">wxr</div>' not in html
        with translation.override(language):
            assert f"Spring hiking guide: {export_event.text}" in _title(html)
        # The history's rows stay read-only.
        assert 'name="kind"' not in html
        assert 'name="export_format"' not in html

    def test_str_describes_the_event(self, export_event, english_messages):
        assert str(export_event) == "Spring hiking guide: Revision 2 exported as WordPress (WXR)"

    def test_export_format_label(self, export_event, english_messages):
        assert export_event.export_format_label == "WordPress (WXR)"


class FieldVerboseNameTests:
    # Apps whose models name every field with a translated verbose name.
    CHECKED_APPS = ["core", "corpus", "trends", "engine", "drafting", "tracking", "analysis"]

    def test_fields_have_translated_names(self):
        missing = []
        for app_label in self.CHECKED_APPS:
            for model in apps.get_app_config(app_label).get_models():
                for field in model._meta.get_fields():
                    if field.auto_created or not (field.concrete or field.many_to_many):
                        continue
                    verbose_name = field.deconstruct()[3].get("verbose_name")
                    if not isinstance(verbose_name, Promise):
                        missing.append(f"{model.__name__}.{field.name}")
        assert missing == []

    def test_foreign_key_labels_follow_the_language(self):
        from seoassist.drafting.models import DraftEvent, KeywordRequest

        with translation.override("ja"):
            assert str(KeywordRequest._meta.get_field("site").verbose_name) == "サイト"
            assert str(KeywordRequest._meta.get_field("created_by").verbose_name) == "依頼者"
            assert str(DraftEvent._meta.get_field("comment").verbose_name) == "レビューのコメント"

    def test_request_change_page_labels(self, superuser_client, site):
        from seoassist.drafting.models import KeywordRequest

        keyword_request = KeywordRequest.objects.create(
            site=site, keywords=["hiking"], language="en", target_length=800
        )
        url = reverse("admin:drafting_keywordrequest_change", args=[keyword_request.pk])
        html = _page(superuser_client, url, "ja")

        for english in ["Site:", "Created by:", "Started at:", "Finished at:", "Attempts:"]:
            assert english not in html, english
        for japanese in ["サイト:", "依頼者:", "開始日時:", "終了日時:", "試行回数:", "ステップ:"]:
            assert japanese in html, japanese


@pytest.fixture
def keyword_forecast(site):
    from seoassist.trends.models import Keyword, KeywordForecast

    keyword = Keyword.objects.create(site=site, text="hiking", normalized="hiking")
    return KeywordForecast.objects.create(
        keyword=keyword, method="seasonal_naive", direction="rising", change_percent=25.0
    )


@pytest.fixture
def request_forecasts(site):
    from seoassist.drafting.models import KeywordRequest, RequestForecast

    keyword_request = KeywordRequest.objects.create(
        site=site, keywords=["camping", "unknown word"], language="en", target_length=800
    )
    return [
        RequestForecast.objects.create(
            request=keyword_request, keyword="camping", method="theta", direction="flat"
        ),
        RequestForecast.objects.create(
            request=keyword_request, keyword="unknown word", method="", direction="unknown"
        ),
    ]


class ForecastAdminTests:
    RAW_CODES = ["seasonal_naive", "theta", "rising", "flat", "unknown"]

    def _assert_no_raw_codes(self, html: str) -> None:
        for code in self.RAW_CODES:
            # A code may stay in a filter's query string, never in the text of a cell or link.
            assert not re.search(rf">\s*{code}\s*(\(\d+\))?\s*<", html), code

    @pytest.mark.parametrize("language", LANGUAGES)
    def test_keyword_forecast_changelist(self, superuser_client, keyword_forecast, language):
        url = reverse("admin:trends_keywordforecast_changelist")
        html = _page(superuser_client, url, language, _facets="1")

        self._assert_no_raw_codes(html)
        if language == "en":
            assert "Seasonal naive (same period last year)" in html
            assert ">Rising</td>" in html
            assert ">Rising (1)</a>" in html
        else:
            assert "季節ナイーブ法（前年同期の値）" in html
            assert ">上昇 (1)</a>" in html

    @pytest.mark.parametrize("language", LANGUAGES)
    def test_request_forecast_changelist(self, superuser_client, request_forecasts, language):
        url = reverse("admin:drafting_requestforecast_changelist")
        html = _page(superuser_client, url, language)

        self._assert_no_raw_codes(html)
        if language == "en":
            assert ">Theta</td>" in html
            assert ">Flat</a>" in html
            assert ">No data</td>" in html
        else:
            assert ">Theta 法</td>" in html
            assert ">横ばい</a>" in html

    @pytest.mark.parametrize("language", LANGUAGES)
    def test_forecast_pages_show_labels_read_only(
        self, superuser_client, keyword_forecast, request_forecasts, language
    ):
        pages = [
            reverse("admin:trends_keywordforecast_change", args=[keyword_forecast.pk]),
            reverse("admin:drafting_requestforecast_change", args=[request_forecasts[0].pk]),
        ]
        for url in pages:
            html = _page(superuser_client, url, language)

            self._assert_no_raw_codes(html)
            assert 'name="method"' not in html
            assert 'name="_save"' not in html
            assert "deletelink" not in html
            assert "<pre>" in html

    def test_filter_still_selects_by_code(self, superuser_client, request_forecasts):
        url = reverse("admin:drafting_requestforecast_changelist")
        html = _page(superuser_client, url, "en", direction="flat")

        assert ">camping</a>" in html
        assert ">unknown word</a>" not in html

    @pytest.mark.parametrize("language", LANGUAGES)
    def test_request_page_inline(self, superuser_client, request_forecasts, language):
        keyword_request = request_forecasts[0].request
        url = reverse("admin:drafting_keywordrequest_change", args=[keyword_request.pk])
        html = _page(superuser_client, url, language)

        self._assert_no_raw_codes(html)

    def test_str_names_the_direction(self, keyword_forecast, request_forecasts):
        with translation.override("ja"):
            assert str(keyword_forecast) == "hiking: 上昇"
            assert str(request_forecasts[0]) == "camping: 横ばい"


class ModelVersionAdminTests:
    @pytest.fixture
    def version(self, site):
        from seoassist.engine.models import ModelVersion

        return ModelVersion.objects.create(
            site=site, kind="forecaster", number=1, artifact_prefix="models/test/1",
            training_seconds=20.75784067999996,
        )

    def test_changelist_rounds_training_time(self, superuser_client, version):
        html = _page(superuser_client, reverse("admin:engine_modelversion_changelist"), "en")

        assert '<td class="field-training_time">20.8</td>' in html
        assert "20.757" not in html

    def test_change_page_rounds_training_time(self, superuser_client, version):
        url = reverse("admin:engine_modelversion_change", args=[version.pk])
        html = _page(superuser_client, url, "ja")

        assert '<div class="readonly">20.8</div>' in html
        assert "20.757" not in html
        assert 'name="training_seconds"' not in html


class AdminAppNameTests:
    USER_FACING = {
        "core": "Sites and members",
        "corpus": "Article corpus",
        "engine": "Models and training",
    }

    def test_english_names(self, english_messages):
        for app_label, name in self.USER_FACING.items():
            assert str(apps.get_app_config(app_label).verbose_name) == name

    def test_names_are_translated(self):
        entries = {name: f"[{name}]" for name in self.USER_FACING.values()}
        with japanese_catalog_with(entries), translation.override("ja"):
            for app_label, name in self.USER_FACING.items():
                assert str(apps.get_app_config(app_label).verbose_name) == f"[{name}]"

    def test_index_page_in_english(self, superuser_client):
        html = _page(superuser_client, reverse("admin:index"), "en")

        for name in self.USER_FACING.values():
            assert name in html
        for developer_name in [">Core<", ">Corpus<", ">Engine<"]:
            assert developer_name not in html


@pytest.fixture
def crontab_task(db):
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    crontab = CrontabSchedule.objects.create(minute="30", hour="4")
    task = PeriodicTask.objects.create(
        name="Retrain test models", task="engine.retrain_all_sites", crontab=crontab
    )
    return crontab, task


class CeleryBeatAdminLabelTests:
    UNTRANSLATABLE = ["Task Name", "Scheduler", "Human readable", "Crontab translation"]
    NEW_MSGIDS = {"task name": "タスク名", "crontab in words": "crontab の説明"}

    def _pages(self, client, crontab_task, language: str) -> str:
        crontab, task = crontab_task
        urls = [
            reverse("admin:django_celery_beat_periodictask_changelist"),
            reverse("admin:django_celery_beat_periodictask_change", args=[task.pk]),
            reverse("admin:django_celery_beat_crontabschedule_changelist"),
            reverse("admin:django_celery_beat_crontabschedule_change", args=[crontab.pk]),
        ]
        return "".join(_page(client, url, language) for url in urls)

    @pytest.mark.parametrize("language", LANGUAGES)
    def test_no_untranslatable_labels(self, superuser_client, crontab_task, language):
        html = self._pages(superuser_client, crontab_task, language)

        for english in self.UNTRANSLATABLE:
            assert english not in html, english

    def test_english_labels(self, superuser_client, crontab_task):
        html = self._pages(superuser_client, crontab_task, "en")

        assert "By task name" in html
        assert '<span>Schedule</span>' in html
        assert "<label>Crontab in words:</label>" in html
        assert '<span>Crontab in words</span>' in html
        assert '<th class="column-task_name">Task name' in html

    def test_japanese_labels(self, superuser_client, crontab_task):
        with japanese_catalog_with(self.NEW_MSGIDS):
            html = self._pages(superuser_client, crontab_task, "ja")

        assert "タスク名 で絞り込む" in html
        assert "<span>スケジュール</span>" in html
        assert "<label>Crontab の説明:</label>" in html
        assert '<th class="column-task_name">タスク名' in html


class ObjectNameTests:
    def test_choice_labels_in_names(self, site, keyword_forecast, english_messages):
        from seoassist.corpus.models import ImportItem, ImportJob
        from seoassist.tracking.models import KeywordAlert
        from seoassist.trends.models import RelatedQuery, SearchQueryStat

        alert = KeywordAlert.objects.create(
            keyword=keyword_forecast.keyword, direction="rising", change=30.0
        )
        job = ImportJob.objects.create(site=site, kind="articles", original_name="a.jsonl")
        item = ImportItem(job=job, position=1, source="a.jsonl:1", outcome="duplicate")
        query = RelatedQuery(site=site, seed="hiking", query="hiking boots", section="rising")
        stat = SearchQueryStat(site=site, table="query", key="hiking", clicks=3, impressions=10)

        assert str(alert) == "hiking Rising +30 %"
        assert str(item) == "a.jsonl:1: Skipped as duplicate"
        assert str(query) == "hiking: hiking boots (Rising)"
        assert str(stat) == "Query hiking: 3"


class ReadablePagesTests:
    def test_lease_names_its_job(self, superuser_client):
        from datetime import timedelta

        from django.utils import timezone

        from seoassist.core.models import JobLease

        lease = JobLease.objects.create(
            job="training_run:2", holder="vm:1:abc", expires_at=timezone.now() + timedelta(minutes=5)
        )
        html = _page(superuser_client, reverse("admin:core_joblease_changelist"), "en")

        assert "Training run #2" in html
        with translation.override("ja"):
            assert str(lease) == "学習ジョブ #2（実行中のワーカー: vm:1:abc）"

    def test_generated_revision_hides_its_note_code(self, superuser_client, draft):
        from seoassist.drafting.models import DraftRevision, RevisionNote

        revision = DraftRevision.objects.create(
            draft=draft, number=1, title=draft.title, body="", note_code=RevisionNote.GENERATED
        )
        html = _page(superuser_client, reverse("admin:drafting_draftrevision_change", args=[revision.pk]), "en")

        assert ">generated<" not in html
        assert "note_code" not in html

    def test_event_without_format_shows_a_dash(self, superuser_client, draft):
        from seoassist.drafting.models import DraftEvent, DraftEventKind

        event = DraftEvent.objects.create(draft=draft, kind=DraftEventKind.SUBMIT)
        html = _page(superuser_client, reverse("admin:drafting_draftevent_change", args=[event.pk]), "en")

        assert ">None<" not in html

    def test_version_metrics_are_rounded(self, superuser_client, site):
        from seoassist.engine.models import ModelKind, ModelVersion

        version = ModelVersion.objects.create(
            site=site, kind=ModelKind.FORECASTER, number=1, artifact_prefix="f1",
            metrics={"mase": 0.7388380083148208, "trials": [{"loss": 1.23456789}]},
        )
        html = _page(superuser_client, reverse("admin:engine_modelversion_change", args=[version.pk]), "en")

        assert "0.7388" in html
        assert "0.7388380083148208" not in html
        assert "1.2346" in html
