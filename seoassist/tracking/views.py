from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seoassist.core.http import ANY_ROLE, require_site, require_site_role
from seoassist.tracking.selectors import (
    forecast_movers,
    keyword_alert_list_open,
    tracked_keyword_list,
    tracked_keyword_rows,
)
from seoassist.tracking.services import keyword_alert_acknowledge

KEYWORDS_PER_PAGE = 50


def dashboard(request: HttpRequest) -> HttpResponse:
    """Show tracked keywords with sparklines, the biggest movers and the open alerts."""
    site = require_site(request)
    require_site_role(request, site, ANY_ROLE)
    page = Paginator(tracked_keyword_list(site=site), KEYWORDS_PER_PAGE).get_page(request.GET.get("page"))
    rows = tracked_keyword_rows(site=site, keywords=list(page.object_list))
    return render(
        request,
        "tracking/dashboard.html",
        {
            "site": site,
            "page": page,
            "rows": rows,
            "sparklines": [row.sparkline for row in rows],
            "rising": forecast_movers(site=site, direction="rising"),
            "falling": forecast_movers(site=site, direction="falling"),
            "alerts": keyword_alert_list_open(site=site)[:100],
        },
    )


@require_POST
def alert_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    site = require_site(request)
    require_site_role(request, site, ANY_ROLE)
    alert = get_object_or_404(keyword_alert_list_open(site=site), pk=pk)
    keyword_alert_acknowledge(alert=alert, user=request.user)
    messages.success(request, _("Alert for “%(keyword)s” acknowledged.") % {"keyword": alert.keyword.text})
    return redirect("tracking:dashboard")
