import os
from datetime import timedelta

import pytest
from django.utils import timezone

from seoassist.tracking.models import JobLock, KeywordAlert, SourceKind, TrendSource
from seoassist.tracking.services import (
    job_lock,
    job_lock_acquire,
    job_lock_release,
    keyword_alert_acknowledge,
    keyword_alerts_flag,
    trend_source_check,
)
from seoassist.trends.models import Keyword, KeywordForecast, TrendPoint
from tests.seoassist.tracking.support import local_server, weekly_export

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(english_messages):
    """Read the stored results in English whatever the default interface language is."""


class JobLockTests:
    def test_second_holder_is_turned_away(self):
        token = job_lock_acquire(name="job", seconds=60)
        assert token
        assert job_lock_acquire(name="job", seconds=60) is None
        job_lock_release(name="job", token=token)
        assert job_lock_acquire(name="job", seconds=60)

    def test_expired_lock_is_taken_over(self):
        JobLock.objects.create(name="job", token="dead", expires_at=timezone.now() - timedelta(seconds=1))
        token = job_lock_acquire(name="job", seconds=60)
        assert token and token != "dead"
        # The old holder's release no longer frees the new holder's lock.
        job_lock_release(name="job", token="dead")
        assert JobLock.objects.get(name="job").token == token

    def test_context_manager_releases(self):
        with job_lock("job", 60) as first:
            with job_lock("job", 60) as second:
                assert first is True
                assert second is False
        assert not JobLock.objects.exists()


@pytest.fixture
def folder_source(site, tmp_path):
    return TrendSource.objects.create(site=site, kind=SourceKind.FOLDER, path=str(tmp_path))


class FolderSourceTests:
    def test_new_file_imported_once(self, folder_source, tmp_path):
        (tmp_path / "kafun.csv").write_bytes(weekly_export("花粉症", 10))
        (tmp_path / "notes.md").write_text("not a trend export")
        trend_source_check(source=folder_source)
        assert folder_source.last_ok, folder_source.last_result
        assert "kafun.csv" in folder_source.last_result
        assert TrendPoint.objects.count() == 10
        assert folder_source.files.get().name == "kafun.csv"

        trend_source_check(source=folder_source)
        assert TrendPoint.objects.count() == 10
        assert folder_source.last_result == "No new or changed file."

    def test_changed_file_is_imported_again(self, folder_source, tmp_path):
        path = tmp_path / "kafun.csv"
        path.write_bytes(weekly_export("花粉症", 10))
        trend_source_check(source=folder_source)
        path.write_bytes(weekly_export("花粉症", 14))
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
        trend_source_check(source=folder_source)
        assert TrendPoint.objects.count() == 14
        assert "4 new points" in folder_source.last_result

    def test_touched_file_with_same_content_is_skipped(self, folder_source, tmp_path):
        path = tmp_path / "kafun.csv"
        path.write_bytes(weekly_export("花粉症", 10))
        trend_source_check(source=folder_source)
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
        trend_source_check(source=folder_source)
        assert folder_source.last_result == "No new or changed file."
        assert folder_source.files.get().modified_ns == path.stat().st_mtime_ns

    def test_unreadable_file_is_named_and_others_still_imported(self, folder_source, tmp_path):
        (tmp_path / "a-broken.csv").write_bytes(b"")
        (tmp_path / "b-kafun.csv").write_bytes(weekly_export("花粉症", 6))
        trend_source_check(source=folder_source)
        assert not folder_source.last_ok
        assert "a-broken.csv" in folder_source.last_result
        assert TrendPoint.objects.count() == 6
        assert list(folder_source.files.values_list("name", flat=True)) == ["b-kafun.csv"]

    def test_missing_folder_is_reported(self, site, tmp_path):
        source = TrendSource.objects.create(site=site, kind=SourceKind.FOLDER, path=str(tmp_path / "gone"))
        trend_source_check(source=source)
        assert not source.last_ok
        assert "gone" in source.last_result
        assert source.last_checked is not None


class URLSourceTests:
    def test_url_export_imported_once(self, site, settings):
        settings.SEOASSIST_FETCH_ALLOW_LOOPBACK = True
        routes = {"/multiTimeline.csv": (200, {"Content-Type": "text/csv"}, weekly_export("熱中症", 8))}
        with local_server(routes) as base:
            source = TrendSource.objects.create(site=site, kind=SourceKind.URL, url=base + "/multiTimeline.csv")
            trend_source_check(source=source)
            assert source.last_ok, source.last_result
            trend_source_check(source=source)
        assert TrendPoint.objects.count() == 8
        assert Keyword.objects.get().text == "熱中症"

    def test_loopback_url_refused_by_default(self, site, settings):
        settings.SEOASSIST_FETCH_ALLOW_LOOPBACK = False
        with local_server({"/x.csv": (200, {}, weekly_export("熱中症", 8))}) as base:
            source = TrendSource.objects.create(site=site, kind=SourceKind.URL, url=base + "/x.csv")
            trend_source_check(source=source)
        assert not source.last_ok
        assert "loopback" in source.last_result
        assert TrendPoint.objects.count() == 0


def _forecast(site, text, change, direction="rising"):
    keyword = Keyword.objects.create(site=site, text=text, normalized=text)
    return KeywordForecast.objects.create(
        keyword=keyword, method="naive", direction=direction, change_percent=change,
        points=[{"date": "2025-01-06", "p10": 1, "p50": 2, "p90": 3}],
    )


class KeywordAlertTests:
    def test_changes_beyond_threshold_are_flagged_once(self, site):
        _forecast(site, "up", 35.0)
        _forecast(site, "down", -40.0, "falling")
        _forecast(site, "calm", 5.0, "flat")
        created = keyword_alerts_flag(site=site, threshold_percent=20)
        assert sorted((a.keyword.text, a.direction) for a in created) == [("down", "falling"), ("up", "rising")]
        assert keyword_alerts_flag(site=site, threshold_percent=20) == []
        assert KeywordAlert.objects.count() == 2

    def test_open_alert_follows_the_latest_change(self, site):
        forecast = _forecast(site, "up", 35.0)
        keyword_alerts_flag(site=site, threshold_percent=20)
        KeywordForecast.objects.filter(pk=forecast.pk).update(change_percent=60.0)
        keyword_alerts_flag(site=site, threshold_percent=20)
        assert KeywordAlert.objects.get().change == 60.0

    def test_acknowledged_alert_allows_a_new_one(self, site, editor_user):
        _forecast(site, "up", 35.0)
        alert = keyword_alerts_flag(site=site, threshold_percent=20)[0]
        keyword_alert_acknowledge(alert=alert, user=editor_user)
        assert alert.acknowledged_by == editor_user
        assert len(keyword_alerts_flag(site=site, threshold_percent=20)) == 1

    def test_threshold_must_be_positive(self, site):
        with pytest.raises(ValueError, match="threshold_percent"):
            keyword_alerts_flag(site=site, threshold_percent=0)


class SingleRunTaskTests:
    def test_job_skips_while_another_run_holds_the_lock(self, folder_source, tmp_path):
        from seoassist.tracking.tasks import reimport_trend_sources_task

        (tmp_path / "kafun.csv").write_bytes(weekly_export("花粉症", 5))
        with job_lock("tracking.reimport_trend_sources", 60):
            assert reimport_trend_sources_task() is False
        assert TrendPoint.objects.count() == 0
        assert reimport_trend_sources_task() is True
        assert TrendPoint.objects.count() == 5
        assert not JobLock.objects.exists()

    def test_refresh_job_refreshes_and_flags(self, site):
        from seoassist.trends.services import trends_import_file
        from seoassist.tracking.tasks import refresh_forecasts_task

        trends_import_file(site=site, data=weekly_export("花粉症", 30, start_value=5, step=3), file_name="t.csv")
        # A steady climb is forecast to keep rising, by about 13 % with the naive baseline.
        assert refresh_forecasts_task(threshold_percent=5) is True
        forecast = KeywordForecast.objects.get(keyword__site=site)
        assert forecast.change_percent >= 5
        alert = KeywordAlert.objects.get(keyword=forecast.keyword)
        assert alert.direction == "rising"
        assert alert.change == forecast.change_percent
