from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from seoassist.core.models import Role, Site
from seoassist.core.selectors import user_role_on_site
from seoassist.core.text import normalize_keyword
from seoassist.corpus.models import Article
from seoassist.drafting.models import (
    EXPORT_FORMAT_LABELS,
    LOCK_TIMEOUT,
    Draft,
    DraftComment,
    DraftEvent,
    DraftEventKind,
    DraftLock,
    DraftRevision,
    DraftStatus,
    KeywordRequest,
    RequestStatus,
)


def keyword_request_list(*, site: Site, user: AbstractBaseUser) -> QuerySet[KeywordRequest]:
    requests = KeywordRequest.objects.filter(site=site).select_related("created_by", "draft")
    if user_role_on_site(user, site) == Role.EDITOR:
        requests = requests.filter(created_by=user)
    return requests


def keyword_request_waiting_exists(*, site: Site, user: AbstractBaseUser) -> bool:
    """Tell whether the user sees a request of the site that has not started yet."""
    waiting = (RequestStatus.QUEUED, RequestStatus.WAITING_FOR_MODEL)
    return keyword_request_list(site=site, user=user).filter(status__in=waiting).exists()


def keyword_request_get(*, site: Site, user: AbstractBaseUser, pk: int) -> KeywordRequest:
    return get_object_or_404(keyword_request_list(site=site, user=user), pk=pk)


# Pages of each kind listed on a request page as already targeting its keyphrase.
EXISTING_CONTENT_LIMIT = 5


@dataclass(frozen=True)
class ExistingContent:
    """The site's articles and other drafts that already target a request's keyphrase."""

    keyphrase: str = ""
    articles: list[Article] = field(default_factory=list)
    drafts: list[Draft] = field(default_factory=list)
    more_articles: int = 0
    more_drafts: int = 0

    def __bool__(self) -> bool:
        return bool(self.articles or self.drafts)


def keyword_request_existing_content(*, keyword_request: KeywordRequest) -> ExistingContent:
    """Return the site's pages in the request's language that already target its keyphrase.

    An article counts when its title contains the keyphrase. A draft counts when its
    title contains it or when it was written for the same keyphrase. Pages that compete
    for one search split its traffic, so the editor should know about them.
    """
    keywords = [str(keyword) for keyword in keyword_request.keywords or []]
    keyphrase = normalize_keyword(keywords[0]) if keywords else ""
    if not keyphrase:
        return ExistingContent()
    site, language = keyword_request.site, keyword_request.language

    # icontains folds ASCII case only, so the match is confirmed on normalised titles.
    title_matches = Article.objects.filter(site=site, language=language, title__icontains=keywords[0].strip())
    if keywords[0].strip() != keyphrase:
        title_matches = title_matches | Article.objects.filter(site=site, language=language, title__icontains=keyphrase)
    articles = [
        article
        for article in title_matches.order_by("-published_at", "-pk").only("pk", "title", "url", "published_at")
        if keyphrase in normalize_keyword(article.title)
    ]
    for article in articles:
        # Imported URLs are not validated like form input, so only web addresses become links.
        article.link = article.url if article.url.startswith(("https://", "http://")) else ""

    current_draft_id = getattr(getattr(keyword_request, "draft", None), "pk", None)
    drafts = [
        draft
        for draft in Draft.objects.filter(site=site, language=language)
        .exclude(pk=current_draft_id)
        .order_by("-updated_at", "-pk")
        .only("pk", "title", "keywords", "status", "updated_at")
        if keyphrase in normalize_keyword(draft.title)
        or (draft.keywords and normalize_keyword(str(draft.keywords[0])) == keyphrase)
    ]
    limit = EXISTING_CONTENT_LIMIT
    return ExistingContent(
        keyphrase=keywords[0],
        articles=articles[:limit],
        drafts=drafts[:limit],
        more_articles=max(0, len(articles) - limit),
        more_drafts=max(0, len(drafts) - limit),
    )


def keyword_request_waits_for_models(*, keyword_request: KeywordRequest) -> bool:
    """Tell whether the request waits for the site's first models, or will once a worker takes it.

    A queued request of a site without a language model, or whose first forecaster
    is still training, waits as soon as a worker takes it, so its page shows the wait
    before that.
    """
    from seoassist.engine.selectors import first_forecaster_pending, language_model_status

    if keyword_request.status == RequestStatus.WAITING_FOR_MODEL:
        return True
    if keyword_request.status != RequestStatus.QUEUED:
        return False
    site = keyword_request.site
    return not language_model_status(site).is_ready or first_forecaster_pending(site)


def draft_list(*, site: Site, user: AbstractBaseUser) -> QuerySet[Draft]:
    """Return the site's drafts: every member of a site works on all of its drafts."""
    if user_role_on_site(user, site) is None:
        return Draft.objects.none()
    return Draft.objects.filter(site=site).select_related("owner")


def draft_get(*, site: Site, user: AbstractBaseUser, pk: int) -> Draft:
    return get_object_or_404(draft_list(site=site, user=user), pk=pk)


def draft_comment_list(*, draft: Draft) -> QuerySet[DraftComment]:
    return draft.comments.select_related("author")


def draft_send_back_comment(*, draft: Draft) -> DraftComment | None:
    """Return the comment of the send back that made the draft editable again, else None.

    The editors see it until the next workflow step, which is their submit. A withdraw
    after a later submit does not bring an older send-back comment back.
    """
    if draft.status != DraftStatus.DRAFT:
        return None
    last_step = (
        draft.events.exclude(kind=DraftEventKind.EXPORT)
        .select_related("comment__author")
        .order_by("-created_at", "-id")
        .first()
    )
    if last_step is None or last_step.kind != DraftEventKind.SEND_BACK:
        return None
    return last_step.comment


@dataclass(frozen=True)
class HistoryEntry:
    """One row of a draft's history: a revision or a workflow event."""

    revision: DraftRevision | None = None
    event: DraftEvent | None = None
    # For a revision: the formats it was exported in, in export order.
    export_formats: tuple[str, ...] = ()

    @property
    def created_at(self):  # noqa: ANN201
        return (self.revision or self.event).created_at

    @property
    def exported_as(self) -> str:
        """The names of the formats the revision was exported in, in the active language."""
        return ", ".join(
            str(EXPORT_FORMAT_LABELS.get(code, code)) for code in self.export_formats
        )


def draft_history_list(*, draft: Draft) -> list[HistoryEntry]:
    """Return the draft's revisions and workflow events, newest first.

    An event follows the revision it was recorded at even when both have the same
    time, because a revision is always saved before the events that name it.
    """
    revisions = list(draft.revisions.select_related("author"))
    events = list(draft.events.select_related("actor", "comment").order_by("created_at", "id"))
    exported: dict[int, list[str]] = {}
    for event in events:
        if event.kind == DraftEventKind.EXPORT and event.revision_number is not None:
            formats = exported.setdefault(event.revision_number, [])
            if event.export_format not in formats:
                formats.append(event.export_format)
    entries = [
        HistoryEntry(revision=revision, export_formats=tuple(exported.get(revision.number, ())))
        for revision in revisions
    ]
    entries += [HistoryEntry(event=event) for event in events]

    def sort_key(entry: HistoryEntry) -> tuple:
        if entry.revision is not None:
            return (entry.created_at, entry.revision.number, 0, 0)
        return (entry.created_at, entry.event.revision_number or 0, 1, entry.event.pk)

    return sorted(entries, key=sort_key, reverse=True)


def draft_lock_holder(*, draft: Draft) -> DraftLock | None:
    """Return the draft's lock while its heartbeat is recent, else None."""
    return (
        DraftLock.objects.filter(draft=draft, heartbeat_at__gt=timezone.now() - LOCK_TIMEOUT)
        .select_related("holder")
        .first()
    )


def draft_revision_latest(*, draft: Draft) -> DraftRevision | None:
    """Return the draft's highest-numbered revision, or None for a draft without revisions."""
    return draft.revisions.order_by("-number").first()


def draft_title_candidate_list(*, draft: Draft) -> list[dict]:
    """Return the draft's title candidates with their checks, width and likelihood rank, best first.

    Drafts generated before the ranking was stored are ranked by their checks alone.
    """
    from seoassist.drafting.ranking import title_candidates_rank

    stored = (draft.generation or {}).get("title_ranking")
    if stored:
        return stored
    if not draft.title_candidates:
        return []
    ranked = title_candidates_rank(
        candidates=[(str(text), None) for text in draft.title_candidates],
        keyphrase=str(draft.keywords[0]) if draft.keywords else "",
        language=draft.language,
    )
    return [candidate.as_dict() for candidate in ranked]
