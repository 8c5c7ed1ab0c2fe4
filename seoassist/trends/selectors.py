from typing import Any

from django.db.models import QuerySet

from seoassist.core.models import Site
from seoassist.core.text import normalize_keyword
from seoassist.trends.models import Keyword

MIN_POINTS_FOR_SERIES = 4


def keyword_get(*, site: Site, text: str) -> Keyword | None:
    """Find a tracked keyword by its normalised form (width, case and spacing ignored)."""
    return Keyword.objects.filter(site=site, normalized=normalize_keyword(text)).first()


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
