from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from seoassist.core.exceptions import ApplicationError
from seoassist.core.http import ADMIN_ROLES, ANY_ROLE, require_site, require_site_role
from seoassist.core.models import Role
from seoassist.corpus.forms import ImportUploadForm
from seoassist.corpus.models import ImportJob
from seoassist.corpus.services import import_job_create

IMPORT_ROLES = ADMIN_ROLES + (Role.EDITOR, Role.REVIEWER)


def import_list(request: HttpRequest) -> HttpResponse:
    site = require_site(request)
    require_site_role(request, site, ANY_ROLE)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        require_site_role(request, site, IMPORT_ROLES)
        if form.is_valid():
            try:
                job = import_job_create(
                    site=site,
                    kind=form.cleaned_data["kind"],
                    uploaded_file=form.cleaned_data["file"],
                    user=request.user,
                    ui_language=request.LANGUAGE_CODE,
                )
            except ApplicationError as error:
                form.add_error("file", error.message)
            else:
                return redirect("corpus:import_detail", pk=job.pk)
    jobs = ImportJob.objects.filter(site=site).select_related("created_by")[:50]
    return render(
        request,
        "corpus/import_list.html",
        {"site": site, "form": form, "jobs": jobs, "article_count": site.articles.count()},
    )


def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    site = require_site(request)
    require_site_role(request, site, ANY_ROLE)
    job = get_object_or_404(ImportJob, site=site, pk=pk)
    return render(request, "corpus/import_detail.html", {"site": site, "job": job})


def import_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Render the progress part of an import page, which htmx polls until the import ends."""
    site = require_site(request)
    require_site_role(request, site, ANY_ROLE)
    job = get_object_or_404(ImportJob, site=site, pk=pk)
    return render(request, "corpus/_import_status.html", {"site": site, "job": job})
