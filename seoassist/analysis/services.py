"""Analysis of saved drafts and the checks that editors dismiss on them."""
from __future__ import annotations

import logging
from collections.abc import Mapping

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from seoassist.analysis.engine import CHECK_IDS, Analysis, DraftText, analyze_text
from seoassist.analysis.models import CheckDismissal
from seoassist.core.exceptions import ApplicationError
from seoassist.drafting.models import Draft

logger = logging.getLogger(__name__)

EDITABLE_FIELDS = ("title", "slug", "meta_description", "body")
MAX_REASON_LENGTH = 500


def draft_text(*, draft: Draft, data: Mapping[str, str] | None = None) -> DraftText:
    """Build the analysis input of a draft, taking values in `data` (an unsaved form) first."""
    values = {name: getattr(draft, name) or "" for name in EDITABLE_FIELDS}
    for name in EDITABLE_FIELDS:
        if data is not None and name in data:
            values[name] = str(data[name] or "")
    keywords = [keyword for keyword in (draft.keywords or []) if str(keyword).strip()]
    related = [str(keyword) for keyword in keywords[1:]]
    keyword_request = draft.request if draft.request_id else None
    if keyword_request is not None and keyword_request.related_keywords:
        from seoassist.drafting.related import related_keywords_screen

        related += related_keywords_screen(
            site=draft.site,
            keywords=list(keyword_request.keywords or []),
            candidates=[str(keyword) for keyword in keyword_request.related_keywords],
        )
    seen: set[str] = set()
    unique_related = []
    for keyword in related:
        folded = keyword.casefold()
        if folded not in seen and (not keywords or folded != str(keywords[0]).casefold()):
            seen.add(folded)
            unique_related.append(keyword)
    return DraftText(
        title=values["title"],
        slug=values["slug"],
        meta_description=values["meta_description"],
        body=values["body"].replace("\r\n", "\n"),
        keyphrase=str(keywords[0]) if keywords else "",
        related_keyphrases=tuple(unique_related),
        language=draft.language,
    )


def draft_analyze(*, draft: Draft, data: Mapping[str, str] | None = None) -> Analysis:
    """Analyse a draft in its own language, with unsaved field values from `data`."""
    return analyze_text(draft_text(draft=draft, data=data))


@transaction.atomic
def check_dismiss(
    *, draft: Draft, check_id: str, reason: str, user: AbstractBaseUser | None
) -> CheckDismissal:
    """Record that `check_id` does not apply to the draft, replacing any earlier reason."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ApplicationError(
            _("Give a reason for dismissing the check “%(check)s”.") % {"check": check_id}
        )
    if len(reason) > MAX_REASON_LENGTH:
        raise ApplicationError(
            _("The reason has %(length)d characters; shorten it to at most %(maximum)d.")
            % {"length": len(reason), "maximum": MAX_REASON_LENGTH}
        )
    # Any known check may be dismissed, because the editor's unsaved text can produce
    # checks that the saved draft does not, such as density once the text is long.
    if check_id not in CHECK_IDS:
        raise ApplicationError(
            _("“%(check)s” is not an analysis check; reload the page and try again.")
            % {"check": check_id}
        )
    dismissal, _created = CheckDismissal.objects.update_or_create(
        draft=draft,
        check_id=check_id,
        defaults={"reason": reason, "dismissed_by": user},
    )
    logger.info("Dismissed check %s on draft %s", check_id, draft.pk)
    return dismissal


@transaction.atomic
def check_restore(*, draft: Draft, check_id: str) -> None:
    """Count a dismissed check again. Restoring a check that is not dismissed does nothing."""
    deleted, _details = CheckDismissal.objects.filter(draft=draft, check_id=check_id).delete()
    if deleted:
        logger.info("Restored check %s on draft %s", check_id, draft.pk)
