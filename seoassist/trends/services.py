import logging
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from seoassist.core.models import Site
from seoassist.core.text import normalize_keyword
from seoassist.trends.models import (
    Keyword,
    KeywordForecast,
    RelatedQuery,
    SearchDailyStat,
    SearchQueryStat,
    TrendPoint,
)
from seoassist.trends.selectors import keyword_get, keyword_series

logger = logging.getLogger(__name__)

DEFAULT_HORIZON = 12
HISTORY_POINTS_SHOWN = 104


@dataclass
class TrendsImportSummary:
    created: int = 0
    skipped: int = 0
    updated: int = 0
    keywords: list[str] = field(default_factory=list)
    related_queries: int = 0
    search_rows: int = 0
    # keyword -> factor applied to a Trends export to put it on the stored series' scale
    rescaled: dict[str, float] = field(default_factory=dict)


def _daily_from_hourly(points: list[tuple[Any, float, bool]]) -> list[tuple[Any, float, bool]]:
    """Average hourly interest per day; a day with a partial hour stays partial."""
    days: dict[Any, list[tuple[float, bool]]] = {}
    for period, value, partial in points:
        day = period.date() if hasattr(period, "date") else period
        days.setdefault(day, []).append((value, partial))
    return [
        (day, sum(value for value, _p in items) / len(items), any(p for _v, p in items))
        for day, items in sorted(days.items())
    ]


def _export_scale(existing: dict[Any, tuple[float, bool]], points: list[tuple[Any, float, bool]]) -> float:
    """Return the factor that maps a new 0-100 export onto the stored series.

    Google Trends scales every export so that its own maximum is 100, so two exports
    of one keyword over different periods differ by a constant factor. The factor is
    the ratio of the sums over the complete periods both contain; 1.0 without overlap.
    """
    stored_total = new_total = 0.0
    for date, value, partial in points:
        known = existing.get(date)
        if known is None or partial or known[1]:
            continue
        stored_total += known[0]
        new_total += value
    if stored_total <= 0.0 or new_total <= 0.0:
        return 1.0
    return stored_total / new_total


def _series_store(site: Site, series, summary: TrendsImportSummary) -> None:  # noqa: ANN001
    points = series.points
    frequency = series.frequency
    if frequency == "H":
        points = _daily_from_hourly(points)
        frequency = "D"
    keyword, _created = Keyword.objects.get_or_create(
        site=site,
        normalized=normalize_keyword(series.keyword),
        defaults={"text": series.keyword, "geo": series.geo, "frequency": frequency},
    )
    existing = {
        row[0]: (row[1], row[2]) for row in keyword.points.values_list("date", "value", "is_partial")
    }
    scale = _export_scale(existing, points) if getattr(series, "relative", True) else 1.0
    if abs(scale - 1.0) > 1e-9:
        summary.rescaled[keyword.text] = round(scale, 4)
    new_points, completed = [], []
    for date, value, is_partial in points:
        scaled = round(value * scale, 4)
        known = existing.get(date)
        if known is None:
            new_points.append(
                TrendPoint(keyword=keyword, date=date, value=scaled, is_partial=is_partial)
            )
        elif known[1] and not is_partial:
            # A period that was still running in an earlier export is now complete.
            completed.append((date, scaled))
        else:
            summary.skipped += 1
    TrendPoint.objects.bulk_create(new_points)
    for date, value in completed:
        keyword.points.filter(date=date).update(value=value, is_partial=False)
    summary.created += len(new_points)
    summary.updated += len(completed)
    summary.keywords.append(keyword.text)


def _search_tables_store(site: Site, parsed, summary: TrendsImportSummary) -> None:  # noqa: ANN001
    for table in parsed.search_tables:
        if table.table == "date":
            known = set(
                SearchDailyStat.objects.filter(site=site, date__in=table.dates).values_list(
                    "date", flat=True
                )
            )
            rows = [
                SearchDailyStat(
                    site=site, date=day, clicks=row.clicks, impressions=row.impressions,
                    ctr=row.ctr, position=row.position,
                )
                for day, row in zip(table.dates, table.rows, strict=True)
            ]
            SearchDailyStat.objects.bulk_create(
                rows, update_conflicts=True, unique_fields=["site", "date"],
                update_fields=["clicks", "impressions", "ctr", "position"],
            )
        else:
            keys = [row.key for row in table.rows]
            known = set(
                SearchQueryStat.objects.filter(site=site, table=table.table, key__in=keys).values_list(
                    "key", flat=True
                )
            )
            rows = [
                SearchQueryStat(
                    site=site, table=table.table, key=row.key, clicks=row.clicks,
                    impressions=row.impressions, ctr=row.ctr, position=row.position,
                    source_file=parsed.file_name[:300],
                )
                for row in table.rows
            ]
            SearchQueryStat.objects.bulk_create(
                rows, update_conflicts=True, unique_fields=["site", "table", "key"],
                update_fields=["clicks", "impressions", "ctr", "position", "source_file", "updated_at"],
            )
        added = len({*(row.key for row in table.rows)}) - len(known)
        summary.created += added
        summary.skipped += len(table.rows) - added
        summary.search_rows += len(table.rows)


def _related_store(site: Site, parsed, seed: str, summary: TrendsImportSummary) -> None:  # noqa: ANN001
    keyword = keyword_get(site=site, text=seed) if seed else None
    known = set(
        RelatedQuery.objects.filter(site=site, seed=seed).values_list("query", "section")
    )
    rows = {
        (row.query, row.section): RelatedQuery(
            site=site, keyword=keyword, seed=seed, query=row.query, section=row.section,
            value=row.value, breakout=row.breakout,
        )
        for row in parsed.related
    }
    RelatedQuery.objects.bulk_create(
        list(rows.values()), update_conflicts=True,
        unique_fields=["site", "seed", "query", "section"],
        update_fields=["keyword", "value", "breakout", "updated_at"],
    )
    added = len(set(rows) - known)
    summary.created += added
    summary.skipped += len(parsed.related) - added
    summary.related_queries += len(rows)


@transaction.atomic
def trends_import_file(
    *, site: Site, data: bytes, file_name: str, seed: str = ""
) -> TrendsImportSummary:
    """Import any trend file the importers recognise, or a .zip of them.

    Interest over time and generic series become keyword points: dates already stored
    are skipped, except partial periods that are now complete, and a Trends export is
    rescaled onto the stored series by the ratio over the dates both contain. Search
    Console tables and related queries replace the stored figures of the same keys.
    `seed` names the keyword a related-queries export belongs to, which the file omits.
    """
    from seoassist.trends.importers import trend_file_parse

    parsed = trend_file_parse(data, file_name=file_name)
    summary = TrendsImportSummary()
    for series in parsed.series:
        _series_store(site, series, summary)
    if parsed.search_tables:
        _search_tables_store(site, parsed, summary)
    if parsed.related:
        _related_store(site, parsed, seed.strip(), summary)
    logger.info(
        "Imported %d rows (%d skipped, %d completed) from %s for site %s",
        summary.created, summary.skipped, summary.updated, file_name, site.pk,
    )
    return summary


BACKTEST_ORIGINS = 3


def _candidate_functions(series, loaded, horizon: int) -> dict[str, Any]:  # noqa: ANN001
    """Return method -> (values, steps) -> (p10, p50, p90) for every method that may serve."""
    import numpy as np
    from lstm_engine.forecast import Series
    from lstm_engine.forecast.statistical import STATISTICAL_METHODS, statistical_quantiles

    functions: dict[str, Any] = {}
    if loaded is not None:
        forecaster = loaded[1]

        # NOTE: the forecaster trained on all but the last horizon of the history it saw
        # then, so its backtest at older origins is partly in-sample and flatters it.
        def lstm(values, steps):  # noqa: ANN001, ANN202
            history = Series(series.dates[: len(values)], list(values), series.frequency)
            result = forecaster.forecast(history, steps)
            return np.asarray(result.p10), np.asarray(result.p50), np.asarray(result.p90)

        functions["lstm"] = lstm
    for method in STATISTICAL_METHODS:

        def statistical(values, steps, method=method):  # noqa: ANN001, ANN202
            return statistical_quantiles(values, steps, method, series.season)

        functions[method] = statistical
    return functions


def keyword_forecast_compute(
    *, site: Site, text: str, horizon: int = DEFAULT_HORIZON
) -> dict[str, Any]:
    """Forecast one keyword's demand with the method that backtests best on its history.

    The site's LSTM (when trained for this frequency) and the statistical baselines are
    scored at BACKTEST_ORIGINS rolling origins, one horizon apart, at the end of the
    history; the lowest mean MASE serves. Returns a JSON-ready dict with `keyword`,
    `direction`, `change_percent`, `method`, `history`, `points` (date, p10, p50, p90),
    `backtest` (the serving method's MASE, sMAPE and coverage, every method's scores,
    the next seasonal peak and the publish-by date) and `note`.
    """
    from lstm_engine.forecast import baseline_forecast
    from lstm_engine.forecast.forecaster import Forecaster
    from lstm_engine.forecast.peaks import next_seasonal_peak
    from lstm_engine.forecast.statistical import (
        backtest,
        backtest_origins,
        best_method,
        statistical_forecast,
    )

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
    if loaded is not None and loaded[1].frequency != series.frequency:
        # The site's forecaster learned another frequency (weekly, say) than this series.
        loaded = None
    model_version = None
    if loaded is not None:
        model_version = loaded[0]
        horizon = min(horizon, loaded[1].config.horizon)

    functions = _candidate_functions(series, loaded, horizon)
    values = series.to_array()
    cuts = backtest_origins(len(values), horizon, BACKTEST_ORIGINS, minimum_history=horizon + 4)
    scores = [backtest(values, horizon, cuts, function, method) for method, function in functions.items()]
    best = best_method(scores) if cuts else None
    if best is None:
        forecast = baseline_forecast(series, horizon)
    elif best.method == "lstm":
        forecaster: Forecaster = loaded[1]  # type: ignore[index]
        forecast = forecaster.forecast(series, horizon)
    else:
        forecast = statistical_forecast(series, horizon, best.method)
    peak = next_seasonal_peak(series)
    backtest_data: dict[str, Any] = {
        "method": forecast.method,
        "mase": None,
        "smape": None,
        "coverage_80": None,
        "origins": len(cuts),
        "methods": [score.as_dict() for score in scores] if cuts else [],
        "model_version": model_version.number if model_version else None,
        "peak_date": peak.peak_date.isoformat() if peak else None,
        "publish_by": peak.publish_by.isoformat() if peak else None,
    }
    if best is not None and best.method == forecast.method:
        backtest_data.update(
            {key: value for key, value in best.as_dict().items() if key in ("mase", "smape", "coverage_80")}
        )
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
        "backtest": backtest_data,
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
        backtest = result["backtest"]
        KeywordForecast.objects.update_or_create(
            keyword=keyword,
            defaults={
                "model_version": version if result["method"] == "lstm" else None,
                "method": result["method"],
                "direction": result["direction"],
                "change_percent": result["change_percent"] or 0.0,
                "points": result["points"],
                "backtest_mase": backtest.get("mase"),
                "backtest_smape": backtest.get("smape"),
                "backtest_coverage": backtest.get("coverage_80"),
                "backtest_origins": backtest.get("origins") or 0,
                "method_scores": backtest.get("methods") or [],
                "peak_date": backtest.get("peak_date"),
                "publish_by": backtest.get("publish_by"),
            },
        )
        count += 1
    logger.info("Refreshed %d keyword forecasts for site %s", count, site.pk)
    return count
