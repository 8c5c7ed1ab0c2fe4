"""The keyword page in a real browser: forecast chart, method note and publish-by marker."""

import datetime
import math

import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from playwright.sync_api import Page, expect

from seoassist.core.models import Site
from tests.browser.support import ja, log_in

pytestmark = [pytest.mark.browser]

# The series below ends on 2023-12-24 with a yearly peak ten weeks later, on 2024-03-03.
# Its forecast covers the twelve weeks from 2023-12-31, and the advice is to publish by
# 2024-02-04, four weeks before the peak.
PUBLISH_BY = "2024-02-04"


def _seasonal_csv(peak_week: int) -> bytes:
    start = datetime.date(2021, 1, 3)
    rows = [
        f"{start + datetime.timedelta(weeks=week)},日焼け止め,"
        f"{20 + 60 * math.exp(-0.5 * ((week % 52 - peak_week) / 2.0) ** 2):.2f}\n"
        for week in range(156)
    ]
    return ("日付,キーワード,値\n" + "".join(rows)).encode("cp932")


class KeywordChartTests:
    def _open_chart(
        self, page: Page, site: Site, monkeypatch: pytest.MonkeyPatch, today: datetime.date
    ) -> dict:
        """Open the keyword page on `today` and return the label and x value of the chart's marker."""
        from seoassist.trends.services import keyword_forecasts_refresh, trends_import_file

        trends_import_file(site=site, data=_seasonal_csv(peak_week=9), file_name="s.csv")
        keyword_forecasts_refresh(site=site)
        # The live server runs in a thread of this process, so it uses the patched date.
        monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: today)

        page.goto("/keywords/")
        log_in(page, username="editor", password="editor-pass-123")
        page.goto("/keywords/")

        canvas = page.locator("canvas[data-forecast-index='0']")
        expect(canvas).to_be_visible()
        page.wait_for_function(
            "canvas => window.Chart && window.Chart.getChart(canvas)",
            arg=canvas.element_handle(),
        )
        return page.evaluate(
            """canvas => {
                const chart = window.Chart.getChart(canvas);
                const marker = chart.data.datasets.find(d => d.pointStyle === "triangle");
                if (!marker) {
                    return {labels: chart.data.datasets.map(d => d.label)};
                }
                const index = marker.data.findIndex(value => value !== null);
                return {label: marker.label, date: chart.data.labels[index]};
            }""",
            canvas.element_handle(),
        )

    def _marker_tooltip(self, page: Page) -> list[str]:
        """Show the tooltip of the chart's marker and return its body lines."""
        canvas = page.locator("canvas[data-forecast-index='0']")
        return page.evaluate(
            """canvas => {
                const chart = window.Chart.getChart(canvas);
                const datasetIndex = chart.data.datasets.findIndex(d => d.pointStyle === "triangle");
                const index = chart.data.datasets[datasetIndex].data.findIndex(v => v !== null);
                chart.tooltip.setActiveElements([{datasetIndex, index}], {x: 0, y: 0});
                chart.update();
                return chart.tooltip.body.flatMap(item => item.lines);
            }""",
            canvas.element_handle(),
        )

    def test_chart_marks_publish_by(
        self, page: Page, site: Site, editor_user: AbstractBaseUser, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        marker = self._open_chart(page, site, monkeypatch, today=datetime.date(2023, 12, 27))

        assert marker == {"label": ja("Publish by"), "date": PUBLISH_BY}
        assert self._marker_tooltip(page) == [ja("Publish by") + ": 2024年2月4日"]
        expect(page.locator(".publish-by")).to_have_count(1)
        expect(page.locator(".forecast-method")).to_contain_text("MASE")

    def test_passed_date_marks_publish_now(
        self, page: Page, site: Site, editor_user: AbstractBaseUser, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # Today falls in the forecast week of 2024-02-18, after the publish-by date.
        marker = self._open_chart(page, site, monkeypatch, today=datetime.date(2024, 2, 20))

        assert marker == {"label": ja("Publish now"), "date": "2024-02-18"}
        expect(page.locator(".publish-by")).to_have_count(1)

    def test_date_after_forecast_gets_note(
        self, page: Page, site: Site, editor_user: AbstractBaseUser, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # The peak of 2024-03-03 has passed, so the advice moves to 2025-02-04, a year after
        # the last forecast week of 2024-03-17.
        marker = self._open_chart(page, site, monkeypatch, today=datetime.date(2024, 3, 10))

        assert "label" not in marker
        note = ja("The suggested publishing date, %(date)s, is after the forecast shown.") % {"date": "2025年2月4日"}
        expect(page.locator(".chart-note")).to_have_text(note)
        # The note refers to the date of the "Publish by" line, so it comes right after that line.
        follows = page.locator(".publish-by + .chart-note")
        expect(follows).to_have_count(1)


class RequestChartNoteTests:
    def test_note_follows_publish_by_line(
        self, page: Page, site: Site, editor_user: AbstractBaseUser, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from django.urls import reverse

        from seoassist.drafting.models import KeywordRequest, RequestForecast, RequestStatus

        keyword_request = KeywordRequest.objects.create(
            site=site, created_by=editor_user, keywords=["日焼け止め"], language="ja",
            target_length=800, status=RequestStatus.SUCCEEDED,
        )
        # Twelve weekly forecast periods start on 2024-01-07. The advised date of 2024-02-04
        # has passed by 2024-03-10, so it moves to 2025-02-04, after the last period.
        first = datetime.date(2024, 1, 7)
        points = [
            {"date": str(first + datetime.timedelta(weeks=week)), "p10": 1, "p50": 2, "p90": 3}
            for week in range(12)
        ]
        history = [
            {"date": str(first - datetime.timedelta(weeks=week)), "value": 2} for week in range(4, 0, -1)
        ]
        RequestForecast.objects.create(
            request=keyword_request, keyword="日焼け止め", method="seasonal_naive",
            direction="rising", change_percent=10.0, history=history, points=points,
            backtest={"publish_by": "2024-02-04", "peak_date": "2024-03-03"},
        )
        monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: datetime.date(2024, 3, 10))

        url = reverse("drafting:request_detail", args=[keyword_request.pk])
        page.goto(url)
        log_in(page, username="editor", password="editor-pass-123")
        page.goto(url)

        expect(page.locator(".forecast .chart-note")).to_have_count(1)
        expect(page.locator(".forecast .publish-by + .chart-note")).to_have_count(1)

    def test_forecast_without_history_draws(
        self, page: Page, site: Site, editor_user: AbstractBaseUser
    ) -> None:
        from django.urls import reverse

        from seoassist.drafting.models import KeywordRequest, RequestForecast, RequestStatus

        keyword_request = KeywordRequest.objects.create(
            site=site, created_by=editor_user, keywords=["日焼け止め"], language="ja",
            target_length=800, status=RequestStatus.SUCCEEDED,
        )
        first = datetime.date(2024, 1, 7)
        points = [
            {"date": str(first + datetime.timedelta(weeks=week)), "p10": 1, "p50": 2, "p90": 3}
            for week in range(12)
        ]
        RequestForecast.objects.create(
            request=keyword_request, keyword="日焼け止め", method="naive", direction="flat",
            change_percent=0.0, history=[], points=points, backtest={},
        )
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))

        url = reverse("drafting:request_detail", args=[keyword_request.pk])
        page.goto(url)
        log_in(page, username="editor", password="editor-pass-123")
        page.goto(url)

        canvas = page.locator("canvas[data-forecast-index='0']")
        expect(canvas).to_be_visible()
        page.wait_for_function(
            "canvas => window.Chart && window.Chart.getChart(canvas)", arg=canvas.element_handle()
        )
        assert errors == []
