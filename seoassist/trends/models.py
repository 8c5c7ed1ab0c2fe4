from django.db import models
from django.utils.translation import gettext_lazy as _

from seoassist.core.models import Site, TimeStampedModel


class Frequency(models.TextChoices):
    DAILY = "D", _("Daily")
    WEEKLY = "W", _("Weekly")
    MONTHLY = "M", _("Monthly")


class Keyword(TimeStampedModel):
    """A search term whose interest over time the site tracks."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="keywords")
    text = models.CharField(_("keyword"), max_length=200)
    normalized = models.CharField(_("normalised form"), max_length=200, editable=False)
    geo = models.CharField(_("region"), max_length=100, blank=True)
    frequency = models.CharField(
        _("frequency"), max_length=1, choices=Frequency.choices, default=Frequency.WEEKLY
    )

    class Meta:
        ordering = ["text"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "normalized"], name="unique_keyword_per_site"
            )
        ]
        verbose_name = _("keyword")
        verbose_name_plural = _("keywords")

    def __str__(self) -> str:
        return self.text


class TrendPoint(models.Model):
    """Relative search interest (0 to 100) of a keyword in the period starting on `date`."""

    keyword = models.ForeignKey(Keyword, on_delete=models.CASCADE, related_name="points")
    date = models.DateField(_("period start"))
    value = models.FloatField(_("interest"))
    is_partial = models.BooleanField(_("partial period"), default=False)

    class Meta:
        ordering = ["keyword", "date"]
        constraints = [
            models.UniqueConstraint(fields=["keyword", "date"], name="unique_point_per_date")
        ]
        verbose_name = _("trend point")
        verbose_name_plural = _("trend points")

    def __str__(self) -> str:
        return f"{self.keyword} {self.date}: {self.value}"


class KeywordForecast(TimeStampedModel):
    """The latest demand forecast of one keyword, refreshed by a scheduled job."""

    keyword = models.OneToOneField(Keyword, on_delete=models.CASCADE, related_name="forecast")
    model_version = models.ForeignKey(
        "engine.ModelVersion", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="keyword_forecasts",
    )
    method = models.CharField(_("method"), max_length=40)
    direction = models.CharField(_("direction"), max_length=10)
    change_percent = models.FloatField(_("change (%)"))
    points = models.JSONField(_("forecast points"), default=list)

    class Meta:
        verbose_name = _("keyword forecast")
        verbose_name_plural = _("keyword forecasts")

    def __str__(self) -> str:
        return f"{self.keyword}: {self.direction}"
