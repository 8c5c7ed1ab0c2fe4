from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.contrib import admin
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from seoassist.core.admin_display import ViewOnlyAdmin, json_block
from seoassist.trends.labels import direction_label, method_label
from seoassist.trends.models import (
    Keyword,
    KeywordForecast,
    RelatedQuery,
    SearchDailyStat,
    SearchQueryStat,
    TrendPoint,
)

if TYPE_CHECKING:
    from django.contrib.admin.views.main import ChangeList

    from seoassist.drafting.models import RequestForecast


class LabeledValuesFieldListFilter(admin.AllValuesFieldListFilter):
    """Offer the values stored in a field without choices under their translated names."""

    @staticmethod
    def label(value: str) -> str:
        return value

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Read the values once, because choices() walks them beside the parent's options.
        self.lookup_choices = list(self.lookup_choices)

    def choices(self, changelist: "ChangeList") -> Iterator[dict]:
        options = super().choices(changelist)
        yield next(options)  # "All"
        # The parent yields one option per stored value, in order, then one for NULL.
        for value in (str(value) for value in self.lookup_choices if value is not None):
            option = next(options)
            # The display is the value, followed by " (count)" when facets are shown.
            name = capfirst(self.label(value)) or self.empty_value_display
            yield {**option, "display": name + option["display"][len(value):]}
        yield from options


class ForecastMethodFilter(LabeledValuesFieldListFilter):
    label = staticmethod(method_label)


class ForecastDirectionFilter(LabeledValuesFieldListFilter):
    label = staticmethod(direction_label)


@admin.display(description=_("method"), ordering="method")
def forecast_method(forecast: "KeywordForecast | RequestForecast") -> str | None:
    """Name a forecast's method in the reader's language instead of its code."""
    return capfirst(forecast.method_label) or None


@admin.display(description=_("forecast points"))
def points_text(forecast: "KeywordForecast | RequestForecast") -> str:
    return json_block(forecast.points)


@admin.display(description=_("backtest of every method"))
def method_scores_text(forecast: KeywordForecast) -> str:
    return json_block(forecast.method_scores)


@admin.display(description=_("direction"), ordering="direction")
def forecast_direction(forecast: "KeywordForecast | RequestForecast") -> str | None:
    """Name a forecast's direction in the reader's language instead of its code."""
    return capfirst(forecast.direction_label) or None


class TrendPointInline(admin.TabularInline):
    model = TrendPoint
    extra = 0
    ordering = ["-date"]
    max_num = 0
    can_delete = False
    readonly_fields = ["date", "value", "is_partial"]


@admin.register(Keyword)
class KeywordAdmin(admin.ModelAdmin):
    list_display = ["text", "site", "geo", "frequency", "point_total", "created_at"]
    list_filter = ["site", "frequency", "geo"]
    search_fields = ["text", "normalized"]
    readonly_fields = ["normalized"]

    @admin.display(description=_("points"))
    def point_total(self, keyword: Keyword) -> int:
        return keyword.points.count()


@admin.register(TrendPoint)
class TrendPointAdmin(admin.ModelAdmin):
    list_display = ["keyword", "date", "value", "is_partial"]
    list_filter = ["keyword__site", "is_partial"]
    search_fields = ["keyword__text"]
    date_hierarchy = "date"
    list_select_related = ["keyword"]


@admin.register(KeywordForecast)
class KeywordForecastAdmin(ViewOnlyAdmin):
    list_display = [
        "keyword", forecast_method, "backtest_mase", forecast_direction, "change_percent",
        "publish_by", "updated_at",
    ]
    list_filter = [
        ("direction", ForecastDirectionFilter), ("method", ForecastMethodFilter), "keyword__site",
    ]
    search_fields = ["keyword__text"]
    list_select_related = ["keyword"]
    # The scheduled refresh recomputes forecasts, so the page only shows them, with labels.
    exclude = ["method", "direction", "points", "method_scores"]
    readonly_fields = [forecast_method, forecast_direction, points_text, method_scores_text]


@admin.register(RelatedQuery)
class RelatedQueryAdmin(admin.ModelAdmin):
    list_display = ["seed", "query", "section", "value", "breakout", "site"]
    list_filter = ["site", "section", "breakout"]
    search_fields = ["seed", "query"]


@admin.register(SearchQueryStat)
class SearchQueryStatAdmin(admin.ModelAdmin):
    list_display = ["key", "table", "clicks", "impressions", "ctr", "position", "site"]
    list_filter = ["site", "table"]
    search_fields = ["key"]


@admin.register(SearchDailyStat)
class SearchDailyStatAdmin(admin.ModelAdmin):
    list_display = ["date", "clicks", "impressions", "ctr", "position", "site"]
    list_filter = ["site"]
    date_hierarchy = "date"
