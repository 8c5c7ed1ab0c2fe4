import datetime
import json
from unittest import mock

import pytest
from django.urls import reverse

from seoassist.trends.publishing import publish_advice, publish_marker
from tests.seoassist.translations import japanese_catalog_with

DAY = datetime.date


def _weekly_points(first: datetime.date, count: int = 12) -> list[dict]:
    return [
        {"date": (first + datetime.timedelta(weeks=week)).isoformat(), "p10": 1, "p50": 2, "p90": 3}
        for week in range(count)
    ]


# Twelve weekly forecast periods from Sunday 2026-11-01 to Sunday 2027-01-17.
WEEKLY_POINTS = _weekly_points(DAY(2026, 11, 1))


class PublishAdviceTests:
    def test_future_date_stays(self):
        advice = publish_advice(DAY(2026, 11, 29), DAY(2026, 12, 27), today=DAY(2026, 11, 1))
        assert advice.publish_by == DAY(2026, 11, 29)
        assert advice.peak_date == DAY(2026, 12, 27)
        assert not advice.now

    def test_past_date_before_peak_means_now(self):
        advice = publish_advice(DAY(2026, 11, 29), DAY(2026, 12, 27), today=DAY(2026, 12, 5))
        assert advice.now
        assert advice.peak_date == DAY(2026, 12, 27)

    def test_date_today_means_now(self):
        advice = publish_advice(DAY(2026, 12, 5), DAY(2027, 1, 2), today=DAY(2026, 12, 5))
        assert advice.now

    def test_passed_peak_moves_to_next_year(self):
        advice = publish_advice(DAY(2024, 6, 30), DAY(2024, 7, 28), today=DAY(2026, 12, 5))
        assert advice.peak_date == DAY(2027, 7, 28)
        assert advice.publish_by == DAY(2027, 6, 30)
        assert not advice.now

    def test_passed_peak_moves_to_this_december(self):
        advice = publish_advice(DAY(2024, 11, 29), DAY(2024, 12, 27), today=DAY(2026, 12, 5))
        assert advice.peak_date == DAY(2026, 12, 27)
        assert advice.publish_by == DAY(2026, 11, 29)
        assert advice.now

    def test_leap_day_moves_to_february_28(self):
        advice = publish_advice(DAY(2024, 2, 1), DAY(2024, 2, 29), today=DAY(2025, 1, 10))
        assert advice.peak_date == DAY(2025, 2, 28)


class PublishAdviceWordingTests:
    def test_japanese_dates_unspaced(self):
        from django.template.loader import render_to_string
        from django.utils import translation

        context = {"publish_by": DAY(2099, 11, 29), "peak_date": DAY(2099, 12, 27), "origins": 0}
        with translation.override("ja"):
            html = render_to_string("trends/_forecast_meta.html", context)
        assert "公開の目安は2099年11月29日です。" in html
        assert "次のピークは2099年12月27日ごろです。" in html



class PublishMarkerTests:
    def test_future_date_marks_that_date(self):
        marker = publish_marker(
            WEEKLY_POINTS, DAY(2026, 11, 29), DAY(2026, 12, 27), DAY(2026, 11, 10)
        )
        assert marker == {"date": "2026-11-29", "day": "2026-11-29", "now": False}

    def test_passed_date_marks_today_s_period(self):
        marker = publish_marker(
            WEEKLY_POINTS, DAY(2026, 11, 29), DAY(2026, 12, 27), DAY(2026, 12, 10)
        )
        assert marker == {"date": "2026-12-06", "day": "2026-12-10", "now": True}

    def test_today_before_forecast_marks_first_point(self):
        marker = publish_marker(
            WEEKLY_POINTS, DAY(2026, 10, 30), DAY(2026, 11, 22), DAY(2026, 10, 31)
        )
        assert marker == {"date": "2026-11-01", "day": "2026-10-31", "now": True}

    def test_today_in_last_period_is_marked(self):
        marker = publish_marker(WEEKLY_POINTS, DAY(2027, 1, 3), DAY(2027, 1, 31), DAY(2027, 1, 23))
        assert marker == {"date": "2027-01-17", "day": "2027-01-23", "now": True}

    def test_today_after_forecast_has_no_point(self):
        marker = publish_marker(WEEKLY_POINTS, DAY(2027, 1, 3), DAY(2027, 1, 31), DAY(2027, 1, 24))
        assert marker == {"date": None, "day": "2027-01-24", "now": True}

    def test_date_moved_past_forecast_has_no_point(self):
        # The peak of 2026-12-27 has passed, so the advice moves to 2027-11-29.
        marker = publish_marker(
            WEEKLY_POINTS, DAY(2026, 11, 29), DAY(2026, 12, 27), DAY(2027, 1, 5)
        )
        assert marker == {"date": None, "day": "2027-11-29", "now": False}

    def test_moved_date_marks_its_week(self):
        # The advice moves to Monday 2027-11-29, inside the week that starts on Sunday 2027-11-28.
        points = _weekly_points(DAY(2027, 10, 31))
        marker = publish_marker(points, DAY(2026, 11, 29), DAY(2026, 12, 27), DAY(2027, 1, 5))
        assert marker == {"date": "2027-11-28", "day": "2027-11-29", "now": False}

    def test_missing_date_has_no_marker(self):
        assert publish_marker(WEEKLY_POINTS, None, None, DAY(2026, 11, 10)) is None

    def test_single_point_ends_with_its_date(self):
        point = WEEKLY_POINTS[:1]
        on_the_date = publish_marker(point, DAY(2026, 10, 20), DAY(2026, 11, 22), DAY(2026, 11, 1))
        day_after = publish_marker(point, DAY(2026, 10, 20), DAY(2026, 11, 22), DAY(2026, 11, 2))
        assert on_the_date == {"date": "2026-11-01", "day": "2026-11-01", "now": True}
        assert day_after == {"date": None, "day": "2026-11-02", "now": True}


@pytest.mark.django_db
class PublishByOnPagesTests:
    @pytest.fixture
    def forecast(self, site):
        from seoassist.trends.models import Keyword, KeywordForecast

        keyword = Keyword.objects.create(site=site, text="sunscreen")
        return KeywordForecast.objects.create(
            keyword=keyword, method="seasonal_naive", direction="up", change_percent=10.0,
            points=[{"date": "2026-11-29", "p10": 1, "p50": 2, "p90": 3}],
            publish_by=DAY(2026, 11, 29), peak_date=DAY(2026, 12, 27),
        )

    def _keywords_page(self, client, user, today, language):
        client.force_login(user)
        with mock.patch("django.utils.timezone.localdate", return_value=today):
            response = client.get(reverse("trends:keyword_list"), HTTP_ACCEPT_LANGUAGE=language)
        return response.content.decode()

    def test_past_publish_by_reads_publish_now(self, client, editor_user, forecast):
        html = self._keywords_page(client, editor_user, DAY(2026, 12, 5), "en")
        assert "Publish now: past years show a yearly peak, which next falls around Dec. 27, 2026." in html
        assert "Nov. 29, 2026" not in html

    def test_future_publish_by_shows_date(self, client, editor_user, forecast):
        html = self._keywords_page(client, editor_user, DAY(2026, 11, 1), "en")
        assert "Publish by Nov. 29, 2026" in html

    def test_japanese_page_shows_no_past_date(self, client, editor_user, forecast):
        html = self._keywords_page(client, editor_user, DAY(2026, 12, 5), "ja")
        assert "2026年11月29日" not in html


def _chart_json(html: str, element_id: str):
    from bs4 import BeautifulSoup

    return json.loads(BeautifulSoup(html, "lxml").find(id=element_id).string)


@pytest.mark.django_db
class PublishMarkerOnPagesTests:
    @pytest.fixture
    def keyword_forecast(self, site):
        from seoassist.trends.models import Keyword, KeywordForecast

        keyword = Keyword.objects.create(site=site, text="sunscreen")
        return KeywordForecast.objects.create(
            keyword=keyword, method="seasonal_naive", direction="up", change_percent=10.0,
            points=WEEKLY_POINTS, publish_by=DAY(2026, 11, 29), peak_date=DAY(2026, 12, 27),
        )

    @pytest.fixture
    def keyword_request(self, site, editor_user):
        from seoassist.drafting.models import KeywordRequest, RequestForecast, RequestStatus

        keyword_request = KeywordRequest.objects.create(
            site=site, created_by=editor_user, keywords=["sunscreen"], language="en",
            target_length=800, status=RequestStatus.SUCCEEDED,
        )
        RequestForecast.objects.create(
            request=keyword_request, keyword="sunscreen", method="seasonal_naive",
            direction="rising", change_percent=10.0, history=[], points=WEEKLY_POINTS,
            backtest={"publish_by": "2026-11-29", "peak_date": "2026-12-27"},
        )
        return keyword_request

    def _page(self, client, user, url, today, language="en"):
        client.force_login(user)
        with mock.patch("django.utils.timezone.localdate", return_value=today):
            response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        return response.content.decode()

    def test_keyword_chart_marks_publish_now(self, client, editor_user, keyword_forecast):
        html = self._page(client, editor_user, reverse("trends:keyword_list"), DAY(2026, 12, 10))

        [chart] = _chart_json(html, "forecast-data")
        labels = _chart_json(html, "chart-labels")
        assert chart["publish_marker"]["date"] == "2026-12-06"
        assert chart["publish_marker"]["now"] is True
        assert chart["publish_marker"]["day_label"] == "Dec. 10, 2026"
        assert chart["publish_marker"]["note"] == ""
        assert labels["publish_now"] == "Publish now"
        assert "Publish now: past years show a yearly peak" in html

    def test_keyword_chart_marks_future_date(self, client, editor_user, keyword_forecast):
        html = self._page(client, editor_user, reverse("trends:keyword_list"), DAY(2026, 11, 10))

        [chart] = _chart_json(html, "forecast-data")
        labels = _chart_json(html, "chart-labels")
        assert chart["publish_marker"]["date"] == "2026-11-29"
        assert chart["publish_marker"]["now"] is False
        assert chart["publish_marker"]["day_label"] == "Nov. 29, 2026"
        assert labels["publish_by"] == "Publish by"
        assert "Publish by Nov. 29, 2026" in html

    def test_stale_keyword_chart_notes_date(self, client, editor_user, keyword_forecast):
        # A year later the advice moves to 2027-11-29, past the stored forecast.
        html = self._page(client, editor_user, reverse("trends:keyword_list"), DAY(2027, 1, 5))

        [chart] = _chart_json(html, "forecast-data")
        marker = chart["publish_marker"]
        assert marker["date"] is None
        assert marker["day"] == "2027-11-29"
        assert marker["note"] == "The suggested publishing date, Nov. 29, 2027, is after the forecast shown."
        assert "Publish by Nov. 29, 2027" in html

    def test_japanese_stale_note_date_unspaced(self, client, editor_user, keyword_forecast):
        html = self._page(client, editor_user, reverse("trends:keyword_list"), DAY(2027, 1, 5), language="ja")

        [chart] = _chart_json(html, "forecast-data")
        assert chart["publish_marker"]["note"] == "公開の目安（2027年11月29日）は、表示中の予測より後の日付です。"

    def test_stale_chart_notes_today(self, client, editor_user, keyword_forecast):
        # Publishing is due now, but today lies after the last forecast week of 2027-01-17.
        keyword_forecast.publish_by = DAY(2027, 1, 3)
        keyword_forecast.peak_date = DAY(2027, 1, 31)
        keyword_forecast.save()

        html = self._page(client, editor_user, reverse("trends:keyword_list"), DAY(2027, 1, 25))

        [chart] = _chart_json(html, "forecast-data")
        assert chart["publish_marker"]["date"] is None
        assert chart["publish_marker"]["note"] == "Today, Jan. 25, 2027, is after the forecast shown."

    def test_japanese_marker_date_is_localized(self, client, editor_user, keyword_forecast):
        client.force_login(editor_user)
        with mock.patch("django.utils.timezone.localdate", return_value=DAY(2026, 11, 10)):
            response = client.get(reverse("trends:keyword_list"), HTTP_ACCEPT_LANGUAGE="ja")

        [chart] = _chart_json(response.content.decode(), "forecast-data")
        assert chart["publish_marker"]["day_label"] == "2026年11月29日"

    def test_request_chart_marks_publish_now(self, client, editor_user, keyword_request):
        url = reverse("drafting:request_detail", args=[keyword_request.pk])
        html = self._page(client, editor_user, url, DAY(2026, 12, 10))

        [chart] = _chart_json(html, "forecast-data")
        labels = _chart_json(html, "chart-labels")
        assert chart["publish_marker"]["date"] == "2026-12-06"
        assert chart["publish_marker"]["day_label"] == "Dec. 10, 2026"
        assert labels["publish_now"] == "Publish now"
        assert "Publish now: past years show a yearly peak" in html

    def test_both_pages_use_same_labels(
        self, client, editor_user, keyword_forecast, keyword_request
    ):
        request_url = reverse("drafting:request_detail", args=[keyword_request.pk])
        keyword_html = self._page(client, editor_user, reverse("trends:keyword_list"), DAY(2026, 11, 10))
        request_html = self._page(client, editor_user, request_url, DAY(2026, 11, 10))

        keyword_labels = _chart_json(keyword_html, "chart-labels")
        assert _chart_json(request_html, "chart-labels") == keyword_labels
        assert keyword_labels["forecast"] == "Forecast (median, P50)"
        assert keyword_labels["band_low"] == "80 % band, low end (P10)"
        assert keyword_labels["band_high"] == "80 % band, high end (P90)"

    def test_publish_now_label_is_translatable(self, client, editor_user, keyword_forecast):
        client.force_login(editor_user)
        url = reverse("trends:keyword_list")

        with japanese_catalog_with({"Publish now": "今すぐ公開"}):
            with mock.patch("django.utils.timezone.localdate", return_value=DAY(2026, 12, 10)):
                html = client.get(url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()

        assert _chart_json(html, "chart-labels")["publish_now"] == "今すぐ公開"
