from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from seoassist.core.models import Language, ProgressModel, Site, TimeStampedModel


class Article(TimeStampedModel):
    """One of the site's own articles; the language model learns from these.

    `body` is Markdown: `## ` lines are headings, blank lines separate paragraphs.
    """

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="articles")
    title = models.CharField(_("title"), max_length=500)
    body = models.TextField(_("body"))
    url = models.URLField(_("URL"), max_length=1000, blank=True)
    category = models.CharField(_("category"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    content_hash = models.CharField(_("content hash"), max_length=64, editable=False)
    source = models.CharField(_("source"), max_length=300, blank=True)

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


class ImportJob(ProgressModel):
    """One uploaded or pointed-to file being imported by a worker."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="import_jobs")
    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", blank=True)
    original_name = models.CharField(_("file name"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="import_jobs",
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
