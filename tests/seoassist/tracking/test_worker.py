"""A scheduled tracking job run by a real Celery worker process."""
import pytest

from seoassist.tracking.models import SourceKind, TrendSource
from seoassist.trends.models import TrendPoint
from tests.conftest import wait_for
from tests.seoassist.tracking.support import weekly_export

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


class ReimportJobWorkerTests:
    def test_worker_reimports_watched_folder(self, celery_worker_process, site, tmp_path):
        from seoassist.tracking.tasks import reimport_trend_sources_task

        (tmp_path / "kafun.csv").write_bytes(weekly_export("花粉症", 12))
        source = TrendSource.objects.create(site=site, kind=SourceKind.FOLDER, path=str(tmp_path))
        reimport_trend_sources_task.delay()

        wait_for(
            lambda: TrendSource.objects.filter(pk=source.pk, last_checked__isnull=False).exists(),
            timeout=120, worker=celery_worker_process,
        )
        source.refresh_from_db()
        assert source.last_ok, source.last_result
        assert TrendPoint.objects.filter(keyword__site=site).count() == 12
        assert "kafun.csv" in source.last_result
        assert "tracking.reimport_trend_sources" in celery_worker_process.log()
