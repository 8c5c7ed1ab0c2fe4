from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST, require_safe

from seoassist.core.http import SESSION_SITE_KEY, current_site
from seoassist.core.selectors import site_list_for_user
from seoassist.drafting.selectors import (
    draft_list,
    keyword_request_list,
    keyword_request_waiting_exists,
)
from seoassist.engine.selectors import language_model_status


def home(request: HttpRequest) -> HttpResponse:
    site = current_site(request)
    context = {"site": site, "sites": site_list_for_user(request.user)}
    if site is not None:
        context.update(
            requests=keyword_request_list(site=site, user=request.user)[:10],
            drafts=draft_list(site=site, user=request.user)[:10],
            model_status=language_model_status(site),
            request_waiting=keyword_request_waiting_exists(site=site, user=request.user),
            article_count=site.articles.count(),
            keyword_count=site.keywords.count(),
        )
    return render(request, "core/home.html", context)


@require_POST
def site_switch(request: HttpRequest) -> HttpResponse:
    site = site_list_for_user(request.user).filter(pk=request.POST.get("site")).first()
    if site is not None:
        request.session[SESSION_SITE_KEY] = site.pk
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)


@login_not_required
@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Report database, broker and worker status for monitoring; 503 when a part is down."""
    from seoassist.core.health import broker_status, database_status, worker_count

    status = {
        "database": database_status(),
        "broker": broker_status(),
        "workers": worker_count(),
    }
    healthy = status["database"] == "ok" and status["broker"] == "ok"
    status["status"] = "ok" if healthy else "error"
    return JsonResponse(status, status=200 if healthy else 503)


@login_not_required
@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Redirect browsers that ask for /favicon.ico, such as on the admin pages, to the SVG icon.

    The redirect is temporary because the static URL carries a content hash in production.
    """
    return redirect(static("seoassist/img/favicon.svg"))
