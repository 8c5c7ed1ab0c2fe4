import re

import pytest
from django.urls import reverse

from seoassist.core.services import site_create, user_create
from seoassist.tracking.models import KeywordAlert
from seoassist.trends.models import Keyword, KeywordForecast, TrendPoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def tracked(site):
    import datetime

    rows = []
    for text, change in (("花粉症", 45.0), ("熱中症", -30.0), ("梅雨", 2.0)):
        keyword = Keyword.objects.create(site=site, text=text, normalized=text)
        TrendPoint.objects.bulk_create(
            TrendPoint(keyword=keyword, date=datetime.date(2024, 1, 1) + datetime.timedelta(weeks=w), value=w)
            for w in range(40)
        )
        direction = "flat"
        if change > 10:
            direction = "rising"
        elif change < -10:
            direction = "falling"
        KeywordForecast.objects.create(
            keyword=keyword, method="seasonal_naive",
            direction=direction,
            change_percent=change,
            points=[{"date": "2024-10-07", "p10": 30, "p50": 40, "p90": 50}],
        )
        rows.append(keyword)
    return rows


class DashboardViewTests:
    def test_login_required(self, client):
        response = client.get(reverse("tracking:dashboard"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_user_without_site_is_refused(self, client, site):
        client.force_login(user_create(username="outsider", password="outsider-pass-1"))
        assert client.get(reverse("tracking:dashboard")).status_code == 403

    def test_dashboard_lists_keywords_movers_and_alerts(self, client, editor_user, site, tracked):
        KeywordAlert.objects.create(keyword=tracked[0], direction="rising", change=45.0)
        client.force_login(editor_user)
        response = client.get(reverse("tracking:dashboard"), HTTP_ACCEPT_LANGUAGE="en")
        html = response.content.decode()
        assert response.status_code == 200
        assert html.count("data-sparkline-index=") == 3
        assert "Open alerts" in html
        assert "+45 %" in html
        assert "-30 %" in html
        assert reverse("tracking:alert_acknowledge", args=[KeywordAlert.objects.get().pk]) in html
        assert "seoassist/js/sparklines.js" in html
        # Sparkline data: 26 most recent points, oldest first, and the forecast medians.
        assert '"history": [14.0, 15.0' in html
        assert '"forecast": [40]' in html

    def test_flat_keyword_is_no_mover(self, site, tracked):
        from seoassist.tracking.selectors import forecast_movers

        rising = [forecast.keyword.text for forecast in forecast_movers(site=site, direction="rising")]
        falling = [forecast.keyword.text for forecast in forecast_movers(site=site, direction="falling")]
        assert rising == ["花粉症"]
        assert falling == ["熱中症"]

    def test_no_inline_script_or_style(self, client, editor_user, tracked):
        client.force_login(editor_user)
        html = client.get(reverse("tracking:dashboard")).content.decode()
        scripts = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html)
        assert scripts == []
        assert " style=" not in html

    def test_navigation_links_the_dashboard(self, client, editor_user):
        client.force_login(editor_user)
        html = client.get(reverse("core:home")).content.decode()
        assert f'href="{reverse("tracking:dashboard")}"' in html

    def test_japanese_page(self, client, editor_user, tracked):
        client.force_login(editor_user)
        response = client.get(reverse("tracking:dashboard"), HTTP_ACCEPT_LANGUAGE="ja")
        assert response.status_code == 200
        assert '<html lang="ja">' in response.content.decode()


class AlertAcknowledgeViewTests:
    def test_acknowledge_closes_the_alert(self, client, editor_user, tracked):
        alert = KeywordAlert.objects.create(keyword=tracked[1], direction="falling", change=-30.0)
        client.force_login(editor_user)
        response = client.post(reverse("tracking:alert_acknowledge", args=[alert.pk]))
        assert response.status_code == 302
        alert.refresh_from_db()
        assert alert.acknowledged
        assert alert.acknowledged_by == editor_user

    def test_get_is_not_allowed(self, client, editor_user, tracked):
        alert = KeywordAlert.objects.create(keyword=tracked[1], direction="falling", change=-30.0)
        client.force_login(editor_user)
        assert client.get(reverse("tracking:alert_acknowledge", args=[alert.pk])).status_code == 405

    def test_other_sites_alert_is_not_found(self, client, editor_user):
        other = site_create(name="Other", slug="other", language="en")
        keyword = Keyword.objects.create(site=other, text="x", normalized="x")
        alert = KeywordAlert.objects.create(keyword=keyword, direction="rising", change=50.0)
        client.force_login(editor_user)
        assert client.post(reverse("tracking:alert_acknowledge", args=[alert.pk])).status_code == 404
        alert.refresh_from_db()
        assert not alert.acknowledged
