import datetime
from unittest import mock

import pytest
from django.urls import reverse

from seoassist.trends.publishing import publish_advice

DAY = datetime.date


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
        assert "Publish now: interest peaks every year, next around Dec. 27, 2026." in html
        assert "Nov. 29, 2026" not in html

    def test_future_publish_by_shows_date(self, client, editor_user, forecast):
        html = self._keywords_page(client, editor_user, DAY(2026, 11, 1), "en")
        assert "Publish by Nov. 29, 2026" in html

    def test_japanese_page_shows_no_past_date(self, client, editor_user, forecast):
        html = self._keywords_page(client, editor_user, DAY(2026, 12, 5), "ja")
        assert "2026年11月29日" not in html
