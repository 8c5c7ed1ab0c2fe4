"""Plain-data views of requests and drafts, for the command line and JSON clients."""
from typing import Any

from seoassist.drafting.models import KeywordRequest


def keyword_request_as_dict(keyword_request: KeywordRequest) -> dict[str, Any]:
    draft = getattr(keyword_request, "draft", None)
    return {
        "request_id": keyword_request.pk,
        "site": keyword_request.site.slug,
        "status": keyword_request.status,
        "error": keyword_request.error,
        "keywords": keyword_request.keywords,
        "language": keyword_request.language,
        "target_length": keyword_request.target_length,
        "related_keywords": keyword_request.related_keywords,
        "forecasts": [
            {
                "keyword": forecast.keyword,
                "direction": forecast.direction,
                "change_percent": forecast.change_percent,
                "method": forecast.method,
                "points": forecast.points,
                "backtest": forecast.backtest,
                "note": forecast.note,
            }
            for forecast in keyword_request.forecasts.all()
        ],
        "draft": None
        if draft is None
        else {
            "id": draft.pk,
            "title": draft.title,
            "title_candidates": draft.title_candidates,
            "slug": draft.slug,
            "meta_description": draft.meta_description,
            "body": draft.body,
            "generation": draft.generation,
        },
    }
