import pytest
from django.urls import reverse

from seoassist.trends.services import keyword_forecasts_refresh, trends_import_file

pytestmark = pytest.mark.django_db

WEEKLY = "Category: All categories\n\nWeek,hay fever: (United States)\n" + "".join(
    f"2024-{month:02d}-{day:02d},{(month * 13) % 100}\n" for month in range(1, 13) for day in (7, 14)
)


class KeywordIndexViewTests:
    def test_keywords_page_has_chart_per_keyword(self, client, editor_user, site):
        trends_import_file(site=site, data=WEEKLY.encode(), file_name="multiTimeline.csv")
        keyword_forecasts_refresh(site=site)
        client.force_login(editor_user)
        response = client.get(reverse("trends:keyword_list"))
        html = response.content.decode()
        assert response.status_code == 200
        assert "hay fever" in html
        assert 'data-forecast-index="0"' in html
        assert '"p50"' in html

    def test_empty_site_tells_how_to_import(self, client, editor_user):
        client.force_login(editor_user)
        response = client.get(reverse("trends:keyword_list"), HTTP_ACCEPT_LANGUAGE="en")
        assert "Import a Google Trends CSV" in response.content.decode()


def _seasonal_generic_csv(keyword: str) -> bytes:
    import datetime
    import math

    start = datetime.date(2021, 1, 3)
    rows = []
    for week in range(156):
        value = 20 + 60 * math.exp(-0.5 * ((week % 52 - 30) / 2.0) ** 2)
        rows.append(f"{start + datetime.timedelta(weeks=week)},{keyword},{value:.2f}\n")
    return ("date,keyword,value\n" + "".join(rows)).encode()


class ForecastExplanationTests:
    def test_keyword_page_shows_method_error_and_publish_by(self, client, editor_user, site):
        trends_import_file(site=site, data=_seasonal_generic_csv("sunscreen"), file_name="s.csv")
        keyword_forecasts_refresh(site=site)
        client.force_login(editor_user)
        html = client.get(reverse("trends:keyword_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "Method: " in html
        assert "backtest error over 3 origins: MASE " in html
        assert "Publish by " in html

    def test_request_page_shows_method_error_and_publish_by(self, client, editor_user, site):
        from seoassist.drafting.models import KeywordRequest, RequestForecast, RequestStatus
        from seoassist.trends.services import keyword_forecast_compute

        trends_import_file(site=site, data=_seasonal_generic_csv("sunscreen"), file_name="s.csv")
        result = keyword_forecast_compute(site=site, text="sunscreen")
        keyword_request = KeywordRequest.objects.create(
            site=site, created_by=editor_user, keywords=["sunscreen"], language="en",
            target_length=800, status=RequestStatus.SUCCEEDED,
        )
        RequestForecast.objects.create(
            request=keyword_request, keyword="sunscreen", method=result["method"],
            direction=result["direction"], change_percent=result["change_percent"],
            history=result["history"], points=result["points"], backtest=result["backtest"],
        )
        client.force_login(editor_user)
        url = reverse("drafting:request_detail", args=[keyword_request.pk])
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "backtest error over 3 origins: MASE " in html
        assert "Publish by " in html
        assert 'id="chart-0"' in html


class KeywordPageLinkTests:
    def _request_page(self, client, site, editor_user, keywords: list[str]):
        from bs4 import BeautifulSoup

        from seoassist.drafting.models import KeywordRequest, RequestForecast, RequestStatus

        keyword_request = KeywordRequest.objects.create(
            site=site, created_by=editor_user, keywords=keywords, language="en",
            target_length=800, status=RequestStatus.SUCCEEDED,
        )
        for keyword in keywords:
            RequestForecast.objects.create(
                request=keyword_request, keyword=keyword, method="naive", direction="flat",
                change_percent=0.0, history=[], points=[],
            )
        client.force_login(editor_user)
        url = reverse("drafting:request_detail", args=[keyword_request.pk])
        return BeautifulSoup(client.get(url).content, "lxml")

    def test_tracked_keyword_links_to_its_card(self, client, editor_user, site):
        from seoassist.trends.models import Keyword

        trends_import_file(site=site, data=WEEKLY.encode(), file_name="multiTimeline.csv")
        keyword = Keyword.objects.get(site=site)

        # The request spells the keyword in full-width letters, which still match it.
        page = self._request_page(client, site, editor_user, ["ｈａｙ fever"])

        [link] = page.select(".forecast h3 a")
        assert link["href"] == reverse("trends:keyword_list") + f"#keyword-{keyword.pk}"
        assert link.get_text() == "ｈａｙ fever"

    def test_untracked_keyword_has_no_link(self, client, editor_user, site):
        page = self._request_page(client, site, editor_user, ["未登録の語"])

        assert page.select(".forecast h3 a") == []
        assert "未登録の語" in page.select_one(".forecast h3").get_text()

    def test_keyword_card_has_link_target(self, client, editor_user, site):
        from seoassist.trends.models import Keyword

        trends_import_file(site=site, data=WEEKLY.encode(), file_name="multiTimeline.csv")
        keyword = Keyword.objects.get(site=site)
        client.force_login(editor_user)

        html = client.get(reverse("trends:keyword_list")).content.decode()

        assert f'id="keyword-{keyword.pk}"' in html


class KeywordChartHistoryTests:
    def test_partial_period_is_left_out(self, client, editor_user, site):
        import json

        from bs4 import BeautifulSoup

        from seoassist.trends.models import Keyword, TrendPoint

        trends_import_file(site=site, data=WEEKLY.encode(), file_name="multiTimeline.csv")
        keyword = Keyword.objects.get(site=site)
        last = keyword.points.order_by("-date").first()
        TrendPoint.objects.filter(pk=last.pk).update(is_partial=True)
        keyword_forecasts_refresh(site=site)
        client.force_login(editor_user)

        html = client.get(reverse("trends:keyword_list")).content.decode()

        [chart] = json.loads(BeautifulSoup(html, "lxml").find(id="forecast-data").string)
        history_dates = [point["date"] for point in chart["history"]]
        assert last.date.isoformat() not in history_dates
        assert history_dates[-1] < chart["points"][0]["date"]
