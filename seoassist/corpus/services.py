import hashlib
import logging
import tempfile
import unicodedata
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from seoassist.core.exceptions import ApplicationError, ImportFileError
from seoassist.core.models import JobStatus, Site
from seoassist.corpus.dedup import NearDuplicateIndex, simhash, url_key
from seoassist.corpus.models import (
    Article,
    ImportItem,
    ImportItemOutcome,
    ImportJob,
    ImportKind,
    ImportSource,
    ImportStatus,
)
from seoassist.corpus.parsing import (
    ArticleItem,
    ArticleProblem,
    ArticleSkip,
    ParsedArticle,
    ReadOptions,
)

logger = logging.getLogger(__name__)

MAX_PROBLEMS_KEPT = 200


@dataclass
class ArticleImportSummary:
    created: int = 0
    skipped: int = 0  # duplicates of articles already on the site
    failed: int = 0
    left_out: int = 0  # drafts, attachments and pages robots.txt forbids
    problems: list[dict] = field(default_factory=list)
    notice: str = ""  # why the import stopped before the end, when a limit stopped it


def article_content_hash(title: str, body: str) -> str:
    """Hash the normalised title and body, so the same article imported twice is found."""
    def normalise(text: str) -> str:
        return " ".join(unicodedata.normalize("NFKC", text).split())

    return hashlib.sha256(f"{normalise(title)}\n{normalise(body)}".encode()).hexdigest()


class _DuplicateFinder:
    """The site's articles by URL, content hash and fingerprint, kept current during an import."""

    def __init__(self, site: Site) -> None:
        self.urls: dict[str, int] = {}
        self.hashes: dict[str, int] = {}
        self.near = NearDuplicateIndex()
        self._fingerprint_missing(site)
        rows = site.articles.only("id", "url", "content_hash", "simhash")
        for article in rows.iterator(chunk_size=2000):
            self.add(article)

    @staticmethod
    def _fingerprint_missing(site: Site) -> None:
        """Fingerprint articles stored before fingerprints existed, or too short for one."""
        # Ids first: SQLite cursors see their own connection's updates mid-iteration.
        ids = list(site.articles.filter(simhash__isnull=True).values_list("id", flat=True))
        for start in range(0, len(ids), 500):
            chunk = Article.objects.filter(id__in=ids[start:start + 500]).only("id", "body")
            fingerprinted = []
            for article in chunk:
                article.simhash = simhash(article.body)
                if article.simhash is not None:
                    fingerprinted.append(article)
            Article.objects.bulk_update(fingerprinted, ["simhash"])

    def add(self, article: Article) -> None:
        if article.url:
            self.urls.setdefault(url_key(article.url), article.pk)
        self.hashes.setdefault(article.content_hash, article.pk)
        if article.simhash is not None:
            self.near.add(article.simhash, article.pk)

    def reason(self, article: Article) -> str | None:
        """Return why `article` duplicates one already stored, or None."""
        if article.url and url_key(article.url) in self.urls:
            other = self.urls[url_key(article.url)]
            return _("An article with the same URL is already on the site (article %(id)d).") % {
                "id": other
            }
        if article.content_hash in self.hashes:
            return _("An article with the same title and text is already on the site "
                     "(article %(id)d).") % {"id": self.hashes[article.content_hash]}
        if article.simhash is not None:
            other = self.near.find(article.simhash)
            if other is not None:
                return _("An article with nearly the same text is already on the site "
                         "(article %(id)d).") % {"id": other}
        return None


def _article_from_item(site: Site, item: ParsedArticle) -> Article:
    from seoassist.core.text import detect_language, extract_keywords

    language = item.language or detect_language(f"{item.title}\n{item.body}")
    published_at = item.published_at
    if published_at is not None and timezone.is_naive(published_at):
        published_at = timezone.make_aware(published_at)
    return Article(
        site=site,
        title=item.title[:500],
        body=item.body,
        url=item.url[:1000],
        category=item.category[:200],
        published_at=published_at,
        language=language,
        keywords=extract_keywords(item.title, _markdown_headings(item.body), language),
        content_hash=article_content_hash(item.title, item.body),
        source=item.source[:300],
        excerpt=item.excerpt,
        slug=item.slug[:200],
        tags=[tag[:100] for tag in item.tags][:50],
        author=item.author[:200],
        meta_description=item.meta_description[:500],
        simhash=simhash(item.body),
    )


def _markdown_headings(body: str) -> list[str]:
    """Return the text of the Markdown headings of an article body."""
    return [line.lstrip("#").strip() for line in body.splitlines() if line.startswith("#")]


def article_keywords_recalculate(*, articles: Iterable[Article]) -> int:
    """Extract the keywords of ``articles`` again from their titles and headings, and return how many changed.

    Keywords are extracted once, on import, so articles imported before a change to
    the extraction keep the old ones until an operator recalculates them.
    """
    from seoassist.core.text import extract_keywords

    changed = []
    now = timezone.now()
    for article in articles:
        keywords = extract_keywords(article.title, _markdown_headings(article.body), article.language)
        if keywords != article.keywords:
            article.keywords = keywords
            # bulk_update does not touch auto_now fields.
            article.updated_at = now
            changed.append(article)
    Article.objects.bulk_update(changed, ["keywords", "updated_at"], batch_size=500)
    logger.info("Recalculated the keywords of %d articles", len(changed))
    return len(changed)


def articles_import_items(
    *,
    site: Site,
    items: Iterable[ArticleItem],
    job: ImportJob | None = None,
    done_sources: set[str] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> ArticleImportSummary:
    """Store parsed articles, skipping duplicates; record each item's outcome on `job`.

    Each article is saved with its ImportItem row in one transaction, so an
    interrupted import leaves every item either fully recorded or absent.
    Items whose source is in `done_sources` (recorded by an earlier run of
    the same job) are passed over without a new row.
    """
    summary = ArticleImportSummary()
    finder = _DuplicateFinder(site)
    done_sources = done_sources or set()
    position = job.items.count() if job is not None else 0
    for index, item in enumerate(items, start=1):
        if should_stop is not None and should_stop():
            break
        if item.source in done_sources:
            continue
        position += 1
        outcome, reason, article = _import_one(site, item, finder)
        if job is not None:
            outcome, reason = _item_record(job, position, item, outcome, reason, article)
        elif article is not None:
            outcome, reason = _article_save(article, outcome, reason)
        if outcome == ImportItemOutcome.IMPORTED:
            finder.add(article)
            summary.created += 1
        elif outcome == ImportItemOutcome.DUPLICATE:
            summary.skipped += 1
        elif outcome == ImportItemOutcome.SKIPPED:
            summary.left_out += 1
        else:
            summary.failed += 1
            if len(summary.problems) < MAX_PROBLEMS_KEPT:
                summary.problems.append({"source": item.source, "message": reason})
        if progress:
            progress(index, 0, _("%(count)d items read") % {"count": index})
    logger.info(
        "Imported articles into site %s: %d added, %d duplicates, %d left out, %d failed",
        site.pk, summary.created, summary.skipped, summary.left_out, summary.failed,
    )
    return summary


def _import_one(
    site: Site, item: ArticleItem, finder: _DuplicateFinder
) -> tuple[str, str, Article | None]:
    if isinstance(item, ArticleProblem):
        return ImportItemOutcome.FAILED, item.message, None
    if isinstance(item, ArticleSkip):
        return ImportItemOutcome.SKIPPED, item.message, None
    article = _article_from_item(site, item)
    reason = finder.reason(article)
    if reason is not None:
        return ImportItemOutcome.DUPLICATE, reason, None
    return ImportItemOutcome.IMPORTED, "", article


def _same_article_reason() -> str:
    return _("An article with the same title and text is already on the site.")


def _article_save(article: Article, outcome: str, reason: str) -> tuple[str, str]:
    try:
        with transaction.atomic():
            article.save()
    except IntegrityError:
        # Another import stored the same article in the meantime.
        return ImportItemOutcome.DUPLICATE, _same_article_reason()
    return outcome, reason


def _item_record(
    job: ImportJob, position: int, item: ArticleItem, outcome: str, reason: str,
    article: Article | None,
) -> tuple[str, str]:
    """Save an item's outcome, and its article when imported, in one transaction."""
    title = getattr(item, "title", "")[:500]
    try:
        with transaction.atomic():
            if article is not None:
                article.save()
            ImportItem.objects.create(
                job=job, position=position, source=item.source[:1000], outcome=outcome,
                title=title, reason=reason, article=article,
            )
    except IntegrityError:
        outcome, reason = ImportItemOutcome.DUPLICATE, _same_article_reason()
        ImportItem.objects.get_or_create(
            job=job, source=item.source[:1000],
            defaults={"position": position, "outcome": outcome, "title": title, "reason": reason},
        )
    return outcome, reason


def articles_import_path(
    *,
    site: Site,
    path: Path,
    display_name: str | None = None,
    options: ReadOptions | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> ArticleImportSummary:
    """Import articles from a folder, .zip, HTML, WordPress export, Markdown, CSV or JSON Lines file.

    Articles already on the site (same URL, same content, or nearly the same
    text) are skipped. Items that cannot be read are listed in `problems`;
    the rest are imported.
    """
    from seoassist.corpus.parsing import read_articles

    items = read_articles(path, display_name=display_name, options=options)
    return articles_import_items(site=site, items=items, progress=progress)


def import_job_create(
    *,
    site: Site,
    kind: str,
    uploaded_file: UploadedFile,
    user: AbstractBaseUser | None,
    ui_language: str | None = None,
    options: dict | None = None,
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
            options=options or {},
        )
        job.file.save(uploaded_file.name, uploaded_file, save=False)
        job.full_clean()
        job.save()
        transaction.on_commit(lambda: import_job_dispatch(job_id=job.pk))
    return job


def import_job_create_from_url(
    *,
    site: Site,
    url: str,
    source_kind: str,
    user: AbstractBaseUser | None,
    ui_language: str | None = None,
) -> ImportJob:
    """Queue the import of one web page or of the pages a sitemap lists.

    The fetch guard checks the address before the job is saved, so a private
    or malformed address is rejected while the editor is still on the form.
    """
    from seoassist.corpus.fetching import url_check

    if source_kind not in (ImportSource.URL, ImportSource.SITEMAP):
        raise ValueError(f"source_kind must be 'url' or 'sitemap', not {source_kind!r}")
    url_check(url)
    with transaction.atomic():
        job = ImportJob(
            site=site,
            kind=ImportKind.ARTICLES,
            source_kind=source_kind,
            source_url=url,
            original_name=url[:300],
            created_by=user,
            ui_language=ui_language or settings.LANGUAGE_CODE,
        )
        job.full_clean()
        job.save()
        transaction.on_commit(lambda: import_job_dispatch(job_id=job.pk))
    return job


@transaction.atomic
def import_job_cancel(*, job: ImportJob) -> ImportJob:
    """Stop an import: a queued one at once, a running one after its current item."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.is_finished:
        raise ApplicationError(
            _("The import has already ended (%(status)s); there is nothing to cancel.")
            % {"status": job.get_status_display()}
        )
    if job.status == ImportStatus.QUEUED:
        job.status = ImportStatus.CANCELLED
        job.finished_at = timezone.now()
    job.cancel_requested = True
    job.save(update_fields=["status", "finished_at", "cancel_requested", "updated_at"])
    return job


@transaction.atomic
def import_job_resume(*, job: ImportJob) -> ImportJob:
    """Queue a cancelled or failed import again.

    Items it imported, skipped or found duplicate are not read twice; items
    that failed are tried again.
    """
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if not job.can_resume:
        raise ApplicationError(
            _("Only a cancelled or failed import can be resumed; this one is %(status)s.")
            % {"status": job.get_status_display()}
        )
    job.status = ImportStatus.QUEUED
    job.cancel_requested = False
    job.error = ""
    job.finished_at = None
    job.save(update_fields=["status", "cancel_requested", "error", "finished_at", "updated_at"])
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
    if job.cancel_requested:
        return _import_job_finish(job_id, ImportStatus.CANCELLED)
    ImportJob.objects.filter(pk=job_id).update(
        status=ImportStatus.RUNNING, started_at=timezone.now(), progress_total=0
    )
    try:
        if job.kind == ImportKind.TRENDS:
            result = _run_trends_import(job)
        else:
            result = _run_article_import(job)
    except ApplicationError as error:
        logger.warning("Import job %s failed: %s", job_id, error.message)
        return _import_job_finish(job_id, ImportStatus.FAILED, error=error.message)
    if job.kind == ImportKind.TRENDS:
        ImportJob.objects.filter(pk=job_id).update(
            created_count=result.created, skipped_count=result.skipped,
            failed_count=getattr(result, "failed", 0), problems=getattr(result, "problems", []),
        )
        return _import_job_finish(job_id, ImportStatus.SUCCEEDED)
    cancelled = ImportJob.objects.filter(pk=job_id, cancel_requested=True).exists()
    _import_job_count(job_id, result.problems)
    if cancelled:
        return _import_job_finish(job_id, ImportStatus.CANCELLED)
    if job.source_kind == ImportSource.URL and result.failed and not result.created:
        return _import_job_finish(job_id, ImportStatus.FAILED, error=result.problems[0]["message"])
    return _import_job_finish(job_id, ImportStatus.SUCCEEDED, error=result.notice)


def _import_job_count(job_id: int, problems: list[dict]) -> None:
    """Set the job's counts from its item rows, so a resumed job counts both runs."""
    counts = {
        row["outcome"]: row["total"]
        for row in ImportItem.objects.filter(job_id=job_id).values("outcome").annotate(
            total=Count("id")
        )
    }
    ImportJob.objects.filter(pk=job_id).update(
        created_count=counts.get(ImportItemOutcome.IMPORTED, 0),
        skipped_count=counts.get(ImportItemOutcome.DUPLICATE, 0),
        failed_count=counts.get(ImportItemOutcome.FAILED, 0),
        problems=problems,
    )


def _import_job_finish(job_id: int, status: str, *, error: str = "") -> ImportJob:
    ImportJob.objects.filter(pk=job_id).update(
        status=status, error=error, finished_at=timezone.now(), progress_step=1,
        progress_total=1,
    )
    return ImportJob.objects.get(pk=job_id)


class _JobMonitor:
    """Progress and cancel checks for a running import, throttled to about one query a second."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self._last_check = 0.0
        self._cancelled = False
        self._last_progress = 0.0
        self.total = 0

    def should_stop(self) -> bool:
        now = time.monotonic()
        if not self._cancelled and now - self._last_check >= 1.0:
            self._last_check = now
            self._cancelled = ImportJob.objects.filter(
                pk=self.job_id, cancel_requested=True
            ).exists()
        return self._cancelled

    def progress(self, step: int, total: int, message: str) -> None:
        now = time.monotonic()
        if now - self._last_progress < 0.5:
            return
        self._last_progress = now
        ImportJob.objects.filter(pk=self.job_id).update(
            progress_step=step, progress_total=max(total, self.total),
            progress_message=message[:300],
        )


def _run_article_import(job: ImportJob) -> ArticleImportSummary:
    monitor = _JobMonitor(job.pk)
    # A resumed import tries its failed items again and passes over the rest.
    job.items.filter(outcome=ImportItemOutcome.FAILED).delete()
    done = set(job.items.values_list("source", flat=True))
    if job.source_kind == ImportSource.URL:
        from seoassist.corpus.crawling import page_article

        items: Iterable[ArticleItem] = [page_article(job.source_url)]
        return articles_import_items(
            site=job.site, items=items, job=job, done_sources=done, progress=monitor.progress,
        )
    if job.source_kind == ImportSource.SITEMAP:
        return _run_sitemap_import(job, monitor, done)
    options = ReadOptions(
        include_drafts=bool(job.options.get("include_drafts")),
        include_attachments=bool(job.options.get("include_attachments")),
    )
    suffix = Path(job.original_name).suffix.lower()
    with tempfile.TemporaryDirectory() as folder:
        local = Path(folder) / f"upload{suffix}"
        with job.file.open("rb") as source, local.open("wb") as target:
            for chunk in source.chunks():
                target.write(chunk)
        from seoassist.corpus.parsing import read_articles

        items = read_articles(local, display_name=job.original_name, options=options)
        return articles_import_items(
            site=job.site, items=items, job=job, done_sources=done, progress=monitor.progress,
            should_stop=monitor.should_stop,
        )


def _run_sitemap_import(job: ImportJob, monitor: _JobMonitor, done: set[str]) -> ArticleImportSummary:
    from seoassist.corpus.crawling import SitemapCrawl

    crawl = SitemapCrawl(job.source_url, done=done, should_stop=monitor.should_stop)

    def progress(step: int, total: int, message: str) -> None:
        monitor.total = max(crawl.total - len(done), 0)
        monitor.progress(step, total, message)

    summary = articles_import_items(
        site=job.site, items=crawl, job=job, done_sources=done, progress=progress,
        should_stop=monitor.should_stop,
    )
    if crawl.stopped_by == "pages":
        summary.notice = _(
            "The sitemap lists more pages than the limit of %(limit)d; only the first "
            "%(limit)d pages were read."
        ) % {"limit": crawl.max_pages}
    elif crawl.stopped_by == "time":
        summary.notice = _(
            "The crawl reached its time limit of %(minutes)d minutes; resume the import to read "
            "the remaining pages."
        ) % {"minutes": crawl.time_limit // 60}
    return summary


def _run_trends_import(job: ImportJob):
    from seoassist.trends.services import trends_import_file

    with job.file.open("rb") as source:
        data = source.read()
    return trends_import_file(site=job.site, data=data, file_name=job.original_name)
