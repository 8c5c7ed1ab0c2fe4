import pytest

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
