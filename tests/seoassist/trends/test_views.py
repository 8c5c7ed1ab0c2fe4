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
