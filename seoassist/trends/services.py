import logging
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from seoassist.core.models import Site
from seoassist.core.text import normalize_keyword
from seoassist.trends.models import Keyword, KeywordForecast, TrendPoint
from seoassist.trends.selectors import keyword_get, keyword_series

logger = logging.getLogger(__name__)

DEFAULT_HORIZON = 12
HISTORY_POINTS_SHOWN = 104


@dataclass
class TrendsImportSummary:
    created: int = 0
    skipped: int = 0
    keywords: list[str] = field(default_factory=list)


@transaction.atomic
def trends_import_file(*, site: Site, data: bytes, file_name: str) -> TrendsImportSummary:
    """Import a Google Trends CSV; points already stored for a keyword and date are skipped."""
    from seoassist.trends.parsing import parse_trends_csv

    parsed = parse_trends_csv(data, file_name=file_name)
    summary = TrendsImportSummary()
    for series in parsed:
        keyword, _created = Keyword.objects.get_or_create(
            site=site,
            normalized=normalize_keyword(series.keyword),
            defaults={"text": series.keyword, "geo": series.geo, "frequency": series.frequency},
        )
        known_dates = set(keyword.points.values_list("date", flat=True))
        new_points = []
        for date, value, is_partial in series.points:
            if date in known_dates:
                summary.skipped += 1
                continue
            new_points.append(
                TrendPoint(keyword=keyword, date=date, value=value, is_partial=is_partial)
            )
        TrendPoint.objects.bulk_create(new_points)
        summary.created += len(new_points)
        summary.keywords.append(keyword.text)
    logger.info(
        "Imported %d trend points (%d skipped) for site %s", summary.created, summary.skipped, site.pk
    )
    return summary


def keyword_forecast_compute(
    *, site: Site, text: str, horizon: int = DEFAULT_HORIZON
) -> dict[str, Any]:
    """Forecast one keyword's demand with the best available method.

    Returns a JSON-ready dict with `keyword`, `direction`, `change_percent`,
    `method`, `history`, `points` (date, p10, p50, p90) and `note`.
    """
    from lstm_engine.forecast import baseline_forecast

    from seoassist.engine.services import forecaster_for_site

    keyword = keyword_get(site=site, text=text)
    series = keyword_series(keyword) if keyword else None
    if series is None:
        return {
            "keyword": text,
            "direction": "unknown",
            "change_percent": None,
            "method": "",
            "history": [],
            "points": [],
            "backtest": {},
            "note": _(
                "No keyword-interest data for “%(keyword)s”. Import a Google Trends CSV "
                "that contains it to see its forecast."
            )
            % {"keyword": text},
        }

    loaded = forecaster_for_site(site)
    backtest: dict[str, Any] = {}
    if loaded is not None and loaded[1].frequency != series.frequency:
        # The site's forecaster learned another frequency (weekly, say) than this series.
        loaded = None
    if loaded is not None:
        version, forecaster = loaded
        per_series = (version.metrics.get("per_series") or {}).get(keyword.text, {})
        backtest = {
            "model_version": version.number,
            "mase": per_series.get("mase", version.metrics.get("mase")),
            "baseline_mase": per_series.get("baseline_mase", version.metrics.get("baseline_mase")),
        }
        # Per series, the method with the lower backtest error serves.
        lstm_wins = (
            backtest["mase"] is None
            or backtest["baseline_mase"] is None
            or backtest["mase"] <= backtest["baseline_mase"]
        )
        if lstm_wins:
            model_horizon = version.config.get("model", {}).get("horizon", horizon)
            forecast = forecaster.forecast(series, min(horizon, model_horizon))
        else:
            forecast = baseline_forecast(series, horizon)
    else:
        forecast = baseline_forecast(series, horizon)
    data = forecast.as_dict()
    points = [
        {"date": d, "p10": lo, "p50": mid, "p90": hi}
        for d, lo, mid, hi in zip(data["dates"], data["p10"], data["p50"], data["p90"], strict=True)
    ]
    history = [
        {"date": d.isoformat(), "value": v}
        for d, v in zip(series.dates[-HISTORY_POINTS_SHOWN:], series.values[-HISTORY_POINTS_SHOWN:], strict=True)
    ]
    return {
        "keyword": keyword.text,
        "direction": forecast.direction,
        "change_percent": round(forecast.change_percent, 1),
        "method": forecast.method,
        "history": history,
        "points": points,
        "backtest": backtest,
        "note": "",
    }


def keyword_forecasts_refresh(*, site: Site) -> int:
    """Recompute and store the forecast of every tracked keyword of the site."""
    from seoassist.engine.services import forecaster_for_site

    loaded = forecaster_for_site(site)
    version = loaded[0] if loaded else None
    count = 0
    for keyword in site.keywords.all():
        result = keyword_forecast_compute(site=site, text=keyword.text)
        if not result["points"]:
            continue
        KeywordForecast.objects.update_or_create(
            keyword=keyword,
            defaults={
                "model_version": version if result["method"] == "lstm" else None,
                "method": result["method"],
                "direction": result["direction"],
                "change_percent": result["change_percent"] or 0.0,
                "points": result["points"],
            },
        )
        count += 1
    logger.info("Refreshed %d keyword forecasts for site %s", count, site.pk)
    return count
