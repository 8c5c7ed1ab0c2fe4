from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from seoassist.core.http import ANY_ROLE, require_site, require_site_role
from seoassist.trends.labels import chart_labels
from seoassist.trends.publishing import chart_publish_marker
from seoassist.trends.selectors import keyword_list

HISTORY_WEEKS_SHOWN = 52


def keyword_index(request: HttpRequest) -> HttpResponse:
    """Tracked keywords with their recent interest and latest forecast, as charts."""
    site = require_site(request)
    require_site_role(request, site, ANY_ROLE)
    keywords = list(keyword_list(site=site))
    today = timezone.localdate()
    chart_data = []
    rows = []
    for keyword in keywords:
        # The forecast starts after the last complete period, so a partial period would
        # share its date with the first forecast point and move the line's start.
        complete_points = keyword.points.filter(is_partial=False).order_by("-date")
        history = list(complete_points.values_list("date", "value")[:HISTORY_WEEKS_SHOWN])[::-1]
        forecast = getattr(keyword, "forecast", None)
        rows.append({"keyword": keyword, "forecast": forecast, "chart_index": len(chart_data)})
        chart_data.append(
            {
                "keyword": keyword.text,
                "history": [{"date": d.isoformat(), "value": v} for d, v in history],
                "points": forecast.points if forecast else [],
                "publish_marker": (
                    chart_publish_marker(forecast.points, forecast.publish_by, forecast.peak_date, today)
                    if forecast
                    else None
                ),
            }
        )
    return render(
        request,
        "trends/keyword_list.html",
        {
            "site": site,
            "rows": rows,
            "chart_data": chart_data,
            "chart_labels": chart_labels(),
        },
    )
