"""Data for the analysis panel template."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from seoassist.analysis.engine import READABILITY, SEO, Check, analyze_text
from seoassist.analysis.selectors import check_dismissal_list
from seoassist.analysis.serp import serp_preview
from seoassist.analysis.services import draft_text
from seoassist.drafting.models import Draft

MAX_SPAN_LINKS = 8
SPAN_LABEL_CHARS = 24
_STATUS_ORDER = {"problem": 0, "improve": 1, "good": 2}


def _span_links(check: Check, body: str) -> list[dict[str, Any]]:
    links = []
    for start, end in check.spans[:MAX_SPAN_LINKS]:
        label = " ".join(body[start:end].split())
        if len(label) > SPAN_LABEL_CHARS:
            label = label[:SPAN_LABEL_CHARS] + "…"
        links.append({"start": start, "end": end, "label": label})
    return links


def _inapplicable_dismissals(dismissals: dict, current: set[str]) -> list[dict[str, Any]]:
    """List dismissals of checks absent from the current analysis, so they can be restored."""
    entries = []
    for check_id, dismissal in dismissals.items():
        if check_id in current:
            continue
        message = _("The check “%(check)s” does not apply to the text as it is now.") % {
            "check": check_id
        }
        entries.append({
            "check": {"id": check_id, "status": "inactive", "message": message},
            "spans": [],
            "dismissal": dismissal,
        })
    return entries


def panel_context(
    *, draft: Draft, data: Mapping[str, str] | None, errors: list[str]
) -> dict[str, Any]:
    text = draft_text(draft=draft, data=data)
    analysis = analyze_text(text)
    dismissals = {dismissal.check_id: dismissal for dismissal in check_dismissal_list(draft=draft)}
    scored = analysis.without(frozenset(dismissals))
    groups: dict[str, list[dict[str, Any]]] = {SEO: [], READABILITY: []}
    dismissed = []
    for check in sorted(analysis.checks, key=lambda item: _STATUS_ORDER[item.status]):
        entry = {"check": check, "spans": _span_links(check, text.body)}
        if check.id in dismissals:
            dismissed.append({**entry, "dismissal": dismissals[check.id]})
        else:
            groups[check.group].append(entry)
    current = {check.id for check in analysis.checks}
    dismissed += _inapplicable_dismissals(dismissals, current)

    domain = draft.site.domain or "example.com"
    return {
        "draft": draft,
        "analysis": scored,
        "seo_checks": groups[SEO],
        "readability_checks": groups[READABILITY],
        "dismissed": dismissed,
        "serp": serp_preview(
            text.title, f"https://{domain}/{text.slug}", text.meta_description, text.language
        ),
        "errors": errors,
    }
