import logging
import re
import unicodedata
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from seoassist.core.exceptions import ApplicationError
from seoassist.core.models import Language, Role, Site
from seoassist.core.selectors import user_role_on_site
from seoassist.drafting.exports import EXPORT_FORMATS, ExportFile, draft_render_export
from seoassist.drafting.labels import MIXTURE_SUFFIX, NGRAM_BASELINE
from seoassist.drafting.models import (
    LOCK_TIMEOUT,
    Draft,
    DraftComment,
    DraftEvent,
    DraftEventKind,
    DraftLock,
    DraftRevision,
    DraftStatus,
    KeywordRequest,
    RequestForecast,
    RequestStatus,
    RevisionNote,
)

if TYPE_CHECKING:
    from seoassist.engine.models import ModelVersion

logger = logging.getLogger(__name__)

MAX_KEYWORDS = 5
# The drafting engine accepts keywords up to these lengths (characters).
MAX_KEYWORD_LENGTH = {Language.JAPANESE: 20, Language.ENGLISH: 40}
DEFAULT_TARGET_LENGTH = {Language.JAPANESE: 1500, Language.ENGLISH: 600}
TARGET_LENGTH_LIMITS = {Language.JAPANESE: (300, 10000), Language.ENGLISH: (100, 4000)}
REQUEST_STEPS = 4


def keywords_parse(raw: str) -> list[str]:
    """Split the editor's input on commas, Japanese commas and new lines, dropping repeats."""
    parts = re.split(r"[,、，\n]+", raw)
    keywords: list[str] = []
    seen = set()
    for part in parts:
        keyword = " ".join(unicodedata.normalize("NFKC", part).split())
        if keyword and keyword.casefold() not in seen:
            seen.add(keyword.casefold())
            keywords.append(keyword)
    return keywords


def keywords_validate(keywords: list[str], language: str) -> None:
    if not keywords:
        raise ApplicationError(_("Enter at least one keyword."))
    if len(keywords) > MAX_KEYWORDS:
        raise ApplicationError(
            _("You entered %(count)d keywords; enter at most %(maximum)d.")
            % {"count": len(keywords), "maximum": MAX_KEYWORDS}
        )
    maximum = MAX_KEYWORD_LENGTH.get(language, MAX_KEYWORD_LENGTH[Language.ENGLISH])
    for keyword in keywords:
        if len(keyword) > maximum:
            raise ApplicationError(
                _(
                    "The keyword “%(keyword)s” has %(length)d characters; keywords can have at "
                    "most %(maximum)d. Shorten it or split it into two keywords."
                )
                % {"keyword": keyword, "length": len(keyword), "maximum": maximum}
            )


def keyword_request_create(
    *,
    site: Site,
    user: AbstractBaseUser | None,
    keywords: list[str],
    target_length: int | None = None,
    language: str | None = None,
    ui_language: str | None = None,
) -> KeywordRequest:
    """Save the request first, then queue it once the transaction commits.

    `ui_language` is the editor's interface language; the worker writes the
    request's progress and error messages in it.
    """
    from seoassist.core.ratelimit import rate_limit_hit
    from seoassist.core.text import detect_language

    if user is not None:
        rate_limit_hit(user_id=user.pk, action="keyword_request")
    if not keywords:
        raise ApplicationError(_("Enter at least one keyword."))
    language = language or detect_language(" ".join(keywords))
    if language not in Language.values:
        raise ApplicationError(
            _("Unknown language “%(language)s”; choose ja or en.") % {"language": language}
        )
    keywords_validate(keywords, language)
    low, high = TARGET_LENGTH_LIMITS[language]
    target_length = target_length or DEFAULT_TARGET_LENGTH[language]
    if not low <= target_length <= high:
        raise ApplicationError(
            _("The target length %(length)d is outside %(low)d to %(high)d for this language.")
            % {"length": target_length, "low": low, "high": high}
        )

    with transaction.atomic():
        keyword_request = KeywordRequest(
            site=site,
            created_by=user,
            keywords=keywords,
            language=language,
            target_length=target_length,
            progress_total=REQUEST_STEPS,
            ui_language=ui_language or settings.LANGUAGE_CODE,
        )
        keyword_request.full_clean()
        keyword_request.save()
        _first_language_model_start(site, keyword_request.ui_language)
        transaction.on_commit(lambda: keyword_request_dispatch(request_id=keyword_request.pk))
    return keyword_request


def keyword_request_dispatch(*, request_id: int) -> None:
    """Send the request to a worker; a broker outage leaves it queued for the sweeper."""
    from seoassist.core.dispatch import task_send
    from seoassist.drafting.tasks import keyword_request_task

    task_send(keyword_request_task, request_id)


def keyword_request_execute(*, request_id: int) -> KeywordRequest:
    """Forecast the keywords, suggest related ones and draft the article.

    Safe to run twice: a request that already has its draft is only marked done.
    Messages are written in the language of the editor who submitted it.
    """
    ui_language = (
        KeywordRequest.objects.filter(pk=request_id).values_list("ui_language", flat=True).first()
    )
    from seoassist.core.leases import JobLeaseHeld, job_lease

    try:
        with job_lease(keyword_request_lease_name(request_id)):
            with translation.override(ui_language or settings.LANGUAGE_CODE):
                return _keyword_request_execute(request_id)
    except JobLeaseHeld as held:
        # A second delivery of the same request: the live holder drafts it.
        logger.info("Keyword request %s is being drafted by %s; this delivery stops", request_id,
                    held.holder)
        return KeywordRequest.objects.get(pk=request_id)


def keyword_request_lease_name(request_id: int) -> str:
    return f"keyword_request:{request_id}"


def _keyword_request_execute(request_id: int) -> KeywordRequest:
    from seoassist.drafting.related import related_keywords_rank_with_source
    from seoassist.engine.models import ModelKind
    from seoassist.engine.services import language_model_for_site, training_run_start
    from seoassist.trends.services import keyword_forecast_compute

    keyword_request = KeywordRequest.objects.select_related("site").get(pk=request_id)
    if keyword_request.status == RequestStatus.SUCCEEDED:
        return keyword_request
    if Draft.objects.filter(request=keyword_request).exists():
        _request_update(request_id, status=RequestStatus.SUCCEEDED, finished_at=timezone.now())
        return KeywordRequest.objects.get(pk=request_id)
    site = keyword_request.site

    loaded = language_model_for_site(site)
    if loaded is None or _first_forecaster_pending(site):
        if loaded is None:
            training_run_start(
                site=site,
                kind=ModelKind.LANGUAGE_MODEL,
                trigger="request",
                ui_language=keyword_request.ui_language,
            )
            _query_model_start(site, keyword_request.ui_language)
        _request_update(
            request_id,
            status=RequestStatus.WAITING_FOR_MODEL,
            progress_message="waiting for the site's first models",
        )
        return KeywordRequest.objects.get(pk=request_id)
    version, model = loaded

    _request_update(
        request_id,
        status=RequestStatus.RUNNING,
        attempts=keyword_request.attempts + 1,
        started_at=keyword_request.started_at or timezone.now(),
        progress_step=1,
        progress_message="forecasting demand",
        error="",
    )
    forecasts = [
        keyword_forecast_compute(site=site, text=keyword) for keyword in keyword_request.keywords
    ]

    _request_update(request_id, progress_step=2, progress_message="finding related keywords")
    related, related_source = related_keywords_rank_with_source(
        site=site, keywords=keyword_request.keywords, language=keyword_request.language
    )

    _request_update(request_id, progress_step=3, progress_message="writing the draft")
    generated = _generate(model, keyword_request, related)
    titles, meta_descriptions = _candidates_rank(generated, keyword_request)

    with transaction.atomic():
        locked = KeywordRequest.objects.select_for_update().get(pk=request_id)
        if Draft.objects.filter(request=locked).exists():
            return locked
        RequestForecast.objects.filter(request=locked).delete()
        RequestForecast.objects.bulk_create(
            [
                RequestForecast(
                    request=locked,
                    keyword=item["keyword"],
                    method=item["method"],
                    direction=item["direction"],
                    change_percent=item["change_percent"],
                    history=item["history"],
                    points=item["points"],
                    backtest=item["backtest"],
                    note=item["note"][:500],
                )
                for item in forecasts
            ]
        )
        draft = Draft(
            site=site,
            request=locked,
            owner=locked.created_by,
            language=locked.language,
            keywords=locked.keywords,
            title=titles[0].text[:300],
            title_candidates=[candidate.text for candidate in titles],
            slug=_draft_slug(titles[0].text, locked),
            meta_description=meta_descriptions[0].text[:500],
            body=_plain_text(generated.body_markdown()),
            generation={
                "model_version": version.number,
                "model_version_id": version.pk,
                "served_by": _served_by(version),
                "log_likelihood": generated.log_likelihood,
                "title_ranking": [candidate.as_dict() for candidate in titles],
                "meta_description_ranking": [candidate.as_dict() for candidate in meta_descriptions],
            },
        )
        draft.full_clean()
        draft.save()
        DraftRevision.objects.create(
            draft=draft,
            number=1,
            title=draft.title,
            slug=draft.slug,
            meta_description=draft.meta_description,
            body=draft.body,
            author=None,
            note_code=RevisionNote.GENERATED,
        )
        locked.related_keywords = related
        locked.related_source = related_source
        locked.status = RequestStatus.SUCCEEDED
        locked.progress_step = REQUEST_STEPS
        locked.progress_message = "finished"
        locked.finished_at = timezone.now()
        locked.save()
    logger.info("Keyword request %s drafted as draft %s", request_id, draft.pk)
    return locked


def _first_language_model_start(site: Site, ui_language: str) -> None:
    """Queue the site's first language and query models when the site has no language model.

    The worker that takes the request queues them too, but queueing them with the
    request lets its page show the training from the first render.
    """
    from seoassist.engine.models import ModelKind

    if _first_model_start(site, ModelKind.LANGUAGE_MODEL, ui_language):
        _query_model_start(site, ui_language)


def _first_model_start(site: Site, kind: str, ui_language: str) -> bool:
    """Queue a training run of ``kind`` unless the site has a version of it; return whether one started.

    A run that cannot start (too few articles, say) is logged and skipped, because the
    worker raises the same error when it takes the request and fails the request with it.
    """
    from seoassist.engine.models import ModelVersion
    from seoassist.engine.services import training_run_start

    if ModelVersion.objects.filter(site=site, kind=kind).exists():
        return False
    try:
        training_run_start(site=site, kind=kind, trigger="request", ui_language=ui_language)
    except ApplicationError as error:
        logger.info("Skipped the first %s model for site %s: %s", kind, site.pk, error.message)
        return False
    return True


def _served_by(version: "ModelVersion") -> str:
    """Name the scorer that wrote a draft: the cell, the cell mixed with its n-gram, or the n-gram."""
    if not version.is_active:
        return NGRAM_BASELINE
    cell = (version.metrics or {}).get("cell", "lstm")
    return f"{cell}{MIXTURE_SUFFIX}" if version.serves_mixture else cell


def _query_model_start(site: Site, ui_language: str) -> None:
    """Queue the site's first query model beside its language model; drafts never wait for it."""
    from seoassist.engine.models import ModelKind

    _first_model_start(site, ModelKind.QUERY_MODEL, ui_language)


def _first_forecaster_pending(site: Site) -> bool:
    """Tell whether the site's first forecaster is still training, so requests wait for it."""
    from seoassist.engine.selectors import first_forecaster_pending

    return first_forecaster_pending(site)


def _generate(model, keyword_request: KeywordRequest, related: list[str]):
    from lstm_engine import DraftSpec, generate_draft
    from seoassist.drafting.ranking import title_candidates_rank

    spec = DraftSpec(
        keywords=list(keyword_request.keywords),
        related_keywords=related[:4],
        language=keyword_request.language,
        target_length=keyword_request.target_length,
        seed=keyword_request.pk,
    )
    keyphrase = keyword_request.keywords[0] if keyword_request.keywords else ""

    def choose_title(candidates) -> int:
        # The body continues from the title that the SEO checks rank first.
        ranked = title_candidates_rank(
            candidates=[(candidate.text, candidate.log_likelihood) for candidate in candidates],
            keyphrase=keyphrase,
            language=keyword_request.language,
        )
        return [candidate.text for candidate in candidates].index(ranked[0].text)

    return generate_draft(model, spec, choose_title=choose_title)


def _candidates_rank(generated, keyword_request: KeywordRequest):
    """Rank the generated titles and meta descriptions by their SEO checks and likelihood."""
    from seoassist.drafting.ranking import meta_description_candidates_rank, title_candidates_rank

    keyphrase = keyword_request.keywords[0] if keyword_request.keywords else ""
    titles = [(candidate.text, candidate.log_likelihood) for candidate in generated.scored_titles]
    metas = [(candidate.text, candidate.log_likelihood) for candidate in generated.scored_meta_descriptions]
    ranked_titles = title_candidates_rank(
        candidates=titles or [(generated.title, None)],
        keyphrase=keyphrase,
        language=keyword_request.language,
    )
    ranked_metas = meta_description_candidates_rank(
        candidates=metas or [(generated.meta_description, None)],
        keyphrase=keyphrase,
        language=keyword_request.language,
    )
    return ranked_titles, ranked_metas


# Maximum length of a slug that seoassist derives; draft-slug.js cuts slugs to it too.
GENERATED_SLUG_LENGTH = 80


def draft_slug_from_title(title: str) -> str:
    """Return the slug that seoassist derives from an English title: ASCII words and hyphens."""
    return slugify(title)[:GENERATED_SLUG_LENGTH].strip("-")


def _draft_slug(title: str, keyword_request: KeywordRequest) -> str:
    """Return a new draft's slug: from the title in English, from the keywords in Japanese."""
    if keyword_request.language == Language.ENGLISH:
        slug = draft_slug_from_title(title)
    else:
        keywords = " ".join(keyword_request.keywords)
        slug = slugify(keywords, allow_unicode=True)[:GENERATED_SLUG_LENGTH].strip("-")
    return slug or f"draft-{keyword_request.pk}"


def _request_update(request_id: int, **fields: object) -> None:
    KeywordRequest.objects.filter(pk=request_id).update(updated_at=timezone.now(), **fields)


def keyword_request_fail(*, request_id: int, reason: str) -> None:
    """Mark the request failed with a reason the editor reads; the keywords stay saved."""
    _request_update(
        request_id, status=RequestStatus.FAILED, error=reason[:2000], finished_at=timezone.now()
    )
    logger.warning("Keyword request %s failed: %s", request_id, reason)


def keyword_requests_resume(*, site_id: int) -> int:
    """Queue the site's requests that were waiting for a language model."""
    waiting = list(
        KeywordRequest.objects.filter(
            site_id=site_id, status=RequestStatus.WAITING_FOR_MODEL
        ).values_list("pk", flat=True)
    )
    for request_id in waiting:
        _request_update(
            request_id, status=RequestStatus.QUEUED, progress_message="models ready; queued again"
        )
        keyword_request_dispatch(request_id=request_id)
    return len(waiting)


def keyword_requests_fail_waiting(*, site_id: int, reason: str) -> int:
    waiting = KeywordRequest.objects.filter(
        site_id=site_id, status=RequestStatus.WAITING_FOR_MODEL
    )
    return waiting.update(
        status=RequestStatus.FAILED,
        error=reason,
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )


class DraftConflictError(ApplicationError):
    """A save started from an older version than the stored one; `current` is the stored draft."""

    def __init__(self, message: str, *, current: Draft) -> None:
        super().__init__(message, extra={"version": current.version})
        self.current = current


class DraftLockLostError(ApplicationError):
    """The page's edit lock was taken over or has expired."""


class WorkflowAction(NamedTuple):
    """A workflow step: the statuses it starts from, the status it sets and who may take it."""

    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]


# The roles that write drafts: they submit drafts for review and withdraw them again.
DRAFT_WRITER_ROLES = (Role.EDITOR, Role.ADMIN)
# Workflow: each action moves a draft from one of its source statuses to its target,
# and only the listed roles may take it. Editing the text is allowed in the statuses
# of EDITABLE_STATUSES for the roles named there. Each action records a DraftEvent of
# the same name.
WORKFLOW_ACTIONS = {
    "submit": WorkflowAction((DraftStatus.DRAFT,), DraftStatus.IN_REVIEW, DRAFT_WRITER_ROLES),
    # Withdrawing takes a draft back from review, so its editors can change it again.
    "withdraw": WorkflowAction((DraftStatus.IN_REVIEW,), DraftStatus.DRAFT, DRAFT_WRITER_ROLES),
    "approve": WorkflowAction(
        (DraftStatus.IN_REVIEW,), DraftStatus.APPROVED, (Role.REVIEWER, Role.ADMIN)
    ),
    "send_back": WorkflowAction(
        (DraftStatus.IN_REVIEW,), DraftStatus.DRAFT, (Role.REVIEWER, Role.ADMIN)
    ),
    # Reopening an exported draft lets the editor fix it after publishing. The draft then
    # goes through review and approval again before the next export.
    "reopen": WorkflowAction(
        (DraftStatus.APPROVED, DraftStatus.EXPORTED), DraftStatus.DRAFT, (Role.ADMIN,)
    ),
}
EDITABLE_STATUSES = {
    DraftStatus.DRAFT: (Role.EDITOR, Role.ADMIN),
    DraftStatus.IN_REVIEW: (Role.ADMIN,),
}
EXPORTABLE_STATUSES = (DraftStatus.APPROVED, DraftStatus.EXPORTED)
COMMENT_ROLES = (Role.REVIEWER, Role.ADMIN)


def draft_can_edit(*, draft: Draft, user: AbstractBaseUser) -> bool:
    return user_role_on_site(user, draft.site) in EDITABLE_STATUSES.get(draft.status, ())


def draft_actions_allowed(*, draft: Draft, user: AbstractBaseUser) -> list[str]:
    """Return the workflow actions the user may take on the draft in its current status."""
    role = user_role_on_site(user, draft.site)
    return [
        action
        for action, step in WORKFLOW_ACTIONS.items()
        if draft.status in step.sources and role in step.roles
    ]


def _require_edit(draft: Draft, user: AbstractBaseUser) -> None:
    if not draft_can_edit(draft=draft, user=user):
        raise ApplicationError(
            _(
                "This draft is “%(status)s”, and your role may not change its text now. "
                "Ask a reviewer to send it back, or an administrator to reopen it."
            )
            % {"status": draft.get_status_display()}
        )


def _latest_revision_number(draft: Draft) -> int | None:
    return draft.revisions.order_by("-number").values_list("number", flat=True).first()


def _revision_add(
    draft: Draft,
    user: AbstractBaseUser | None,
    note: str = "",
    note_code: str = "",
    note_params: dict | None = None,
) -> DraftRevision:
    """Store the draft's current text as its next revision.

    ``note`` is text that a person typed. seoassist's own notes go in ``note_code`` (a
    RevisionNote) and ``note_params``, so that each reader sees them in their language.
    """
    last = _latest_revision_number(draft) or 0
    return DraftRevision.objects.create(
        draft=draft,
        number=last + 1,
        title=draft.title,
        slug=draft.slug,
        meta_description=draft.meta_description,
        body=draft.body,
        author=user,
        note=note,
        note_code=note_code,
        note_params=note_params or {},
    )


@dataclass(frozen=True)
class DraftSaveResult:
    draft: Draft
    # None when the text equals the stored one, so no revision was added.
    revision: DraftRevision | None


@transaction.atomic
def draft_save(
    *,
    draft: Draft,
    user: AbstractBaseUser,
    version: int,
    title: str,
    slug: str,
    meta_description: str,
    body: str,
    note: str = "",
    note_code: str = "",
    note_params: dict | None = None,
    lock_token: str | None = None,
) -> DraftSaveResult:
    """Store the editor's text as a new revision, unless another save came first.

    `version` is the draft version the editor's page loaded. When it is older
    than the stored one, nothing is written and DraftConflictError carries the
    stored draft for a merge. With `lock_token` (autosave), the save also
    requires that the page still holds the edit lock. `note` is a note that the
    user typed, and `note_code` with `note_params` names one of seoassist's notes.
    """
    draft = Draft.objects.select_for_update().get(pk=draft.pk)
    _require_edit(draft, user)
    if lock_token is not None and not _lock_held(draft, user, lock_token):
        raise DraftLockLostError(
            _("Another editor took over this draft, so it was not saved automatically.")
        )
    if version != draft.version:
        logger.info(
            "Draft %s: a save from version %s met the stored version %s",
            draft.pk, version, draft.version,
        )
        raise DraftConflictError(
            _(
                "Someone saved this draft (version %(current)d) after you opened version "
                "%(yours)d. Compare both versions, merge them and save again."
            )
            % {"current": draft.version, "yours": version},
            current=draft,
        )
    title, slug, meta_description, body = (
        _plain_text(title), _plain_text(slug), _plain_text(meta_description), _plain_text(body)
    )
    # Stored text may predate this normalisation (a generated body ends with a new line).
    changed = (title, slug, meta_description, body) != tuple(
        _plain_text(value) for value in (draft.title, draft.slug, draft.meta_description, draft.body)
    )
    if not changed:
        return DraftSaveResult(draft=draft, revision=None)
    draft.title = title
    draft.slug = slug
    draft.meta_description = meta_description
    draft.body = body
    draft.version += 1
    draft.full_clean()
    draft.save()
    revision = _revision_add(draft, user, note, note_code=note_code, note_params=note_params)
    return DraftSaveResult(draft=draft, revision=revision)


def _plain_text(text: str) -> str:
    """Return ``text`` with LF line breaks and no surrounding whitespace, as the editor's form sends it."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


@transaction.atomic
def draft_revision_restore(
    *, draft: Draft, user: AbstractBaseUser, revision_number: int
) -> DraftRevision:
    """Copy an older revision's text into the draft as a new revision; history stays intact."""
    draft = Draft.objects.select_for_update().get(pk=draft.pk)
    _require_edit(draft, user)
    revision = draft.revisions.filter(number=revision_number).first()
    if revision is None:
        raise ApplicationError(
            _("Revision %(number)d of this draft does not exist. Pick one from the list.")
            % {"number": revision_number}
        )
    draft.title = revision.title
    draft.slug = revision.slug
    draft.meta_description = revision.meta_description
    draft.body = revision.body
    draft.version += 1
    draft.full_clean()
    draft.save()
    return _revision_add(
        draft, user, note_code=RevisionNote.RESTORED, note_params={"number": revision.number}
    )


def _lock_is_fresh(lock: DraftLock) -> bool:
    return lock.heartbeat_at > timezone.now() - LOCK_TIMEOUT


def _token_parse(token: str) -> uuid.UUID | None:
    """Return the page's lock token as a UUID, or None when the page sent something else."""
    try:
        return uuid.UUID(str(token))
    except ValueError:
        return None


def _lock_held(draft: Draft, user: AbstractBaseUser, token: str) -> bool:
    token = _token_parse(token)
    return token is not None and DraftLock.objects.filter(
        draft=draft, holder=user, token=token, heartbeat_at__gt=timezone.now() - LOCK_TIMEOUT
    ).exists()


@dataclass(frozen=True)
class LockState:
    held: bool
    # The draft's current lock, or None when no user has it.
    lock: DraftLock | None


@transaction.atomic
def draft_lock_acquire(
    *, draft: Draft, user: AbstractBaseUser, take_over: bool = False
) -> LockState:
    """Lock the draft for the user's new editor page, unless another editor's page holds it.

    With `take_over`, the lock moves to the user even from another editor; that
    editor's page learns it at its next heartbeat.
    """
    now = timezone.now()
    lock = DraftLock.objects.select_for_update().filter(draft=draft).first()
    if lock and lock.holder_id != user.pk and _lock_is_fresh(lock) and not take_over:
        return LockState(held=False, lock=lock)
    if lock is None:
        lock = DraftLock(draft=draft)
    lock.holder = user
    lock.token = uuid.uuid4()
    lock.acquired_at = now
    lock.heartbeat_at = now
    lock.save()
    if take_over:
        logger.info("User %s took over the edit lock of draft %s", user.pk, draft.pk)
    return LockState(held=True, lock=lock)


@transaction.atomic
def draft_lock_heartbeat(*, draft: Draft, user: AbstractBaseUser, token: str) -> LockState:
    """Keep the page's lock alive; report whether the page still holds it."""
    lock = DraftLock.objects.select_for_update().filter(draft=draft).first()
    if lock is None:
        return LockState(held=False, lock=None)
    if lock.holder_id == user.pk and lock.token == _token_parse(token):
        lock.heartbeat_at = timezone.now()
        lock.save(update_fields=["heartbeat_at"])
        return LockState(held=True, lock=lock)
    return LockState(held=False, lock=lock if _lock_is_fresh(lock) else None)


def draft_lock_release(*, draft: Draft, user: AbstractBaseUser, token: str) -> None:
    parsed = _token_parse(token)
    if parsed is not None:
        DraftLock.objects.filter(draft=draft, holder=user, token=parsed).delete()


@transaction.atomic
def draft_transition(
    *, draft: Draft, user: AbstractBaseUser, action: str, comment: str = ""
) -> Draft:
    """Move the draft through the workflow and record the step in the draft's history.

    Sending back needs a comment for the editor.
    """
    if action not in WORKFLOW_ACTIONS:
        raise ValueError(f"action must be one of {sorted(WORKFLOW_ACTIONS)}, not {action!r}")
    draft = Draft.objects.select_for_update().get(pk=draft.pk)
    sources, target, roles = WORKFLOW_ACTIONS[action]
    source = draft.status
    if source not in sources:
        raise _wrong_status_error(draft, sources)
    if user_role_on_site(user, draft.site) not in roles:
        raise ApplicationError(
            _("Your role on this site may not do that. It is for: %(roles)s.")
            % {"roles": ", ".join(str(Role(role).label) for role in roles)}
        )
    comment = comment.strip()
    if action == "send_back" and not comment:
        raise ApplicationError(
            _("Write a comment that tells the editor what to change before sending it back.")
        )
    draft.status = target
    draft.save(update_fields=["status", "updated_at"])
    stored_comment = None
    if comment:
        stored_comment = DraftComment.objects.create(
            draft=draft, author=user, body=comment, status_before=source, status_after=target
        )
    _event_add(draft, user, action, status_before=source, comment=stored_comment)
    return draft


def _event_add(
    draft: Draft,
    user: AbstractBaseUser,
    kind: str,
    *,
    status_before: str,
    export_format: str = "",
    comment: DraftComment | None = None,
) -> DraftEvent:
    """Record a workflow event at the draft's latest revision."""
    return DraftEvent.objects.create(
        draft=draft,
        kind=kind,
        actor=user,
        status_before=status_before,
        status_after=draft.status,
        revision_number=_latest_revision_number(draft),
        export_format=export_format,
        comment=comment,
    )


def _wrong_status_error(draft: Draft, sources: tuple[str, ...]) -> ApplicationError:
    status = draft.get_status_display()
    if len(sources) == 1:
        return ApplicationError(
            _("This draft is “%(status)s”; that action needs a draft that is “%(needed)s”.")
            % {"status": status, "needed": DraftStatus(sources[0]).label}
        )
    needed = ", ".join(str(DraftStatus(source).label) for source in sources)
    return ApplicationError(
        _(
            "This draft is “%(status)s”; that action needs a draft in one of these "
            "statuses: %(needed)s."
        )
        % {"status": status, "needed": needed}
    )


def draft_comment_create(*, draft: Draft, user: AbstractBaseUser, body: str) -> DraftComment:
    if user_role_on_site(user, draft.site) not in COMMENT_ROLES:
        raise ApplicationError(_("Only reviewers and administrators comment on drafts."))
    body = body.strip()
    if not body:
        raise ApplicationError(_("The comment is empty. Write what the editor should change."))
    comment = DraftComment(draft=draft, author=user, body=body)
    comment.full_clean()
    comment.save()
    return comment


@transaction.atomic
def draft_export(*, draft: Draft, user: AbstractBaseUser, export_format: str) -> ExportFile:
    """Render an approved draft as a file, mark the draft exported and record the export."""
    if export_format not in EXPORT_FORMATS:
        raise ValueError(f"export_format must be one of {EXPORT_FORMATS}, not {export_format!r}")
    draft = Draft.objects.select_for_update().get(pk=draft.pk)
    if user_role_on_site(user, draft.site) is None:
        raise ApplicationError(_("Your account is not a member of this draft's site."))
    if draft.status not in EXPORTABLE_STATUSES:
        raise ApplicationError(
            _(
                "This draft is “%(status)s”. Only approved drafts are exported, "
                "so submit it for review first."
            )
            % {"status": draft.get_status_display()}
        )
    exported = draft_render_export(draft, export_format, author=user.get_username())
    status_before = draft.status
    update_fields = []
    if draft.status != DraftStatus.EXPORTED:
        draft.status = DraftStatus.EXPORTED
        update_fields.append("status")
    if draft.exported_at is None:
        draft.exported_at = timezone.now()
        update_fields.append("exported_at")
    if update_fields:
        draft.save(update_fields=[*update_fields, "updated_at"])
    _event_add(
        draft, user, DraftEventKind.EXPORT, status_before=status_before, export_format=export_format
    )
    return exported


def draft_slug_follows_title(*, draft: Draft) -> bool:
    """Tell whether the editor page may change the slug when the title changes.

    Only an English draft's slug follows its title, and only while the slug is still the
    one derived from the current title and the draft has never been exported, because a
    published URL must not change by itself. Japanese drafts take their slug from the
    keywords, so it never follows the title.
    """
    return (
        draft.language == Language.ENGLISH
        and draft.exported_at is None
        and draft.status != DraftStatus.EXPORTED
        and draft.slug == draft_slug_from_title(draft.title)
    )


def draft_sections_split(body: str) -> list[tuple[str, list[str]]]:
    """Split a Markdown body into (heading, paragraphs) sections.

    Section 0 is the introduction before the first ``## `` heading, with an empty
    heading; each ``## `` line starts the next section. Paragraphs are separated by
    blank lines.
    """
    sections: list[tuple[str, list[str]]] = [("", [])]
    for block in re.split(r"\n\s*\n", body.strip()):
        block = block.strip()
        if not block:
            continue
        if block.startswith("## "):
            first, _newline, rest = block.partition("\n")
            sections.append((first[3:].strip(), []))
            if rest.strip():
                sections[-1][1].append(rest.strip())
        else:
            sections[-1][1].append(block)
    return sections


def draft_sections_join(sections: list[tuple[str, list[str]]]) -> str:
    """Return the Markdown body of ``sections``, the inverse of :func:`draft_sections_split`."""
    parts: list[str] = []
    for heading, paragraphs in sections:
        if heading:
            parts.append(f"## {heading}")
        parts.extend(paragraphs)
    return "\n\n".join(parts) + "\n"


def draft_section_regenerate(*, draft: Draft, section_index: int, user: AbstractBaseUser) -> DraftRevision:
    """Rewrite the paragraphs of one section with the site's current model and save a new revision.

    ``section_index`` 0 is the introduction, 1 the first ``## `` section, and so on.
    The heading, the other sections, the title and the meta description stay as they are.
    """
    from lstm_engine import DraftSection, DraftSpec, regenerate_section

    from seoassist.engine.services import language_model_for_site

    sections = draft_sections_split(draft.body)
    if not 0 <= section_index < len(sections):
        raise ApplicationError(
            _(
                "The draft has no such section any more. Reload the page and choose a section "
                "from the list."
            )
        )
    served = language_model_for_site(draft.site)
    if served is None:
        raise ApplicationError(
            _("The site has no trained language model yet. Ask an administrator to train one, then try again.")
        )
    version, model = served

    heading, old_paragraphs = sections[section_index]
    unit = "en" if draft.language == Language.ENGLISH else "ja"
    old_length = sum(_length_in_units(paragraph, unit) for paragraph in old_paragraphs)
    default_low = {"ja": 200, "en": 80}[unit]
    keywords = _engine_keywords(draft.keywords, unit)
    if not keywords:
        raise ApplicationError(_("The draft has no usable keywords, so its sections cannot be regenerated."))
    target_length = (draft.request.target_length if draft.request_id else None) or DEFAULT_TARGET_LENGTH[unit]
    revisions = draft.revisions.count()
    spec = DraftSpec(
        keywords=keywords,
        related_keywords=_engine_keywords([h for h, _paragraphs in sections if h], unit, limit=10),
        language=unit,
        target_length=max(TARGET_LENGTH_LIMITS[unit][0], min(target_length, TARGET_LENGTH_LIMITS[unit][1])),
        # A new seed for every revision, so that each request gives different text.
        seed=draft.pk * 1000 + revisions,
    )
    paragraphs = regenerate_section(
        model,
        spec,
        title=draft.title,
        sections_before=[DraftSection(heading=h, paragraphs=p) for h, p in sections[:section_index]],
        heading=heading,
        target_units=max(default_low, old_length),
    )
    sections[section_index] = (heading, paragraphs)
    result = draft_save(
        draft=draft,
        user=user,
        version=draft.version,
        title=draft.title,
        slug=draft.slug,
        meta_description=draft.meta_description,
        body=draft_sections_join(sections),
        note_code=RevisionNote.SECTION_REGENERATED,
        note_params={
            "index": section_index,
            "heading": heading,
            "version": version.number,
            "served_by": _served_by(version),
        },
    )
    if result.revision is None:
        raise ApplicationError(_section_unchanged_message(section_index, heading))
    revision = result.revision
    logger.info("Draft %s section %s regenerated as revision %s", draft.pk, section_index, revision.number)
    return revision


def _section_unchanged_message(section_index: int, heading: str) -> str:
    if section_index == 0:
        return _("The model wrote the same introduction again, so nothing was changed.")
    if heading:
        return _(
            "The model wrote the same text again for the section “%(heading)s”, "
            "so nothing was changed."
        ) % {"heading": heading}
    return _("The model wrote the same text again for section %(index)d; nothing was changed.") % {
        "index": section_index
    }


def _length_in_units(text: str, language: str) -> int:
    if language == "en":
        return len(text.split())
    return sum(1 for char in text if not char.isspace())


def _engine_keywords(keywords: list[str], language: str, limit: int = 5) -> list[str]:
    """Return the keywords that the drafting engine accepts: non-empty and short enough, at most ``limit``."""
    maximum = MAX_KEYWORD_LENGTH[language]
    cleaned = [" ".join(str(keyword).split()) for keyword in keywords]
    return [keyword for keyword in cleaned if keyword and len(keyword) <= maximum][:limit]
