"""Related keyword suggestions from the site's query model, its articles and tracked keywords."""
import logging
import math
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Max

from seoassist.core.models import Site
from seoassist.core.text import (
    contains_japanese,
    content_terms,
    english_written_forms,
    normalize_keyword,
)
from seoassist.drafting.related_quality import (
    RelatedEvidence,
    phrase_pattern,
    related_keywords_filter,
)

logger = logging.getLogger(__name__)

# Evidence per site id, with the fingerprint of the data it was built from.
_evidence_cache: dict[int, tuple[tuple, RelatedEvidence]] = {}
_evidence_cache_lock = threading.Lock()

TITLE_WEIGHT = 3
# Terms seen only beside passing mentions of the keywords (weight 1) are dropped.
MINIMUM_WEIGHT = 2
# Reciprocal rank fusion constant: a larger value flattens the advantage of the top ranks.
FUSION_CONSTANT = 10
SUGGESTIONS_PER_SEED = 8
# Character-bigram Jaccard similarity at or above which two suggestions count as one.
NEAR_DUPLICATE_SIMILARITY = 0.8
# Polite predicate endings and sentence punctuation. A term that ends with one is a
# sentence, not a search.
_SENTENCE_ENDINGS = ("です", "ます", "でした", "ました", "ません", "。", "！", "？", "!", "?")
# English words that name no topic alone: verbs that open titles ("Getting Your Tax Return
# Refund Faster") and linking words. A term that is only one of them cannot head a section.
_WEAK_ENGLISH_TERMS = frozenset(
    """
    according concerning following including regarding using via
    building checking choosing finding getting keeping making planning setting staying taking
    trying become get keep let make see take
    """.split()
)


@dataclass(frozen=True)
class RelatedSearch:
    """A predicted related search with its likelihood and the forecast demand of the term."""

    text: str
    likelihood: float
    demand: float | None
    direction: str

    @property
    def rank_score(self) -> float:
        """Return the likelihood weighted by forecast demand, so a term with high forecast demand moves up."""
        if self.demand is None:
            return self.likelihood
        return self.likelihood * (1.0 + self.demand / 100.0)


def related_keywords_rank(
    *, site: Site, keywords: list[str], language: str, limit: int = 10
) -> list[str]:
    """Return related keywords from the query model and from co-occurrence, merged.

    :func:`related_keywords_rank_with_source` describes the ranking.
    """
    return related_keywords_rank_with_source(site=site, keywords=keywords, language=language, limit=limit)[0]


def related_keywords_rank_with_source(
    *, site: Site, keywords: list[str], language: str, limit: int = 10
) -> tuple[list[str], str]:
    """Return related keywords from the query model and from co-occurrence, merged, and
    their source as a ``RelatedSource`` value: MODEL when the query model's predictions
    are among them, otherwise the reason they are not.

    Without an active query model this is the co-occurrence list alone. With
    one, the two rankings merge by reciprocal rank fusion, so a term both
    sources propose ranks first, and near-duplicates keep their best-ranked form.
    A term that another term of the list contains (撮影 beside スマホ撮影) is
    dropped unless it is a known search. Both lists pass the quality rules of
    ``related_quality`` first, so the list may be shorter than ``limit``.
    """
    from lstm_engine.queries import bigram_jaccard

    cooccurring = related_keywords_screen(
        site=site,
        keywords=keywords,
        candidates=_usable_terms(
            related_keywords_suggest(site=site, keywords=keywords, language=language, limit=limit),
            language,
        ),
    )
    from seoassist.drafting.models import RelatedSource

    predictions = related_searches_predict(site=site, keywords=keywords)
    searches = related_keywords_screen(
        site=site,
        keywords=keywords,
        candidates=_usable_terms([item.text for item in predictions], language),
    )
    known = related_evidence_get(site).known_searches if cooccurring or searches else frozenset()
    if not searches:
        source = RelatedSource.ARTICLES if predictions or _query_model_active(site) else RelatedSource.NO_MODEL
        return _without_contained(cooccurring, known), source
    fused: dict[str, float] = {}
    # The articles' own spelling wins over the query model's case-folded one ("SPF", not "spf").
    display: dict[str, str] = {normalize_keyword(text): text for text in cooccurring}
    for ranking in (searches, cooccurring):
        for rank, text in enumerate(ranking):
            key = normalize_keyword(text)
            fused[key] = fused.get(key, 0.0) + 1.0 / (FUSION_CONSTANT + rank)
            display.setdefault(key, text)
    requested = {normalize_keyword(k).replace(" ", "") for k in keywords}
    merged: list[str] = []
    for key in sorted(fused, key=lambda k: (-fused[k], k)):
        if key.replace(" ", "") in requested:
            continue
        if any(
            bigram_jaccard(key, normalize_keyword(other)) >= NEAR_DUPLICATE_SIMILARITY for other in merged
        ):
            continue
        merged.append(display[key])
    remaining = _without_contained(merged[:limit], known)
    predicted = {normalize_keyword(text) for text in searches}
    from_model = any(normalize_keyword(text) in predicted for text in remaining)
    return remaining, RelatedSource.MODEL if from_model else RelatedSource.ARTICLES


def _query_model_active(site: Site) -> bool:
    from seoassist.engine.models import ModelKind, ModelVersion

    return ModelVersion.objects.filter(site=site, kind=ModelKind.QUERY_MODEL, is_active=True).exists()


def _without_contained(terms: list[str], known_searches: frozenset[str]) -> list[str]:
    """Drop each term that another term of ``terms`` contains, unless it is a known search.

    Japanese terms are compared without spaces, English ones word by word.
    """

    def form(text: str) -> str:
        normalized = normalize_keyword(text)
        return normalized.replace(" ", "") if contains_japanese(normalized) else f" {normalized} "

    forms = [form(text) for text in terms]
    known_forms = {form(text) for text in known_searches}
    remaining = []
    for index, text in enumerate(terms):
        others = forms[:index] + forms[index + 1 :]
        contained = any(other != forms[index] and forms[index] in other for other in others)
        if not contained or forms[index] in known_forms:
            remaining.append(text)
    return remaining


def related_keywords_screen(
    *, site: Site, keywords: Sequence[str], candidates: Sequence[str]
) -> list[str]:
    """Return the candidates that pass the related keyword quality rules for ``keywords``, in order."""
    if not candidates:
        return []
    return related_keywords_filter(candidates, keywords, related_evidence_get(site))


def related_evidence_get(site: Site) -> RelatedEvidence:
    """Return the site's related keyword evidence, rebuilt only when its texts have changed.

    The fingerprint counts the articles, tracked keywords, Trends related queries and
    Search Console query rows and takes their latest update time.
    NOTE: a bulk ``QuerySet.update`` does not move ``updated_at``, so evidence built
    before such an update stays in use until a row is added, removed or saved.
    """
    fingerprint = _evidence_fingerprint(site)
    with _evidence_cache_lock:
        cached = _evidence_cache.get(site.pk)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    evidence = _evidence_build(site)
    with _evidence_cache_lock:
        _evidence_cache[site.pk] = (fingerprint, evidence)
    logger.info(
        "Built related keyword evidence for site %s: %d documents, %d words, %d searches",
        site.pk, len(evidence.documents), len(evidence.vocabulary), len(evidence.known_searches),
    )
    return evidence


def _search_query_rows(site: Site):
    from seoassist.trends.models import SearchQueryStat, SearchTable

    return SearchQueryStat.objects.filter(site=site, table=SearchTable.QUERY)


def _evidence_fingerprint(site: Site) -> tuple:
    parts: list = [site.created_at]
    for queryset in (
        site.articles.all(),
        site.keywords.all(),
        site.related_queries.all(),
        _search_query_rows(site),
    ):
        totals = queryset.aggregate(count=Count("pk"), latest=Max("updated_at"))
        parts += [totals["count"], totals["latest"]]
    return tuple(parts)


def _evidence_build(site: Site) -> RelatedEvidence:
    from seoassist.engine.services import markdown_blocks

    searches: list[str] = list(site.keywords.values_list("text", flat=True))
    for seed, query in site.related_queries.values_list("seed", "query"):
        searches += [seed, query]
    searches += list(_search_query_rows(site).values_list("key", flat=True))
    articles = []
    for title, body in site.articles.order_by("id").values_list("title", "body").iterator():
        headings = [text for kind, text in markdown_blocks(body) if kind == "heading"]
        articles.append((title, body, headings))
    return RelatedEvidence.build(searches=searches, articles=articles)


def _usable_terms(terms: list[str], language: str) -> list[str]:
    """Keep the terms that can head a section of a draft in ``language``.

    The query model learns from titles and headings as well as keywords, so some of
    its suggestions are whole titles or sentences, and the articles of a mixed site
    list keywords in both scripts. Dropped: terms longer than a drafting keyword may
    be, Japanese terms that end like a sentence, terms without kana or kanji for a
    Japanese draft, and for an English draft, terms with them and terms that are one
    weak word alone (``_WEAK_ENGLISH_TERMS``).
    """
    from lstm_engine.drafting import KEYWORD_MAX_CHARACTERS
    from lstm_engine.tokenizer import normalize_text

    limit = KEYWORD_MAX_CHARACTERS.get(language, max(KEYWORD_MAX_CHARACTERS.values()))
    usable = []
    for term in terms:
        # Measured as the drafting spec measures its keywords.
        text = normalize_text(term)
        if not text or len(text) > limit:
            continue
        if language == "ja" and (not contains_japanese(text) or text.endswith(_SENTENCE_ENDINGS)):
            continue
        if language == "en" and (
            contains_japanese(text) or normalize_keyword(text) in _WEAK_ENGLISH_TERMS
        ):
            continue
        usable.append(term)
    if len(usable) < len(terms):
        logger.info(
            "Dropped %d of %d related terms that cannot head a section of a draft in language %r",
            len(terms) - len(usable), len(terms), language,
        )
    return usable


def related_searches_predict(*, site: Site, keywords: list[str]) -> list[RelatedSearch]:
    """Predict the searches around each keyword with the site's active query model.

    Returns an empty list when the site has no active query model. Suggestions
    are ranked by the model's likelihood times the forecast demand of the term
    when the site tracks it.
    """
    from seoassist.engine.services import query_model_for_site
    from seoassist.trends.models import Keyword

    loaded = query_model_for_site(site)
    if loaded is None:
        return []
    _version, model = loaded
    best: dict[str, float] = {}
    for keyword in keywords:
        if not normalize_keyword(keyword):
            continue
        for suggestion in model.suggest(keyword, limit=SUGGESTIONS_PER_SEED):
            best[suggestion.text] = max(best.get(suggestion.text, 0.0), suggestion.likelihood)
    tracked = {
        item.normalized: item
        for item in Keyword.objects.filter(
            site=site, normalized__in=[normalize_keyword(t) for t in best]
        ).select_related("forecast")
    }
    searches = []
    for text, likelihood in best.items():
        demand, direction = _forecast_demand(tracked.get(normalize_keyword(text)))
        searches.append(
            RelatedSearch(text=text, likelihood=likelihood, demand=demand, direction=direction)
        )
    searches.sort(key=lambda item: (-item.rank_score, item.text))
    logger.info("Query model proposed %d related searches for site %s", len(searches), site.pk)
    return searches


def _forecast_demand(keyword) -> tuple[float | None, str]:
    """Return the mean forecast median (0 to 100) and the direction of a tracked keyword."""
    forecast = getattr(keyword, "forecast", None) if keyword is not None else None
    if forecast is None or not forecast.points:
        return None, ""
    medians = [point["p50"] for point in forecast.points if point.get("p50") is not None]
    if not medians:
        return None, forecast.direction
    return sum(medians) / len(medians), forecast.direction


def related_keywords_suggest(*, site: Site, keywords: list[str], language: str, limit: int = 6) -> list[str]:
    """Rank terms that co-occur with the keywords in the site's articles.

    A term scores by how many articles mentioning a requested keyword also list it
    as one of their own keywords, counting articles that name the keyword in
    their title three times. Its rarity across the corpus (a tf-idf style weight)
    multiplies the score, so generic terms sink.

    Article keywords fold English plurals to the singular. For an English draft, a
    term that the site's texts never contain as written is shown as the articles
    listing it write it ("autumn leaves", not "autumn leaf"), and a term with the same
    content words as a requested keyword counts as that keyword.
    """
    requested = [normalize_keyword(k) for k in keywords]
    excluded = set(requested)
    if language == "en":
        excluded.update(
            " ".join(content_terms(keyword, "en"))
            for keyword in requested
            if not contains_japanese(keyword)
        )
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
        if not term or term in excluded or count < MINIMUM_WEIGHT:
            continue
        idf = math.log((1 + len(articles)) / (1 + document_frequency[term])) + 1
        scores[term] = count * idf
    ranked = sorted(scores, key=lambda term: (-scores[term], term))[:limit]
    if language == "en":
        written = _written_forms(
            site, [term for term in ranked if not contains_japanese(term)], articles
        )
        display.update(written)
    return [display[term] for term in ranked]


def _written_forms(site: Site, terms: list[str], articles: list[tuple]) -> dict[str, str]:
    """Map each term that the site's texts never contain as written to its commonest written form.

    The written forms are taken from the title and body of the ``articles`` that list
    the term as a keyword. A term that they do not contain in any form is left out.
    NOTE: keywords stored before a folding rule changed ("autumn leave") match no
    written form under the current rules, so they are shown as stored.
    """
    documents = related_evidence_get(site).documents
    missing = set()
    for term in terms:
        pattern = phrase_pattern(term)
        if not any(document.contains_pattern(pattern) for document in documents):
            missing.add(term)
    if not missing:
        return {}
    counts: dict[str, Counter[str]] = {}
    for title, body, article_keywords in articles:
        listed = missing & {normalize_keyword(term) for term in article_keywords or []}
        if not listed:
            continue
        # The title and each line of the body are separate texts, as they were for the keywords.
        for text in [title, *body.splitlines()]:
            for phrase, forms in english_written_forms(text, listed).items():
                counts.setdefault(phrase, Counter()).update(forms)
    return {phrase: forms.most_common(1)[0][0] for phrase, forms in counts.items()}
