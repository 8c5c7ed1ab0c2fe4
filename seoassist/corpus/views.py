from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from seoassist.core.exceptions import ApplicationError
from seoassist.core.http import ADMIN_ROLES, ANY_ROLE, require_site, require_site_role
from seoassist.core.models import Role
from seoassist.corpus.forms import ImportUploadForm
from seoassist.corpus.models import ImportItemOutcome, ImportJob, ImportSource
from seoassist.corpus.services import (
    import_job_cancel,
    import_job_create,
    import_job_create_from_url,
    import_job_resume,
)

IMPORT_ROLES = ADMIN_ROLES + (Role.EDITOR, Role.REVIEWER)
ITEMS_PER_PAGE = 100


def _start_import(request: HttpRequest, site, form: ImportUploadForm) -> ImportJob:
    data = form.cleaned_data
    if data["source"] == ImportSource.FILE:
        return import_job_create(
            site=site,
            kind=data["kind"],
            uploaded_file=data["file"],
            user=request.user,
            ui_language=request.LANGUAGE_CODE,
            options={"include_drafts": data["include_drafts"],
                     "include_attachments": data["include_attachments"]},
        )
    return import_job_create_from_url(
        site=site, url=data["url"], source_kind=data["source"], user=request.user,
        ui_language=request.LANGUAGE_CODE,
    )


def import_list(request: HttpRequest) -> HttpResponse:
    site = require_site(request)
    require_site_role(request, site, ANY_ROLE)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        require_site_role(request, site, IMPORT_ROLES)
        if form.is_valid():
            try:
                job = _start_import(request, site, form)
            except ApplicationError as error:
                field = "file" if form.cleaned_data["source"] == ImportSource.FILE else "url"
                form.add_error(field, error.message)
            else:
                return redirect("corpus:import_detail", pk=job.pk)
    jobs = ImportJob.objects.filter(site=site).select_related("created_by")[:50]
    return render(
        request,
        "corpus/import_list.html",
        {"site": site, "form": form, "jobs": jobs, "article_count": site.articles.count()},
    )


def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show an import's progress, counts and per-item results."""
    site = require_site(request)
    require_site_role(request, site, ANY_ROLE)
    job = get_object_or_404(ImportJob, site=site, pk=pk)
    outcome = request.GET.get("outcome", "")
    items = job.items.select_related("article")
    if outcome in ImportItemOutcome.values:
        items = items.filter(outcome=outcome)
    page = Paginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "corpus/import_detail.html",
        {"site": site, "job": job, "page": page, "outcome": outcome,
         "outcomes": ImportItemOutcome.choices},
    )


def import_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Render the progress part of an import page, which htmx polls until the import ends."""
    site = require_site(request)
    require_site_role(request, site, ANY_ROLE)
    job = get_object_or_404(ImportJob, site=site, pk=pk)
    return render(request, "corpus/_import_status.html", {"site": site, "job": job})


@require_POST
def import_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    site = require_site(request)
    require_site_role(request, site, IMPORT_ROLES)
    job = get_object_or_404(ImportJob, site=site, pk=pk)
    try:
        import_job_cancel(job=job)
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("corpus:import_detail", pk=job.pk)


@require_POST
def import_resume(request: HttpRequest, pk: int) -> HttpResponse:
    site = require_site(request)
    require_site_role(request, site, IMPORT_ROLES)
    job = get_object_or_404(ImportJob, site=site, pk=pk)
    try:
        import_job_resume(job=job)
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("corpus:import_detail", pk=job.pk)
