from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import content_disposition_header
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from seoassist.analysis.thresholds import Thresholds, thresholds_for
from seoassist.core.exceptions import ApplicationError
from seoassist.core.html import render_markdown
from seoassist.core.http import (
    ANY_ROLE,
    rate_limited_response,
    require_site,
    require_site_role,
    wants_fragment_or_json,
)
from seoassist.core.ratelimit import RateLimitExceeded
from seoassist.drafting.diffs import fields_diff
from seoassist.drafting.forms import (
    DraftCommentForm,
    DraftExportForm,
    DraftForm,
    DraftTransitionForm,
    KeywordRequestForm,
)
from seoassist.drafting.labels import NGRAM_BASELINE, written_by_label
from seoassist.drafting.models import Draft, DraftRevision, RevisionNote
from seoassist.drafting.selectors import (
    draft_comment_list,
    draft_get,
    draft_history_list,
    draft_list,
    draft_lock_holder,
    draft_revision_latest,
    draft_send_back_comment,
    draft_title_candidate_list,
    keyword_request_existing_content,
    keyword_request_get,
    keyword_request_list,
    keyword_request_waiting_exists,
    keyword_request_waits_for_models,
)
from seoassist.drafting.services import (
    COMMENT_ROLES,
    DraftConflictError,
    DraftLockLostError,
    LockState,
    draft_actions_allowed,
    draft_can_edit,
    draft_comment_create,
    draft_export,
    draft_lock_acquire,
    draft_lock_heartbeat,
    draft_lock_release,
    draft_revision_restore,
    draft_save,
    draft_sections_split,
    draft_slug_follows_title,
    draft_transition,
    keyword_request_create,
    keywords_parse,
)
from seoassist.drafting.services import draft_section_regenerate as draft_section_regenerate_service
from seoassist.engine.models import TrainingKind
from seoassist.engine.selectors import language_model_status, training_runs_unfinished
from seoassist.trends.labels import chart_labels
from seoassist.trends.publishing import chart_publish_marker
from seoassist.trends.selectors import keyword_ids_by_text

# How often the editor page saves unsaved text and renews its edit lock. Tests
# override them with the settings SEOASSIST_AUTOSAVE_SECONDS and SEOASSIST_HEARTBEAT_SECONDS.
AUTOSAVE_SECONDS = 60
HEARTBEAT_SECONDS = 30


def request_create(request: HttpRequest) -> HttpResponse:
    site = require_site(request)
    require_site_role(request, site, ANY_ROLE)
    # A failed request links back here with its keywords, so the editor retypes nothing.
    initial = {"keywords": request.GET.get("keywords", ""), "language": request.GET.get("language", "")}
    form = KeywordRequestForm(request.POST or None, initial=initial)
    status = 200
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
        except RateLimitExceeded as error:
            if wants_fragment_or_json(request):
                return rate_limited_response(error)
            form.add_error(None, error.message)
            status = 429
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            return redirect("drafting:request_detail", pk=keyword_request.pk)
    return render(
        request,
        "drafting/request_form.html",
        {
            "form": form,
            "site": site,
            "model_status": language_model_status(site),
            "request_waiting": keyword_request_waiting_exists(site=site, user=request.user),
        },
        status=status,
    )


def request_list(request: HttpRequest) -> HttpResponse:
    site = require_site(request)
    require_site_role(request, site, ANY_ROLE)
    requests = keyword_request_list(site=site, user=request.user)[:100]
    return render(request, "drafting/request_list.html", {"site": site, "requests": requests})


def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    site = require_site(request)
    keyword_request = keyword_request_get(site=site, user=request.user, pk=pk)
    context = _request_context(site, keyword_request)
    # Only the whole page lists them, so the progress polls do not search the site each time.
    context["existing_content"] = keyword_request_existing_content(keyword_request=keyword_request)
    return render(request, "drafting/request_detail.html", context)


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


def _related_keywords_shown(site, keyword_request) -> list[str]:
    """Return the request's stored related keywords that still pass the quality rules.

    Requests drafted before the rules existed, or before the site's texts changed,
    may store candidates that the rules now drop.
    """
    from seoassist.drafting.related import related_keywords_screen

    return related_keywords_screen(
        site=site,
        keywords=list(keyword_request.keywords or []),
        candidates=[str(keyword) for keyword in keyword_request.related_keywords or []],
    )


def _request_context(site, keyword_request) -> dict:
    forecasts = list(keyword_request.forecasts.all())
    keyword_ids = keyword_ids_by_text(site=site, texts=[f.keyword for f in forecasts])
    keyword_list_url = reverse("trends:keyword_list")
    for f in forecasts:
        # The keyword page shows every tracked keyword as a card with the id "keyword-<pk>".
        keyword_id = keyword_ids.get(f.keyword)
        f.keyword_page_url = f"{keyword_list_url}#keyword-{keyword_id}" if keyword_id else ""
    related_links = [
        {
            "keyword": related,
            "query": urlencode(
                {
                    "keywords": ", ".join([*keyword_request.keywords, related]),
                    "language": keyword_request.language,
                }
            ),
        }
        for related in _related_keywords_shown(site, keyword_request)
    ]
    today = timezone.localdate()
    chart_data = [
        {
            "keyword": f.keyword,
            "history": f.history,
            "points": f.points,
            "direction": f.direction,
            "publish_marker": chart_publish_marker(f.points, f.publish_by, f.peak_date, today),
        }
        for f in forecasts
        if f.points
    ]
    return {
        "site": site,
        "keyword_request": keyword_request,
        "forecasts": forecasts,
        "chart_data": chart_data,
        "chart_labels": chart_labels(),
        "draft": getattr(keyword_request, "draft", None),
        "model_status": language_model_status(site),
        # Requests wait for the first language model and forecaster, not the related-search model.
        "pending_runs": training_runs_unfinished(
            site=site, kinds=[TrainingKind.LANGUAGE_MODEL, TrainingKind.FORECASTER]
        ),
        "waits_for_models": keyword_request_waits_for_models(keyword_request=keyword_request),
        "related_links": related_links,
        # Blank for requests drafted before the source was recorded.
        "related_source": keyword_request.related_source,
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
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = draft_save(
                draft=draft,
                user=request.user,
                version=data["version"],
                title=data["title"],
                slug=data["slug"],
                meta_description=data["meta_description"],
                body=data["body"],
            )
        except DraftConflictError as error:
            conflict = error
            form = _merge_form(request, error.current)
            draft = error.current
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            if result.revision is None:
                _unchanged_save_message(request, result.draft)
            else:
                messages.success(
                    request, _("Saved as revision %(number)d.") % {"number": result.revision.number}
                )
            return redirect("drafting:draft_edit", pk=draft.pk)
    return render(
        request, "drafting/draft_edit.html", _editor_context(request, site, draft, form, conflict)
    )


def _unchanged_save_message(request: HttpRequest, draft: Draft) -> None:
    """Tell the editor why a save added no revision.

    When an autosave stored the same text first, the editor's changes are safe, so the
    message reports success with the autosave's time rather than "nothing changed".
    """
    latest = draft_revision_latest(draft=draft)
    fields = ("title", "slug", "meta_description", "body")
    autosaved = (
        latest is not None
        and latest.note_code == RevisionNote.AUTOSAVE
        and all(getattr(latest, name) == getattr(draft, name) for name in fields)
    )
    if not autosaved:
        messages.info(request, _("Nothing changed since the last save."))
        return
    saved_at = date_format(timezone.localtime(latest.created_at), "H:i")
    messages.success(
        request,
        _("Your changes were already saved automatically at %(time)s (revision %(number)d).")
        % {"time": saved_at, "number": latest.number},
    )


def _revision_count_label(count: int) -> str:
    """Return the editor header's revision count, as draft_edit.html writes it."""
    return ngettext("%(counter)s revision", "%(counter)s revisions", count) % {"counter": count}


def _merge_form(request: HttpRequest, current: Draft) -> DraftForm:
    """Refill the form with the editor's text, set to save against the stored version."""
    data = request.POST.copy()
    data["version"] = str(current.version)
    # Validating a model form writes its values into the instance, so the form
    # gets its own copy and `current` keeps the stored text for the comparison.
    form = DraftForm(data, instance=Draft.objects.get(pk=current.pk))
    form.is_valid()
    return form


def _editor_context(request, site, draft: Draft, form: DraftForm, conflict) -> dict:
    can_edit = draft_can_edit(draft=draft, user=request.user)
    if not can_edit:
        for field in form.fields.values():
            field.disabled = True
    lock_state = None
    if can_edit and request.method == "GET":
        lock_state = draft_lock_acquire(draft=draft, user=request.user)
        if lock_state.held:
            form.initial["lock_token"] = str(lock_state.lock.token)
    elif can_edit:
        # A re-shown form (errors or a conflict) keeps the lock token it was posted with.
        lock = draft_lock_holder(draft=draft)
        lock_state = LockState(
            held=lock is not None and str(lock.token) == form.data.get("lock_token"), lock=lock
        )
    merge = None
    if conflict is not None:
        names = ("title", "slug", "meta_description", "body")
        yours = {name: str(form.data.get(name, "")) for name in names}
        theirs = {name: getattr(draft, name) for name in yours}
        labels = _field_labels(yours)
        merge = {
            "message": conflict.message,
            "theirs": theirs,
            "fields": [(labels[name], rows) for name, rows in fields_diff(theirs, yours)],
        }
    generation = draft.generation or {}
    return {
        "site": site,
        "draft": draft,
        "form": form,
        "can_edit": can_edit,
        "written_by": written_by_label(
            generation.get("served_by", ""), generation.get("model_version")
        ),
        "written_by_baseline": generation.get("served_by") == NGRAM_BASELINE,
        "lock_state": lock_state,
        "merge": merge,
        "preview": render_markdown(form["body"].value() or ""),
        "revisions": draft.revisions.select_related("author")[:20],
        "revision_count": draft.revisions.count(),
        "sections": [
            (index, heading) for index, (heading, _paragraphs) in enumerate(draft_sections_split(draft.body))
        ],
        "title_candidates": _title_candidates_labelled(
            draft_title_candidate_list(draft=draft), draft.language
        ),
        "slug_follows_title": can_edit and draft_slug_follows_title(draft=draft),
        "comments": draft_comment_list(draft=draft),
        "actions": draft_actions_allowed(draft=draft, user=request.user),
        "send_back_comment": draft_send_back_comment(draft=draft),
        "transition_form": DraftTransitionForm(),
        "comment_form": DraftCommentForm(),
        "export_form": DraftExportForm(),
        "can_comment": _has_role(request, site, COMMENT_ROLES),
        "autosave_seconds": getattr(settings, "SEOASSIST_AUTOSAVE_SECONDS", AUTOSAVE_SECONDS),
        "heartbeat_seconds": getattr(settings, "SEOASSIST_HEARTBEAT_SECONDS", HEARTBEAT_SECONDS),
    }


def _title_candidates_labelled(candidates: list[dict], language: str) -> list[dict]:
    """Add to each title candidate one label per check, worded to show whether the check passed.

    The page must not tell a passed check from a failed one by the icon's colour alone.
    """
    limits = thresholds_for(language)
    labelled = []
    for candidate in candidates:
        checks = [
            {
                "id": check_id,
                "status": status,
                "label": _title_check_label(check_id, status, candidate.get("measure"), limits),
            }
            for check_id, status in (candidate.get("checks") or {}).items()
        ]
        labelled.append({**candidate, "check_labels": checks})
    return labelled


def _title_check_label(check_id: str, status: str, width: int | None, limits: Thresholds) -> str:
    """Return the label of one check that the title ranking stored for a candidate."""
    if check_id == "keyphrase_in_title":
        if status == "good":
            return _("Keyphrase at the start")
        if status == "improve":
            return _("Keyphrase not at the start")
        return _("Keyphrase missing")
    if check_id == "title_width":
        values = {"width": width}
        if status == "good":
            return _("Width %(width)s px") % values
        if width is not None and width > limits.title_max_px:
            return _("Width %(width)s px, too wide") % values
        return _("Width %(width)s px, too narrow") % values
    return {"good": _("Good"), "improve": _("Could be improved")}.get(status, _("Problem"))


def _has_role(request: HttpRequest, site, roles) -> bool:
    try:
        require_site_role(request, site, roles)
    except PermissionDenied:
        return False
    return True


@require_POST
def draft_autosave(request: HttpRequest, pk: int) -> JsonResponse:
    """Save the page's text in the background and report the outcome as JSON.

    A page that is being closed posts `release` too, and its lock is freed after the save.
    """
    site = require_site(request)
    draft = draft_get(site=site, user=request.user, pk=pk)
    form = DraftForm(request.POST, instance=draft)
    if not form.is_valid():
        errors = "; ".join(str(e) for errors in form.errors.values() for e in errors)
        return JsonResponse(
            {
                "state": "invalid",
                "message": _("Not saved automatically: %(errors)s") % {"errors": errors},
            },
            status=400,
        )
    data = form.cleaned_data
    try:
        result = draft_save(
            draft=draft,
            user=request.user,
            version=data["version"],
            title=data["title"],
            slug=data["slug"],
            meta_description=data["meta_description"],
            body=data["body"],
            note_code=RevisionNote.AUTOSAVE,
            lock_token=data["lock_token"],
        )
    except DraftLockLostError as error:
        return JsonResponse({"state": "lock_lost", "message": error.message}, status=409)
    except DraftConflictError as error:
        return JsonResponse(
            {
                "state": "conflict",
                "version": error.current.version,
                "message": _(
                    "Someone else saved a newer version, so autosave stopped. "
                    "Save with the button to compare and merge."
                ),
            },
            status=409,
        )
    except ApplicationError as error:
        return JsonResponse({"state": "rejected", "message": error.message}, status=403)
    if request.POST.get("release"):
        draft_lock_release(draft=draft, user=request.user, token=data["lock_token"])
    saved_at = timezone.localtime(result.draft.updated_at)
    revision_count = result.draft.revisions.count()
    return JsonResponse(
        {
            "state": "saved" if result.revision else "unchanged",
            "version": result.draft.version,
            "revision": result.revision.number if result.revision else None,
            "revision_count": revision_count,
            "revision_count_label": _revision_count_label(revision_count),
            "message": _("Saved at %(time)s") % {"time": date_format(saved_at, "H:i")},
        }
    )


@require_POST
def draft_heartbeat(request: HttpRequest, pk: int) -> JsonResponse:
    site = require_site(request)
    draft = draft_get(site=site, user=request.user, pk=pk)
    token = request.POST.get("lock_token", "")
    state = draft_lock_heartbeat(draft=draft, user=request.user, token=token)
    if state.held:
        return JsonResponse({"held": True})
    holder = state.lock.holder.get_username() if state.lock else ""
    if holder:
        message = _(
            "%(user)s took over editing. Autosave stopped; "
            "copy your latest changes before you reload."
        ) % {"user": holder}
    else:
        message = _("Your edit lock expired. Autosave stopped; reload the page to edit again.")
    return JsonResponse({"held": False, "holder": holder, "message": message})


@require_POST
def draft_take_over(request: HttpRequest, pk: int) -> HttpResponse:
    site = require_site(request)
    draft = draft_get(site=site, user=request.user, pk=pk)
    if draft_can_edit(draft=draft, user=request.user):
        draft_lock_acquire(draft=draft, user=request.user, take_over=True)
        messages.success(request, _("You took over editing of this draft."))
    return redirect("drafting:draft_edit", pk=draft.pk)


@require_POST
def draft_release(request: HttpRequest, pk: int) -> HttpResponse:
    """Free the lock when the editor leaves the page (sent with navigator.sendBeacon)."""
    site = require_site(request)
    draft = draft_get(site=site, user=request.user, pk=pk)
    draft_lock_release(draft=draft, user=request.user, token=request.POST.get("lock_token", ""))
    return HttpResponse(status=204)


@require_POST
def draft_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Render the posted Markdown as sanitised HTML for the live preview."""
    site = require_site(request)
    draft_get(site=site, user=request.user, pk=pk)
    return HttpResponse(render_markdown(request.POST.get("body", "")))


def draft_revisions(request: HttpRequest, pk: int) -> HttpResponse:
    site = require_site(request)
    draft = draft_get(site=site, user=request.user, pk=pk)
    history = draft_history_list(draft=draft)
    revisions = [entry.revision for entry in history if entry.revision is not None]
    # A revision with the same text as the draft has nothing to compare, so its row offers no
    # comparison. The latest revision is usually one of them, because every save that changes
    # the text stores one.
    names = ("title", "slug", "meta_description", "body")
    same_as_current = {
        revision.number
        for revision in revisions
        if all(getattr(revision, name) == getattr(draft, name) for name in names)
    }
    latest_number = max((revision.number for revision in revisions), default=None)
    return render(
        request,
        "drafting/draft_revisions.html",
        {
            "site": site,
            "draft": draft,
            "history": history,
            "same_as_current": same_as_current,
            "current_number": latest_number if latest_number in same_as_current else None,
            "can_edit": draft_can_edit(draft=draft, user=request.user),
        },
    )


def _field_labels(names) -> dict[str, str]:  # noqa: ANN001
    """Return the draft fields' labels as the editor form writes them, capitalised."""
    return {name: capfirst(Draft._meta.get_field(name).verbose_name) for name in names}


def draft_revision_diff(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """Show one revision beside the current text."""
    site = require_site(request)
    draft = draft_get(site=site, user=request.user, pk=pk)
    revision = get_object_or_404(draft.revisions.select_related("author"), number=number)
    names = ("title", "slug", "meta_description", "body")
    old = {name: getattr(revision, name) for name in names}
    new = {name: getattr(draft, name) for name in names}
    labels = _field_labels(names)
    return render(
        request,
        "drafting/draft_revision_diff.html",
        {
            "site": site,
            "draft": draft,
            "revision": revision,
            "fields": [(labels[name], rows) for name, rows in fields_diff(old, new)],
            "can_edit": draft_can_edit(draft=draft, user=request.user),
        },
    )


@require_POST
def draft_restore(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    site = require_site(request)
    draft = draft_get(site=site, user=request.user, pk=pk)
    try:
        revision = draft_revision_restore(draft=draft, user=request.user, revision_number=number)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("drafting:draft_revisions", pk=draft.pk)
    messages.success(
        request,
        _("Restored revision %(old)d as the new revision %(new)d.")
        % {"old": number, "new": revision.number},
    )
    return redirect("drafting:draft_edit", pk=draft.pk)


@require_POST
def draft_workflow(request: HttpRequest, pk: int) -> HttpResponse:
    site = require_site(request)
    draft = draft_get(site=site, user=request.user, pk=pk)
    form = DraftTransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the workflow actions shown on the page."))
        return redirect("drafting:draft_edit", pk=draft.pk)
    try:
        draft = draft_transition(
            draft=draft,
            user=request.user,
            action=form.cleaned_data["action"],
            comment=form.cleaned_data["comment"],
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        status = {"status": draft.get_status_display()}
        if form.cleaned_data["action"] == "send_back":
            message = _(
                "The draft is now “%(status)s”, and your comment went back to the editor with it. "
                "They see it at the top of the editor page until they submit the draft again."
            ) % status
        else:
            message = _("The draft is now “%(status)s”.") % status
        messages.success(request, message)
    return redirect("drafting:draft_edit", pk=draft.pk)


@require_POST
def draft_comment(request: HttpRequest, pk: int) -> HttpResponse:
    site = require_site(request)
    draft = draft_get(site=site, user=request.user, pk=pk)
    form = DraftCommentForm(request.POST)
    if form.is_valid():
        try:
            draft_comment_create(draft=draft, user=request.user, body=form.cleaned_data["body"])
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your comment was added."))
    else:
        messages.error(request, _("The comment is empty. Write what the editor should change."))
    return redirect("drafting:draft_edit", pk=draft.pk)


@require_POST
def draft_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the draft as a file; the first export marks an approved draft exported."""
    site = require_site(request)
    draft = draft_get(site=site, user=request.user, pk=pk)
    form = DraftExportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose Markdown, HTML or WordPress (WXR) as the export format."))
        return redirect("drafting:draft_edit", pk=draft.pk)
    try:
        exported = draft_export(
            draft=draft, user=request.user, export_format=form.cleaned_data["export_format"]
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("drafting:draft_edit", pk=draft.pk)
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = content_disposition_header(True, exported.file_name)
    return response


@require_POST
def draft_section_regenerate(request: HttpRequest, pk: int, index: int) -> HttpResponse:
    """Rewrite one section of the draft with the current model and return to the editor."""
    site = require_site(request)
    draft = draft_get(site=site, user=request.user, pk=pk)
    try:
        revision = draft_section_regenerate_service(draft=draft, section_index=index, user=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _section_rewritten_message(index, revision))
    return redirect("drafting:draft_edit", pk=draft.pk)


def _section_rewritten_message(index: int, revision: DraftRevision) -> str:
    """Return the message after a section rewrite, naming the section by its heading and its scorer.

    Editors see headings, not numbers. Revisions saved before the scorer was stored get
    the message without it.
    """
    params = revision.note_params or {}
    heading = params.get("heading", "")
    written_by = written_by_label(params.get("served_by", ""), params.get("version"))
    values = {"heading": heading, "index": index, "number": revision.number, "written_by": written_by}
    if written_by and index == 0:
        return _(
            "The introduction was rewritten (%(written_by)s) and saved as revision %(number)d."
        ) % values
    if written_by and heading:
        return _(
            "The section “%(heading)s” was rewritten (%(written_by)s) and saved as revision "
            "%(number)d."
        ) % values
    if index == 0:
        return _("The introduction was rewritten and saved as revision %(number)d.") % values
    if heading:
        return _(
            "The section “%(heading)s” was rewritten and saved as revision %(number)d."
        ) % values
    return _("Section %(index)d was rewritten and saved as revision %(number)d.") % values
