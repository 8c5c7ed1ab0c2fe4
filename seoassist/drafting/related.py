"""Related keyword suggestions from the site's own articles and tracked keywords."""
import math
from collections import Counter

from seoassist.core.models import Site
from seoassist.core.text import normalize_keyword


def related_keywords_suggest(*, site: Site, keywords: list[str], language: str, limit: int = 6) -> list[str]:
    """Rank terms that co-occur with the keywords in the site's articles.

    A term scores by how many articles mentioning a requested keyword also list it
    as one of their own keywords, weighted by its rarity across the corpus
    (a tf-idf style weight), so generic terms sink.
    """
    wanted = [normalize_keyword(k) for k in keywords]
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
        text = normalize_keyword(f"{title}\n{body}")
        if any(keyword in text for keyword in wanted):
            cooccurrence.update(terms.keys())
    scores = {}
    for term, count in cooccurrence.items():
        if not term or any(term == k or term in k for k in wanted):
            continue
        idf = math.log((1 + len(articles)) / (1 + document_frequency[term])) + 1
        scores[term] = count * idf
    ranked = sorted(scores, key=lambda term: (-scores[term], term))
    return [display[term] for term in ranked[:limit]]
