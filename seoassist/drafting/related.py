"""Related keyword suggestions from the site's own articles and tracked keywords."""
import math
from collections import Counter

from seoassist.core.models import Site
from seoassist.core.text import normalize_keyword

TITLE_WEIGHT = 3
# Terms seen only beside passing mentions of the keywords (weight 1) are dropped.
MINIMUM_WEIGHT = 2


def related_keywords_suggest(*, site: Site, keywords: list[str], language: str, limit: int = 6) -> list[str]:
    """Rank terms that co-occur with the keywords in the site's articles.

    A term scores by how many articles mentioning a requested keyword also list it
    as one of their own keywords, counting articles that name the keyword in
    their title three times. Its rarity across the corpus (a tf-idf style weight)
    multiplies the score, so generic terms sink.
    """
    requested = [normalize_keyword(k) for k in keywords]
    articles = list(
        site.articles.filter(language=language).values_list("title", "body", "keywords")
    )
    if not articles:
        articles = list(site.articles.values_list("title", "body", "keywords"))
    document_frequency: Counter[str] = Counter()
    cooccurrence: Counter[str] = Counter()
    display: dict[str, str] = {}
    for title, body, article_keywords in articles:
        terms = {normalize_keyword(term): term for term in (article_keywords or [])}
        display.update({norm: term for norm, term in terms.items() if norm not in display})
        document_frequency.update(terms.keys())
        # An article that names the keyword in its title counts more than a passing mention.
        normalized_title = normalize_keyword(title)
        if any(keyword in normalized_title for keyword in requested):
            weight = TITLE_WEIGHT
        elif any(keyword in normalize_keyword(body) for keyword in requested):
            weight = 1
        else:
            continue
        for term in terms:
            cooccurrence[term] += weight
    scores = {}
    for term, count in cooccurrence.items():
        if not term or term in requested or count < MINIMUM_WEIGHT:
            continue
        idf = math.log((1 + len(articles)) / (1 + document_frequency[term])) + 1
        scores[term] = count * idf
    ranked = sorted(scores, key=lambda term: (-scores[term], term))
    return [display[term] for term in ranked[:limit]]
