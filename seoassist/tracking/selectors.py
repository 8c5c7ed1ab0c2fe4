from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from seoassist.core.models import Site
from seoassist.tracking.models import KeywordAlert
from seoassist.trends.models import Keyword, KeywordForecast, TrendPoint

SPARKLINE_POINTS = 26
MOVERS_SHOWN = 10


@dataclass
class TrackedKeywordRow:
    keyword: Keyword
    forecast: KeywordForecast | None
    sparkline: dict[str, Any]


def tracked_keyword_rows(*, site: Site, keywords: list[Keyword]) -> list[TrackedKeywordRow]:
    """Return each keyword with its forecast and its last points plus forecast medians for a sparkline."""
    recent: dict[int, list[float]] = {keyword.pk: [] for keyword in keywords}
    points = (
        TrendPoint.objects.filter(keyword__in=keywords, is_partial=False)
        .order_by("keyword_id", "-date")
        .values_list("keyword_id", "value")
    )
    for keyword_id, value in points.iterator():
        values = recent[keyword_id]
        if len(values) < SPARKLINE_POINTS:
            values.append(value)
    rows = []
    for keyword in keywords:
        forecast = getattr(keyword, "forecast", None)
        medians = [point.get("p50") for point in (forecast.points if forecast else [])]
        rows.append(
            TrackedKeywordRow(
                keyword=keyword,
                forecast=forecast,
                sparkline={"history": recent[keyword.pk][::-1], "forecast": medians},
            )
        )
    return rows


def tracked_keyword_list(*, site: Site) -> QuerySet[Keyword]:
    return Keyword.objects.filter(site=site).select_related("forecast").order_by("text")


def forecast_movers(*, site: Site, direction: str) -> list[KeywordForecast]:
    """Return the keywords forecast to rise (or fall) the most, largest change first.

    Only forecasts classified in `direction` count, so a change inside the flat band
    never appears in the rising or falling list.
    """
    forecasts = KeywordForecast.objects.filter(
        keyword__site=site, direction=direction
    ).select_related("keyword")
    if direction == "rising":
        return list(forecasts.filter(change_percent__gt=0).order_by("-change_percent")[:MOVERS_SHOWN])
    return list(forecasts.filter(change_percent__lt=0).order_by("change_percent")[:MOVERS_SHOWN])


def keyword_alert_list_open(*, site: Site) -> QuerySet[KeywordAlert]:
    return KeywordAlert.objects.filter(keyword__site=site, acknowledged=False).select_related("keyword")
