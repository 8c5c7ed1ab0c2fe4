from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seoassist.core.exceptions import ApplicationError
from seoassist.core.http import (
    ADMIN_ROLES,
    ANY_ROLE,
    rate_limited_response,
    require_site,
    require_site_role,
    wants_fragment_or_json,
)
from seoassist.core.ratelimit import RateLimitExceeded
from seoassist.engine.labels import language_model_notes
from seoassist.engine.models import ModelKind
from seoassist.engine.selectors import (
    language_model_settings_get,
    language_model_status,
    model_version_list,
    training_run_list,
)
from seoassist.engine.services import already_started_message, training_run_get_or_start


def model_overview(request: HttpRequest) -> HttpResponse:
    site = require_site(request)
    role = require_site_role(request, site, ANY_ROLE)
    drafting_version = language_model_status(site).version
    version_rows = [
        {
            "version": version,
            "writes_drafts": version == drafting_version,
            "notes": (
                language_model_notes(version, writes_drafts=version == drafting_version)
                if version.kind == ModelKind.LANGUAGE_MODEL
                else []
            ),
        }
        for version in model_version_list(site=site)[:30]
    ]
    return render(
        request,
        "engine/model_overview.html",
        {
            "site": site,
            "drafting_version": drafting_version,
            "runs": training_run_list(site=site)[:30],
            "version_rows": version_rows,
            "can_train": role in ADMIN_ROLES,
            "site_settings": language_model_settings_get(site=site),
        },
    )


def run_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Render the progress bar of one run, which htmx polls until the run ends."""
    site = require_site(request)
    require_site_role(request, site, ANY_ROLE)
    run = get_object_or_404(training_run_list(site=site), pk=pk)
    response = render(request, "engine/_run_status.html", {"run": run})
    if run.is_finished and request.GET.get("polling") == "1":
        # The bar that was polling has seen the run end: the Models page reloads its
        # version table and drafting summary on this event.
        response["HX-Trigger"] = "run-finished"
    return response


@require_POST
def training_start(request: HttpRequest) -> HttpResponse:
    site = require_site(request)
    require_site_role(request, site, ADMIN_ROLES)
    kind = request.POST.get("kind", "")
    if kind not in ModelKind.values:
        messages.error(request, _("Choose which model to train."))
        return redirect("engine:model_overview")
    try:
        run, started = training_run_get_or_start(
            site=site, kind=kind, requested_by=request.user, ui_language=request.LANGUAGE_CODE
        )
    except RateLimitExceeded as error:
        if wants_fragment_or_json(request):
            return rate_limited_response(error)
        messages.error(request, error.message)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        if started:
            messages.success(request, _("%(run)s is queued.") % {"run": run.label})
        else:
            messages.info(request, already_started_message(run))
    return redirect("engine:model_overview")
