"""The keyword page in a real browser: forecast chart, method note and publish-by marker."""

import datetime
import math

import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from playwright.sync_api import Page, expect

from seoassist.core.models import Site
from tests.browser.support import ja, log_in

pytestmark = [pytest.mark.browser]


def _seasonal_csv(peak_week: int) -> bytes:
    start = datetime.date(2021, 1, 3)
    rows = [
        f"{start + datetime.timedelta(weeks=week)},日焼け止め,"
        f"{20 + 60 * math.exp(-0.5 * ((week % 52 - peak_week) / 2.0) ** 2):.2f}\n"
        for week in range(156)
    ]
    return ("日付,キーワード,値\n" + "".join(rows)).encode("cp932")


class KeywordChartTests:
    def test_chart_marks_publish_by(
        self, page: Page, site: Site, editor_user: AbstractBaseUser
    ) -> None:
        from seoassist.trends.services import keyword_forecasts_refresh, trends_import_file

        # The peak lies ten weeks after the last point, so the publish-by date falls
        # inside the 12-week forecast.
        trends_import_file(site=site, data=_seasonal_csv(peak_week=9), file_name="s.csv")
        keyword_forecasts_refresh(site=site)

        page.goto("/keywords/")
        log_in(page, username="editor", password="editor-pass-123")
        page.goto("/keywords/")

        canvas = page.locator("canvas[data-forecast-index='0']")
        expect(canvas).to_be_visible()
        page.wait_for_function(
            "canvas => window.Chart && window.Chart.getChart(canvas)",
            arg=canvas.element_handle(),
        )
        labels = page.evaluate(
            "canvas => window.Chart.getChart(canvas).data.datasets.map(d => d.label)",
            canvas.element_handle(),
        )
        assert ja("Publish by") in labels
        expect(page.locator(".publish-by")).to_have_count(1)
        expect(page.locator(".forecast-method")).to_contain_text("MASE")
