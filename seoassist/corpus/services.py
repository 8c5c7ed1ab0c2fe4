import hashlib
import logging
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from seoassist.core.exceptions import ApplicationError, ImportFileError
from seoassist.core.models import JobStatus, Site
from seoassist.corpus.models import Article, ImportJob, ImportKind

logger = logging.getLogger(__name__)

MAX_PROBLEMS_KEPT = 200


@dataclass
class ArticleImportSummary:
    created: int = 0
    skipped: int = 0
    failed: int = 0
    problems: list[dict] = field(default_factory=list)


def article_content_hash(title: str, body: str) -> str:
    """Hash the normalised title and body, so the same article imported twice is found."""
    def normalise(text: str) -> str:
        return " ".join(unicodedata.normalize("NFKC", text).split())

    return hashlib.sha256(f"{normalise(title)}\n{normalise(body)}".encode()).hexdigest()


def articles_import_path(
    *,
    site: Site,
    path: Path,
    display_name: str | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> ArticleImportSummary:
    """Import articles from a folder, .zip, HTML, CSV or JSON Lines file.

    Articles already on the site (same content, or same URL) are skipped.
    Items that cannot be read are listed in `problems`; the rest are imported.
    """
    from seoassist.core.text import detect_language, extract_keywords
    from seoassist.corpus.parsing import ArticleProblem, read_articles

    summary = ArticleImportSummary()
    known_urls = set(site.articles.exclude(url="").values_list("url", flat=True))
    for index, item in enumerate(read_articles(path, display_name=display_name), start=1):
        if isinstance(item, ArticleProblem):
            summary.failed += 1
            if len(summary.problems) < MAX_PROBLEMS_KEPT:
                summary.problems.append({"source": item.source, "message": item.message})
            continue
        if item.url and item.url in known_urls:
            summary.skipped += 1
            continue
        language = item.language or detect_language(f"{item.title}\n{item.body}")
        published_at = item.published_at
        if published_at is not None and timezone.is_naive(published_at):
            published_at = timezone.make_aware(published_at)
        headings = [line.lstrip("#").strip() for line in item.body.splitlines() if line.startswith("#")]
        article = Article(
            site=site,
            title=item.title[:500],
            body=item.body,
            url=item.url[:1000],
            category=item.category[:200],
            published_at=published_at,
            language=language,
            keywords=extract_keywords(item.title, headings, language),
            content_hash=article_content_hash(item.title, item.body),
            source=item.source[:300],
        )
        try:
            with transaction.atomic():
                article.save()
        except IntegrityError:
            summary.skipped += 1
            continue
        if item.url:
            known_urls.add(item.url)
        summary.created += 1
        if progress and index % 20 == 0:
            progress(index, 0, _("%(count)d items read") % {"count": index})
    logger.info(
        "Imported articles into site %s: %d added, %d skipped, %d failed",
        site.pk, summary.created, summary.skipped, summary.failed,
    )
    return summary


def import_job_create(
    *,
    site: Site,
    kind: str,
    uploaded_file: UploadedFile,
    user: AbstractBaseUser | None,
    ui_language: str | None = None,
) -> ImportJob:
    """Store an uploaded file and queue its import."""
    if uploaded_file.size and uploaded_file.size > settings.SEOASSIST_MAX_UPLOAD_BYTES:
        raise ApplicationError(
            _("“%(name)s” is %(size)d MB; files up to %(limit)d MB can be uploaded. Split it and upload the parts.")
            % {
                "name": uploaded_file.name,
                "size": uploaded_file.size // (1024 * 1024),
                "limit": settings.SEOASSIST_MAX_UPLOAD_BYTES // (1024 * 1024),
            }
        )
    with transaction.atomic():
        job = ImportJob(
            site=site,
            kind=kind,
            original_name=uploaded_file.name[:300],
            created_by=user,
            ui_language=ui_language or settings.LANGUAGE_CODE,
        )
        job.file.save(uploaded_file.name, uploaded_file, save=False)
        job.full_clean()
        job.save()
        transaction.on_commit(lambda: import_job_dispatch(job_id=job.pk))
    return job


def import_job_dispatch(*, job_id: int) -> None:
    from seoassist.core.dispatch import task_send
    from seoassist.corpus.tasks import import_job_task

    task_send(import_job_task, job_id)


def import_job_execute(*, job_id: int) -> ImportJob:
    """Run an import job; a file that cannot be read fails the job with the parser's message."""
    language = ImportJob.objects.values_list("ui_language", flat=True).get(pk=job_id)
    with translation.override(language):
        return _import_job_execute(job_id)


def _import_job_execute(job_id: int) -> ImportJob:
    job = ImportJob.objects.select_related("site").get(pk=job_id)
    if job.is_finished:
        return job
    ImportJob.objects.filter(pk=job_id).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), progress_total=0
    )
    try:
        if job.kind == ImportKind.TRENDS:
            result = _run_trends_import(job)
        else:
            result = _run_article_import(job)
    except ImportFileError as error:
        ImportJob.objects.filter(pk=job_id).update(
            status=JobStatus.FAILED, error=error.message, finished_at=timezone.now()
        )
        logger.warning("Import job %s failed: %s", job_id, error.message)
        return ImportJob.objects.get(pk=job_id)
    ImportJob.objects.filter(pk=job_id).update(
        status=JobStatus.SUCCEEDED,
        finished_at=timezone.now(),
        created_count=result.created,
        skipped_count=result.skipped,
        failed_count=getattr(result, "failed", 0),
        problems=getattr(result, "problems", []),
        progress_step=1,
        progress_total=1,
    )
    return ImportJob.objects.get(pk=job_id)


def _run_article_import(job: ImportJob) -> ArticleImportSummary:
    suffix = Path(job.original_name).suffix.lower()
    with tempfile.TemporaryDirectory() as folder:
        local = Path(folder) / f"upload{suffix}"
        with job.file.open("rb") as source, local.open("wb") as target:
            for chunk in source.chunks():
                target.write(chunk)
        return articles_import_path(site=job.site, path=local, display_name=job.original_name)


def _run_trends_import(job: ImportJob):
    from seoassist.trends.services import trends_import_file

    with job.file.open("rb") as source:
        data = source.read()
    return trends_import_file(site=job.site, data=data, file_name=job.original_name)
