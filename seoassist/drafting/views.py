from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seoassist.core.exceptions import ApplicationError
from seoassist.core.html import render_markdown
from seoassist.core.http import ANY_ROLE, require_site, require_site_role
from seoassist.drafting.forms import DraftForm, KeywordRequestForm
from seoassist.drafting.selectors import (
    draft_get,
    draft_list,
    keyword_request_get,
    keyword_request_list,
)
from seoassist.drafting.services import draft_save, keyword_request_create, keywords_parse
from seoassist.engine.selectors import language_model_status, training_runs_unfinished


def request_create(request: HttpRequest) -> HttpResponse:
    site = require_site(request)
    require_site_role(request, site, ANY_ROLE)
    # A failed request links back here with its keywords, so the editor retypes nothing.
    initial = {"keywords": request.GET.get("keywords", ""), "language": request.GET.get("language", "")}
    form = KeywordRequestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            keyword_request = keyword_request_create(
                site=site,
                user=request.user,
                keywords=keywords_parse(form.cleaned_data["keywords"]),
                target_length=form.cleaned_data["target_length"],
                language=form.cleaned_data["language"] or None,
                ui_language=request.LANGUAGE_CODE,
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            return redirect("drafting:request_detail", pk=keyword_request.pk)
    return render(
        request,
        "drafting/request_form.html",
        {"form": form, "site": site, "model_status": language_model_status(site)},
    )


def request_list(request: HttpRequest) -> HttpResponse:
    site = require_site(request)
    require_site_role(request, site, ANY_ROLE)
    requests = keyword_request_list(site=site, user=request.user)[:100]
    return render(request, "drafting/request_list.html", {"site": site, "requests": requests})


def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    site = require_site(request)
    keyword_request = keyword_request_get(site=site, user=request.user, pk=pk)
    return render(
        request,
        "drafting/request_detail.html",
        _request_context(site, keyword_request),
    )


def request_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Render the progress part of the request page, which htmx polls until the request ends."""
    site = require_site(request)
    keyword_request = keyword_request_get(site=site, user=request.user, pk=pk)
    response = render(
        request, "drafting/_request_status.html", _request_context(site, keyword_request)
    )
    if keyword_request.is_finished:
        # Reload the whole page once, so the charts and the draft link appear.
        response["HX-Refresh"] = "true"
    return response


def _request_context(site, keyword_request) -> dict:
    forecasts = list(keyword_request.forecasts.all())
    chart_data = [
        {
            "keyword": f.keyword,
            "history": f.history,
            "points": f.points,
            "direction": f.direction,
            "publish_by": (f.backtest or {}).get("publish_by"),
        }
        for f in forecasts
        if f.points
    ]
    return {
        "site": site,
        "keyword_request": keyword_request,
        "forecasts": forecasts,
        "chart_data": chart_data,
        "chart_labels": {
            "history": _("Interest"),
            "forecast": _("Forecast (median)"),
            "band_low": _("Forecast low (10th percentile)"),
            "band_high": _("Forecast high (90th percentile)"),
            "publish_by": _("Publish by"),
        },
        "draft": getattr(keyword_request, "draft", None),
        "model_status": language_model_status(site),
        "pending_runs": training_runs_unfinished(site=site),
        "retry_query": urlencode(
            {"keywords": ", ".join(keyword_request.keywords), "language": keyword_request.language}
        ),
    }


def draft_index(request: HttpRequest) -> HttpResponse:
    site = require_site(request)
    require_site_role(request, site, ANY_ROLE)
    drafts = draft_list(site=site, user=request.user)[:200]
    return render(request, "drafting/draft_list.html", {"site": site, "drafts": drafts})


def draft_edit(request: HttpRequest, pk: int) -> HttpResponse:
    site = require_site(request)
    draft = draft_get(site=site, user=request.user, pk=pk)
    form = DraftForm(request.POST or None, instance=draft)
    if request.method == "POST" and form.is_valid():
        revision = draft_save(
            draft=draft,
            user=request.user,
            title=form.cleaned_data["title"],
            slug=form.cleaned_data["slug"],
            meta_description=form.cleaned_data["meta_description"],
            body=form.cleaned_data["body"],
        )
        messages.success(
            request, _("Saved as revision %(number)d.") % {"number": revision.number}
        )
        return redirect("drafting:draft_edit", pk=draft.pk)
    return render(
        request,
        "drafting/draft_edit.html",
        {
            "site": site,
            "draft": draft,
            "form": form,
            "preview": render_markdown(form["body"].value() or ""),
            "revisions": draft.revisions.select_related("author")[:20],
            "revision_count": draft.revisions.count(),
        },
    )


@require_POST
def draft_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Render the posted Markdown as sanitised HTML for the live preview."""
    site = require_site(request)
    draft_get(site=site, user=request.user, pk=pk)
    return HttpResponse(render_markdown(request.POST.get("body", "")))


def draft_revisions(request: HttpRequest, pk: int) -> HttpResponse:
    site = require_site(request)
    draft = draft_get(site=site, user=request.user, pk=pk)
    return render(
        request,
        "drafting/draft_revisions.html",
        {"site": site, "draft": draft, "revisions": draft.revisions.select_related("author")},
    )
