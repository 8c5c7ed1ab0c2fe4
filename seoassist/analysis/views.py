from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

from seoassist.analysis.forms import CheckDismissForm, CheckRestoreForm
from seoassist.analysis.panel import panel_context
from seoassist.analysis.services import EDITABLE_FIELDS, check_dismiss as dismiss_service
from seoassist.analysis.services import check_restore as restore_service
from seoassist.core.exceptions import ApplicationError
from seoassist.core.http import require_site
from seoassist.drafting.selectors import draft_get


def _unsaved_fields(request: HttpRequest) -> dict[str, str]:
    return {name: request.POST[name] for name in EDITABLE_FIELDS if name in request.POST}


def _render_panel(request: HttpRequest, draft, errors: list[str] | None = None) -> HttpResponse:
    context = panel_context(draft=draft, data=_unsaved_fields(request), errors=errors or [])
    return render(request, "analysis/_panel.html", context)


@require_http_methods(["GET", "POST"])
def draft_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """Render the analysis of the draft, with the editor's unsaved fields when posted."""
    site = require_site(request)
    draft = draft_get(site=site, user=request.user, pk=pk)
    return _render_panel(request, draft)


@require_POST
def check_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    site = require_site(request)
    draft = draft_get(site=site, user=request.user, pk=pk)
    check_id = request.POST.get("check_id", "")
    # The panel names each reason field after its check, so that several can share a page.
    reason = request.POST.get(f"reason_{check_id}", request.POST.get("reason", ""))
    form = CheckDismissForm({"check_id": check_id, "reason": reason})
    errors: list[str] = []
    if form.is_valid():
        try:
            dismiss_service(
                draft=draft,
                check_id=form.cleaned_data["check_id"],
                reason=form.cleaned_data["reason"],
                user=request.user,
            )
        except ApplicationError as error:
            errors.append(error.message)
    else:
        errors.extend(message for messages in form.errors.values() for message in messages)
    return _render_panel(request, draft, errors)


@require_POST
def check_restore(request: HttpRequest, pk: int) -> HttpResponse:
    site = require_site(request)
    draft = draft_get(site=site, user=request.user, pk=pk)
    form = CheckRestoreForm(request.POST)
    errors: list[str] = []
    if form.is_valid():
        restore_service(draft=draft, check_id=form.cleaned_data["check_id"])
    else:
        errors.extend(message for messages in form.errors.values() for message in messages)
    return _render_panel(request, draft, errors)
