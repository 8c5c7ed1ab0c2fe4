from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from seoassist.trends.models import (
    Keyword,
    KeywordForecast,
    RelatedQuery,
    SearchDailyStat,
    SearchQueryStat,
    TrendPoint,
)


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
class KeywordForecastAdmin(admin.ModelAdmin):
    list_display = [
        "keyword", "method", "backtest_mase", "direction", "change_percent", "publish_by", "updated_at",
    ]
    list_filter = ["direction", "method", "keyword__site"]
    search_fields = ["keyword__text"]
    list_select_related = ["keyword"]


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
