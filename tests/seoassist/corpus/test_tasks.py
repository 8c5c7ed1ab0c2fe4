"""A real worker runs a sitemap import that is cancelled part-way and then resumed."""
from __future__ import annotations

from pathlib import Path

import pytest

from seoassist.corpus.models import ImportItem, ImportJob, ImportSource, ImportStatus
from seoassist.corpus.services import import_job_cancel, import_job_create_from_url, import_job_resume
from tests.conftest import WorkerProcess, empty_broker, wait_for

PAGES = ("001", "002", "ars-1", "bbc-1", "wapo-1", "wapo-2")
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


@pytest.fixture
def loopback_worker(monkeypatch, transactional_db):
    """A real worker allowed to fetch from 127.0.0.1, waiting 0.5 s between requests."""
    monkeypatch.setenv("SEOASSIST_FETCH_ALLOW_LOOPBACK", "true")
    monkeypatch.setenv("SEOASSIST_CRAWL_HOST_DELAY_MS", "500")
    empty_broker()
    worker = WorkerProcess()
    yield worker
    worker.stop()


class SitemapImportTaskTests:
    def test_cancel_then_resume_in_worker(
        self, site, local_site, loopback_worker, test_data_dir: Path, django_capture_on_commit_callbacks
    ):
        pages = test_data_dir / "readability-test-pages" / "test-pages"
        for name in PAGES:
            local_site.add(f"/p/{name}", (pages / name / "source.html").read_bytes())
        entries = "".join(f"<url><loc>{local_site.url('/p/' + name)}</loc></url>" for name in PAGES)
        local_site.add("/sitemap.xml", f'<urlset xmlns="{SITEMAP_NS}">{entries}</urlset>',
                       content_type="application/xml")

        job = import_job_create_from_url(
            site=site, url=local_site.url("/sitemap.xml"), source_kind=ImportSource.SITEMAP,
            user=None, ui_language="en",
        )
        wait_for(lambda: ImportItem.objects.filter(job=job).exists(), timeout=60,
                 worker=loopback_worker)
        import_job_cancel(job=job)
        wait_for(
            lambda: ImportJob.objects.get(pk=job.pk).status == ImportStatus.CANCELLED,
            timeout=60, worker=loopback_worker,
        )
        first_run = set(ImportItem.objects.filter(job=job).values_list("source", flat=True))
        assert 1 <= len(first_run) < len(PAGES)

        import_job_resume(job=job)
        wait_for(
            lambda: ImportJob.objects.get(pk=job.pk).status == ImportStatus.SUCCEEDED,
            timeout=90, worker=loopback_worker,
        )
        job.refresh_from_db()
        assert ImportItem.objects.filter(job=job).count() == len(PAGES)
        assert job.created_count == len(PAGES)
        assert site.articles.count() == len(PAGES)
        # Pages recorded before the cancel are not fetched again.
        for source in first_run:
            path = source.removeprefix(local_site.base)
            assert local_site.requests.count(path) == 1
