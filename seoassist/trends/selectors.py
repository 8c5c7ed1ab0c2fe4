from typing import Any

from django.db.models import QuerySet

from seoassist.core.models import Site
from seoassist.core.text import normalize_keyword
from seoassist.trends.models import Keyword

MIN_POINTS_FOR_SERIES = 4


def keyword_get(*, site: Site, text: str) -> Keyword | None:
    """Find a tracked keyword by its normalised form (width, case and spacing ignored)."""
    return Keyword.objects.filter(site=site, normalized=normalize_keyword(text)).first()


def keyword_ids_by_text(*, site: Site, texts: list[str]) -> dict[str, int]:
    """Map each text that matches a tracked keyword by its normalised form to that keyword's id."""
    normalized = {text: normalize_keyword(text) for text in texts}
    ids = dict(
        Keyword.objects.filter(site=site, normalized__in=set(normalized.values())).values_list(
            "normalized", "pk"
        )
    )
    return {text: ids[form] for text, form in normalized.items() if form in ids}


def keyword_list(*, site: Site) -> QuerySet[Keyword]:
    return Keyword.objects.filter(site=site).select_related("forecast").order_by("text")


def keyword_series(keyword: Keyword) -> Any | None:
    """Return the keyword's complete periods as an lstm_engine Series, or None when too short."""
    from lstm_engine.forecast import Series

    rows = list(
        keyword.points.filter(is_partial=False).order_by("date").values_list("date", "value")
    )
    if len(rows) < MIN_POINTS_FOR_SERIES:
        return None
    return Series(
        dates=[row[0] for row in rows],
        values=[float(row[1]) for row in rows],
        frequency=keyword.frequency,
    )
