from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from seoassist.core.models import Site, TimeStampedModel


class Frequency(models.TextChoices):
    DAILY = "D", _("Daily")
    WEEKLY = "W", _("Weekly")
    MONTHLY = "M", _("Monthly")


class Keyword(TimeStampedModel):
    """A search term whose interest over time the site tracks."""

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="keywords", verbose_name=_("site")
    )
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

    keyword = models.ForeignKey(
        Keyword, on_delete=models.CASCADE, related_name="points", verbose_name=_("keyword")
    )
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

    keyword = models.OneToOneField(
        Keyword, on_delete=models.CASCADE, related_name="forecast", verbose_name=_("keyword")
    )
    model_version = models.ForeignKey(
        "engine.ModelVersion", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="keyword_forecasts", verbose_name=_("model version"),
    )
    method = models.CharField(_("method"), max_length=40)
    direction = models.CharField(_("direction"), max_length=10)
    change_percent = models.FloatField(_("change (%)"))
    points = models.JSONField(_("forecast points"), default=list)
    # Rolling-origin backtest of the serving method, and of every method compared.
    backtest_mase = models.FloatField(_("backtest MASE"), null=True, blank=True)
    backtest_smape = models.FloatField(_("backtest sMAPE"), null=True, blank=True)
    backtest_coverage = models.FloatField(
        # xgettext:no-python-format
        _("backtest 80 % coverage"), null=True, blank=True
    )
    backtest_origins = models.PositiveSmallIntegerField(_("backtest origins"), default=0)
    method_scores = models.JSONField(_("backtest of every method"), default=list, blank=True)
    peak_date = models.DateField(_("next seasonal peak"), null=True, blank=True)
    publish_by = models.DateField(_("publish by"), null=True, blank=True)

    class Meta:
        verbose_name = _("keyword forecast")
        verbose_name_plural = _("keyword forecasts")

    def __str__(self) -> str:
        return f"{self.keyword}: {self.direction_label}"

    @property
    def method_label(self) -> str:
        from seoassist.trends.labels import method_label

        return method_label(self.method)

    @property
    def direction_label(self) -> str:
        from seoassist.trends.labels import direction_label

        return direction_label(self.direction)


class RelatedQuerySection(models.TextChoices):
    TOP = "top", pgettext_lazy("related queries section", "Top")
    RISING = "rising", pgettext_lazy("related queries section", "Rising")


class RelatedQuery(TimeStampedModel):
    """A query Google Trends lists as related to a seed keyword."""

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="related_queries", verbose_name=_("site")
    )
    # The tracked keyword whose text is the seed, if any.
    keyword = models.ForeignKey(
        Keyword, on_delete=models.SET_NULL, null=True, blank=True, related_name="related_queries",
        verbose_name=_("tracked keyword"),
    )
    seed = models.CharField(_("seed keyword"), max_length=200, blank=True)
    query = models.CharField(_("query"), max_length=300)
    section = models.CharField(_("section"), max_length=10, choices=RelatedQuerySection.choices)
    # 0 to 100 for top queries and growth in percent for rising ones. Breakout rows have none.
    value = models.FloatField(_("value"), null=True, blank=True)
    breakout = models.BooleanField(_("breakout"), default=False)

    class Meta:
        ordering = ["seed", "section", "-value"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "seed", "query", "section"], name="unique_related_query"
            )
        ]
        verbose_name = _("related query")
        verbose_name_plural = _("related queries")

    def __str__(self) -> str:
        return f"{self.seed}: {self.query} ({self.get_section_display()})"


class SearchTable(models.TextChoices):
    QUERY = "query", _("Query")
    PAGE = "page", _("Page")
    COUNTRY = "country", _("Country")
    DEVICE = "device", _("Device")


class SearchQueryStat(TimeStampedModel):
    """Search Console totals of one query, page, country or device over an export's period."""

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="search_stats", verbose_name=_("site")
    )
    table = models.CharField(_("table"), max_length=10, choices=SearchTable.choices)
    key = models.CharField(_("query, page, country or device"), max_length=2000)
    clicks = models.FloatField(_("clicks"))
    impressions = models.FloatField(_("impressions"))
    ctr = models.FloatField(_("CTR"), null=True, blank=True)
    position = models.FloatField(_("average position"), null=True, blank=True)
    source_file = models.CharField(_("source file"), max_length=300, blank=True)

    class Meta:
        ordering = ["table", "-clicks"]
        constraints = [
            models.UniqueConstraint(fields=["site", "table", "key"], name="unique_search_stat")
        ]
        verbose_name = _("Search Console figure")
        verbose_name_plural = _("Search Console figures")

    def __str__(self) -> str:
        return f"{self.get_table_display()} {self.key}: {self.clicks}"


class SearchDailyStat(models.Model):
    """Search Console clicks and impressions of the whole site on one day."""

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="search_daily_stats", verbose_name=_("site")
    )
    date = models.DateField(_("date"))
    clicks = models.FloatField(_("clicks"))
    impressions = models.FloatField(_("impressions"))
    ctr = models.FloatField(_("CTR"), null=True, blank=True)
    position = models.FloatField(_("average position"), null=True, blank=True)

    class Meta:
        ordering = ["site", "date"]
        constraints = [
            models.UniqueConstraint(fields=["site", "date"], name="unique_search_day")
        ]
        verbose_name = _("Search Console day")
        verbose_name_plural = _("Search Console days")

    def __str__(self) -> str:
        return f"{self.date}: {self.clicks}"
