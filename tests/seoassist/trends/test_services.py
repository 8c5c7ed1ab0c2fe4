from unittest import mock

import pytest

from seoassist.core.text import normalize_keyword
from seoassist.trends.models import Keyword, TrendPoint
from seoassist.trends.services import keyword_forecast_compute, trends_import_file

pytestmark = [pytest.mark.django_db, pytest.mark.services]

WEEKLY_JA = (
    "カテゴリ: すべてのカテゴリ\n\n週,花粉症: (日本),熱中症: (日本)\n"
    + "".join(
        f"2024-{month:02d}-{day:02d},{10 + (month * 7) % 50},{1 if month < 6 else 60}\n"
        for month in range(1, 13)
        for day in (7, 14, 21)
    )
)


class TrendsImportFileTests:
    def test_same_file_twice_adds_nothing_twice(self, site):
        data = WEEKLY_JA.encode("utf-8")
        first = trends_import_file(site=site, data=data, file_name="multiTimeline.csv")
        second = trends_import_file(site=site, data=data, file_name="multiTimeline.csv")
        assert first.created == 72
        assert second.created == 0
        assert second.skipped == 72
        assert TrendPoint.objects.count() == 72
        assert set(Keyword.objects.values_list("text", flat=True)) == {"花粉症", "熱中症"}

    def test_forecast_without_model_serves_best_statistical_method(self, site):
        trends_import_file(site=site, data=WEEKLY_JA.encode("utf-8"), file_name="t.csv")
        result = keyword_forecast_compute(site=site, text="花粉症", horizon=4)
        backtest = result["backtest"]
        compared = {score["method"]: score for score in backtest["methods"]}
        assert set(compared) == {"naive", "seasonal_naive", "ets", "theta", "arima"}
        assert backtest["origins"] == 3
        best = min(compared.values(), key=lambda score: (score["mase"], score["smape"]))
        assert result["method"] == best["method"]
        assert backtest["mase"] == best["mase"]
        assert len(result["points"]) == 4
        assert result["direction"] in {"rising", "falling", "flat"}

    def test_unknown_keyword_has_note(self, site):
        result = keyword_forecast_compute(site=site, text="未登録の語")
        assert result["direction"] == "unknown"
        assert result["points"] == []
        assert "未登録の語" in result["note"]


class ForecastDirectionTests:
    @pytest.fixture
    def seasonal_keyword(self, site):
        import datetime
        import math

        keyword = Keyword.objects.create(
            site=site, text="大掃除", normalized=normalize_keyword("大掃除"), frequency="W"
        )
        last = datetime.date(2023, 12, 3)
        points = []
        # Three years of weekly interest that peaks in the week of 2023-12-24 each year,
        # ending three weeks before the peak, on the rising slope.
        for weeks_back in range(156):
            weeks_from_peak = (weeks_back + 3) % 52
            distance = min(weeks_from_peak, 52 - weeks_from_peak)
            value = 2 + 60 * math.exp(-0.5 * (distance / 2.0) ** 2)
            date = last - datetime.timedelta(weeks=weeks_back)
            points.append(TrendPoint(keyword=keyword, date=date, value=round(value, 2)))
        TrendPoint.objects.bulk_create(points)
        return keyword

    def test_naive_forecast_is_flat_after_rise(self, site, seasonal_keyword):
        from lstm_engine.forecast import statistical

        def naive_wins(scores):
            return next(score for score in scores if score.method == "naive")

        with mock.patch.object(statistical, "best_method", naive_wins):
            result = keyword_forecast_compute(site=site, text="大掃除")

        medians = {point["p50"] for point in result["points"]}
        last_value = result["history"][-1]["value"]
        assert result["method"] == "naive"
        assert medians == {last_value}
        assert result["direction"] == "flat"
        assert result["change_percent"] == 0.0

    def test_seasonal_peak_comes_from_history(self, site, seasonal_keyword):
        result = keyword_forecast_compute(site=site, text="大掃除")

        assert result["backtest"]["peak_date"] == "2023-12-24"
        assert result["backtest"]["publish_by"] == "2023-12-10"
