"""The keyword tracking page in a real browser: sparklines drawn, an alert acknowledged."""
import datetime

import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from playwright.sync_api import Page, expect

from seoassist.core.models import Site
from tests.browser.support import ja, log_in

pytestmark = [pytest.mark.browser]


@pytest.fixture
def tracked_site(site: Site) -> Site:
    from seoassist.tracking.models import KeywordAlert
    from seoassist.trends.models import Keyword, KeywordForecast, TrendPoint

    for index, text in enumerate(["花粉症", "熱中症"]):
        keyword = Keyword.objects.create(site=site, text=text, normalized=text)
        TrendPoint.objects.bulk_create(
            TrendPoint(keyword=keyword, date=datetime.date(2024, 1, 7) + datetime.timedelta(weeks=w),
                       value=20 + w + 10 * index)
            for w in range(30)
        )
        KeywordForecast.objects.create(
            keyword=keyword, method="seasonal_naive", direction="rising", change_percent=35.0,
            points=[{"date": "2024-08-04", "p10": 40, "p50": 55, "p90": 70}],
        )
        KeywordAlert.objects.create(keyword=keyword, direction="rising", change=35.0)
    return site


class TrackingDashboardTests:
    def test_sparklines_drawn_and_alert_acknowledged(
        self, page: Page, tracked_site: Site, editor_user: AbstractBaseUser
    ) -> None:
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto("/tracking/")
        log_in(page, username="editor", password="editor-pass-123")

        canvases = page.locator("canvas[data-sparkline-index]")
        expect(canvases).to_have_count(2)
        page.wait_for_function(
            "() => [...document.querySelectorAll('canvas[data-sparkline-index]')]"
            ".every((canvas) => window.Chart && window.Chart.getChart(canvas))"
        )
        acknowledge = page.get_by_role("button", name=ja("Acknowledge"), exact=True)
        expect(acknowledge).to_have_count(2)

        acknowledge.first.click()

        expect(page.get_by_role("button", name=ja("Acknowledge"), exact=True)).to_have_count(1)
        assert errors == []
