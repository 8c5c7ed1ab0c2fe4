from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from seoassist.core.models import JobStatus, Language, ProgressModel, Site, TimeStampedModel


class Article(TimeStampedModel):
    """One of the site's own articles; the language model learns from these.

    `body` is Markdown: `## ` lines are headings, blank lines separate paragraphs.
    """

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="articles", verbose_name=_("site")
    )
    title = models.CharField(_("title"), max_length=500)
    body = models.TextField(_("body"))
    url = models.URLField(_("URL"), max_length=1000, blank=True)
    category = models.CharField(_("category"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    content_hash = models.CharField(_("content hash"), max_length=64, editable=False)
    source = models.CharField(_("source"), max_length=300, blank=True)
    excerpt = models.TextField(_("excerpt"), blank=True)
    slug = models.CharField(_("slug"), max_length=200, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    author = models.CharField(_("author"), max_length=200, blank=True)
    meta_description = models.CharField(_("meta description"), max_length=500, blank=True)
    # 64-bit SimHash of the body's character shingles, stored signed; near-duplicates
    # differ in a few bits.
    simhash = models.BigIntegerField(_("content fingerprint"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "content_hash"], name="unique_article_content_per_site"
            ),
        ]
        indexes = [models.Index(fields=["site", "url"])]
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def __str__(self) -> str:
        return self.title


class ImportKind(models.TextChoices):
    ARTICLES = "articles", _("Articles")
    TRENDS = "trends", _("Keyword interest (Google Trends CSV)")


class ImportSource(models.TextChoices):
    FILE = "file", _("Uploaded file")
    URL = "url", _("Single web page")
    SITEMAP = "sitemap", _("Sitemap")


class ImportStatus(models.TextChoices):
    QUEUED = JobStatus.QUEUED.value, JobStatus.QUEUED.label
    RUNNING = JobStatus.RUNNING.value, JobStatus.RUNNING.label
    SUCCEEDED = JobStatus.SUCCEEDED.value, JobStatus.SUCCEEDED.label
    FAILED = JobStatus.FAILED.value, JobStatus.FAILED.label
    CANCELLED = "cancelled", _("Cancelled")


class ImportJob(ProgressModel):
    """One uploaded file, web page or sitemap being imported by a worker.

    A cancelled or failed import can be resumed: items already recorded in
    its ImportItem rows are skipped, the rest are read again.
    """

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="import_jobs", verbose_name=_("site")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.QUEUED,
        db_index=True,
    )
    source_kind = models.CharField(
        _("source"), max_length=20, choices=ImportSource.choices, default=ImportSource.FILE
    )
    source_url = models.URLField(_("address"), max_length=2000, blank=True)
    options = models.JSONField(_("options"), default=dict, blank=True)
    cancel_requested = models.BooleanField(_("cancel requested"), default=False)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", blank=True)
    original_name = models.CharField(_("file name"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="import_jobs", verbose_name=_("created by"),
    )
    created_count = models.PositiveIntegerField(_("added"), default=0)
    skipped_count = models.PositiveIntegerField(_("skipped as duplicates"), default=0)
    failed_count = models.PositiveIntegerField(_("failed"), default=0)
    problems = models.JSONField(_("problems"), default=list, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"

    @property
    def is_finished(self) -> bool:
        return self.status in (
            ImportStatus.SUCCEEDED, ImportStatus.FAILED, ImportStatus.CANCELLED
        )

    @property
    def progress_label(self) -> str:
        """Describe the progress; an import of unknown length counts the items read so far."""
        if self.status == ImportStatus.RUNNING and not self.progress_total and self.progress_step:
            return str(_("%(count)d items read") % {"count": self.progress_step})
        return super().progress_label

    @property
    def can_cancel(self) -> bool:
        return self.status in (ImportStatus.QUEUED, ImportStatus.RUNNING) and not self.cancel_requested

    @property
    def can_resume(self) -> bool:
        return self.status in (ImportStatus.CANCELLED, ImportStatus.FAILED)


class ImportItemOutcome(models.TextChoices):
    IMPORTED = "imported", _("Imported")
    DUPLICATE = "duplicate", _("Skipped as duplicate")
    SKIPPED = "skipped", _("Skipped")
    FAILED = "failed", _("Failed")


class ImportItem(models.Model):
    """The outcome of one article, page or row of an import, with its reason."""

    job = models.ForeignKey(
        ImportJob, on_delete=models.CASCADE, related_name="items", verbose_name=_("import")
    )
    position = models.PositiveIntegerField(_("position"))
    source = models.CharField(_("source"), max_length=1000)
    outcome = models.CharField(_("result"), max_length=20, choices=ImportItemOutcome.choices)
    title = models.CharField(_("title"), max_length=500, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    article = models.ForeignKey(
        Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="import_items",
        verbose_name=_("article"),
    )

    class Meta:
        ordering = ["job", "position"]
        constraints = [
            models.UniqueConstraint(fields=["job", "source"], name="unique_import_item_source"),
        ]
        verbose_name = _("import item")
        verbose_name_plural = _("import items")

    def __str__(self) -> str:
        return f"{self.source}: {self.get_outcome_display()}"
