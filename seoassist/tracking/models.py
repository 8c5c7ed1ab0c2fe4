from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from seoassist.core.models import Site, TimeStampedModel


class SourceKind(models.TextChoices):
    FOLDER = "folder", _("Watched folder")
    URL = "url", _("URL of a CSV export")


class TrendSource(TimeStampedModel):
    """A place the scheduled job re-imports trend files from: a server folder or a URL."""

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="trend_sources", verbose_name=_("site")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=SourceKind.choices)
    path = models.CharField(
        _("folder"), max_length=500, blank=True,
        help_text=_("Absolute path of a folder on the worker hosts; its CSV and ZIP files are imported."),
    )
    url = models.URLField(
        _("URL"), max_length=1000, blank=True,
        help_text=_("An http or https address that returns a trend CSV export."),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    last_checked = models.DateTimeField(_("last checked"), null=True, blank=True)
    last_ok = models.BooleanField(_("last check succeeded"), default=True)
    last_result = models.TextField(_("last result"), blank=True)

    error_messages = {
        "folder_missing": _("Enter the folder's absolute path for a watched-folder source."),
        "url_missing": _("Enter the URL for a URL source."),
    }

    class Meta:
        ordering = ["site", "kind", "path", "url"]
        verbose_name = _("trend source")
        verbose_name_plural = _("trend sources")

    def __str__(self) -> str:
        return self.location

    @property
    def location(self) -> str:
        return self.path if self.kind == SourceKind.FOLDER else self.url

    def clean(self) -> None:
        if self.kind == SourceKind.FOLDER and not self.path.startswith("/"):
            raise ValidationError(
                {"path": self.error_messages["folder_missing"]}, code="folder_missing"
            )
        if self.kind == SourceKind.URL and not self.url:
            raise ValidationError({"url": self.error_messages["url_missing"]}, code="url_missing")


class TrendSourceFile(models.Model):
    """A file already imported from a source, so an unchanged file is not read again."""

    source = models.ForeignKey(
        TrendSource, on_delete=models.CASCADE, related_name="files", verbose_name=_("trend source")
    )
    name = models.CharField(_("name"), max_length=1000)
    size = models.BigIntegerField(_("size (bytes)"), default=0)
    modified_ns = models.BigIntegerField(_("modification time (ns)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    imported_at = models.DateTimeField(_("imported"))
    result = models.TextField(_("result"), blank=True)

    class Meta:
        ordering = ["source", "name"]
        constraints = [
            models.UniqueConstraint(fields=["source", "name"], name="unique_file_per_source")
        ]
        verbose_name = _("imported source file")
        verbose_name_plural = _("imported source files")

    def __str__(self) -> str:
        return self.name


class AlertDirection(models.TextChoices):
    RISING = "rising", _("Rising")
    FALLING = "falling", _("Falling")


class KeywordAlert(models.Model):
    """A keyword whose forecast rose or fell beyond the threshold, until an editor acknowledges it."""

    keyword = models.ForeignKey(
        "trends.Keyword", on_delete=models.CASCADE, related_name="alerts", verbose_name=_("keyword")
    )
    direction = models.CharField(_("direction"), max_length=10, choices=AlertDirection.choices)
    change = models.FloatField(_("change (%)"))
    created = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    acknowledged = models.BooleanField(_("acknowledged"), default=False, db_index=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="acknowledged_alerts", verbose_name=_("acknowledged by"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("keyword alert")
        verbose_name_plural = _("keyword alerts")

    def __str__(self) -> str:
        return f"{self.keyword} {self.get_direction_display()} {self.change:+.0f} %"


class JobLock(models.Model):
    """A row that one scheduled job owns while it runs. Another run may take over an expired row."""

    name = models.CharField(_("job"), max_length=100, primary_key=True)
    token = models.CharField(_("holder"), max_length=32)
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        verbose_name = _("job lock")
        verbose_name_plural = _("job locks")

    def __str__(self) -> str:
        return self.name
