"""The import page: choosing a source, the per-item report, cancel and resume."""
from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from seoassist.corpus.models import ImportJob, ImportSource, ImportStatus
from seoassist.corpus.services import import_job_execute
from tests.seoassist.progress_bars import duplicate_ids, progress_bars

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_messages")]


@pytest.fixture(autouse=True)
def english_pages(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def no_dispatch(monkeypatch):
    """Keep queued jobs in the database; the tests run them in-process."""
    sent: list[int] = []
    monkeypatch.setattr(
        "seoassist.corpus.services.import_job_dispatch", lambda *, job_id: sent.append(job_id)
    )
    return sent


class ImportListViewTests:
    def test_private_address_is_refused_with_message(self, client, editor_user, no_dispatch):
        client.force_login(editor_user)
        response = client.post(
            reverse("corpus:import_list"),
            {"source": ImportSource.URL, "kind": "articles", "url": "http://10.0.0.5/page"},
        )
        assert response.status_code == 200
        assert "private address" in response.content.decode()
        assert ImportJob.objects.count() == 0

    def test_address_form_keeps_fetch_label(self, client, editor_user, no_dispatch):
        client.force_login(editor_user)
        response = client.post(
            reverse("corpus:import_list"),
            {"source": ImportSource.URL, "kind": "articles", "url": "http://10.0.0.5/page"},
        )
        html = response.content.decode()
        assert 'data-address-label="Fetch and import">Fetch and import</button>' in html

    def test_new_form_has_upload_label(self, client, editor_user):
        client.force_login(editor_user)
        html = client.get(reverse("corpus:import_list")).content.decode()
        assert 'data-address-label="Fetch and import">Upload and import</button>' in html

    def test_empty_history_names_other_sources(self, client, editor_user, site):
        from seoassist.corpus.models import Article

        client.force_login(editor_user)
        assert "No import yet." in client.get(reverse("corpus:import_list")).content.decode()

        Article.objects.create(site=site, title="Demo", body="text", language="en", content_hash="demo")
        html = client.get(reverse("corpus:import_list")).content.decode()

        assert "No imports from this page yet." in html
        assert "No import yet." not in html

    def test_sitemap_source_queues_a_job(
        self, client, editor_user, no_dispatch, django_capture_on_commit_callbacks, local_site
    ):
        client.force_login(editor_user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("corpus:import_list"),
                {"source": ImportSource.SITEMAP, "kind": "articles",
                 "url": local_site.url("/sitemap.xml")},
            )
        job = ImportJob.objects.get()
        assert response["Location"] == reverse("corpus:import_detail", args=[job.pk])
        assert job.source_kind == "sitemap"
        assert job.status == "queued"
        assert no_dispatch == [job.pk]

    def test_large_upload_is_refused_with_limit(self, client, editor_user, settings, no_dispatch):
        settings.SEOASSIST_MAX_UPLOAD_BYTES = 1024 * 1024
        client.force_login(editor_user)
        upload = SimpleUploadedFile("big.zip", b"0" * (2 * 1024 * 1024))
        response = client.post(
            reverse("corpus:import_list"),
            {"source": ImportSource.FILE, "kind": "articles", "file": upload},
        )
        assert "files up to 1 MB can be uploaded" in response.content.decode()
        assert ImportJob.objects.count() == 0

    def test_missing_file_is_named(self, client, editor_user):
        client.force_login(editor_user)
        response = client.post(
            reverse("corpus:import_list"), {"source": ImportSource.FILE, "kind": "articles"}
        )
        assert "Choose a file to upload." in response.content.decode()


class ImportReportViewTests:
    def _job(self, client, editor_user) -> ImportJob:
        client.force_login(editor_user)
        body = (
            b'{"title": "Good", "body": "A complete article body."}\n'
            b'{"title": "", "body": "No title here."}\n'
        )
        client.post(
            reverse("corpus:import_list"),
            {"source": ImportSource.FILE, "kind": "articles",
             "file": SimpleUploadedFile("a.jsonl", body)},
        )
        return ImportJob.objects.get()

    def test_report_lists_each_item_with_reason(self, client, editor_user, no_dispatch):
        job = self._job(client, editor_user)
        import_job_execute(job_id=job.pk)
        page = client.get(reverse("corpus:import_detail", args=[job.pk])).content.decode()
        assert "Imported" in page
        assert "Failed" in page
        assert "the title is empty" in page
        failed_only = client.get(
            reverse("corpus:import_detail", args=[job.pk]), {"outcome": "failed"}
        ).content.decode()
        assert "the title is empty" in failed_only
        assert "a.jsonl:line 1" not in failed_only

    def test_cancel_and_resume_buttons(self, client, editor_user, no_dispatch):
        job = self._job(client, editor_user)
        status = client.get(reverse("corpus:import_status", args=[job.pk])).content.decode()
        assert reverse("corpus:import_cancel", args=[job.pk]) in status
        client.post(reverse("corpus:import_cancel", args=[job.pk]))
        job.refresh_from_db()
        assert job.status == ImportStatus.CANCELLED
        status = client.get(reverse("corpus:import_status", args=[job.pk])).content.decode()
        assert reverse("corpus:import_resume", args=[job.pk]) in status
        assert "hx-get" not in status
        client.post(reverse("corpus:import_resume", args=[job.pk]))
        job.refresh_from_db()
        assert job.status == ImportStatus.QUEUED

    def test_cancel_needs_post(self, client, editor_user, no_dispatch):
        job = self._job(client, editor_user)
        assert client.get(reverse("corpus:import_cancel", args=[job.pk])).status_code == 405


class ImportProgressBarTests:
    def test_status_poll_names_the_bar(self, client, editor_user, site):
        job = ImportJob.objects.create(
            site=site, created_by=editor_user, kind="articles", status=ImportStatus.RUNNING,
            progress_step=12,
        )
        client.force_login(editor_user)
        url = reverse("corpus:import_status", args=[job.pk])

        [first] = progress_bars(client.get(url).content.decode())
        ImportJob.objects.filter(pk=job.pk).update(progress_step=30)
        [second] = progress_bars(client.get(url).content.decode())

        assert first.id == f"import-{job.pk}-progress"
        assert first.accessible_name == "12 items read"
        assert second.id == first.id
        assert second.accessible_name == "30 items read"

    def test_import_page_has_one_named_bar(self, client, editor_user, site):
        job = ImportJob.objects.create(site=site, created_by=editor_user, kind="articles")
        client.force_login(editor_user)

        html = client.get(reverse("corpus:import_detail", args=[job.pk])).content.decode()

        [bar] = progress_bars(html)
        assert duplicate_ids(html) == []
        assert bar.accessible_name == "Waiting for a worker"
        assert bar.label == "0 % · Waiting for a worker"
